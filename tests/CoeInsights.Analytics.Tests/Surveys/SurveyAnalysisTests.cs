using CoeInsights.Analytics.Surveys;
using CoeInsights.Analytics.Tests.Scoring;

namespace CoeInsights.Analytics.Tests.Surveys;

/// <summary>GetSurveyResults on a small hand-computed survey (no published example covers distributions, top-2-box or
/// department balancing together; every expected number below is worked out in the comments).</summary>
public sealed class SurveyAnalysisTests
{
    private static readonly SurveyQuestion[] Questions =
    [
        new() { Id = "q1", Kind = QuestionKind.Likert },
        new() { Id = "q2", Kind = QuestionKind.Likert, ReverseKeyed = true },
        new() { Id = "q3", Kind = QuestionKind.Nps },
        new() { Id = "q4", Kind = QuestionKind.SingleChoice, Options = ["x", "y", "z"] },
        new() { Id = "q5", Kind = QuestionKind.MultipleChoice, Options = ["x", "y", "z"] },
        new() { Id = "q6", Kind = QuestionKind.Ranking, Options = ["a", "b", "c"] },
        new() { Id = "q7", Kind = QuestionKind.Number, Minimum = 0, Maximum = 100 },
        new() { Id = "q8", Kind = QuestionKind.FreeText },
        new() { Id = "q9", Kind = QuestionKind.Likert, ScalePoints = 7 },
    ];

    private static SurveyResponse R(string id, string department, params (string Q, SurveyAnswer A)[] answers) =>
        new() { RespondentId = id, Department = department, Answers = answers.ToDictionary(a => a.Q, a => a.A) };

    private static readonly SurveyResponse[] Responses =
    [
        R("r1", "A", ("q1", SurveyAnswer.Likert(5)), ("q2", SurveyAnswer.Likert(1)), ("q3", SurveyAnswer.Nps(10)), ("q4", SurveyAnswer.SingleChoice("x")),
            ("q5", SurveyAnswer.MultipleChoice("x", "y")), ("q6", SurveyAnswer.Ranking("a", "b", "c")), ("q7", SurveyAnswer.Number(10)), ("q8", SurveyAnswer.FreeText("hi")),
            ("q9", SurveyAnswer.Likert(7))),
        R("r2", "A", ("q1", SurveyAnswer.Likert(4)), ("q2", SurveyAnswer.Likert(2)), ("q3", SurveyAnswer.Nps(9)), ("q4", SurveyAnswer.SingleChoice("x")),
            ("q5", SurveyAnswer.MultipleChoice("x")), ("q6", SurveyAnswer.Ranking("b", "a", "c")), ("q7", SurveyAnswer.Number(20)), ("q9", SurveyAnswer.Likert(5))),
        R("r3", "A", ("q1", SurveyAnswer.Likert(4)), ("q2", SurveyAnswer.Likert(2)), ("q3", SurveyAnswer.Nps(7)), ("q4", SurveyAnswer.SingleChoice("y")),
            ("q5", SurveyAnswer.MultipleChoice("z")), ("q6", SurveyAnswer.Ranking("a")), ("q7", SurveyAnswer.Number(30)), ("q9", SurveyAnswer.Likert(6))),
        R("r4", "B", ("q1", SurveyAnswer.Likert(1)), ("q2", SurveyAnswer.Likert(5)), ("q3", SurveyAnswer.Nps(3)), ("q4", SurveyAnswer.SingleChoice("z")),
            ("q5", SurveyAnswer.MultipleChoice("x", "z")), ("q6", SurveyAnswer.Ranking("c", "b", "a")), ("q7", SurveyAnswer.Number(40))),
        R("r5", "B", ("q8", SurveyAnswer.FreeText("no opinion"))),
    ];

    private static SurveyResults Analyze() => SurveyAnalysis.Analyze(new SurveyResultsRequest
    {
        Questions = Questions,
        Responses = Responses,
        Invitations = [new("A", 4), new("B", 2), new("C", 5)],
        Scales = [new SurveyScale { Id = "s", QuestionIds = ["q1", "q2"] }],
    });

    /// <summary>q1 answers 5, 4, 4 (A) and 1 (B), r5 missing: mean 3.5, median (4 + 4)/2 = 4, sd √(9/3) = √3, top-2-box 3/4,
    /// bottom-2-box 1/4; balanced mean (13/3 + 1)/2 = 8/3, balanced top-2-box (1 + 0)/2, balanced bottom-2-box (0 + 1)/2.</summary>
    [Fact]
    public void ReturnsLikertStatisticsGivenHandComputedAnswers()
    {
        var q1 = Analyze().Questions[0];

        Assert.Equal((4, 1), (q1.Answered, q1.Missing));
        var n = q1.Numeric!;
        Vectors.Near(3.5, n.Mean, 1e-12, "mean");
        Vectors.Near(4, n.Median, 1e-12, "median");
        Vectors.Near(Math.Sqrt(3), n.StandardDeviation!.Value, 1e-12, "sd");
        Vectors.Near(8.0 / 3, n.BalancedMean, 1e-12, "balanced mean");
        var l = q1.Likert!;
        Vectors.AllNear([0.75, 0.25, 0.5, 0.5], [l.TopTwoBox, l.BottomTwoBox, l.BalancedTopTwoBox, l.BalancedBottomTwoBox], 1e-12, "boxes");
        Assert.Equal(["1", "2", "3", "4", "5"], q1.Distribution.Select(d => d.Category));
        Assert.Equal([1, 0, 0, 2, 1], q1.Distribution.Select(d => d.Count));
        Vectors.AllNear([0.25, 0, 0, 0.5, 0.25], q1.Distribution.Select(d => d.Share).ToArray(), 1e-12, "shares");
        Vectors.Near((2.0 / 3 + 0) / 2, q1.Distribution[3].BalancedShare, 1e-12, "balanced share of 4");
        Assert.Equal(["A", "B"], q1.Departments.Select(d => d.Department));
        Vectors.AllNear([13.0 / 3, 1], q1.Departments.Select(d => d.Mean).ToArray(), 1e-12, "department means");
    }

    /// <summary>q2 is reverse-keyed and answered 1, 2, 2, 5: recoded 6 − x = 5, 4, 4, 1, so every statistic equals q1's.</summary>
    [Fact]
    public void RecodesReverseKeyedItemGivenMirroredAnswers()
    {
        var results = Analyze();
        var (q1, q2) = (results.Questions[0], results.Questions[1]);

        Assert.True(q2.Likert!.ReverseKeyed);
        Assert.Equal(q1.Numeric, q2.Numeric);
        Assert.Equal(q1.Distribution, q2.Distribution);
        Assert.Equal(q1.Likert! with { ReverseKeyed = true }, q2.Likert);
    }

    /// <summary>7-point item: top-2-box is 6–7. Answers 7, 5, 6 → 2/3; bottom-2-box (1–2) → 0.</summary>
    [Fact]
    public void UsesSixAndSevenAsTopTwoBoxGivenSevenPointItem()
    {
        var q9 = Analyze().Questions[8];

        Vectors.Near(2.0 / 3, q9.Likert!.TopTwoBox, 1e-12, "top-2-box");
        Assert.Equal(0, q9.Likert.BottomTwoBox);
        Assert.Equal(7, q9.Distribution.Count);
        Assert.Equal(2, q9.Missing);
    }

    /// <summary>q3 answers 10, 9, 7 (A) and 3 (B): 2 promoters, 1 passive, 1 detractor of 4 → NPS 25,
    /// SE = 100 √((0.5 + 0.25 − 0.25²)/4) = 41.4578…; balanced: A p = 2/3, d = 0; B p = 0, d = 1 → 100 (1/3 − 1/2).</summary>
    [Fact]
    public void ReturnsNpsAndBalancedNpsGivenHandComputedAnswers()
    {
        var q3 = Analyze().Questions[2];

        var nps = q3.Nps!;
        Vectors.Near(25, nps.Score, 1e-12, "NPS");
        Vectors.Near(100 * Math.Sqrt(0.6875 / 4), nps.StandardError, 1e-12, "SE");
        Vectors.Near(100 * (1.0 / 3 - 0.5), nps.BalancedScore!.Value, 1e-12, "balanced NPS");
        Assert.Equal(11, q3.Distribution.Count);
        Vectors.AllNear([100.0 * 2 / 3, -100], q3.Departments.Select(d => d.NpsScore!.Value).ToArray(), 1e-12, "department NPS");
    }

    /// <summary>q4 single choice x, x, y, z; q5 multiple choice {x,y}, {x}, {z}, {x,z}: shares of answering respondents.</summary>
    [Fact]
    public void ReturnsOptionSharesGivenChoiceQuestions()
    {
        var results = Analyze();
        var (q4, q5) = (results.Questions[3], results.Questions[4]);

        Assert.Equal([2, 1, 1], q4.Distribution.Select(d => d.Count));
        Vectors.AllNear([0.5, 0.25, 0.25], q4.Distribution.Select(d => d.Share).ToArray(), 1e-12, "single shares");
        Vectors.AllNear([(2.0 / 3 + 0) / 2, (1.0 / 3 + 0) / 2, (0 + 1.0) / 2], q4.Distribution.Select(d => d.BalancedShare).ToArray(), 1e-12, "balanced");
        Assert.Equal([3, 1, 2], q5.Distribution.Select(d => d.Count));
        Vectors.AllNear([0.75, 0.25, 0.5], q5.Distribution.Select(d => d.Share).ToArray(), 1e-12, "multiple shares");
    }

    /// <summary>q6 rankings a>b>c, b>a>c, a (partial: b, c at mid-rank 2.5), c>b>a: points a 2+1+2+0 = 5, b 1+2+0.5+1 = 4.5,
    /// c 0+0+0.5+2 = 2.5.</summary>
    [Fact]
    public void ReturnsBordaGivenRankingQuestion()
    {
        var ranking = Analyze().Questions[5].Ranking!;

        Vectors.AllNear([5, 4.5, 2.5], ranking.Options.Select(o => o.BordaPoints).ToArray(), 1e-12, "points");
        Assert.Equal(["a", "b", "c"], ranking.Order);
        Assert.Equal(1, ranking.PartialRankings);
    }

    [Fact]
    public void CountsMissingAnswersSeparatelyGivenNumberAndFreeText()
    {
        var results = Analyze();

        Vectors.Near(25, results.Questions[6].Numeric!.Mean, 1e-12, "q7 mean");
        Vectors.Near(25, results.Questions[6].Numeric!.Median, 1e-12, "q7 median");
        Assert.Equal((2, 3), (results.Questions[7].Answered, results.Questions[7].Missing));
        Assert.Null(results.Questions[7].Numeric);
        Assert.Equal(5, results.Respondents);
    }

    /// <summary>Invited A 4, B 2, C 5; responded A 3, B 2, C 0 → 0.75, 1, 0; overall 5/11.</summary>
    [Fact]
    public void ReturnsResponseRatesGivenInvitations()
    {
        var results = Analyze();

        Assert.Equal([3, 2, 0], results.ResponseRates.Select(r => r.Responded));
        Vectors.AllNear([0.75, 1, 0], results.ResponseRates.Select(r => r.Rate!.Value).ToArray(), 1e-12, "rates");
        Vectors.Near(5.0 / 11, results.OverallResponseRate!.Value, 1e-12, "overall");
    }

    /// <summary>Scale {q1, q2}: q2 recoded equals q1 for every complete respondent, so the two items are identical and alpha = 1;
    /// r5 (no answers) is dropped listwise.</summary>
    [Fact]
    public void ReturnsAlphaOnRecodedItemsGivenReverseKeyedScaleItem()
    {
        var scale = Assert.Single(Analyze().Scales);

        Assert.Equal((4, 1), (scale.CompleteRespondents, scale.ExcludedRespondents));
        Vectors.Near(1, scale.Alpha!.Value, 1e-12, "alpha");
        Vectors.Near(1, scale.StandardizedAlpha!.Value, 1e-12, "standardized alpha");
    }

    [Fact]
    public void NamesConventionsGivenSurveyWithEveryKind()
    {
        var decisions = Analyze().Decisions;

        Assert.Contains(decisions, d => d.Contains("Reverse-keyed"));
        Assert.Contains(decisions, d => d.Contains("NPS"));
        Assert.Contains(decisions, d => d.Contains("Borda"));
        Assert.Contains(decisions, d => d.Contains("listwise"));
    }
}
