namespace CoeInsights.Analytics.Trends;

/// <summary>Which pairs a seasonal Sen slope compares (the published packages differ on gaps).</summary>
public enum SeasonalSenConvention
{
    /// <summary>
    /// Hirsch, Slack &amp; Smith (1982): every pair of observed values of one season, each slope over the true number
    /// of cycles between them. The default.
    /// </summary>
    PairwiseWithinSeason = 1,

    /// <summary>
    /// pymannkendall's seasonal_sens_slope: the series is padded to whole cycles, every cycle with a missing slot is
    /// dropped and the cycles left are numbered consecutively (a dropped cycle closes the gap), then as above.
    /// </summary>
    DropIncompleteCycles = 2,
}

/// <summary>Seasonal Sen slope: the median of within-season slopes, per cycle (per year for monthly data with 12 seasons).</summary>
/// <param name="Slope">Change per cycle; null when no season has two observed values.</param>
public sealed record SeasonalSenSlopeResult(int SeasonLength, long PairCount, double? Slope, SeasonalSenConvention Convention);

public static class SeasonalSenSlope
{
    /// <summary>O(Σ n_s²) over seasons of n_s observed cycles; <see cref="SeasonLimit"/> bounds the series.</summary>
    public static SeasonalSenSlopeResult Estimate(IReadOnlyList<double?> values, int seasonLength, SeasonalSenConvention convention = SeasonalSenConvention.PairwiseWithinSeason)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = new Validator();
        v.Require(seasonLength >= 2, "season_length", "must be at least 2");
        v.Require(Enum.IsDefined(convention), "seasonal_sen_convention", "must be a known convention");
        SeasonLimit.Require(seasonLength, values.Count, v);
        v.ThrowIfInvalid();
        var cycles = (values.Count + seasonLength - 1) / seasonLength;
        // cycle number of each kept cycle (−1: dropped)
        var cycleNumber = new int[cycles];
        var next = 0;
        for (var c = 0; c < cycles; c++)
        {
            var complete = true;
            for (var s = 0; s < seasonLength; s++)
            {
                var i = c * seasonLength + s;
                if (i >= values.Count || values[i] is not { } x || !double.IsFinite(x)) complete = false;
            }
            cycleNumber[c] = convention == SeasonalSenConvention.DropIncompleteCycles ? (complete ? next++ : -1) : c;
        }

        var slopes = new List<double>();
        var times = new List<int>();
        var observed = new List<double>();
        for (var s = 0; s < seasonLength; s++)
        {
            times.Clear();
            observed.Clear();
            for (var c = 0; c < cycles; c++)
            {
                var i = c * seasonLength + s;
                if (cycleNumber[c] < 0 || i >= values.Count || values[i] is not { } x || !double.IsFinite(x)) continue;
                times.Add(cycleNumber[c]);
                observed.Add(x);
            }
            for (var a = 0; a < observed.Count; a++)
            {
                for (var b = a + 1; b < observed.Count; b++) slopes.Add((observed[b] - observed[a]) / (times[b] - times[a]));
            }
        }
        return new SeasonalSenSlopeResult(seasonLength, slopes.Count, slopes.Count == 0 ? null : StatMath.MedianInPlace(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(slopes)), convention);
    }
}
