using System.Globalization;

namespace CoeInsights.Analytics.Surveys;

/// <summary>Entry points for SurveyService: <see cref="Analyze"/> (GetSurveyResults) and <see cref="DeriveWeights"/>.
/// Pure: plain records in, immutable records out; bad input throws <see cref="InvalidInputException"/> listing every bad field.</summary>
public static class SurveyAnalysis
{
    /// <summary>Per-question results, scale reliability and response rates. Filter responses (e.g. by department) before calling.</summary>
    /// <summary>
    /// Checks questions, scales and responses with the same rules and field paths as <see cref="Analyze"/>,
    /// without computing anything: for the domain to refuse a survey or a response before storing it.
    /// </summary>
    public static void Validate(IReadOnlyList<SurveyQuestion> questions, IReadOnlyList<SurveyScale> scales, IReadOnlyList<SurveyResponse> responses)
    {
        var v = new Validator();
        var byId = SurveyValidation.Questions(questions, v);
        SurveyValidation.Responses(responses, byId, v);
        ValidateScales(scales, byId, v);
        v.ThrowIfInvalid();
    }

    /// <summary>The options check <see cref="Analyze"/> makes (fields <c>options.confidence_level</c>, <c>options.max_consistency_ratio</c>), on its own.</summary>
    public static void ValidateOptions(SurveyOptions options, Validator v) => SurveyValidation.Options(options, v);

    public static SurveyResults Analyze(SurveyResultsRequest request)
    {
        var v = new Validator();
        var questions = SurveyValidation.Questions(request.Questions, v);
        SurveyValidation.Responses(request.Responses, questions, v);
        SurveyValidation.Options(request.Options, v);
        ValidateInvitations(request, v);
        ValidateScales(request.Scales, questions, v);
        v.ThrowIfInvalid();

        var decisions = new List<string>
        {
            "Missing answers are counted separately and never as a scale point; shares are of the respondents who answered.",
            "Department-balanced figures give each department with at least one answer the same weight (mean of department figures).",
            "Median: middle value, or the mean of the two middle values for an even count; sd: sample (n − 1).",
        };
        if (request.Questions.Any(q => q.ReverseKeyed))
            decisions.Add("Reverse-keyed Likert items are recoded (1 + points) − x before every statistic, distributions included.");
        if (request.Questions.Any(q => q.Kind == QuestionKind.Nps))
            decisions.Add(string.Create(CultureInfo.InvariantCulture, $"NPS: promoters 9–10, passives 7–8, detractors 0–6; {request.Options.ConfidenceLevel:P0} Wald interval with SE = 100·√((p + d − (p − d)²)/n), clipped to [−100, 100]."));
        if (request.Questions.Any(q => q.Kind == QuestionKind.Ranking))
            decisions.Add("Borda: r-th of n options gets n − r points; unranked options share the remaining positions (mid-rank).");
        if (request.Questions.Any(q => q.Kind == QuestionKind.Pairwise))
            decisions.Add(string.Create(CultureInfo.InvariantCulture, $"Pairwise: each respondent's AHP by the scoring engine; CR > {request.Options.MaxConsistencyRatio:0.##} is flagged") +
                (request.Options.ExcludeInconsistentRespondents ? " and left out of the group weights" : " (kept in the group weights)") +
                $"; group: {request.Options.Ahp.GroupAggregation}.");
        if (request.Scales.Count > 0)
            decisions.Add("Cronbach's alpha uses listwise deletion: only respondents who answered every item of the scale.");

        var results = request.Questions.Select(q => Question(q, request.Responses, request.Options)).ToArray();
        var scales = request.Scales.Select(s => Scale(s, questions, request.Responses)).ToArray();

        var rates = request.Invitations.Select(inv =>
        {
            var responded = request.Responses.Count(r => string.Equals(r.Department, inv.Department, StringComparison.Ordinal));
            return new DepartmentResponseRate(inv.Department, inv.Invited, responded, inv.Invited > 0 ? (double)responded / inv.Invited : null);
        }).ToArray();
        // 0 invited = not counted (the survey takes any number of respondents there): neither its invitations nor its responses
        // enter the overall rate.
        var invited = request.Invitations.Sum(i => i.Invited);
        var counted = request.Invitations.Where(i => i.Invited > 0).Select(i => i.Department).ToHashSet(StringComparer.Ordinal);
        double? overall = request.Invitations.Count > 0 && invited > 0
            ? (double)request.Responses.Count(r => counted.Contains(r.Department)) / invited
            : null;

        return new SurveyResults
        {
            Respondents = request.Responses.Count, Questions = results, Scales = scales, ResponseRates = rates,
            OverallResponseRate = overall, Decisions = decisions,
        };
    }

    /// <summary>Criterion weights from importance ratings or pairwise judgements, with the respondents used and excluded.</summary>
    public static DerivedWeights DeriveWeights(DeriveWeightsRequest request) => WeightDerivation.Derive(request);

    /// <summary>The scored value of a Likert, NPS or Number answer (reverse-keyed Likert recoded).</summary>
    internal static double Scored(SurveyQuestion q, SurveyAnswer a) =>
        q.Kind == QuestionKind.Likert && q.ReverseKeyed ? Descriptives.ReverseKey(a.Value!.Value, 1, q.ScalePoints) : a.Value!.Value;

    private static void ValidateInvitations(SurveyResultsRequest request, Validator v)
    {
        if (request.Invitations.Count == 0) return;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < request.Invitations.Count; j++)
        {
            var inv = request.Invitations[j];
            if (string.IsNullOrWhiteSpace(inv.Department)) v.Add($"invitations[{j}].department", "must not be empty");
            else if (!index.TryAdd(inv.Department, j)) v.Add($"invitations[{j}].department", $"duplicate department '{inv.Department}'");
            v.Require(inv.Invited >= 0, $"invitations[{j}].invited", $"must not be negative, got {inv.Invited}");
        }
        for (var i = 0; i < request.Responses.Count; i++)
        {
            var d = request.Responses[i]?.Department;
            if (!string.IsNullOrWhiteSpace(d) && !index.ContainsKey(d))
                v.Add($"responses[{i}].department", $"department '{d}' was not invited");
        }
        foreach (var (department, j) in index)
        {
            var responded = request.Responses.Count(r => r is not null && string.Equals(r.Department, department, StringComparison.Ordinal));
            if (request.Invitations[j].Invited > 0 && responded > request.Invitations[j].Invited)
                v.Add($"invitations[{j}].invited", $"{responded} responses from '{department}' but only {request.Invitations[j].Invited} invited");
        }
    }

    private static void ValidateScales(IReadOnlyList<SurveyScale> scales, IReadOnlyDictionary<string, SurveyQuestion> questions, Validator v)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < scales.Count; s++)
        {
            var f = $"scales[{s}]";
            if (string.IsNullOrWhiteSpace(scales[s].Id)) v.Add($"{f}.id", "must not be empty");
            else if (!ids.Add(scales[s].Id)) v.Add($"{f}.id", $"duplicate scale id '{scales[s].Id}'");
            var items = scales[s].QuestionIds;
            v.Require(items.Count >= 2, $"{f}.question_ids", $"Cronbach's alpha needs at least 2 items, got {items.Count}");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < items.Count; k++)
            {
                if (!questions.TryGetValue(items[k] ?? "", out var q)) v.Add($"{f}.question_ids[{k}]", $"unknown question '{items[k]}'");
                else if (q.Kind is not (QuestionKind.Likert or QuestionKind.Number)) v.Add($"{f}.question_ids[{k}]", $"a {q.Kind} question cannot be a scale item");
                else if (!seen.Add(items[k])) v.Add($"{f}.question_ids[{k}]", $"item '{items[k]}' listed twice");
            }
        }
    }

    private static ReliabilityResult Scale(SurveyScale scale, IReadOnlyDictionary<string, SurveyQuestion> questions, IReadOnlyList<SurveyResponse> responses)
    {
        var items = scale.QuestionIds.Select(id => questions[id]).ToArray();
        var rows = responses.Select(r => items.Select(q => r.Answers.TryGetValue(q.Id, out var a) ? (double?)Scored(q, a) : null).ToArray()).ToArray();
        var complete = rows.Where(r => r.All(x => x.HasValue)).Select(r => r.Select(x => x!.Value).ToArray()).ToArray();
        return Reliability.Compute(scale.Id, scale.QuestionIds, complete, rows.Length - complete.Length);
    }

    private static QuestionResult Question(SurveyQuestion q, IReadOnlyList<SurveyResponse> responses, SurveyOptions options)
    {
        var answered = responses.Where(r => r.Answers.ContainsKey(q.Id)).ToArray();
        var answers = answered.Select(r => r.Answers[q.Id]).ToArray();
        var departments = answered.Select(r => r.Department).ToArray();
        var result = new QuestionResult { QuestionId = q.Id, Kind = q.Kind, Answered = answered.Length, Missing = responses.Count - answered.Length };
        if (answered.Length == 0) return result;

        switch (q.Kind)
        {
            case QuestionKind.Likert:
            case QuestionKind.Nps:
            case QuestionKind.Number:
            {
                var values = answers.Select(a => Scored(q, a)).ToArray();
                result = result with { Numeric = Descriptives.Summarize(values, departments) };
                if (q.Kind == QuestionKind.Likert)
                {
                    var top = Descriptives.Shares(values, departments, x => x >= q.ScalePoints - 1);
                    var bottom = Descriptives.Shares(values, departments, x => x <= 2);
                    result = result with
                    {
                        Likert = new LikertSummary
                        {
                            ScalePoints = q.ScalePoints, ReverseKeyed = q.ReverseKeyed, TopTwoBox = top.Plain, BottomTwoBox = bottom.Plain,
                            BalancedTopTwoBox = top.Balanced, BalancedBottomTwoBox = bottom.Balanced,
                        },
                        Distribution = Points(1, q.ScalePoints, values, departments),
                    };
                }
                if (q.Kind == QuestionKind.Nps)
                {
                    var promoter = Descriptives.Shares(values, departments, x => x >= 9);
                    var detractor = Descriptives.Shares(values, departments, x => x <= 6);
                    result = result with
                    {
                        Nps = NetPromoter.Compute(values.Count(x => x >= 9), values.Count(x => x is >= 7 and < 9), values.Count(x => x <= 6),
                            options.ConfidenceLevel, 100 * (promoter.Balanced - detractor.Balanced)),
                        Distribution = Points(0, 10, values, departments),
                    };
                }
                var byDepartment = Enumerable.Range(0, values.Length).GroupBy(i => departments[i], StringComparer.Ordinal)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g =>
                    {
                        var dv = g.Select(i => values[i]).ToArray();
                        double? top2 = q.Kind == QuestionKind.Likert ? (double)dv.Count(x => x >= q.ScalePoints - 1) / dv.Length : null;
                        double? nps = q.Kind == QuestionKind.Nps ? 100.0 * (dv.Count(x => x >= 9) - dv.Count(x => x <= 6)) / dv.Length : null;
                        return new DepartmentSummary(g.Key, dv.Length, dv.Average(), top2, nps);
                    }).ToArray();
                return result with { Departments = byDepartment };
            }
            case QuestionKind.SingleChoice:
            case QuestionKind.MultipleChoice:
                return result with
                {
                    Distribution = q.Options.Select(o =>
                    {
                        var (plain, balanced) = Descriptives.Shares(answers, departments, a => a.Choices.Contains(o, StringComparer.Ordinal));
                        return new CategoryCount(o, answers.Count(a => a.Choices.Contains(o, StringComparer.Ordinal)), plain, balanced);
                    }).ToArray(),
                };
            case QuestionKind.Ranking:
                return result with { Ranking = RankingAggregation.Compute(q.Options, answers.Select(a => a.Choices).ToArray(), departments) };
            case QuestionKind.Pairwise:
                return result with
                {
                    Pairwise = PairwiseAnalysis.Analyze(q.Options,
                        answered.Select(r => new PairwiseAnalysis.Judgement(r.RespondentId, r.Department, r.Answers[q.Id].Judgements)).ToArray(), options),
                };
            default:
                return result;
        }
    }

    private static CategoryCount[] Points(int from, int to, IReadOnlyList<double> values, IReadOnlyList<string> departments) =>
        Enumerable.Range(from, to - from + 1).Select(p =>
        {
            var (plain, balanced) = Descriptives.Shares(values, departments, x => x == p);
            return new CategoryCount(p.ToString(CultureInfo.InvariantCulture), values.Count(x => x == p), plain, balanced);
        }).ToArray();
}
