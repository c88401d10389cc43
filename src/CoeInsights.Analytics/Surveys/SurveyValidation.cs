namespace CoeInsights.Analytics.Surveys;

/// <summary>Validation of survey input: every bad field is reported at once with its path.</summary>
internal static class SurveyValidation
{
    public static Dictionary<string, SurveyQuestion> Questions(IReadOnlyList<SurveyQuestion> questions, Validator v)
    {
        var byId = new Dictionary<string, SurveyQuestion>(StringComparer.Ordinal);
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            var f = $"questions[{i}]";
            if (q is null) { v.Add(f, "must not be null"); continue; }
            if (string.IsNullOrWhiteSpace(q.Id)) v.Add($"{f}.id", "must not be empty");
            else if (!byId.TryAdd(q.Id, q)) v.Add($"{f}.id", $"duplicate question id '{q.Id}'");
            if (!Enum.IsDefined(q.Kind)) v.Add($"{f}.kind", $"unknown question kind {(int)q.Kind}");
            if (q.Kind == QuestionKind.Likert) v.Require(q.ScalePoints is 5 or 7, $"{f}.scale_points", $"a Likert item has 5 or 7 points, got {q.ScalePoints}");
            if (q.ReverseKeyed) v.Require(q.Kind == QuestionKind.Likert, $"{f}.reverse_keyed", "only Likert items can be reverse-keyed");
            if (q.CriterionId is not null)
                v.Require(q.Kind is QuestionKind.Likert or QuestionKind.Number, $"{f}.criterion_id",
                    "only Likert and Number questions rate a criterion's importance");
            var needsOptions = q.Kind is QuestionKind.SingleChoice or QuestionKind.MultipleChoice or QuestionKind.Ranking or QuestionKind.Pairwise;
            if (needsOptions)
            {
                v.Require(q.Options.Count >= 2, $"{f}.options", $"a {q.Kind} question needs at least 2 options, got {q.Options.Count}");
                if (q.Kind == QuestionKind.Pairwise) v.Require(q.Options.Count <= 15, $"{f}.options", $"pairwise comparison supports at most 15 criteria, got {q.Options.Count}");
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var j = 0; j < q.Options.Count; j++)
                {
                    if (string.IsNullOrWhiteSpace(q.Options[j])) v.Add($"{f}.options[{j}]", "must not be empty");
                    else if (!seen.Add(q.Options[j])) v.Add($"{f}.options[{j}]", $"duplicate option '{q.Options[j]}'");
                }
            }
            else if (q.Options.Count > 0) v.Add($"{f}.options", $"a {q.Kind} question has no options");
            if (q.Kind == QuestionKind.Number)
            {
                if (q.Minimum is { } min) v.RequireBounded(min, $"{f}.minimum");
                if (q.Maximum is { } max) v.RequireBounded(max, $"{f}.maximum");
                if (q.Minimum is { } lo && q.Maximum is { } hi && double.IsFinite(lo) && double.IsFinite(hi))
                    v.Require(lo <= hi, $"{f}.maximum", $"must not be below minimum {lo}");
            }
            else
            {
                if (q.Minimum is not null) v.Add($"{f}.minimum", "only Number questions have bounds");
                if (q.Maximum is not null) v.Add($"{f}.maximum", "only Number questions have bounds");
            }
        }
        return byId;
    }

    public static void Responses(IReadOnlyList<SurveyResponse> responses, IReadOnlyDictionary<string, SurveyQuestion> questions, Validator v)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < responses.Count; i++)
        {
            var r = responses[i];
            var f = $"responses[{i}]";
            if (r is null) { v.Add(f, "must not be null"); continue; }
            if (string.IsNullOrWhiteSpace(r.RespondentId)) v.Add($"{f}.respondent_id", "must not be empty");
            else if (!firstIndex.TryAdd(r.RespondentId, i))
                v.Add($"{f}.respondent_id", $"duplicate respondent '{r.RespondentId}' (also responses[{firstIndex[r.RespondentId]}]); one response per respondent");
            if (string.IsNullOrWhiteSpace(r.Department)) v.Add($"{f}.department", "must not be empty");
            if (r.Answers is null) { v.Add($"{f}.answers", "must not be null"); continue; }
            foreach (var (questionId, answer) in r.Answers.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                var af = $"{f}.answers[{questionId}]";
                if (!questions.TryGetValue(questionId, out var q)) { v.Add(af, $"unknown question '{questionId}'"); continue; }
                Answer(q, answer, af, v);
            }
        }
    }

    public static void Answer(SurveyQuestion q, SurveyAnswer? a, string f, Validator v)
    {
        if (a is null) { v.Add(f, "a missing answer is left out, not null"); return; }
        if (a.Kind != q.Kind) { v.Add(f, $"a {a.Kind} answer to a {q.Kind} question"); return; }
        switch (q.Kind)
        {
            case QuestionKind.Likert:
                if (Value(a, f, v) is { } likert)
                    v.Require(likert >= 1 && likert <= q.ScalePoints && likert == Math.Floor(likert), f, $"must be an integer from 1 to {q.ScalePoints}, got {likert}");
                break;
            case QuestionKind.Nps:
                if (Value(a, f, v) is { } nps) v.Require(NetPromoter.IsNpsValue(nps), f, $"must be an integer from 0 to 10, got {nps}");
                break;
            case QuestionKind.Number:
                if (Value(a, f, v) is { } x)
                {
                    if (q.Minimum is { } min) v.Require(x >= min, f, $"must be at least {min}, got {x}");
                    if (q.Maximum is { } max) v.Require(x <= max, f, $"must be at most {max}, got {x}");
                }
                break;
            case QuestionKind.SingleChoice:
                if (a.Choices.Count != 1) v.Add(f, $"a single choice answer picks exactly one option, got {a.Choices.Count}");
                else if (!q.Options.Contains(a.Choices[0], StringComparer.Ordinal)) v.Add($"{f}[0]", $"unknown option '{a.Choices[0]}'");
                break;
            case QuestionKind.MultipleChoice:
            {
                if (a.Choices.Count == 0) v.Add(f, "pick at least one option (leave the answer out when there is none)");
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var k = 0; k < a.Choices.Count; k++)
                {
                    if (!q.Options.Contains(a.Choices[k], StringComparer.Ordinal)) v.Add($"{f}[{k}]", $"unknown option '{a.Choices[k]}'");
                    else if (!seen.Add(a.Choices[k])) v.Add($"{f}[{k}]", $"option '{a.Choices[k]}' picked twice");
                }
                break;
            }
            case QuestionKind.Ranking:
                RankingAggregation.ValidateRanking(a.Choices, q.Options.Select((o, j) => (o, j)).ToDictionary(t => t.o, t => t.j, StringComparer.Ordinal), f, v);
                break;
            case QuestionKind.Pairwise:
            {
                var expected = q.Options.Count * (q.Options.Count - 1) / 2;
                if (a.Judgements.Count != expected)
                {
                    v.Add(f, $"needs {expected} judgements (every pair of {q.Options.Count} criteria), got {a.Judgements.Count}");
                    break;
                }
                for (var k = 0; k < a.Judgements.Count; k++)
                    v.Require(PairwiseAnalysis.IsSaatyValue(a.Judgements[k]), $"{f}[{k}]",
                        $"must be on Saaty's scale (1/9 … 1 … 9, a value or its reciprocal an integer), got {a.Judgements[k]}");
                break;
            }
            case QuestionKind.FreeText:
                v.Require(a.Text is not null, f, "a free-text answer needs text");
                break;
        }
    }

    private static double? Value(SurveyAnswer a, string f, Validator v)
    {
        if (a.Value is not { } x) { v.Add(f, "needs a value"); return null; }
        // bounded like every number a result is computed from: means and variances of answers must not overflow
        if (!double.IsFinite(x) || Math.Abs(x) > Validator.MaxMagnitude) { v.RequireBounded(x, f); return null; }
        return x;
    }

    public static void Options(SurveyOptions o, Validator v)
    {
        NetPromoter.ValidateLevel(o.ConfidenceLevel, v, "options.confidence_level");
        v.Require(double.IsFinite(o.MaxConsistencyRatio) && o.MaxConsistencyRatio > 0, "options.max_consistency_ratio",
            $"must be a positive number, got {o.MaxConsistencyRatio}");
        v.Require(o.Ahp is not null, "options.ahp", "must not be null");
    }
}
