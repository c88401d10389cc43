using CoeInsights.Analytics.Surveys;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.SettingWeights;
using CoeInsights.Surveys.GettingDetails;
using Marten;

namespace CoeInsights.Surveys.DerivingWeights;

/// <param name="QuestionIds">Empty: every importance rating (or the only pairwise question).</param>
public sealed record DeriveSurveyWeights(
    Guid SurveyId, WeightDerivationMethod Method, IReadOnlyList<string> QuestionIds, bool DepartmentBalanced, SurveyOptions Options)
{
    /// <summary>Respondent ids as pseudonyms R001… (<see cref="GettingResults.RespondentPrivacy"/>): for callers who may not see identities.</summary>
    public bool Pseudonymise { get; init; }
}

/// <summary>Derives the weights, then sets them on the linked evaluation through the Evaluations slice (SetWeights, source Survey).</summary>
public sealed record ApplySurveyWeights(DeriveSurveyWeights Derive, long? EvaluationExpectedVersion, string By, DateTimeOffset Now);

public static class DeriveSurveyWeightsHandler
{
    public static async Task<(DerivedWeights Weights, long Version)> Handle(IQuerySession session, DeriveSurveyWeights q, CancellationToken ct)
    {
        var details = await GetSurveyHandler.Load(session, q.SurveyId, ct);
        return (Derive(details.Survey, q), details.Version);
    }

    public static DerivedWeights Derive(Survey s, DeriveSurveyWeights q) =>
        SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = s.Questions, Responses = (q.Pseudonymise ? GettingResults.RespondentPrivacy.Pseudonymised(s) : s).LatestResponses(), Method = q.Method, QuestionIds = q.QuestionIds,
            DepartmentBalanced = q.DepartmentBalanced, Options = q.Options,
        });

    /// <summary>
    /// The derivation that gives the applied weights again (each within 1e-9), so its per-department weights are the
    /// ones behind them: importance ratings over every rating question (department-balanced, then plain), or the
    /// survey's only pairwise question. Null when none does (e.g. they were derived from a subset of the questions or
    /// with other options, which the evaluation does not record).
    /// </summary>
    public static DerivedWeights? Reproduce(Survey s, IReadOnlyList<CriterionWeight> applied)
    {
        var target = applied.ToDictionary(w => w.CriterionId, w => w.Weight, StringComparer.Ordinal);
        var candidates = new[]
        {
            new DeriveSurveyWeights(s.Id, WeightDerivationMethod.ImportanceRatings, [], true, new SurveyOptions()),
            new DeriveSurveyWeights(s.Id, WeightDerivationMethod.ImportanceRatings, [], false, new SurveyOptions()),
            new DeriveSurveyWeights(s.Id, WeightDerivationMethod.PairwiseJudgements, [], true, new SurveyOptions()),
        };
        foreach (var q in candidates)
        {
            DerivedWeights w;
            try { w = Derive(s, q); }
            catch (InvalidInputException) { continue; } // this survey has no such questions or answers
            if (w.CriterionIds.Count == target.Count && w.CriterionIds.Select((id, i) => (id, i))
                    .All(p => target.TryGetValue(p.id, out var t) && Math.Abs(t - w.Weights[p.i]) < 1e-9))
                return w;
        }
        return null;
    }

    /// <summary>The SetWeights command for the linked evaluation, recording this survey and the version the weights come from.</summary>
    public static SetWeights ToSetWeights(Survey s, long surveyVersion, DerivedWeights w, ApplySurveyWeights c)
    {
        var link = s.Evaluation ?? throw new RuleViolationException(ErrorReasons.SurveyNotLinked, s.Subject,
            "The survey is not linked to an evaluation: publish it with an evaluation link to apply its weights.");
        return new SetWeights(link.EvaluationId, c.EvaluationExpectedVersion, WeightSource.Survey,
            w.CriterionIds.Select((id, i) => new CriterionWeight(id, w.Weights[i])).ToList(), null,
            new SurveyReference(s.Id.ToString(), surveyVersion), c.By, c.Now);
    }

    /// <summary>Derives the weights from the survey as stored, then load → decide → append SetWeights on the linked evaluation.</summary>
    public static async Task<(DerivedWeights Weights, long SurveyVersion, WriteResult Evaluation)> Apply(
        ISessionFactory sessions, ApplySurveyWeights c, CancellationToken ct)
    {
        var details = await GetSurveyHandler.Load(sessions, c.Derive.SurveyId, ct);
        var weights = Derive(details.Survey, c.Derive);
        var command = ToSetWeights(details.Survey, details.Version, weights, c);
        var written = await EvaluationStream.AppendAsync(sessions.OpenSession, command.EvaluationId, command.ExpectedVersion,
            e => SetWeightsHandler.Decide(command, e), ct);
        return (weights, details.Version, written);
    }
}
