using CoeInsights.Access;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.GettingHistory;
using CoeInsights.Evaluations.Reporting;
using CoeInsights.Evaluations.ScoringEvaluation;
using CoeInsights.Exports.Evaluations;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Surveys;
using CoeInsights.Surveys.DerivingWeights;
using Marten;
using A = CoeInsights.Analytics.Scoring;

namespace CoeInsights.Server.Reports;

/// <summary>A rendered workbook: its name, type and bytes.</summary>
public sealed record RenderedExport(string FileName, string ContentType, byte[] Content)
{
    /// <summary>"&lt;title as letters, digits, - and _&gt;-&lt;yyyyMMdd&gt;.xlsx", or the fallback name for a title with none.</summary>
    public static string SafeFileName(string title, string fallback, DateTimeOffset now)
    {
        var safe = new string(title.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        if (safe.Length > 60) safe = safe[..60];
        return $"{(safe.Length == 0 ? fallback : safe)}-{now:yyyyMMdd}.xlsx";
    }
}

/// <summary>
/// Evaluation (as the caller may see it) + its scoring + its audit trail → the scored vendor workbook.
/// The same path serves the gRPC stream and the signed download link.
/// </summary>
public static partial class EvaluationWorkbookExport
{
    public static async Task<RenderedExport> Render(
        IQuerySession session, Caller caller, Guid evaluationId, A.ScoringOptions? options, A.RobustnessOptions? robustness,
        DateTimeOffset now, CancellationToken ct)
    {
        var details = await GetEvaluationHandler.Handle(session, caller, evaluationId, ct);
        var evaluation = details.Evaluation;
        var scoring = await ScoreEvaluationHandler.Handle(session, caller, Scoring(evaluationId, options, robustness), ct);
        var audit = new List<AuditEntry>();
        var token = "";
        do
        {
            var (entries, _, next) = await EvaluationHistoryHandler.Handle(session, caller, evaluationId, Page.From(Page.MaxSize, token), ct);
            audit.AddRange(entries.Select(e => new AuditEntry(e.At, e.Actor, e.EventType, AuditDetail(e.Summary))));
            token = next;
        } while (token != "");

        var (departmentView, departmentNote) = await DepartmentWeightsView(session, caller, evaluation, scoring.Result, options, ct);
        var model = new EvaluationWorkbookModel
        {
            Title = evaluation.Title,
            EvaluationId = evaluationId.ToString(),
            VendorFacts = evaluation.Vendors.SelectMany(v => v.Facts.Select(f => new VendorFactEntry(v.Id, f.CriterionId, f.Value))).ToList(),
            Purpose = evaluation.Purpose,
            GeneratedAt = now,
            ApprovalStatus = EvaluationReport.StateText(evaluation),
            ScaleMin = evaluation.ScaleMin,
            ScaleMax = evaluation.ScaleMax,
            Vendors = evaluation.Vendors.Select(v => new VendorInfo(v.Id, v.Name, EvaluationReport.AnnualCost(evaluation, v))).ToList(),
            Criteria = evaluation.Criteria.Select(c => new CriterionInfo(c.Id, c.Description, c.Category,
                c.Direction == CriterionDirection.Cost ? A.CriterionDirection.Cost : A.CriterionDirection.Benefit, c.MustHaveThreshold)).ToList(),
            Evaluators = evaluation.Evaluators.Select(e => new EvaluatorInfo(e.EvaluatorId, e.DisplayName, e.Department)).ToList(),
            WeightsSource = EvaluationReport.WeightsSource(evaluation.Weights),
            Scores = evaluation.Scores.Select(s => new ScoreEntry(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value,
                NullIfEmpty(s.Comment), NullIfEmpty(s.Evidence))).ToList(),
            Result = scoring.Result,
            AuditTrail = audit,
            DepartmentWeightsView = departmentView,
            DepartmentWeightsNote = departmentNote,
        };
        using var stream = new MemoryStream();
        EvaluationWorkbook.Write(model, stream);
        return new RenderedExport(RenderedExport.SafeFileName(evaluation.Title, "evaluation", now), EvaluationWorkbook.ContentType, stream.ToArray());
    }

    /// <summary>The scoring the workbook carries: the given options, or WSM + TOPSIS with the full default robustness.</summary>
    public static ScoreEvaluation Scoring(Guid evaluationId, A.ScoringOptions? options, A.RobustnessOptions? robustness) =>
        new(evaluationId, null, new A.AggregationOptions(),
            options ?? new A.ScoringOptions { Methods = [A.ScoringMethod.Wsm, A.ScoringMethod.Topsis] },
            robustness ?? new A.RobustnessOptions());

    /// <summary>
    /// What <see cref="Render"/> would refuse before it renders, without scoring: NOT_FOUND, the scoring preconditions
    /// (FAILED_PRECONDITION) and the work budget (RESOURCE_EXHAUSTED) for the evaluation as the caller may see it.
    /// </summary>
    public static async Task Check(IQuerySession session, Caller caller, Guid evaluationId, A.ScoringOptions? options, A.RobustnessOptions? robustness,
        CancellationToken ct)
    {
        var details = await GetEvaluationHandler.Handle(session, caller, evaluationId, ct);
        A.ScoringEngine.EnsureWithinBudget(ScoreEvaluationHandler.BuildRequest(Scoring(evaluationId, options, robustness), details.Evaluation));
    }

    /// <summary>
    /// Each department's ranking under its own weights, when a survey gave the weights: the survey as it stood at the
    /// version they were taken from, derived again the way that reproduces them (so its per-department weights are
    /// the ones behind them), then the same scoring with each department's weights (robustness off). Otherwise null,
    /// with the sentence the workbook shows instead.
    /// </summary>
    internal static async Task<(A.DepartmentView? View, string Note)> DepartmentWeightsView(IQuerySession session, Caller caller,
        Evaluation evaluation, A.ScoringResult overall, A.ScoringOptions? options, CancellationToken ct)
    {
        const string common = "every department is scored with the common weights, so a department differs only by its own evaluators' scores.";
        if (evaluation.Weights is not { Source: WeightSource.Survey, Survey: { } reference })
            return (null, $"The weights were not elicited per department (no stakeholder survey gave them): {common}");
        var primary = overall.Methods.FirstOrDefault(m => m.Method == overall.PrimaryMethod);
        if (primary is null) return (null, "");
        Survey? survey = null;
        if (Guid.TryParse(reference.SurveyId, out var surveyId))
            foreach (var e in await session.Events.FetchStreamAsync(surveyId, reference.SurveyVersion, token: ct))
                survey = Survey.Advance(survey, e.Data);
        var derived = survey is null ? null : DeriveSurveyWeightsHandler.Reproduce(survey, evaluation.Weights.Weights);
        if (derived is null)
            return (null, $"The survey's per-department weights cannot be rebuilt from the survey as it was when its weights were applied: {common}");

        async Task<A.DepartmentRanking> Rank(string department, int respondents, IReadOnlyList<double> weights)
        {
            var whatIf = derived.CriterionIds.Select((id, j) => new CriterionWeight(id, weights[j])).ToList();
            var scored = await ScoreEvaluationHandler.Handle(session, caller,
                new ScoreEvaluation(evaluation.Id, whatIf, new A.AggregationOptions(), Scoring(evaluation.Id, options, null).Options, null), ct);
            var method = scored.Result.Methods.First(m => m.Method == overall.PrimaryMethod);
            var byVendor = scored.Result.VendorIds.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => method.Scores[p.i] * 100, StringComparer.Ordinal);
            return A.DecisionViews.Ranking(department, respondents, overall.VendorIds.Select(v => byVendor[v]).ToArray(), method.HigherIsBetter);
        }
        var departments = new List<A.DepartmentRanking>();
        foreach (var d in derived.Departments) departments.Add(await Rank(d.Department, d.Respondents, d.Weights));
        var balanced = await Rank("Department-balanced", derived.UsedRespondents.Count, derived.BalancedWeights);
        return (new A.DepartmentView(departments, balanced),
            $"Each department's own weights: its respondents' {(derived.Method == WeightDerivationMethod.PairwiseJudgements ? "pairwise judgements" : "importance ratings")} in the stakeholder survey (version {reference.SurveyVersion}), "
            + $"scored by the same method as the ranking; the weights applied to the evaluation are the {(derived.IsDepartmentBalanced ? "department-balanced" : "plain (every respondent counting once)")} ones.");
    }

    /// <summary>
    /// The API's history summary names a survey by its id ("set weights from survey 01a2… v42"); a printed audit trail
    /// names it as the Weights sheet does (the id stays in the API's history and the survey workbook).
    /// </summary>
    internal static string AuditDetail(string summary) => SurveyById().Replace(summary, "the stakeholder survey (version $1)");

    [System.Text.RegularExpressions.GeneratedRegex(@"survey [0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12} v(\d+)")]
    private static partial System.Text.RegularExpressions.Regex SurveyById();

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
