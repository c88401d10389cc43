using System.Globalization;
using CoeInsights.Analytics.Scoring.Aggregation;
using CoeInsights.Analytics.Scoring.Agreement;
using CoeInsights.Analytics.Scoring.Ahp;
using CoeInsights.Analytics.Scoring.Methods;
using CoeInsights.Analytics.Scoring.Robustness;

namespace CoeInsights.Analytics.Scoring;

/// <summary>
/// Entry points of the scoring engine. Pure: no I/O, no clock, no shared state; thread-safe. Bad input throws
/// <see cref="InvalidInputException"/> listing every violation with its field path. Methodology: docs/scoring.md.
/// </summary>
public static class ScoringEngine
{
    /// <summary>
    /// The work cap of one scoring call, in work units (about one multiply-add on one decision-matrix cell; see
    /// <see cref="WorkUnits"/> and docs/limits.md). A request estimated above it is refused with
    /// <see cref="WorkBudgetExceededException"/> before anything runs. 10^10 units is a few CPU seconds.
    /// </summary>
    public const long MaxWorkUnits = 10_000_000_000;

    /// <summary>Work units one sensitivity sweep costs per cell: a grid of 2/<see cref="WeightSensitivityAnalysis.GridStep"/> steps plus two bisections.</summary>
    private const long SensitivityStepsPerCriterion = 500;

    /// <summary>
    /// The cost model of one scoring call with m vendors, n criteria and E evaluators (E = 1 for a ready-made matrix):
    /// m·n·E (aggregation and the methods) + S·m·(n + r) (Monte Carlo: score and rank each sample; r = m below
    /// <see cref="Robustness.MonteCarlo.SortFrom"/> vendors, counted directly, ⌈log₂ m⌉ from there, sorted)
    /// + B·m·n·(E + 1) (bootstrap: re-aggregate and re-score each resample; only with ≥ 2 evaluators)
    /// + 500·m·n (one-at-a-time sensitivity) + m²·n (rank reversal); PROMETHEE II adds its pairwise preferences, m²·n
    /// for each matrix it scores (2·m²·n for the method, B·m²·n for the bootstrap, m³·n for rank reversal as primary).
    /// Saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    public static long WorkUnits(int vendors, int criteria, int evaluators, ScoringOptions? options, RobustnessOptions? robustness)
    {
        double m = Math.Max(vendors, 0), n = Math.Max(criteria, 0), e = Math.Max(evaluators, 1);
        var primary = options?.PrimaryMethod ?? ScoringMethod.Wsm;
        var methods = 1 + (options?.Methods?.Where(x => x != primary).Distinct().Count() ?? 0);
        var cost = m * n * e + methods * m * n;
        if (robustness is { } r)
        {
            var rank = m < Robustness.MonteCarlo.SortFrom ? m : Math.Ceiling(Math.Log2(Math.Max(m, 2)));
            cost += Math.Max(r.MonteCarloSamples, 0) * m * (n + rank);
            if (evaluators >= 2) cost += Math.Max(r.BootstrapResamples, 0) * m * n * (e + 1);
            if (r.Sensitivity) cost += SensitivityStepsPerCriterion * m * n;
            if (r.RankReversal) cost += m * m * n;
            if (primary == ScoringMethod.PrometheeII)
            {
                // Pairwise preferences: m²·n per scoring of a matrix (each bootstrap resample, each rank-reversal subset).
                if (evaluators >= 2) cost += Math.Max(r.BootstrapResamples, 0) * m * m * n;
                if (r.RankReversal) cost += m * m * m * n;
            }
        }
        if (primary == ScoringMethod.PrometheeII || (options?.Methods?.Contains(ScoringMethod.PrometheeII) ?? false)) cost += 2 * m * m * n;
        return cost >= long.MaxValue ? long.MaxValue : (long)cost;
    }

    /// <summary>Throws <see cref="WorkBudgetExceededException"/> when <see cref="WorkUnits"/> is above <see cref="MaxWorkUnits"/>.</summary>
    public static void EnsureWithinBudget(int vendors, int criteria, int evaluators, ScoringOptions? options, RobustnessOptions? robustness)
    {
        var cost = WorkUnits(vendors, criteria, evaluators, options, robustness);
        if (cost <= MaxWorkUnits) return;
        throw new WorkBudgetExceededException("scoring.work_units", cost, MaxWorkUnits,
            $"This scoring needs about {cost:N0} work units ({vendors} vendors × {criteria} criteria × {evaluators} evaluator(s), " +
            $"{robustness?.MonteCarloSamples ?? 0} Monte Carlo samples, {robustness?.BootstrapResamples ?? 0} bootstrap resamples), more than the " +
            $"limit of {MaxWorkUnits:N0}: lower robustness.monte_carlo_samples or robustness.bootstrap_resamples, or score fewer vendors or criteria (docs/limits.md).");
    }

    /// <summary>The budget check of <see cref="ScoreEvaluation"/> for a request, without scoring it (download links check it when issued).</summary>
    public static void EnsureWithinBudget(EvaluationScoringRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureWithinBudget(request.Vendors?.Count ?? 0, request.Criteria?.Count ?? 0, request.EvaluatorIds?.Count ?? 0, request.Options, request.Robustness);
    }

    /// <summary>Scores a ready-made alternatives × criteria matrix (ScoringService.ScoreMatrix).</summary>
    /// <param name="cancellationToken">Observed by every long loop (Monte Carlo, bootstrap, sensitivity, rank reversal): OperationCanceledException.</param>
    public static ScoringResult ScoreMatrix(MatrixScoringRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        ValidateIds(request.AlternativeIds, "alternative_ids", v, minimum: 2);
        var criteria = request.Criteria;
        ValidateCriteria(criteria, v);
        var m = request.AlternativeIds?.Count ?? 0;
        var n = criteria?.Count ?? 0;
        if (request.Matrix is null || request.Matrix.Count != m)
        {
            v.Add("matrix", $"must have {m} rows (one per alternative)");
        }
        else
        {
            for (var i = 0; i < m; i++)
            {
                var row = request.Matrix[i];
                if (row is null || row.Count != n)
                {
                    v.Add($"matrix[{i}]", $"must have {n} values (one per criterion)");
                    continue;
                }
                for (var j = 0; j < n; j++) v.RequireBounded(row[j], $"matrix[{i}][{j}]");
            }
        }
        ValidateWeightsInput(request.Weights, request.PairwiseMatrices, n, request.Options, v);
        ValidateOptions(request.Options, request.Robustness, v);
        ValidatePreferenceCriteria(request.Options, criteria?.Select(c => c?.Id) ?? [], v);
        v.ThrowIfInvalid();
        EnsureWithinBudget(m, n, 1, request.Options, request.Robustness);

        var x = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++) x[i * n + j] = request.Matrix![i][j];
        }
        var (weights, ahp) = ResolveWeights(request.Weights, request.PairwiseMatrices, request.Options);
        var context = new Context(
            request.AlternativeIds!.ToArray(), criteria!.ToArray(), x, weights, ahp, request.Options, request.Robustness,
            (i, j) => $"matrix[{i}][{j}]");
        return Score(context, [], null, null, null, cancellationToken);
    }

    /// <summary>Scores an evaluation from raw evaluator scores and vendor facts.</summary>
    /// <param name="cancellationToken">Observed by every long loop (Monte Carlo, bootstrap, sensitivity, rank reversal): OperationCanceledException.</param>
    public static ScoringResult ScoreEvaluation(EvaluationScoringRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var vendorIds = request.Vendors?.Select(x => x?.Id!).ToArray() ?? [];
        if (request.Vendors is not null && request.Vendors.Any(x => x is null)) v.Add("vendors", "must not contain null entries");
        else ValidateIds(vendorIds, "vendors", v, minimum: 2, suffix: ".id");
        ValidateCriteria(request.Criteria, v);
        ValidateIds(request.EvaluatorIds, "evaluator_ids", v, minimum: 1);
        var scale = request.Scale;
        if (scale is null)
        {
            v.Add("scale", "is required");
        }
        else
        {
            v.RequireBounded(scale.Min, "scale.min").RequireBounded(scale.Max, "scale.max");
            if (double.IsFinite(scale.Min) && double.IsFinite(scale.Max)) v.Require(scale.Min < scale.Max, "scale.max", "must be greater than scale.min");
        }
        var agg = request.Aggregation ?? new AggregationOptions();
        v.Require(Enum.IsDefined(agg.Method), "aggregation.method", "unknown aggregation method");
        v.Require(Enum.IsDefined(agg.MissingScores), "aggregation.missing_scores", "unknown missing-score policy");
        v.Require(agg.TrimFraction is >= 0 and < 0.5, "aggregation.trim_fraction", "must be in [0, 0.5)");
        var criteria = request.Criteria?.ToArray() ?? [];
        var n = criteria.Length;
        ValidateWeightsInput(request.Weights, request.PairwiseMatrices, n, request.Options, v);
        ValidateOptions(request.Options, request.Robustness, v);
        ValidatePreferenceCriteria(request.Options, criteria.Select(c => c?.Id), v);
        if (!v.IsValid) v.ThrowIfInvalid();
        EnsureWithinBudget(vendorIds.Length, n, request.EvaluatorIds!.Count, request.Options, request.Robustness);

        var vendorIndex = Index(vendorIds);
        var criterionIdList = criteria.Select(c => c.Id).ToArray();
        var criterionIndex = Index(criterionIdList);
        var evaluatorIds = request.EvaluatorIds!.ToArray();
        var evaluatorIndex = Index(evaluatorIds);
        var evalCriteria = Enumerable.Range(0, n).Where(j => criteria[j].Source == CriterionSource.EvaluatorScores).ToArray();
        var factCriteria = Enumerable.Range(0, n).Where(j => criteria[j].Source == CriterionSource.VendorFact).ToArray();
        var evalColumn = new int[n];
        Array.Fill(evalColumn, -1);
        for (var k = 0; k < evalCriteria.Length; k++) evalColumn[evalCriteria[k]] = k;

        var m0 = vendorIds.Length;
        using var tensor = EvaluatorScores.Rent(evaluatorIds.Length, m0, evalCriteria.Length);
        var scores = request.Scores ?? [];
        var lookup = new IdLookup(evaluatorIndex, evaluatorIds, vendorIndex, vendorIds, criterionIndex, criterionIdList);
        for (var s = 0; s < scores.Count; s++)
        {
            var sc = scores[s];
            if (sc is null)
            {
                v.Add($"scores[{s}]", "must not be null");
                continue;
            }
            var e = lookup.Evaluator(sc.EvaluatorId);
            var vi = lookup.Vendor(sc.VendorId);
            var ci = lookup.Criterion(sc.CriterionId);
            if (e < 0 || vi < 0 || ci < 0)
            {
                if (e < 0) v.Add($"scores[{s}].evaluator_id", $"unknown evaluator '{sc.EvaluatorId}'");
                if (vi < 0) v.Add($"scores[{s}].vendor_id", $"unknown vendor '{sc.VendorId}'");
                if (ci < 0) v.Add($"scores[{s}].criterion_id", $"unknown criterion '{sc.CriterionId}'");
                continue;
            }
            string Field() => $"scores[evaluator={sc.EvaluatorId},vendor={sc.VendorId},criterion={sc.CriterionId}]";
            if (evalColumn[ci] < 0)
            {
                v.Add(Field(), $"criterion '{sc.CriterionId}' is a vendor fact; give it in facts, not scores");
                continue;
            }
            if (!double.IsFinite(sc.Value))
            {
                v.Add(Field(), "must be a finite number (not NaN or infinite)");
                continue;
            }
            if (sc.Value < scale!.Min || sc.Value > scale.Max)
            {
                v.Add(Field(), $"must be within the scale [{scale.Min:R}, {scale.Max:R}]");
                continue;
            }
            var idx = tensor.Index(e, vi, evalColumn[ci]);
            if (tensor.Present[idx] != 0)
            {
                v.Add(Field(), $"duplicate score (also at scores[{FirstScoreAt(idx)}])");
                continue;
            }
            tensor.Values[idx] = sc.Value;
            tensor.Present[idx] = 1;
        }

        // The score that filled a cell: the first earlier one that passed every check above (rare path, so no
        // per-cell index array is kept for it).
        int FirstScoreAt(int cell)
        {
            var first = new IdLookup(evaluatorIndex, evaluatorIds, vendorIndex, vendorIds, criterionIndex, criterionIdList);
            for (var s = 0; s < scores.Count; s++)
            {
                var sc = scores[s];
                if (sc is null) continue;
                int e = first.Evaluator(sc.EvaluatorId), vi = first.Vendor(sc.VendorId), ci = first.Criterion(sc.CriterionId);
                if (e < 0 || vi < 0 || ci < 0 || evalColumn[ci] < 0 || !double.IsFinite(sc.Value) || sc.Value < scale!.Min || sc.Value > scale.Max) continue;
                if (tensor.Index(e, vi, evalColumn[ci]) == cell) return s;
            }
            return -1;
        }

        var facts = new double[m0 * n];
        var factSeen = new bool[m0 * n];
        var factList = request.Facts ?? [];
        for (var f = 0; f < factList.Count; f++)
        {
            var fact = factList[f];
            if (fact is null) { v.Add($"facts[{f}]", "must not be null"); continue; }
            var ok = true;
            if (!vendorIndex.TryGetValue(fact.VendorId ?? "", out var vi)) { v.Add($"facts[{f}].vendor_id", $"unknown vendor '{fact.VendorId}'"); ok = false; }
            if (!criterionIndex.TryGetValue(fact.CriterionId ?? "", out var ci)) { v.Add($"facts[{f}].criterion_id", $"unknown criterion '{fact.CriterionId}'"); ok = false; }
            if (!ok) continue;
            var field = $"facts[vendor={fact.VendorId},criterion={fact.CriterionId}]";
            if (criteria[ci].Source != CriterionSource.VendorFact) { v.Add(field, $"criterion '{fact.CriterionId}' is scored by evaluators, not a fact"); continue; }
            if (!double.IsFinite(fact.Value) || Math.Abs(fact.Value) > Validator.MaxMagnitude) { v.RequireBounded(fact.Value, field); continue; }
            if (factSeen[vi * n + ci]) { v.Add(field, "duplicate fact"); continue; }
            factSeen[vi * n + ci] = true;
            facts[vi * n + ci] = fact.Value;
        }
        foreach (var j in factCriteria)
        {
            for (var i = 0; i < m0; i++)
            {
                if (!factSeen[i * n + j]) v.Add($"facts[vendor={vendorIds[i]},criterion={criteria[j].Id}]", "is missing (every vendor needs a value for a fact criterion)");
            }
        }
        v.ThrowIfInvalid();

        // Missing scores.
        var missing = 0;
        var excluded = new List<ExcludedVendor>();
        var cellsPerEvaluator = m0 * evalCriteria.Length;
        for (var e = 0; e < evaluatorIds.Length; e++)
        {
            for (var q = 0; q < cellsPerEvaluator; q++)
            {
                var idx = e * cellsPerEvaluator + q;
                if (tensor.Present[idx] != 0) continue;
                missing++;
                if (agg.MissingScores == MissingScorePolicy.TreatAsScaleMinimum)
                {
                    tensor.Values[idx] = scale!.Min;
                    tensor.Present[idx] = 1;
                }
            }
        }
        var excludedSet = new HashSet<int>();
        for (var i = 0; i < m0 && missing > 0; i++) // with no score missing every cell has all E scores
        {
            for (var k = 0; k < evalCriteria.Length; k++)
            {
                var count = 0;
                for (var e = 0; e < evaluatorIds.Length; e++) count += tensor.Present[tensor.Index(e, i, k)] != 0 ? 1 : 0;
                var cid = criteria[evalCriteria[k]].Id;
                if (agg.MissingScores == MissingScorePolicy.ExcludeVendor && count < evaluatorIds.Length)
                {
                    excluded.Add(new ExcludedVendor(vendorIds[i], cid, $"{evaluatorIds.Length - count} missing score(s) on {cid} (policy ExcludeVendor)"));
                    excludedSet.Add(i);
                    break;
                }
                if (count == 0)
                {
                    excluded.Add(new ExcludedVendor(vendorIds[i], cid, $"no evaluator scored {cid}"));
                    excludedSet.Add(i);
                    break;
                }
            }
        }
        tensor.Complete = missing == 0 || agg.MissingScores == MissingScorePolicy.TreatAsScaleMinimum;

        var (aggregated, sd, iqr, counts, agreement) = tensor.Describe(agg);
        var x = new double[m0 * n];
        for (var i = 0; i < m0; i++)
        {
            for (var j = 0; j < n; j++)
            {
                x[i * n + j] = evalColumn[j] >= 0 ? aggregated[i * evalCriteria.Length + evalColumn[j]] : facts[i * n + j];
            }
        }
        var sdFull = new double[m0 * n];
        var iqrFull = new double[m0 * n];
        var countFull = new int[m0][];
        var agreementFull = new AgreementResult?[n];
        for (var i = 0; i < m0; i++)
        {
            countFull[i] = new int[n];
            for (var j = 0; j < n; j++)
            {
                if (evalColumn[j] < 0) continue;
                var q = i * evalCriteria.Length + evalColumn[j];
                sdFull[i * n + j] = sd[q];
                iqrFull[i * n + j] = iqr[q];
                countFull[i][j] = counts[q];
            }
        }
        for (var j = 0; j < n; j++)
        {
            if (evalColumn[j] >= 0) agreementFull[j] = agreement[evalColumn[j]];
        }
        var aggregationResult = new EvaluatorAggregationResult
        {
            Method = agg.Method,
            MissingScorePolicy = agg.MissingScores,
            MissingScoreCount = missing,
            VendorIds = vendorIds,
            Aggregated = MethodCalculator.ToRows(x, m0, n),
            StandardDeviation = MethodCalculator.ToRows(sdFull, m0, n),
            InterquartileRange = MethodCalculator.ToRows(iqrFull, m0, n),
            Counts = countFull,
            AgreementPerCriterion = agreementFull,
        };

        var (weights, ahp) = ResolveWeights(request.Weights, request.PairwiseMatrices, request.Options);
        var context = new Context(
            vendorIds, criteria, x, weights, ahp, request.Options, request.Robustness,
            (i, j) => evalColumn[j] >= 0
                ? $"scale.min"
                : $"facts[vendor={vendorIds[i]},criterion={criteria[j].Id}]");
        return Score(context, excluded, aggregationResult, tensor, (agg, evalCriteria), cancellationToken);
    }

    /// <summary>AHP weights from one pairwise matrix, or group weights from several (ScoringService.ComputeAhpWeights).</summary>
    public static AhpResult ComputeAhpWeights(AhpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var options = request.Options ?? new AhpOptions();
        AhpCalculator.Validate(request.PairwiseMatrices, null, options, "pairwise_matrices", v);
        v.ThrowIfInvalid();
        return AhpCalculator.Compute(request.PairwiseMatrices, options);
    }

    /// <summary>Kendall's W (raw and tie-corrected), χ², df and p-value for raters × items scores (ScoringService.ComputeAgreement).</summary>
    public static AgreementResult ComputeAgreement(AgreementRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        KendallW.Validate(request.Scores, "scores", v);
        v.ThrowIfInvalid();
        var m = request.Scores.Count;
        var n = request.Scores[0].Count;
        var flat = new double[m * n];
        for (var r = 0; r < m; r++)
        {
            for (var i = 0; i < n; i++) flat[r * n + i] = request.Scores[r][i];
        }
        return KendallW.Compute(flat, m, n);
    }

    internal sealed record Context(
        string[] VendorIds, Criterion[] Criteria, double[] X, double[] Weights, AhpResult? Ahp, ScoringOptions Options,
        RobustnessOptions? Robustness, Func<int, int, string> CellField);

    private static ScoringResult Score(
        Context ctx, List<ExcludedVendor> excluded, EvaluatorAggregationResult? aggregation, EvaluatorScores? tensor,
        (AggregationOptions Options, int[] Columns)? evaluatorInfo, CancellationToken ct)
    {
        var options = ctx.Options ?? new ScoringOptions();
        var m0 = ctx.VendorIds.Length;
        var n = ctx.Criteria.Length;
        var excludedSet = excluded.Select(e => Array.IndexOf(ctx.VendorIds, e.VendorId)).ToHashSet();

        // Knockouts on must-have thresholds.
        for (var i = 0; i < m0; i++)
        {
            if (excludedSet.Contains(i)) continue;
            for (var j = 0; j < n; j++)
            {
                var threshold = ctx.Criteria[j].MustHaveThreshold;
                if (threshold is not double t) continue;
                var value = ctx.X[i * n + j];
                var cost = ctx.Criteria[j].Direction == CriterionDirection.Cost;
                if (cost ? value > t : value < t)
                {
                    excluded.Add(new ExcludedVendor(ctx.VendorIds[i], ctx.Criteria[j].Id,
                        cost
                            ? $"{ctx.Criteria[j].Id} = {value:R} is above the must-have maximum {t:R}"
                            : $"{ctx.Criteria[j].Id} = {value:R} is below the must-have minimum {t:R}"));
                    excludedSet.Add(i);
                }
            }
        }

        var kept = Enumerable.Range(0, m0).Where(i => !excludedSet.Contains(i)).ToArray();
        var m = kept.Length;
        var ids = kept.Select(i => ctx.VendorIds[i]).ToArray();
        var criterionIds = ctx.Criteria.Select(c => c.Id).ToArray();
        var isCost = ctx.Criteria.Select(c => c.Direction == CriterionDirection.Cost).ToArray();
        var x = new double[m * n];
        for (var k = 0; k < m; k++) Array.Copy(ctx.X, kept[k] * n, x, k * n, n);

        var methods = new List<ScoringMethod> { options.PrimaryMethod };
        foreach (var method in options.Methods ?? []) if (!methods.Contains(method)) methods.Add(method);
        var decisions = Decisions(options, methods, ctx, aggregation);

        if (m < 2)
        {
            var caveats = new List<string>();
            if (m == 0) caveats.Add("No vendor passes the must-have criteria: there is no recommendation.");
            else caveats.Add($"{ids[0]} is the only vendor that passes the must-have criteria: it wins without comparison.");
            caveats.AddRange(ExclusionCaveats(excluded));
            return new ScoringResult
            {
                VendorIds = ids,
                CriterionIds = criterionIds,
                Weights = ctx.Weights,
                Ahp = ctx.Ahp,
                DecisionMatrix = MethodCalculator.ToRows(x, m, n),
                Methods = [],
                PrimaryMethod = options.PrimaryMethod,
                Excluded = excluded,
                ConstantCriteria = [],
                Aggregation = aggregation,
                Recommendation = new Recommendation
                {
                    WinnerId = m == 1 ? ids[0] : null,
                    TieBreak = options.TieBreak,
                    AgreementLevel = AgreementOf(aggregation, ctx.Weights).Level,
                    MeanAgreement = AgreementOf(aggregation, ctx.Weights).Mean,
                    Caveats = caveats,
                },
                Decisions = decisions,
            };
        }

        // Normalisation feasibility on the vendors actually scored.
        var v = new Validator();
        foreach (var method in methods)
        {
            Normaliser.Validate(x, m, n, isCost, Normaliser.Resolve(method, options.Normalisation), method,
                (i, j) => ctx.CellField(kept[i], j), j => $"criteria[{j}].direction", v);
        }
        v.ThrowIfInvalid();

        var constant = Enumerable.Range(0, n).Where(j => Normaliser.IsConstant(x, m, n, j)).Select(j => criterionIds[j]).ToArray();
        var results = methods.Select(method => MethodCalculator.Run(MethodMatrix.For(method, options, criterionIds), options.VikorV, x, m, n, isCost, ctx.Weights, ids)).ToArray();
        var primary = results[0];
        var tieOrder = TieOrder(ids, options.TieBreak);
        var utility = MethodCalculator.Utilities(primary);
        var order = Ranking.Order(utility, tieOrder);
        var winner = order[0];

        RobustnessResult? robustness = null;
        if (ctx.Robustness is { } ro)
        {
            var matrix = MethodMatrix.For(options.PrimaryMethod, options, criterionIds);
            var r = new double[m * n];
            matrix.Build(x, m, n, isCost, r);
            WeightScorer Factory()
            {
                var s = WeightScorer.Create(options.PrimaryMethod, m, n);
                s.SetVikorV(options.VikorV);
                s.Load(r);
                return s;
            }

            var sensitivity = ro.Sensitivity
                ? WeightSensitivityAnalysis.Run(Factory, ctx.Weights, m, ids, criterionIds, tieOrder, ct)
                : null;
            var monteCarlo = ro.MonteCarloSamples > 0 ? MonteCarlo.Run(Factory, ctx.Weights, m, n, ro, winner, ct) : null;
            BootstrapResult? bootstrap = null;
            if (ro.BootstrapResamples > 0 && tensor is not null && evaluatorInfo is { } info && tensor.E >= 2)
            {
                var sub = kept.Length == tensor.V ? tensor : tensor.SelectVendors(kept); // kept is ascending: all = identity
                bootstrap = Bootstrap.Run(sub, info.Options, x, m, n, info.Columns, isCost, matrix,
                    () =>
                    {
                        var s = WeightScorer.Create(options.PrimaryMethod, m, n);
                        s.SetVikorV(options.VikorV);
                        return s;
                    },
                    ctx.Weights, ro, winner, tieOrder, ct);
            }
            var reversal = ro.RankReversal ? RankReversal(options, matrix, x, m, n, isCost, ctx.Weights, ids, order, tieOrder, ct) : null;
            robustness = new RobustnessResult
            {
                Sensitivity = sensitivity,
                MonteCarlo = monteCarlo,
                Bootstrap = bootstrap,
                RankReversal = reversal,
            };
        }

        var primaryMatrix = MethodMatrix.For(options.PrimaryMethod, options, criterionIds);
        string? WinnerWith(double[]? weights) => weights is null
            ? null
            : ids[Ranking.Order(MethodCalculator.Utilities(MethodCalculator.Run(primaryMatrix, options.VikorV, x, m, n, isCost, weights, ids)), tieOrder)[0]];
        var entropy = ObjectiveWeights.Entropy(x, m, n, isCost);
        var critic = ObjectiveWeights.Critic(x, m, n, isCost);
        var objective = new ObjectiveWeightsResult(entropy, WinnerWith(entropy), critic, WinnerWith(critic));

        var recommendation = RecommendationBuilder.Build(
            ctx, options, ids, criterionIds, order, utility, results, robustness, aggregation, excluded, constant);

        return new ScoringResult
        {
            VendorIds = ids,
            CriterionIds = criterionIds,
            Weights = ctx.Weights,
            Ahp = ctx.Ahp,
            DecisionMatrix = MethodCalculator.ToRows(x, m, n),
            Methods = results,
            PrimaryMethod = options.PrimaryMethod,
            Excluded = excluded,
            ConstantCriteria = constant,
            Aggregation = aggregation,
            Robustness = robustness,
            Recommendation = recommendation,
            Decisions = decisions,
            ObjectiveWeights = objective,
        };
    }

    private static RankReversalCheck[] RankReversal(
        ScoringOptions options, MethodMatrix matrix, double[] x, int m, int n, bool[] isCost, double[] weights, string[] ids, int[] order, int[] tieOrder,
        CancellationToken ct)
    {
        if (m < 3) return [];
        var checks = new List<RankReversalCheck>();
        for (var p = 1; p < order.Length; p++)
        {
            ct.ThrowIfCancellationRequested();
            var removed = order[p];
            var rest = Enumerable.Range(0, m).Where(i => i != removed).ToArray();
            var sub = new double[rest.Length * n];
            for (var k = 0; k < rest.Length; k++) Array.Copy(x, rest[k] * n, sub, k * n, n);
            var subIds = rest.Select(i => ids[i]).ToArray();
            var result = MethodCalculator.Run(matrix, options.VikorV, sub, rest.Length, n, isCost, weights, subIds);
            var newOrder = Ranking.Order(MethodCalculator.Utilities(result), rest.Select(i => tieOrder[i]).ToArray())
                .Select(k => rest[k]).ToArray();
            var expected = order.Where(i => i != removed).ToArray();
            checks.Add(new RankReversalCheck(
                ids[removed], !expected.SequenceEqual(newOrder), newOrder[0] != order[0], newOrder.Select(i => ids[i]).ToArray()));
        }
        return [.. checks];
    }

    internal static int[] TieOrder(string[] ids, TieBreakRule rule)
    {
        if (rule == TieBreakRule.FirstListed) return Enumerable.Range(0, ids.Length).ToArray();
        var sorted = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i], StringComparer.Ordinal).ToArray();
        var order = new int[ids.Length];
        for (var k = 0; k < sorted.Length; k++) order[sorted[k]] = k;
        return order;
    }

    internal static (AgreementLevel Level, double? Mean) AgreementOf(EvaluatorAggregationResult? aggregation, IReadOnlyList<double> weights)
    {
        if (aggregation is null) return (AgreementLevel.NotAssessed, null);
        double sum = 0, weightSum = 0;
        for (var j = 0; j < weights.Count; j++)
        {
            if (aggregation.AgreementPerCriterion[j] is { IsDefined: true } a)
            {
                sum += weights[j] * a.WTieCorrected;
                weightSum += weights[j];
            }
        }
        if (weightSum <= 0) return (AgreementLevel.NotAssessed, null);
        var mean = sum / weightSum;
        var level = mean switch
        {
            < 0.2 => AgreementLevel.VeryWeak,
            < 0.4 => AgreementLevel.Weak,
            < 0.6 => AgreementLevel.Moderate,
            < 0.8 => AgreementLevel.Strong,
            _ => AgreementLevel.VeryStrong,
        };
        return (level, mean);
    }

    internal static IEnumerable<string> ExclusionCaveats(List<ExcludedVendor> excluded)
    {
        if (excluded.Count == 0) yield break;
        var byVendor = excluded.GroupBy(e => e.VendorId).Select(g => $"{g.Key} ({string.Join("; ", g.Select(e => e.Reason))})");
        yield return $"{excluded.Select(e => e.VendorId).Distinct().Count()} vendor(s) ranked out: {string.Join(", ", byVendor)}.";
    }

    private static List<string> Decisions(ScoringOptions options, List<ScoringMethod> methods, Context ctx, EvaluatorAggregationResult? aggregation)
    {
        var d = new List<string>();
        foreach (var method in methods)
        {
            var resolved = Normaliser.Resolve(method, options.Normalisation);
            var note = method == ScoringMethod.Vikor
                ? " (VIKOR's own linear normalisation; the normalisation option does not apply)"
                : method == ScoringMethod.PrometheeII
                ? " (PROMETHEE II compares raw differences; the normalisation option does not apply)"
                : options.Normalisation == NormalisationMethod.MethodDefault ? " (method default)" : " (requested)";
            d.Add($"normalisation.{method.ToString().ToUpperInvariant()}={resolved}{note}");
        }
        d.Add("cost_criteria=inverted inside normalisation, before weighting: MinMax (max−x)/(max−min); Vector 1−x/‖x‖; Max min/x; Sum (1/x)/Σ(1/x)");
        d.Add("constant_column=normalises to 1 for every vendor; VIKOR f*=f⁻ gives regret 0; a zero-range S or R term in Q contributes 0");
        d.Add("weights=renormalised to sum to 1");
        d.Add($"primary_method={options.PrimaryMethod}");
        d.Add($"tie_break={options.TieBreak} (scores within 1e-12 relative are ties)");
        if (methods.Contains(ScoringMethod.PrometheeII))
        {
            var named = options.Preferences.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.CriterionId}:{p.Function}(q={p.Q:R}, p={p.P:R}, s={p.S:R})"));
            d.Add($"promethee.preferences={string.Join("; ", named.DefaultIfEmpty("none given"))}; other criteria Usual; flows /(m−1)");
        }
        if (methods.Contains(ScoringMethod.Vikor)) d.Add(string.Create(CultureInfo.InvariantCulture, $"vikor.v={options.VikorV:R}; DQ=1/(m−1)"));
        if (ctx.Ahp is not null)
        {
            d.Add($"ahp.random_index_table={ctx.Ahp.RandomIndexTable}");
            d.Add(string.Create(CultureInfo.InvariantCulture, $"ahp.eigenvector=power iteration to {options.Ahp.ConvergenceTolerance:R}"));
            d.Add(string.Create(CultureInfo.InvariantCulture, $"ahp.reciprocity_tolerance={options.Ahp.ReciprocityTolerance:R}"));
            if (ctx.Ahp.GroupAggregation is { } g) d.Add($"ahp.group={g} (geometric mean, renormalised)");
        }
        if (aggregation is not null)
        {
            d.Add($"aggregation={aggregation.Method}; missing_scores={aggregation.MissingScorePolicy}");
            d.Add("agreement=Kendall's W with tie correction per criterion, evaluators with a complete row");
        }
        if (ctx.Robustness is { } r)
        {
            d.Add($"robustness.seed={r.Seed}");
            if (r.MonteCarloSamples > 0)
                d.Add(r.Sampling == WeightSampling.UniformSimplex
                    ? "monte_carlo=uniform on the weight simplex"
                    : string.Create(CultureInfo.InvariantCulture, $"monte_carlo=Dirichlet(concentration {r.Concentration:R} × weights)"));
            if (r.BootstrapResamples > 0) d.Add(string.Create(CultureInfo.InvariantCulture, $"bootstrap=percentile interval at {r.ConfidenceLevel:R} over evaluators"));
            if (r.Sensitivity) d.Add(string.Create(CultureInfo.InvariantCulture, $"sensitivity=one-at-a-time, others rescaled proportionally; grid {WeightSensitivityAnalysis.GridStep:R} then bisection"));
        }
        return d;
    }

    /// <summary>
    /// Id → index lookups that skip hashing when the same string instance repeats or when the id is the very instance
    /// listed next (scores usually arrive grouped and in the order of the lists). Ids are unique (validated before),
    /// so the listed instance at k always maps to k.
    /// </summary>
    private sealed class IdLookup(
        Dictionary<string, int> evaluators, string[] evaluatorIds, Dictionary<string, int> vendors,
        string[] vendorIds, Dictionary<string, int> criteria, string[] criterionIds)
    {
        private string? _lastEvaluator, _lastVendor, _lastCriterion;
        private int _evaluator = -1, _vendor = -1, _criterion = -1;

        public int Evaluator(string? id) => Find(evaluators, evaluatorIds, id, ref _lastEvaluator, ref _evaluator);

        public int Vendor(string? id) => Find(vendors, vendorIds, id, ref _lastVendor, ref _vendor);

        public int Criterion(string? id) => Find(criteria, criterionIds, id, ref _lastCriterion, ref _criterion);

        private static int Find(Dictionary<string, int> index, string[] ids, string? id, ref string? last, ref int lastIndex)
        {
            if (id is null) return -1;
            if (ReferenceEquals(id, last)) return lastIndex;
            last = id;
            var next = lastIndex + 1 < ids.Length ? lastIndex + 1 : 0;
            if (ids.Length > 0 && ReferenceEquals(id, ids[next]))
            {
                lastIndex = next;
                return next;
            }
            lastIndex = index.TryGetValue(id, out var i) ? i : -1;
            return lastIndex;
        }
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> ids)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++) index.TryAdd(ids[i], i);
        return index;
    }

    private static void ValidateIds(IReadOnlyList<string>? ids, string field, Validator v, int minimum, string suffix = "")
    {
        if (ids is null || ids.Count < minimum)
        {
            v.Add(field, minimum == 2 ? "needs at least 2 entries (two vendors to compare)" : $"needs at least {minimum} entries");
            if (ids is null) return;
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ids[i]))
            {
                v.Add($"{field}[{i}]{suffix}", "must be a non-empty id");
            }
            else if (!seen.TryAdd(ids[i], i))
            {
                v.Add($"{field}[{i}]{suffix}", $"duplicate id '{ids[i]}' (also at {field}[{seen[ids[i]]}]{suffix})");
            }
        }
    }

    private static void ValidateCriteria(IReadOnlyList<Criterion>? criteria, Validator v)
    {
        if (criteria is null || criteria.Count == 0)
        {
            v.Add("criteria", "needs at least 1 criterion");
            return;
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < criteria.Count; j++)
        {
            var c = criteria[j];
            if (c is null) { v.Add($"criteria[{j}]", "must not be null"); continue; }
            if (string.IsNullOrWhiteSpace(c.Id)) v.Add($"criteria[{j}].id", "must be a non-empty id");
            else if (!seen.TryAdd(c.Id, j)) v.Add($"criteria[{j}].id", $"duplicate id '{c.Id}' (also at criteria[{seen[c.Id]}].id)");
            v.Require(Enum.IsDefined(c.Direction), $"criteria[{j}].direction", "must be Benefit or Cost");
            v.Require(Enum.IsDefined(c.Source), $"criteria[{j}].source", "unknown source");
            if (c.MustHaveThreshold is double t) v.RequireFinite(t, $"criteria[{j}].must_have_threshold");
        }
    }

    private static void ValidateWeightsInput(
        IReadOnlyList<double>? weights, IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>? pairwise, int n, ScoringOptions? options, Validator v)
    {
        if (weights is not null && pairwise is not null)
        {
            v.Add("weights", "give either weights or pairwise_matrices, not both");
            return;
        }
        if (pairwise is not null)
        {
            AhpCalculator.Validate(pairwise, n, options?.Ahp ?? new AhpOptions(), "pairwise_matrices", v);
            return;
        }
        if (weights is null)
        {
            v.Add("weights", "give weights (one per criterion) or pairwise_matrices");
            return;
        }
        if (weights.Count != n)
        {
            v.Add("weights", $"must have {n} values (one per criterion), has {weights.Count}");
            return;
        }
        var allValid = true;
        for (var j = 0; j < n; j++)
        {
            if (!double.IsFinite(weights[j]) || weights[j] > Validator.MaxMagnitude) { v.RequireBounded(weights[j], $"weights[{j}]"); allValid = false; }
            else if (weights[j] < 0) { v.Add($"weights[{j}]", "must be ≥ 0"); allValid = false; }
        }
        if (allValid && weights.All(w => w == 0)) v.Add("weights", "must not all be zero");
    }

    /// <summary>The options checks of <see cref="ScoreMatrix"/> and <see cref="ScoreEvaluation"/> on their own (exports and links check them before loading anything).</summary>
    public static void ValidateOptions(ScoringOptions? options, RobustnessOptions? robustness)
    {
        var v = new Validator();
        ValidateOptions(options, robustness, v);
        v.ThrowIfInvalid();
    }

    private static void ValidateOptions(ScoringOptions? options, RobustnessOptions? robustness, Validator v)
    {
        if (options is not null)
        {
            v.Require(Enum.IsDefined(options.PrimaryMethod), "options.primary_method", "unknown method");
            if (options.Methods is not null)
            {
                for (var k = 0; k < options.Methods.Count; k++) v.Require(Enum.IsDefined(options.Methods[k]), $"options.methods[{k}]", "unknown method");
            }
            v.Require(Enum.IsDefined(options.Normalisation), "options.normalisation", "unknown normalisation");
            v.Require(Enum.IsDefined(options.TieBreak), "options.tie_break", "unknown tie-break rule");
            v.Require(options.VikorV is >= 0 and <= 1, "options.vikor_v", "must be in [0, 1]");
            ValidatePreferences(options.Preferences, v);
            var usesWpm = options.PrimaryMethod == ScoringMethod.Wpm || (options.Methods?.Contains(ScoringMethod.Wpm) ?? false);
            if (usesWpm && options.Normalisation is NormalisationMethod.MinMax or NormalisationMethod.Vector)
                v.Add("options.normalisation", "WPM needs strictly positive normalised values: use Max, Sum or None (MinMax and Vector can give 0)");
        }
        if (robustness is not null)
        {
            v.Require(robustness.MonteCarloSamples is >= 0 and <= 1_000_000, "robustness.monte_carlo_samples", "must be in [0, 1000000]");
            v.Require(robustness.BootstrapResamples is >= 0 and <= 100_000, "robustness.bootstrap_resamples", "must be in [0, 100000]");
            v.Require(double.IsFinite(robustness.Concentration) && robustness.Concentration > 0, "robustness.concentration", "must be a finite number > 0");
            v.Require(robustness.ConfidenceLevel is > 0 and < 1, "robustness.confidence_level", "must be in (0, 1)");
            v.Require(Enum.IsDefined(robustness.Sampling), "robustness.sampling", "unknown sampling");
        }
    }

    /// <summary>Thresholds each preference function needs (Brans &amp; Vincke 1985): q ≥ 0, p &gt; q, s &gt; 0, all finite.</summary>
    private static void ValidatePreferences(IReadOnlyList<CriterionPreference>? preferences, Validator v)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < (preferences?.Count ?? 0); k++)
        {
            var f = preferences![k];
            var field = $"options.preferences[{k}]";
            if (f is null)
            {
                v.Add(field, "is required");
                continue;
            }
            v.Require(!string.IsNullOrEmpty(f.CriterionId), field + ".criterion_id", "is required");
            if (!string.IsNullOrEmpty(f.CriterionId)) v.Require(seen.Add(f.CriterionId), field + ".criterion_id", $"{f.CriterionId} already has a preference function");
            v.RequireBounded(f.Q, field + ".q").RequireBounded(f.P, field + ".p").RequireBounded(f.S, field + ".s");
            switch (f.Function)
            {
                case PreferenceFunction.Usual:
                    break;
                case PreferenceFunction.UShape:
                    v.Require(f.Q >= 0, field + ".q", "must be ≥ 0 (the indifference threshold)");
                    break;
                case PreferenceFunction.VShape:
                    v.Require(f.P > 0, field + ".p", "must be > 0 (the preference threshold)");
                    break;
                case PreferenceFunction.Level or PreferenceFunction.Linear:
                    v.Require(f.Q >= 0, field + ".q", "must be ≥ 0 (the indifference threshold)");
                    v.Require(f.P > f.Q, field + ".p", "must be greater than q (the preference threshold)");
                    break;
                case PreferenceFunction.Gaussian:
                    v.Require(f.S > 0, field + ".s", "must be > 0 (the Gaussian inflection point)");
                    break;
                default:
                    v.Add(field + ".function", "unknown preference function");
                    break;
            }
        }
    }

    /// <summary>Every preference function names a criterion of the request.</summary>
    private static void ValidatePreferenceCriteria(ScoringOptions? options, IEnumerable<string?> criterionIds, Validator v)
    {
        var known = criterionIds.Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        var preferences = options?.Preferences ?? [];
        for (var k = 0; k < preferences.Count; k++)
        {
            var id = preferences[k]?.CriterionId;
            if (!string.IsNullOrEmpty(id) && !known.Contains(id)) v.Add($"options.preferences[{k}].criterion_id", $"{id} is not a criterion of this request");
        }
    }

    private static (double[] Weights, AhpResult? Ahp) ResolveWeights(
        IReadOnlyList<double>? weights, IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>? pairwise, ScoringOptions? options)
    {
        if (pairwise is not null)
        {
            var ahp = AhpCalculator.Compute(pairwise, options?.Ahp ?? new AhpOptions());
            return (ahp.Weights.ToArray(), ahp);
        }
        var total = weights!.Sum();
        return (weights!.Select(w => w / total).ToArray(), null);
    }
}
