using CoeInsights.Analytics.Trends;

namespace CoeInsights.Exports.Kpis;

/// <param name="DisplayName">What people call the profile ("Northwind Home"); empty when none was registered.</param>
public sealed record DeckProfile(string Id, string Network, string Handle, string BusinessUnit, bool Owned, string DisplayName = "")
{
    /// <summary>How every sheet names the profile: network and handle (the display name is a column of DimProfile).</summary>
    public string Label => $"{Network} {Handle}";
}

/// <param name="Rollup">How days become a period (and the reporting period's total): sum, last value, or mean; default from <paramref name="Additive"/>.</param>
/// <param name="LowerIsBetter">A rise is bad news (negative mentions): change icons and colours are reversed.</param>
public sealed record DeckMetric(string Name, string Unit, bool Additive, string Description, AggregationMethod? Rollup = null, bool LowerIsBetter = false)
{
    public AggregationMethod RollupMethod => Rollup ?? (Additive ? AggregationMethod.Sum : AggregationMethod.Last);
}

/// <summary>One fact row: a profile's metric on a reporting day (latest version). Missing days have no row.</summary>
public sealed record DeckObservation(string ProfileId, string Metric, DateOnly Date, double Value);

/// <summary>One profile's metric rolled up by period (missing periods stay null), with trend statistics computed on these same periods.</summary>
public sealed record DeckSeries(string ProfileId, string Metric, IReadOnlyList<DateOnly> PeriodStarts, IReadOnlyList<double?> Values, TrendReport? Trend);

public sealed record DeckNetworkRoi(string Network, int Profiles, double? Spend, double? AttributedRevenue, double? Engagements, double? RoiPct,
    double? CostPerEngagement, int Rank);

public sealed record DeckBenchmark(string ProfileId, string Metric, double? Value, double? SharePct, int Rank);

/// <summary>Everything the KPI deck shows for one reporting range.</summary>
public sealed record KpiDeckModel
{
    public required string Title { get; init; }
    public required DateOnly From { get; init; }
    public required DateOnly To { get; init; }
    public required Granularity Granularity { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }
    public required IReadOnlyList<DeckProfile> Profiles { get; init; }
    public required IReadOnlyList<DeckMetric> Metrics { get; init; }
    public required IReadOnlyList<DeckObservation> Observations { get; init; }
    public required IReadOnlyList<DeckSeries> Series { get; init; }
    public IReadOnlyList<DeckNetworkRoi> NetworkRoi { get; init; } = [];
    public IReadOnlyList<DeckBenchmark> Benchmarks { get; init; } = [];

    /// <summary>
    /// Daily observations before <see cref="From"/> (the previous period of the same length and the same period a year
    /// earlier), for the report page's comparisons only: they are not facts of this deck.
    /// </summary>
    public IReadOnlyList<DeckObservation> History { get; init; } = [];

    /// <summary>Metrics that get a KPI card on the report page, in order; default: the metrics with trend series.</summary>
    public IReadOnlyList<string> CardMetrics { get; init; } = [];
}
