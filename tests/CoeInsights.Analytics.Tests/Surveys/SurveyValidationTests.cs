using CoeInsights.Analytics.Surveys;

namespace CoeInsights.Analytics.Tests.Surveys;

/// <summary>Bad input → <see cref="InvalidInputException"/> listing every bad field with its path.</summary>
public sealed class SurveyValidationTests
{
    private static readonly SurveyQuestion[] Questions =
    [
        new() { Id = "q1", Kind = QuestionKind.Likert },
        new() { Id = "q2", Kind = QuestionKind.Nps },
        new() { Id = "q3", Kind = QuestionKind.Pairwise, Options = ["a", "b", "c"] },
        new() { Id = "q4", Kind = QuestionKind.Number, Minimum = 0, Maximum = 10 },
        new() { Id = "q5", Kind = QuestionKind.SingleChoice, Options = ["x", "y"] },
    ];

    private static SurveyResponse R(string id, params (string Q, SurveyAnswer A)[] answers) =>
        new() { RespondentId = id, Department = "Social", Answers = answers.ToDictionary(a => a.Q, a => a.A) };

    private static InvalidInputException Fails(IReadOnlyList<SurveyResponse> responses, IReadOnlyList<SurveyQuestion>? questions = null,
        IReadOnlyList<SurveyScale>? scales = null, IReadOnlyList<DepartmentInvitation>? invitations = null, SurveyOptions? options = null) =>
        Assert.Throws<InvalidInputException>(() => SurveyAnalysis.Analyze(new SurveyResultsRequest
        {
            Questions = questions ?? Questions, Responses = responses, Scales = scales ?? [], Invitations = invitations ?? [], Options = options ?? new(),
        }));

    [Fact]
    public void ReportsWrongKindGivenNpsAnswerToLikertQuestion()
    {
        var e = Fails([R("r1"), R("r2"), R("r3"), R("r4", ("q1", SurveyAnswer.Nps(9)))]);
        var v = Assert.Single(e.Violations);
        Assert.Equal("responses[3].answers[q1]", v.Field);
        Assert.Contains("Nps answer to a Likert question", v.Description);
    }

    [Fact]
    public void ReportsOutOfRangeAndNonFiniteValues()
    {
        var e = Fails([R("r1", ("q1", SurveyAnswer.Likert(6)), ("q2", SurveyAnswer.Nps(10.5)), ("q4", SurveyAnswer.Number(double.PositiveInfinity))),
            R("r2", ("q1", SurveyAnswer.Likert(double.NaN)), ("q4", SurveyAnswer.Number(11)))]);
        Assert.Equal(["responses[0].answers[q1]", "responses[0].answers[q2]", "responses[0].answers[q4]", "responses[1].answers[q1]", "responses[1].answers[q4]"],
            e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ReportsUnknownQuestionAndUnknownOption()
    {
        var e = Fails([R("r1", ("q9", SurveyAnswer.Likert(3)), ("q5", SurveyAnswer.SingleChoice("w")))]);
        Assert.Equal(["responses[0].answers[q5][0]", "responses[0].answers[q9]"], e.Violations.Select(v => v.Field));
        Assert.Contains("unknown question 'q9'", e.Violations[1].Description);
    }

    [Fact]
    public void ReportsDuplicateRespondent()
    {
        var e = Fails([R("r1"), R("r2"), R("r1")]);
        var v = Assert.Single(e.Violations);
        Assert.Equal("responses[2].respondent_id", v.Field);
        Assert.Contains("responses[0]", v.Description);
    }

    [Fact]
    public void ReportsBadPairwiseJudgements()
    {
        var e = Fails([R("r1", ("q3", SurveyAnswer.Pairwise(3, 2.5, 1))), R("r2", ("q3", SurveyAnswer.Pairwise(3, 1)))]);
        Assert.Equal(["responses[0].answers[q3][1]", "responses[1].answers[q3]"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ReportsBadQuestions()
    {
        SurveyQuestion[] questions =
        [
            new() { Id = "q1", Kind = QuestionKind.Likert, ScalePoints = 4 },
            new() { Id = "q1", Kind = QuestionKind.Nps, ReverseKeyed = true },
            new() { Id = "q3", Kind = QuestionKind.Ranking, Options = ["a", "a"] },
            new() { Id = "q4", Kind = QuestionKind.Number, Minimum = 5, Maximum = 1 },
        ];
        var e = Fails([], questions);
        Assert.Equal(["questions[0].scale_points", "questions[1].id", "questions[1].reverse_keyed", "questions[2].options[1]", "questions[3].maximum"],
            e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ReportsScaleWithFewerThanTwoItemsOrNonNumericItem()
    {
        var e = Fails([], scales: [new SurveyScale { Id = "s1", QuestionIds = ["q1"] }, new SurveyScale { Id = "s2", QuestionIds = ["q1", "q5", "zz"] }]);
        Assert.Equal(["scales[0].question_ids", "scales[1].question_ids[1]", "scales[1].question_ids[2]"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ReportsUninvitedDepartmentAndMoreResponsesThanInvitations()
    {
        var e = Fails([R("r1"), R("r2"), new SurveyResponse { RespondentId = "r3", Department = "Legal", Answers = new Dictionary<string, SurveyAnswer>() }],
            invitations: [new("Social", 1)]);
        Assert.Equal(["responses[2].department", "invitations[0].invited"], e.Violations.Select(v => v.Field));
    }

    /// <summary>0 invited is an uncounted department (the survey accepts any number there): its responses are no error, its
    /// rate is null, and neither its invitations nor its responses enter the overall rate.</summary>
    [Fact]
    public void CountsNoRateGivenDepartmentWithZeroInvited()
    {
        var results = SurveyAnalysis.Analyze(new SurveyResultsRequest
        {
            Questions = [new SurveyQuestion { Id = "q", Kind = QuestionKind.Number }],
            Responses = new[] { "a", "b", "c" }.Select((id, i) => new SurveyResponse
                { RespondentId = id, Department = i == 0 ? "Social" : "Open", Answers = new Dictionary<string, SurveyAnswer> { ["q"] = SurveyAnswer.Number(i) } }).ToArray(),
            Invitations = [new("Social", 4), new("Open", 0)],
        });
        Assert.Equal(new double?[] { 0.25, null }, results.ResponseRates.Select(r => r.Rate));
        Assert.Equal([1, 2], results.ResponseRates.Select(r => r.Responded));
        Assert.Equal(0.25, results.OverallResponseRate);
        Assert.Equal(3, results.Respondents);
    }

    [Fact]
    public void ReportsBadOptions()
    {
        var e = Fails([], options: new SurveyOptions { ConfidenceLevel = 1, MaxConsistencyRatio = double.NaN });
        Assert.Equal(["options.confidence_level", "options.max_consistency_ratio"], e.Violations.Select(v => v.Field));
    }
}
