using CoeInsights.Analytics;
using A = CoeInsights.Analytics.Scoring;
using P = CoeInsights.V1;

namespace CoeInsights.Server.Scoring;

/// <summary>
/// Proto ⇄ scoring engine. Shared by ScoringService and EvaluationService. Unknown enum numbers
/// (proto3 enums are open) are INVALID_ARGUMENT naming the field; UNSPECIFIED means the documented default.
/// </summary>
public static class ScoringMapping
{
    public static IReadOnlyList<IReadOnlyList<double>> ToMatrix(IEnumerable<P.Row> rows) =>
        rows.Select(r => (IReadOnlyList<double>)r.Values.ToArray()).ToArray();

    public static IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>? ToMatrices(ICollection<P.Matrix> matrices) =>
        matrices.Count == 0 ? null : matrices.Select(m => ToMatrix(m.Rows)).ToArray();

    public static IEnumerable<P.Row> ToRows<T>(IEnumerable<IReadOnlyList<T>> rows) where T : struct, IConvertible =>
        rows.Select(r => new P.Row { Values = { r.Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)) } });

    public static A.Criterion ToCriterion(P.CriterionSpec c, int index, Validator v) => new(
        c.CriterionId,
        c.Direction switch
        {
            P.CriterionDirection.Unspecified or P.CriterionDirection.Benefit => A.CriterionDirection.Benefit,
            P.CriterionDirection.Cost => A.CriterionDirection.Cost,
            _ => Invalid(v, $"criteria[{index}].direction", A.CriterionDirection.Benefit),
        },
        string.IsNullOrEmpty(c.Category) ? null : c.Category,
        c.HasMustHaveThreshold ? c.MustHaveThreshold : null);

    public static A.ScoringOptions ToOptions(P.ScoringOptions? o, Validator v)
    {
        if (o is null) return new A.ScoringOptions();
        var primary = ToMethod(o.PrimaryMethod, "options.primary_method", v);
        var methods = o.Methods.Select((m, i) => ToMethod(m, $"options.methods[{i}]", v)).ToList();
        if (!methods.Contains(primary)) methods.Insert(0, primary);
        return new A.ScoringOptions
        {
            Methods = methods,
            PrimaryMethod = primary,
            Normalisation = o.Normalisation switch
            {
                P.NormalisationMethod.Unspecified => A.NormalisationMethod.MethodDefault,
                P.NormalisationMethod.MinMax => A.NormalisationMethod.MinMax,
                P.NormalisationMethod.Vector => A.NormalisationMethod.Vector,
                P.NormalisationMethod.Max => A.NormalisationMethod.Max,
                P.NormalisationMethod.Sum => A.NormalisationMethod.Sum,
                P.NormalisationMethod.None => A.NormalisationMethod.None,
                _ => Invalid(v, "options.normalisation", A.NormalisationMethod.MethodDefault),
            },
            VikorV = o.HasVikorV ? o.VikorV : 0.5,
            TieBreak = o.TieBreak switch
            {
                P.TieBreakRule.Unspecified or P.TieBreakRule.FirstListed => A.TieBreakRule.FirstListed,
                P.TieBreakRule.SmallestId => A.TieBreakRule.SmallestId,
                _ => Invalid(v, "options.tie_break", A.TieBreakRule.FirstListed),
            },
            Ahp = ToAhpOptions(o.Ahp, "options.ahp", v),
            Preferences = o.Preferences.Select((f, k) => new A.CriterionPreference(f.CriterionId, f.Function switch
            {
                P.PreferenceFunction.Unspecified or P.PreferenceFunction.Usual => A.PreferenceFunction.Usual,
                P.PreferenceFunction.UShape => A.PreferenceFunction.UShape,
                P.PreferenceFunction.VShape => A.PreferenceFunction.VShape,
                P.PreferenceFunction.Level => A.PreferenceFunction.Level,
                P.PreferenceFunction.Linear => A.PreferenceFunction.Linear,
                P.PreferenceFunction.Gaussian => A.PreferenceFunction.Gaussian,
                _ => Invalid(v, $"options.preferences[{k}].function", A.PreferenceFunction.Usual),
            }, f.Q, f.P, f.S)).ToList(),
        };
    }

    public static A.AhpOptions ToAhpOptions(P.AhpOptions? o, string field, Validator v)
    {
        var defaults = new A.AhpOptions();
        if (o is null) return defaults;
        // A consistency ratio is ≥ 0, and a threshold above 1 would call any judgements consistent.
        if (o.HasAcceptableConsistencyRatio)
            v.Require(double.IsFinite(o.AcceptableConsistencyRatio) && o.AcceptableConsistencyRatio is >= 0 and <= 1,
                $"{field}.acceptable_consistency_ratio", "must be between 0 and 1 (Saaty's threshold is 0.10)");
        return defaults with
        {
            RandomIndexTable = o.RandomIndexTable switch
            {
                P.RandomIndexTable.Unspecified or P.RandomIndexTable.Saaty => A.RandomIndexTable.Saaty,
                P.RandomIndexTable.DoneganDodd => A.RandomIndexTable.DoneganDodd,
                _ => Invalid(v, $"{field}.random_index_table", A.RandomIndexTable.Saaty),
            },
            ReciprocityTolerance = o.HasReciprocityTolerance ? o.ReciprocityTolerance : defaults.ReciprocityTolerance,
            GroupAggregation = o.GroupAggregation switch
            {
                P.GroupAggregation.Unspecified or P.GroupAggregation.AggregateJudgements => A.GroupAggregation.AggregateJudgements,
                P.GroupAggregation.AggregatePriorities => A.GroupAggregation.AggregatePriorities,
                _ => Invalid(v, $"{field}.group_aggregation", A.GroupAggregation.AggregateJudgements),
            },
            AcceptableConsistencyRatio = o.HasAcceptableConsistencyRatio ? o.AcceptableConsistencyRatio : defaults.AcceptableConsistencyRatio,
        };
    }

    public static A.RobustnessOptions? ToRobustness(P.RobustnessOptions? o, Validator v)
    {
        if (o is null) return null;
        var defaults = new A.RobustnessOptions();
        return new A.RobustnessOptions
        {
            Sensitivity = o.Sensitivity,
            MonteCarloSamples = o.MonteCarloSamples,
            Sampling = o.Sampling switch
            {
                P.WeightSampling.Unspecified or P.WeightSampling.DirichletAroundWeights => A.WeightSampling.DirichletAroundWeights,
                P.WeightSampling.UniformSimplex => A.WeightSampling.UniformSimplex,
                _ => Invalid(v, "robustness.sampling", A.WeightSampling.DirichletAroundWeights),
            },
            Concentration = o.HasConcentration ? o.Concentration : defaults.Concentration,
            BootstrapResamples = o.BootstrapResamples,
            ConfidenceLevel = o.HasConfidenceLevel ? o.ConfidenceLevel : defaults.ConfidenceLevel,
            RankReversal = o.RankReversal,
            Seed = o.HasSeed ? o.Seed : defaults.Seed,
        };
    }

    private static A.ScoringMethod ToMethod(P.ScoringMethod m, string field, Validator v) => m switch
    {
        P.ScoringMethod.Unspecified or P.ScoringMethod.Wsm => A.ScoringMethod.Wsm,
        P.ScoringMethod.Wpm => A.ScoringMethod.Wpm,
        P.ScoringMethod.Topsis => A.ScoringMethod.Topsis,
        P.ScoringMethod.Vikor => A.ScoringMethod.Vikor,
        P.ScoringMethod.PrometheeIi => A.ScoringMethod.PrometheeII,
        _ => Invalid(v, field, A.ScoringMethod.Wsm),
    };

    private static T Invalid<T>(Validator v, string field, T fallback)
    {
        v.Add(field, "is not a known value");
        return fallback;
    }

    // ---- results ----

    public static P.ScoringResult ToProto(A.ScoringResult r)
    {
        var result = new P.ScoringResult
        {
            VendorIds = { r.VendorIds },
            CriterionIds = { r.CriterionIds },
            Weights = { r.Weights },
            Ahp = r.Ahp is null ? null : ToProto(r.Ahp),
            DecisionMatrix = { ToRows(r.DecisionMatrix) },
            Methods = { r.Methods.Select(ToProto) },
            PrimaryMethod = ToProto(r.PrimaryMethod),
            Excluded = { r.Excluded.Select(e => new P.ExcludedVendor { VendorId = e.VendorId, CriterionId = e.CriterionId, Reason = e.Reason }) },
            ConstantCriteria = { r.ConstantCriteria },
            Aggregation = r.Aggregation is null ? null : ToProto(r.Aggregation),
            Robustness = r.Robustness is null ? null : ToProto(r.Robustness),
            Recommendation = ToProto(r.Recommendation),
            Decisions = { r.Decisions },
            ObjectiveWeights = r.ObjectiveWeights is not { } o ? null : new P.ObjectiveWeights
            {
                Entropy = { o.Entropy ?? [] }, EntropyWinnerId = o.EntropyWinnerId ?? "",
                Critic = { o.Critic ?? [] }, CriticWinnerId = o.CriticWinnerId ?? "",
            },
        };
        return result;
    }

    public static P.ScoringMethod ToProto(A.ScoringMethod m) => m switch
    {
        A.ScoringMethod.Wsm => P.ScoringMethod.Wsm,
        A.ScoringMethod.Wpm => P.ScoringMethod.Wpm,
        A.ScoringMethod.Topsis => P.ScoringMethod.Topsis,
        A.ScoringMethod.Vikor => P.ScoringMethod.Vikor,
        A.ScoringMethod.PrometheeII => P.ScoringMethod.PrometheeIi,
        _ => P.ScoringMethod.Unspecified,
    };

    private static P.NormalisationMethod ToProto(A.NormalisationMethod n) => n switch
    {
        A.NormalisationMethod.MinMax => P.NormalisationMethod.MinMax,
        A.NormalisationMethod.Vector => P.NormalisationMethod.Vector,
        A.NormalisationMethod.Max => P.NormalisationMethod.Max,
        A.NormalisationMethod.Sum => P.NormalisationMethod.Sum,
        A.NormalisationMethod.None => P.NormalisationMethod.None,
        _ => P.NormalisationMethod.Unspecified,
    };

    private static P.MethodResult ToProto(A.MethodResult m) => new()
    {
        Method = ToProto(m.Method),
        Normalisation = ToProto(m.Normalisation),
        HigherIsBetter = m.HigherIsBetter,
        Scores = { m.Scores },
        Ranks = { m.Ranks },
        NormalisedMatrix = { ToRows(m.NormalisedMatrix) },
        Contributions = { ToRows(m.Contributions) },
        Topsis = m.Topsis is null ? null : new P.TopsisDetails
        {
            DistanceToIdeal = { m.Topsis.DistanceToIdeal }, DistanceToAntiIdeal = { m.Topsis.DistanceToAntiIdeal },
            Ideal = { m.Topsis.Ideal }, AntiIdeal = { m.Topsis.AntiIdeal },
        },
        Vikor = m.Vikor is null ? null : new P.VikorDetails
        {
            S = { m.Vikor.S }, R = { m.Vikor.R }, Q = { m.Vikor.Q }, V = m.Vikor.V,
            AcceptableAdvantage = m.Vikor.AcceptableAdvantage, AcceptableStability = m.Vikor.AcceptableStability,
            CompromiseSet = { m.Vikor.CompromiseSet },
        },
        Promethee = m.Promethee is null ? null : new P.PrometheeDetails
        {
            LeavingFlow = { m.Promethee.LeavingFlow }, EnteringFlow = { m.Promethee.EnteringFlow },
            Preferences = { m.Promethee.Preferences.Select(f => new P.CriterionPreference
            {
                CriterionId = f.CriterionId, Function = (P.PreferenceFunction)(int)f.Function, Q = f.Q, P = f.P, S = f.S,
            }) },
        },
    };

    public static P.AhpResult ToProto(A.AhpResult a) => new()
    {
        Weights = { a.Weights },
        LambdaMax = a.LambdaMax,
        ConsistencyIndex = a.ConsistencyIndex,
        ConsistencyRatio = a.ConsistencyRatio,
        RandomIndex = a.RandomIndex,
        RandomIndexTable = a.RandomIndexTable == A.RandomIndexTable.DoneganDodd ? P.RandomIndexTable.DoneganDodd : P.RandomIndexTable.Saaty,
        AcceptablyConsistent = a.IsAcceptablyConsistent,
        Iterations = a.Iterations,
        GroupAggregation = a.GroupAggregation switch
        {
            A.GroupAggregation.AggregateJudgements => P.GroupAggregation.AggregateJudgements,
            A.GroupAggregation.AggregatePriorities => P.GroupAggregation.AggregatePriorities,
            _ => P.GroupAggregation.Unspecified,
        },
        GroupMatrix = { a.GroupMatrix is null ? [] : ToRows(a.GroupMatrix) },
        Individual = { a.Individual.Select(ToProto) },
    };

    public static P.AgreementResult ToProto(A.AgreementResult a) => new()
    {
        Raters = a.Raters, Items = a.Items, W = a.W, WTieCorrected = a.WTieCorrected, S = a.S,
        TieCorrection = a.TieCorrection, ChiSquare = a.ChiSquare, DegreesOfFreedom = a.DegreesOfFreedom,
        PValue = a.PValue, Defined = a.IsDefined,
    };

    private static P.EvaluatorAggregation ToProto(A.EvaluatorAggregationResult a) => new()
    {
        Method = a.Method.ToString(),
        MissingScorePolicy = a.MissingScorePolicy.ToString(),
        MissingScoreCount = a.MissingScoreCount,
        VendorIds = { a.VendorIds },
        Aggregated = { ToRows(a.Aggregated) },
        StandardDeviation = { ToRows(a.StandardDeviation) },
        InterquartileRange = { ToRows(a.InterquartileRange) },
        AgreementPerCriterion = { a.AgreementPerCriterion.Select(x => x is null ? new P.AgreementResult() : ToProto(x)) },
    };

    private static P.Robustness ToProto(A.RobustnessResult r) => new()
    {
        Sensitivity =
        {
            (r.Sensitivity ?? []).Select(s =>
            {
                var p = new P.WeightSensitivity
                {
                    CriterionId = s.CriterionId, Weight = s.Weight,
                    LowerNewWinner = s.LowerNewWinner ?? "", UpperNewWinner = s.UpperNewWinner ?? "",
                };
                if (s.LowerCriticalWeight is { } lo) p.LowerCriticalWeight = lo;
                if (s.UpperCriticalWeight is { } hi) p.UpperCriticalWeight = hi;
                if (s.SmallestChange is { } c) p.SmallestChange = c;
                return p;
            }),
        },
        MonteCarlo = r.MonteCarlo is not { } mc ? null : new P.MonteCarloResult
        {
            Samples = mc.Samples, Seed = mc.Seed, Concentration = mc.Concentration,
            Sampling = mc.Sampling == A.WeightSampling.UniformSimplex ? P.WeightSampling.UniformSimplex : P.WeightSampling.DirichletAroundWeights,
            RankAcceptability = { ToRows(mc.RankAcceptability) },
            CentralWeights = { ToRows(mc.CentralWeights) },
            WinnerProbabilityFirst = mc.WinnerProbabilityFirst,
        },
        Bootstrap = r.Bootstrap is not { } b ? null : new P.BootstrapResult
        {
            Resamples = b.Resamples, Seed = b.Seed, ConfidenceLevel = b.ConfidenceLevel,
            Lower = { b.Lower }, Upper = { b.Upper }, Mean = { b.Mean }, WinnerProbabilityFirst = b.WinnerProbabilityFirst,
        },
        RankReversal =
        {
            (r.RankReversal ?? []).Select(c => new P.RankReversalCheck
            {
                RemovedVendorId = c.RemovedVendorId, OrderOfOthersChanged = c.OrderOfOthersChanged,
                WinnerChanged = c.WinnerChanged, NewOrder = { c.NewOrder },
            }),
        },
    };

    private static P.Recommendation ToProto(A.Recommendation r)
    {
        var p = new P.Recommendation
        {
            WinnerId = r.WinnerId ?? "",
            RunnerUpId = r.RunnerUpId ?? "",
            AgreementLevel = (P.AgreementLevel)(int)r.AgreementLevel,
            Tie = r.IsTie,
            TiedWith = { r.TiedWith },
            TieBreak = r.TieBreak == A.TieBreakRule.SmallestId ? P.TieBreakRule.SmallestId : P.TieBreakRule.FirstListed,
            Caveats = { r.Caveats },
        };
        if (r.Margin is { } m) p.Margin = m;
        if (r.ProbabilityFirst is { } pf) p.ProbabilityFirst = pf;
        if (r.BootstrapProbabilityFirst is { } bp) p.BootstrapProbabilityFirst = bp;
        if (r.MeanAgreement is { } ma) p.MeanAgreement = ma;
        return p;
    }
}
