using System.Globalization;
using CoeInsights.Analytics.Scoring.Methods;

namespace CoeInsights.Analytics.Scoring;

/// <summary>Builds the single recommendation and its plain-language caveats from a finished scoring run.</summary>
internal static class RecommendationBuilder
{
    /// <summary>A weight move (in points, 0–100) at or below which the weight is said to decide the winner.</summary>
    public const double DecisiveWeightPoints = 10;

    /// <summary>Tie-corrected W below which evaluators are said to disagree on a criterion.</summary>
    public const double DisagreementW = 0.3;

    /// <summary>Monte Carlo / bootstrap probability of ranking first below which the caveat is raised.</summary>
    public const double ConfidentProbability = 0.8;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Recommendation Build(
        ScoringEngine.Context ctx, ScoringOptions options, string[] ids, string[] criterionIds, int[] order, double[] utility,
        MethodResult[] results, RobustnessResult? robustness, EvaluatorAggregationResult? aggregation,
        List<ExcludedVendor> excluded, string[] constantCriteria)
    {
        var primary = results[0];
        var winner = order[0];
        var runnerUp = order[1];
        var tied = order.Where(i => i != winner && Ranking.Tied(utility[i], utility[winner])).Select(i => ids[i]).ToArray();
        var margin = primary.HigherIsBetter
            ? primary.Scores[winner] - primary.Scores[runnerUp]
            : primary.Scores[runnerUp] - primary.Scores[winner];
        var (level, meanW) = ScoringEngine.AgreementOf(aggregation, ctx.Weights);
        var caveats = new List<string>();
        string Label(int j) => ctx.Criteria[j].Category is { Length: > 0 } cat ? $"{criterionIds[j]} ({cat})" : criterionIds[j];
        string Pct(double p) => (p * 100).ToString("0.#", Inv) + "%";

        if (tied.Length > 0)
        {
            caveats.Add($"{ids[winner]} ties with {string.Join(", ", tied)} on {primary.Method}; the tie-break rule {options.TieBreak} picks {ids[winner]}.");
        }

        if (robustness?.Sensitivity is { } sensitivity)
        {
            var decisive = sensitivity
                .Select((s, j) => (s, j))
                .Where(p => p.s.SmallestChange is double c && c * 100 <= DecisiveWeightPoints)
                .OrderBy(p => p.s.SmallestChange)
                .Take(3);
            foreach (var (s, j) in decisive)
            {
                var up = s.UpperCriticalWeight is double hi && hi - s.Weight == s.SmallestChange;
                var to = up ? s.UpperCriticalWeight!.Value : s.LowerCriticalWeight!.Value;
                var newWinner = up ? s.UpperNewWinner : s.LowerNewWinner;
                caveats.Add(
                    $"Weights for {Label(j)} decide the winner: a {(s.SmallestChange!.Value * 100).ToString("0.#", Inv)}-point move " +
                    $"(from {Pct(s.Weight)} to {Pct(to)}) flips it to {newWinner}.");
            }
        }

        double? probabilityFirst = null;
        if (robustness?.MonteCarlo is { } mc)
        {
            probabilityFirst = mc.WinnerProbabilityFirst;
            if (mc.WinnerProbabilityFirst < ConfidentProbability)
            {
                var challenger = Enumerable.Range(0, ids.Length).Where(i => i != winner)
                    .OrderByDescending(i => mc.RankAcceptability[i][0]).First();
                caveats.Add(
                    $"{ids[winner]} ranks first in {Pct(mc.WinnerProbabilityFirst)} of {mc.Samples} weight samples around the chosen weights; " +
                    $"{ids[challenger]} in {Pct(mc.RankAcceptability[challenger][0])}.");
            }
        }

        double? bootstrapFirst = null;
        if (robustness?.Bootstrap is { } bs)
        {
            bootstrapFirst = bs.WinnerProbabilityFirst;
            var overlap = primary.HigherIsBetter ? bs.Upper[runnerUp] >= bs.Lower[winner] : bs.Lower[runnerUp] <= bs.Upper[winner];
            if (overlap)
            {
                caveats.Add(
                    $"{ids[winner]} and {ids[runnerUp]} have overlapping {Pct(bs.ConfidenceLevel)} bootstrap intervals " +
                    $"([{F(bs.Lower[winner])}, {F(bs.Upper[winner])}] vs [{F(bs.Lower[runnerUp])}, {F(bs.Upper[runnerUp])}]): " +
                    $"{ids[winner]} comes first in {Pct(bs.WinnerProbabilityFirst)} of evaluator resamples.");
            }
        }

        if (aggregation is not null)
        {
            var disagreements = Enumerable.Range(0, criterionIds.Length)
                .Where(j => aggregation.AgreementPerCriterion[j] is { IsDefined: true } a && a.WTieCorrected < DisagreementW)
                .OrderByDescending(j => ctx.Weights[j])
                .Take(3);
            foreach (var j in disagreements)
            {
                caveats.Add($"Evaluators disagree on {Label(j)} (W = {aggregation.AgreementPerCriterion[j]!.WTieCorrected.ToString("0.00", Inv)}).");
            }
            if (aggregation.MissingScoreCount > 0)
            {
                caveats.Add($"{aggregation.MissingScoreCount} score(s) were missing (policy {aggregation.MissingScorePolicy}).");
            }
        }

        foreach (var other in results.Skip(1))
        {
            var otherUtility = MethodCalculator.Utilities(other);
            var otherWinner = Ranking.Winner(otherUtility, ScoringEngine.TieOrder(ids, options.TieBreak));
            if (otherWinner != winner) caveats.Add($"{other.Method} with {other.Normalisation} normalisation would pick {ids[otherWinner]} instead.");
        }

        foreach (var vikor in results.Where(r => r.Vikor is not null).Select(r => r.Vikor!))
        {
            if (vikor.CompromiseSet.Count > 1)
            {
                caveats.Add(
                    $"VIKOR finds no single compromise (acceptable advantage {(vikor.AcceptableAdvantage ? "met" : "not met")}, " +
                    $"stability {(vikor.AcceptableStability ? "met" : "not met")}): the compromise set is {string.Join(", ", vikor.CompromiseSet)}.");
            }
        }

        if (robustness?.RankReversal is { } reversal)
        {
            foreach (var check in reversal.Where(c => c.WinnerChanged))
                caveats.Add($"Rank reversal: removing {check.RemovedVendorId} makes {check.NewOrder[0]} the winner.");
            var reordered = reversal.Where(c => c.OrderOfOthersChanged && !c.WinnerChanged).Select(c => c.RemovedVendorId).ToArray();
            if (reordered.Length > 0)
                caveats.Add($"Rank reversal: removing {string.Join(", ", reordered)} reorders the other vendors ({primary.Method} with {primary.Normalisation} normalisation).");
        }

        if (ctx.Ahp is { IsAcceptablyConsistent: false } ahp)
        {
            caveats.Add($"Pairwise judgements are inconsistent: CR = {ahp.ConsistencyRatio.ToString("0.000", Inv)} > {options.Ahp.AcceptableConsistencyRatio.ToString("0.00", Inv)} ({ahp.RandomIndexTable} random index).");
        }

        caveats.AddRange(ScoringEngine.ExclusionCaveats(excluded));
        foreach (var c in constantCriteria) caveats.Add($"{c} is the same for every vendor: it cannot separate them.");

        return new Recommendation
        {
            WinnerId = ids[winner],
            RunnerUpId = ids[runnerUp],
            Margin = margin,
            ProbabilityFirst = probabilityFirst,
            BootstrapProbabilityFirst = bootstrapFirst,
            AgreementLevel = level,
            MeanAgreement = meanW,
            IsTie = tied.Length > 0,
            TiedWith = tied,
            TieBreak = options.TieBreak,
            Caveats = caveats,
        };
    }

    private static string F(double v) => v.ToString("0.####", Inv);
}
