namespace CoeInsights.Analytics.Surveys;

/// <summary>Cronbach's alpha with SPSS-style item-total statistics.</summary>
public static class Reliability
{
    /// <summary>
    /// Cronbach's alpha of <paramref name="items"/> over <paramref name="rows"/> (one row per respondent, one column per item,
    /// null = missing). Listwise deletion: only respondents with every item answered are used, so every variance and
    /// correlation is on the same people (as SPSS RELIABILITY and ltm::cronbach.alpha(na.rm = TRUE) do).
    /// Sample (n − 1) variances. Throws <see cref="InvalidInputException"/> for fewer than 2 items, duplicate item ids,
    /// ragged rows, or NaN/infinite values.
    /// </summary>
    public static ReliabilityResult CronbachAlpha(IReadOnlyList<string> items, IReadOnlyList<IReadOnlyList<double?>> rows, string scaleId = "scale")
    {
        var v = new Validator();
        v.Require(items.Count >= 2, "items", $"Cronbach's alpha needs at least 2 items, got {items.Count}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < items.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(items[j])) v.Add($"items[{j}]", "must not be empty");
            else if (!seen.Add(items[j])) v.Add($"items[{j}]", $"duplicate item '{items[j]}'");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Count != items.Count)
            {
                v.Add($"rows[{i}]", $"has {rows[i].Count} values, expected one per item ({items.Count})");
                continue;
            }
            for (var j = 0; j < items.Count; j++)
                if (rows[i][j] is { } x) v.RequireFinite(x, $"rows[{i}][{j}]");
        }
        v.ThrowIfInvalid();

        var complete = rows.Where(r => r.All(x => x.HasValue)).Select(r => r.Select(x => x!.Value).ToArray()).ToArray();
        return Compute(scaleId, items, complete, rows.Count - complete.Length);
    }

    internal static ReliabilityResult Compute(string scaleId, IReadOnlyList<string> items, double[][] x, int excluded)
    {
        var k = items.Count;
        var n = x.Length;
        if (n < 2)
        {
            return new ReliabilityResult
            {
                ScaleId = scaleId, Items = items, CompleteRespondents = n, ExcludedRespondents = excluded,
                Alpha = null, StandardizedAlpha = null, MeanInterItemCorrelation = null, ItemStatistics = [],
                Note = $"alpha needs at least 2 complete respondents, found {n}",
            };
        }

        var columns = Enumerable.Range(0, k).Select(j => x.Select(r => r[j]).ToArray()).ToArray();
        var cov = new double[k, k];
        var means = columns.Select(c => c.Average()).ToArray();
        for (var a = 0; a < k; a++)
            for (var b = a; b < k; b++)
            {
                var s = 0.0;
                for (var i = 0; i < n; i++) s += (columns[a][i] - means[a]) * (columns[b][i] - means[b]);
                cov[a, b] = cov[b, a] = s / (n - 1);
            }

        var all = Enumerable.Range(0, k).ToArray();
        var (alpha, std, rbar) = AlphaOf(cov, all);
        var stats = new ItemStatistics[k];
        for (var j = 0; j < k; j++)
        {
            var rest = all.Where(t => t != j).ToArray();
            var restVariance = SumVariance(cov, rest);
            var itemRestCov = rest.Sum(t => cov[j, t]);
            var denominator = Math.Sqrt(cov[j, j] * restVariance);
            var (alphaDeleted, stdDeleted, _) = rest.Length >= 2 ? AlphaOf(cov, rest) : (null, null, null);
            stats[j] = new ItemStatistics
            {
                Item = items[j],
                Mean = means[j],
                StandardDeviation = Math.Sqrt(cov[j, j]),
                ScaleMeanIfDeleted = rest.Sum(t => means[t]),
                ScaleVarianceIfDeleted = restVariance,
                CorrectedItemTotalCorrelation = denominator > 0 ? itemRestCov / denominator : null,
                AlphaIfDeleted = alphaDeleted,
                StandardizedAlphaIfDeleted = stdDeleted,
            };
        }

        return new ReliabilityResult
        {
            ScaleId = scaleId, Items = items, CompleteRespondents = n, ExcludedRespondents = excluded,
            Alpha = alpha, StandardizedAlpha = std, MeanInterItemCorrelation = rbar, ItemStatistics = stats,
            Note = alpha is null ? "the total score has zero variance: alpha is undefined" : null,
        };
    }

    private static double SumVariance(double[,] cov, int[] subset)
    {
        var s = 0.0;
        foreach (var a in subset)
            foreach (var b in subset)
                s += cov[a, b];
        return s;
    }

    private static (double? Alpha, double? Standardized, double? MeanR) AlphaOf(double[,] cov, int[] subset)
    {
        var k = subset.Length;
        var total = SumVariance(cov, subset);
        var itemVariance = subset.Sum(a => cov[a, a]);
        double? alpha = total > 0 ? k / (k - 1.0) * (1 - itemVariance / total) : null;

        if (subset.Any(a => cov[a, a] <= 0)) return (alpha, null, null);
        var sumR = 0.0;
        for (var p = 0; p < k; p++)
            for (var q = p + 1; q < k; q++)
                sumR += cov[subset[p], subset[q]] / Math.Sqrt(cov[subset[p], subset[p]] * cov[subset[q], subset[q]]);
        var rbar = sumR / (k * (k - 1) / 2.0);
        var denom = 1 + (k - 1) * rbar;
        return (alpha, denom != 0 ? k * rbar / denom : null, rbar);
    }
}
