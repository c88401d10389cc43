using System.Globalization;
namespace CoeInsights.Analytics.Surveys;

/// <summary>Derived criterion weights (DeriveWeights): from importance ratings or from pairwise judgements.</summary>
internal static class WeightDerivation
{
    public static DerivedWeights Derive(DeriveWeightsRequest request)
    {
        var v = new Validator();
        var questions = SurveyValidation.Questions(request.Questions, v);
        SurveyValidation.Responses(request.Responses, questions, v);
        SurveyValidation.Options(request.Options, v);
        v.Require(Enum.IsDefined(request.Method), "method", $"unknown method {(int)request.Method}");
        var selected = request.Method == WeightDerivationMethod.PairwiseJudgements
            ? SelectPairwise(request, questions, v)
            : SelectImportance(request, questions, v);
        v.ThrowIfInvalid();

        return request.Method == WeightDerivationMethod.PairwiseJudgements
            ? FromPairwise(request, selected[0])
            : FromImportance(request, selected);
    }

    private static SurveyQuestion[] SelectPairwise(DeriveWeightsRequest request, IReadOnlyDictionary<string, SurveyQuestion> questions, Validator v)
    {
        if (request.QuestionIds.Count == 0)
        {
            var pairwise = request.Questions.Where(q => q?.Kind == QuestionKind.Pairwise).ToArray();
            if (pairwise.Length != 1) v.Add("question_ids", $"name the pairwise question: the survey has {pairwise.Length}");
            return pairwise;
        }
        if (request.QuestionIds.Count != 1) { v.Add("question_ids", $"pairwise weights come from exactly one question, got {request.QuestionIds.Count}"); return []; }
        if (!questions.TryGetValue(request.QuestionIds[0] ?? "", out var q)) { v.Add("question_ids[0]", $"unknown question '{request.QuestionIds[0]}'"); return []; }
        if (q.Kind != QuestionKind.Pairwise) { v.Add("question_ids[0]", $"a {q.Kind} question, not a pairwise comparison"); return []; }
        return [q];
    }

    private static SurveyQuestion[] SelectImportance(DeriveWeightsRequest request, IReadOnlyDictionary<string, SurveyQuestion> questions, Validator v)
    {
        SurveyQuestion[] selected;
        if (request.QuestionIds.Count == 0)
        {
            selected = request.Questions.Where(q => q is not null && q.CriterionId is not null && q.Kind is QuestionKind.Likert or QuestionKind.Number).ToArray();
        }
        else
        {
            var list = new List<SurveyQuestion>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < request.QuestionIds.Count; k++)
            {
                var f = $"question_ids[{k}]";
                if (!questions.TryGetValue(request.QuestionIds[k] ?? "", out var q)) v.Add(f, $"unknown question '{request.QuestionIds[k]}'");
                else if (q.Kind is not (QuestionKind.Likert or QuestionKind.Number)) v.Add(f, $"a {q.Kind} question is not an importance rating");
                else if (q.CriterionId is null) v.Add(f, $"question '{q.Id}' is not linked to a criterion");
                else if (!seen.Add(q.Id)) v.Add(f, $"question '{q.Id}' listed twice");
                else list.Add(q);
            }
            selected = list.ToArray();
        }
        if (v.IsValid) v.Require(selected.Length >= 2, "question_ids", $"weights need importance ratings of at least 2 criteria, got {selected.Length}");
        var criteria = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var q in selected)
            if (!criteria.TryAdd(q.CriterionId!, q.Id))
                v.Add("question_ids", $"criterion '{q.CriterionId}' is rated by both '{criteria[q.CriterionId!]}' and '{q.Id}'");
        if (selected.Select(q => (q.Kind, q.Kind == QuestionKind.Likert ? q.ScalePoints : 0)).Distinct().Count() > 1)
            v.Add("question_ids", "importance ratings must share one scale (all 5-point, all 7-point, or all Number)");
        for (var i = 0; i < request.Responses.Count; i++)
            foreach (var q in selected.Where(q => q.Kind == QuestionKind.Number))
                if (request.Responses[i]?.Answers?.TryGetValue(q.Id, out var a) == true && a?.Value is { } x && x < 0)
                    v.Add($"responses[{i}].answers[{q.Id}]", $"an importance rating must not be negative, got {x}");
        return selected;
    }

    private static DerivedWeights FromImportance(DeriveWeightsRequest request, SurveyQuestion[] questions)
    {
        var used = new List<SurveyResponse>();
        var excluded = new List<ExcludedRespondent>();
        foreach (var r in request.Responses)
        {
            var missing = questions.Where(q => !r.Answers.ContainsKey(q.Id)).Select(q => q.Id).ToArray();
            if (missing.Length == 0) used.Add(r);
            else excluded.Add(new ExcludedRespondent(r.RespondentId, r.Department, $"did not rate every criterion (missing {string.Join(", ", missing)})"));
        }
        if (used.Count == 0)
            throw new InvalidInputException("responses", "no respondent rated every selected criterion; importance weights need at least one complete respondent");

        var k = questions.Length;
        double[] Means(IEnumerable<SurveyResponse> group)
        {
            var g = group.ToArray();
            return questions.Select(q => g.Average(r => SurveyAnalysis.Scored(q, r.Answers[q.Id]))).ToArray();
        }
        var plainMeans = Means(used);
        if (plainMeans.Sum() <= 0)
            throw new InvalidInputException("responses", "every importance rating is 0: there is nothing to normalise");

        var groups = used.GroupBy(r => r.Department, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        var departmentMeans = groups.Select(g => Means(g)).ToArray();
        var balancedMeans = Enumerable.Range(0, k).Select(j => departmentMeans.Average(m => m[j])).ToArray();
        var plain = Normalise(plainMeans);
        var balanced = Normalise(balancedMeans);
        var departments = groups.Select((g, d) => new DepartmentWeights(g.Key, g.Count(), Normalise(departmentMeans[d]))).ToArray();

        var decisions = new List<string>
        {
            "Importance weights: mean rating per criterion over the respondents who rated every criterion (listwise), normalised to sum to 1.",
            "Department-balanced: mean over departments of each department's mean rating, then normalised (each department counts equally).",
            request.DepartmentBalanced ? "Headline weights: department-balanced." : "Headline weights: plain (every respondent counts equally).",
        };
        if (questions.Any(q => q.ReverseKeyed)) decisions.Add("Reverse-keyed importance items are recoded (1 + points) − x first.");
        if (departmentMeans.Any(m => m.Sum() <= 0)) decisions.Add("A department whose ratings are all 0 gets equal weights in its breakdown.");

        return new DerivedWeights
        {
            Method = WeightDerivationMethod.ImportanceRatings,
            CriterionIds = questions.Select(q => q.CriterionId!).ToArray(),
            Weights = request.DepartmentBalanced ? balanced : plain,
            PlainWeights = plain, BalancedWeights = balanced, IsDepartmentBalanced = request.DepartmentBalanced,
            Departments = departments,
            UsedRespondents = used.Select(r => r.RespondentId).ToArray(), ExcludedRespondents = excluded,
            MeanImportance = plainMeans, GroupConsistencyRatio = null,
            SourceQuestionIds = questions.Select(q => q.Id).ToArray(), Decisions = decisions,
        };
    }

    private static DerivedWeights FromPairwise(DeriveWeightsRequest request, SurveyQuestion question)
    {
        var answered = request.Responses.Where(r => r.Answers.ContainsKey(question.Id)).ToArray();
        var result = PairwiseAnalysis.Analyze(question.Options,
            answered.Select(r => new PairwiseAnalysis.Judgement(r.RespondentId, r.Department, r.Answers[question.Id].Judgements)).ToArray(), request.Options);
        if (result.Group is null || result.BalancedWeights is null)
            throw new InvalidInputException("responses",
                $"no usable pairwise judgements for '{question.Id}': {answered.Length} answered, {result.ExcludedRespondents.Count} inconsistent (CR > {request.Options.MaxConsistencyRatio})");

        var excluded = request.Responses.Where(r => !r.Answers.ContainsKey(question.Id))
            .Select(r => new ExcludedRespondent(r.RespondentId, r.Department, $"did not answer '{question.Id}'"))
            .Concat(result.ExcludedRespondents).ToArray();
        var plain = result.Group.Weights;
        return new DerivedWeights
        {
            Method = WeightDerivationMethod.PairwiseJudgements,
            CriterionIds = question.Options,
            Weights = request.DepartmentBalanced ? result.BalancedWeights : plain,
            PlainWeights = plain, BalancedWeights = result.BalancedWeights, IsDepartmentBalanced = request.DepartmentBalanced,
            Departments = result.Departments,
            UsedRespondents = result.UsedRespondents, ExcludedRespondents = excluded,
            MeanImportance = [], GroupConsistencyRatio = result.Group.ConsistencyRatio,
            SourceQuestionIds = [question.Id],
            Decisions =
            [
                string.Create(CultureInfo.InvariantCulture, $"Pairwise weights: each respondent's AHP by the scoring engine; CR > {request.Options.MaxConsistencyRatio:0.##} is inconsistent") +
                (request.Options.ExcludeInconsistentRespondents ? " and excluded." : " but kept."),
                $"Group weights: {request.Options.Ahp.GroupAggregation} over the used respondents (geometric mean of judgements by default).",
                "Department-balanced: the same group aggregation over the department group matrices (each department counts equally).",
                request.DepartmentBalanced ? "Headline weights: department-balanced." : "Headline weights: plain group weights.",
            ],
        };
    }

    private static double[] Normalise(double[] values)
    {
        var sum = values.Sum();
        return sum > 0 ? values.Select(x => x / sum).ToArray() : values.Select(_ => 1.0 / values.Length).ToArray();
    }
}
