namespace CoeInsights.Analytics.Scoring.Ahp;

/// <summary>
/// Analytic hierarchy process: principal right eigenvector by power iteration (to 1e-12, never a column-mean
/// shortcut), λmax, CI, CR with a named random-index table; groups by element-wise geometric mean.
/// </summary>
internal static class AhpCalculator
{
    /// <summary>Largest matrix the random-index tables cover.</summary>
    public const int MaxSize = 15;

    private static readonly double[] SaatyTable =
        [0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59];

    private static readonly double[] DoneganDoddTable =
        [0, 0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213, 1.4497, 1.4643, 1.4822, 1.4969];

    public static double RandomIndex(RandomIndexTable table, int n) => table switch
    {
        RandomIndexTable.Saaty => SaatyTable[n - 1],
        RandomIndexTable.DoneganDodd => DoneganDoddTable[n - 1],
        _ => throw new ArgumentOutOfRangeException(nameof(table)),
    };

    /// <summary>Validates one or more pairwise matrices; field paths start with <paramref name="field"/> (e.g. "pairwise_matrices").</summary>
    public static void Validate(
        IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>? matrices, int? expectedSize, AhpOptions options, string field, Validator validator)
    {
        if (matrices is null || matrices.Count == 0)
        {
            validator.Add(field, "at least one pairwise matrix is required");
            return;
        }
        if (!(options.ReciprocityTolerance >= 0 && double.IsFinite(options.ReciprocityTolerance)))
            validator.Add("options.ahp.reciprocity_tolerance", "must be a finite number ≥ 0");
        if (!(options.ConvergenceTolerance > 0 && double.IsFinite(options.ConvergenceTolerance)))
            validator.Add("options.ahp.convergence_tolerance", "must be a finite number > 0");
        if (options.MaxIterations < 1) validator.Add("options.ahp.max_iterations", "must be ≥ 1");
        if (!Enum.IsDefined(options.RandomIndexTable)) validator.Add("options.ahp.random_index_table", "unknown table");
        if (!Enum.IsDefined(options.GroupAggregation)) validator.Add("options.ahp.group_aggregation", "unknown group aggregation");

        var size = expectedSize ?? matrices[0]?.Count ?? 0;
        for (var k = 0; k < matrices.Count; k++)
        {
            var a = matrices[k];
            var mf = $"{field}[{k}]";
            if (a is null || a.Count == 0)
            {
                validator.Add(mf, "must be a non-empty square matrix");
                continue;
            }
            if (a.Count != size)
            {
                validator.Add(mf, expectedSize is null
                    ? $"has {a.Count} rows; every matrix must have {size} (the size of the first)"
                    : $"has {a.Count} rows; expected {size} (one per criterion)");
                continue;
            }
            if (a.Count > MaxSize)
            {
                validator.Add(mf, $"has {a.Count} elements; random-index tables cover at most {MaxSize}");
                continue;
            }
            var square = true;
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] is null || a[i].Count != a.Count)
                {
                    validator.Add($"{mf}[{i}]", $"must have {a.Count} values (square matrix)");
                    square = false;
                }
            }
            if (!square) continue;
            var cellsOk = true;
            for (var i = 0; i < a.Count; i++)
            {
                for (var j = 0; j < a.Count; j++)
                {
                    var v = a[i][j];
                    var cf = $"{mf}[{i}][{j}]";
                    if (!double.IsFinite(v))
                    {
                        validator.Add(cf, "must be a finite number (not NaN or infinite)");
                        cellsOk = false;
                    }
                    else if (v <= 0)
                    {
                        validator.Add(cf, "must be > 0 (pairwise judgements are positive ratios)");
                        cellsOk = false;
                    }
                    else if (i == j && Math.Abs(v - 1) > options.ReciprocityTolerance)
                    {
                        validator.Add(cf, "diagonal must be 1");
                        cellsOk = false;
                    }
                }
            }
            if (!cellsOk) continue;
            for (var i = 0; i < a.Count; i++)
            {
                for (var j = i + 1; j < a.Count; j++)
                {
                    var product = a[i][j] * a[j][i];
                    if (Math.Abs(product - 1) > options.ReciprocityTolerance)
                    {
                        validator.Add($"{mf}[{j}][{i}]",
                            $"must be the reciprocal of {mf}[{i}][{j}] = {a[i][j]:R} (product {product:R}, tolerance {options.ReciprocityTolerance:R})");
                    }
                }
            }
        }
    }

    /// <summary>Computes weights for validated matrices.</summary>
    public static AhpResult Compute(IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> matrices, AhpOptions options)
    {
        if (matrices.Count == 1) return Single(ToArray(matrices[0]), options, groupAggregation: null);

        var individual = matrices.Select(a => Single(ToArray(a), options, groupAggregation: null)).ToArray();
        var n = matrices[0].Count;
        var g = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double logSum = 0;
                foreach (var a in matrices) logSum += Math.Log(a[i][j]);
                g[i, j] = Math.Exp(logSum / matrices.Count);
            }
        }
        var groupMatrix = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => g[i, j]).ToArray()).ToArray();
        var aij = Single(g, options, options.GroupAggregation);
        if (options.GroupAggregation == GroupAggregation.AggregateJudgements)
        {
            return aij with { GroupMatrix = groupMatrix, Individual = individual };
        }

        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            double logSum = 0;
            foreach (var r in individual) logSum += Math.Log(r.Weights[i]);
            weights[i] = Math.Exp(logSum / individual.Length);
        }
        var total = weights.Sum();
        for (var i = 0; i < n; i++) weights[i] /= total;
        return aij with { Weights = weights, GroupMatrix = groupMatrix, Individual = individual };
    }

    private static double[,] ToArray(IReadOnlyList<IReadOnlyList<double>> a)
    {
        var n = a.Count;
        var result = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++) result[i, j] = a[i][j];
        }
        return result;
    }

    private static AhpResult Single(double[,] a, AhpOptions options, GroupAggregation? groupAggregation)
    {
        var n = a.GetLength(0);
        var (w, lambda, iterations) = PrincipalEigenvector(a, options.ConvergenceTolerance, options.MaxIterations);
        var ci = n <= 2 ? 0.0 : Math.Max(0.0, (lambda - n) / (n - 1));
        var ri = RandomIndex(options.RandomIndexTable, n);
        var cr = ri > 0 ? ci / ri : 0.0;
        return new AhpResult
        {
            Weights = w,
            LambdaMax = lambda,
            ConsistencyIndex = ci,
            ConsistencyRatio = cr,
            RandomIndex = ri,
            RandomIndexTable = options.RandomIndexTable,
            IsAcceptablyConsistent = cr <= options.AcceptableConsistencyRatio,
            Iterations = iterations,
            GroupAggregation = groupAggregation,
            Individual = [],
        };
    }

    /// <summary>
    /// Power iteration w ← A w / Σ(A w), starting from the normalised row geometric means, until
    /// max |Δw| ≤ tolerance. For a positive matrix this converges to the Perron vector; λmax = Σ(A w) with Σ w = 1.
    /// </summary>
    internal static (double[] Weights, double LambdaMax, int Iterations) PrincipalEigenvector(double[,] a, double tolerance, int maxIterations)
    {
        var n = a.GetLength(0);
        var w = new double[n];
        for (var i = 0; i < n; i++)
        {
            double logSum = 0;
            for (var j = 0; j < n; j++) logSum += Math.Log(a[i, j]);
            w[i] = Math.Exp(logSum / n);
        }
        var total = w.Sum();
        for (var i = 0; i < n; i++) w[i] /= total;

        var next = new double[n];
        var lambda = 0.0;
        var iterations = 0;
        while (iterations < maxIterations)
        {
            iterations++;
            lambda = 0;
            for (var i = 0; i < n; i++)
            {
                double s = 0;
                for (var j = 0; j < n; j++) s += a[i, j] * w[j];
                next[i] = s;
                lambda += s;
            }
            var delta = 0.0;
            for (var i = 0; i < n; i++)
            {
                next[i] /= lambda;
                delta = Math.Max(delta, Math.Abs(next[i] - w[i]));
            }
            (w, next) = (next, w);
            if (delta <= tolerance) break;
        }
        // λmax from the converged vector: Σ_i (A w)_i with Σ w = 1.
        lambda = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++) lambda += a[i, j] * w[j];
        }
        return (w, lambda, iterations);
    }
}
