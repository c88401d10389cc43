using CoeInsights.Analytics.Surveys;
using CoeInsights.Analytics.Tests.Scoring;
using FsCheck.Xunit;

namespace CoeInsights.Analytics.Tests.Surveys;

/// <summary>Invariants over random surveys (FsCheck picks the seed; the survey is built from it so failures reproduce).</summary>
public sealed class SurveyPropertyTests
{
    private static readonly double[] Saaty = [1.0 / 9, 1.0 / 8, 1.0 / 7, 1.0 / 6, 1.0 / 5, 1.0 / 4, 1.0 / 3, 1.0 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    private static SurveyQuestion[] Importance(int criteria, int points) =>
        Enumerable.Range(0, criteria).Select(j => new SurveyQuestion { Id = $"i{j}", Kind = QuestionKind.Likert, ScalePoints = points, CriterionId = $"c{j}" }).ToArray();

    /// <summary>Random ratings (about 10% missing) from 1–4 departments of random size.</summary>
    private static SurveyResponse[] RandomRatings(Random rng, SurveyQuestion[] questions, int[] departmentSizes, double missing = 0.1)
    {
        var list = new List<SurveyResponse>();
        for (var d = 0; d < departmentSizes.Length; d++)
            for (var k = 0; k < departmentSizes[d]; k++)
                list.Add(new SurveyResponse
                {
                    RespondentId = $"d{d}r{k}", Department = $"dept{d}",
                    Answers = questions.Where(_ => rng.NextDouble() >= missing)
                        .ToDictionary(q => q.Id, q => SurveyAnswer.Likert(rng.Next(1, q.ScalePoints + 1))),
                });
        return list.ToArray();
    }

    /// <summary>Every case derives weights: one respondent (at a random place) always rates every criterion, the others
    /// skip about 10%. The weights are checked against the listwise means worked out here, not only for summing to 1.</summary>
    [Property(MaxTest = 200)]
    public void DerivedImportanceWeightsAreNormalisedListwiseMeans(int seed)
    {
        var rng = new Random(seed);
        var questions = Importance(rng.Next(2, 8), rng.Next(2) == 0 ? 5 : 7);
        var sizes = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 8)).ToArray();
        var responses = RandomRatings(rng, questions, sizes);
        var complete = rng.Next(responses.Length);
        responses[complete] = responses[complete] with
        {
            Answers = questions.ToDictionary(q => q.Id, q => SurveyAnswer.Likert(rng.Next(1, q.ScalePoints + 1))),
        };

        var w = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest { Questions = questions, Responses = responses, Method = WeightDerivationMethod.ImportanceRatings });

        var used = responses.Where(r => questions.All(q => r.Answers.ContainsKey(q.Id))).ToArray();
        double[] Normalised(IEnumerable<double> means) { var m = means.ToArray(); return m.Select(x => x / m.Sum()).ToArray(); }
        double[] Means(IReadOnlyCollection<SurveyResponse> group) => questions.Select(q => group.Average(r => r.Answers[q.Id].Value!.Value)).ToArray();
        var departments = used.GroupBy(r => r.Department).Select(g => Means(g.ToArray())).ToArray();
        Vectors.AllNear(Normalised(Means(used)), w.PlainWeights, 1e-12, "plain = normalised mean rating over complete respondents");
        Vectors.AllNear(Normalised(questions.Select((_, j) => departments.Average(d => d[j]))), w.BalancedWeights, 1e-12, "balanced = normalised mean of department means");
        Assert.Equal(w.BalancedWeights, w.Weights); // department-balanced by default
        Vectors.Near(1, w.PlainWeights.Sum(), 1e-12, "plain");
        Vectors.Near(1, w.BalancedWeights.Sum(), 1e-12, "balanced");
        Assert.All(w.Departments, d => Vectors.Near(1, d.Weights.Sum(), 1e-12, d.Department));
        Assert.All(w.Weights, x => Assert.True(x > 0));
        Assert.Equal(used.Select(r => r.RespondentId), w.UsedRespondents);
        Assert.Equal(responses.Length, w.UsedRespondents.Count + w.ExcludedRespondents.Count);
    }

    /// <summary>The precondition the property above always meets, failing: nobody rated every criterion.</summary>
    [Property(MaxTest = 50)]
    public void RefusesImportanceWeightsGivenNoCompleteRespondent(int seed)
    {
        var rng = new Random(seed);
        var questions = Importance(rng.Next(2, 8), 5);
        var responses = RandomRatings(rng, questions, Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 8)).ToArray())
            .Select(r =>
            {
                var skipped = questions[rng.Next(questions.Length)].Id; // everyone skips at least this one
                return r with { Answers = r.Answers.Where(a => a.Key != skipped).ToDictionary() };
            })
            .ToArray();

        var e = Assert.Throws<InvalidInputException>(() =>
            SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest { Questions = questions, Responses = responses, Method = WeightDerivationMethod.ImportanceRatings }));

        Assert.Equal("responses", Assert.Single(e.Violations).Field);
    }

    [Property(MaxTest = 60)]
    public void DerivedPairwiseWeightsSumToOne(int seed)
    {
        var rng = new Random(seed);
        var n = rng.Next(2, 7);
        var question = new SurveyQuestion { Id = "pw", Kind = QuestionKind.Pairwise, Options = Enumerable.Range(0, n).Select(j => $"c{j}").ToArray() };
        var responses = Enumerable.Range(0, rng.Next(1, 9)).Select(i => new SurveyResponse
        {
            RespondentId = $"r{i}", Department = $"dept{rng.Next(3)}",
            Answers = new Dictionary<string, SurveyAnswer> { ["pw"] = SurveyAnswer.Pairwise(Enumerable.Range(0, n * (n - 1) / 2).Select(_ => Saaty[rng.Next(Saaty.Length)]).ToArray()) },
        }).ToArray();

        var w = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = [question], Responses = responses, Method = WeightDerivationMethod.PairwiseJudgements,
            Options = new SurveyOptions { ExcludeInconsistentRespondents = false },
        });

        Vectors.Near(1, w.Weights.Sum(), 1e-9, "weights");
        Vectors.Near(1, w.PlainWeights.Sum(), 1e-9, "plain");
        Assert.All(w.Departments, d => Vectors.Near(1, d.Weights.Sum(), 1e-9, d.Department));
    }

    /// <summary>Equal department sizes: the geometric mean of the department geometric means is the overall geometric mean, so
    /// balanced pairwise weights equal the plain group weights.</summary>
    [Property(MaxTest = 40)]
    public void BalancedPairwiseEqualsPlainGivenEqualDepartmentCounts(int seed)
    {
        var rng = new Random(seed);
        var n = rng.Next(2, 6);
        var size = rng.Next(1, 4);
        var departments = rng.Next(1, 4);
        var question = new SurveyQuestion { Id = "pw", Kind = QuestionKind.Pairwise, Options = Enumerable.Range(0, n).Select(j => $"c{j}").ToArray() };
        var responses = Enumerable.Range(0, size * departments).Select(i => new SurveyResponse
        {
            RespondentId = $"r{i}", Department = $"dept{i % departments}",
            Answers = new Dictionary<string, SurveyAnswer> { ["pw"] = SurveyAnswer.Pairwise(Enumerable.Range(0, n * (n - 1) / 2).Select(_ => Saaty[rng.Next(Saaty.Length)]).ToArray()) },
        }).ToArray();

        var w = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = [question], Responses = responses, Method = WeightDerivationMethod.PairwiseJudgements,
            Options = new SurveyOptions { ExcludeInconsistentRespondents = false },
        });

        Vectors.AllNear(w.PlainWeights, w.BalancedWeights, 1e-9, "balanced vs plain");
    }

    /// <summary>When every department has the same number of (complete) respondents, balancing changes nothing.</summary>
    [Property(MaxTest = 200)]
    public void BalancedEqualsPlainGivenEqualDepartmentCounts(int seed)
    {
        var rng = new Random(seed);
        var questions = Importance(rng.Next(2, 6), 5);
        var size = rng.Next(1, 6);
        var responses = RandomRatings(rng, questions, Enumerable.Repeat(size, rng.Next(1, 5)).ToArray(), missing: 0);

        var w = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest { Questions = questions, Responses = responses, Method = WeightDerivationMethod.ImportanceRatings });
        var results = SurveyAnalysis.Analyze(new SurveyResultsRequest { Questions = questions, Responses = responses });

        Vectors.AllNear(w.PlainWeights, w.BalancedWeights, 1e-12, "weights");
        Assert.All(results.Questions, q =>
        {
            Vectors.Near(q.Numeric!.Mean, q.Numeric.BalancedMean, 1e-12, "mean");
            Vectors.Near(q.Likert!.TopTwoBox, q.Likert.BalancedTopTwoBox, 1e-12, "top-2-box");
            Vectors.AllNear(q.Distribution.Select(d => d.Share).ToArray(), q.Distribution.Select(d => d.BalancedShare).ToArray(), 1e-12, "shares");
        });
    }

    [Property]
    public void ReverseKeyingTwiceIsIdentity(bool sevenPoints, int raw)
    {
        var points = sevenPoints ? 7 : 5;
        var x = 1 + Math.Abs(raw % points);
        Assert.Equal(x, Descriptives.ReverseKey(Descriptives.ReverseKey(x, 1, points), 1, points));
        Assert.InRange(Descriptives.ReverseKey(x, 1, points), 1, points);
    }

    /// <summary>A reverse-keyed item answered x has exactly the statistics of a plain item answered (1 + points) − x, and its
    /// top-2-box is the plain item's bottom-2-box read the other way round.</summary>
    [Property(MaxTest = 100)]
    public void ReverseKeyedItemMirrorsPlainItem(int seed)
    {
        var rng = new Random(seed);
        var points = rng.Next(2) == 0 ? 5 : 7;
        var answers = Enumerable.Range(0, rng.Next(1, 20)).Select(_ => rng.Next(1, points + 1)).ToArray();
        SurveyQuestion[] questions =
        [
            new() { Id = "rev", Kind = QuestionKind.Likert, ScalePoints = points, ReverseKeyed = true },
            new() { Id = "raw", Kind = QuestionKind.Likert, ScalePoints = points },
        ];
        var responses = answers.Select((x, i) => new SurveyResponse
        {
            RespondentId = $"r{i}", Department = $"d{i % 3}",
            Answers = new Dictionary<string, SurveyAnswer> { ["rev"] = SurveyAnswer.Likert(x), ["raw"] = SurveyAnswer.Likert(points + 1 - x) },
        }).ToArray();

        var results = SurveyAnalysis.Analyze(new SurveyResultsRequest { Questions = questions, Responses = responses });

        Assert.Equal(results.Questions[1].Numeric, results.Questions[0].Numeric);
        Assert.Equal(results.Questions[1].Distribution, results.Questions[0].Distribution);
        var direct = results.Questions[1].Likert!;
        Assert.Equal(direct with { ReverseKeyed = true }, results.Questions[0].Likert);
    }

    /// <summary>Every ranking, complete or partial, hands out n(n − 1)/2 Borda points.</summary>
    [Property(MaxTest = 200)]
    public void BordaPointsTotalIsConstantPerRanking(int seed)
    {
        var rng = new Random(seed);
        var n = rng.Next(2, 8);
        var options = Enumerable.Range(0, n).Select(j => $"o{j}").ToArray();
        var rankings = Enumerable.Range(0, rng.Next(1, 15))
            .Select(_ => (IReadOnlyList<string>)options.OrderBy(_ => rng.Next()).Take(rng.Next(1, n + 1)).ToArray()).ToArray();

        var result = RankingAggregation.Borda(options, rankings);

        Vectors.Near(rankings.Length * n * (n - 1) / 2.0, result.Options.Sum(o => o.BordaPoints), 1e-9, "total points");
        Vectors.Near((n + 1) / 2.0, result.Options.Average(o => o.MeanRank), 1e-9, "mean of mean ranks");
    }
}
