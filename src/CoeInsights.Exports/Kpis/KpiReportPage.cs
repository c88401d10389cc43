using System.Globalization;
using CoeInsights.Analytics.Kpis;
using CoeInsights.Analytics.Trends;

namespace CoeInsights.Exports.Kpis;

/// <summary>A dated window of days, both ends included.</summary>
public sealed record ReportWindow(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
    public bool Contains(DateOnly d) => d >= From && d <= To;
    public override string ToString() => $"{From:yyyy-MM-dd} to {To:yyyy-MM-dd}";
}

/// <summary>One KPI card: the owned profiles' figure for the reporting period and its change against the two comparison periods.</summary>
/// <param name="Format">Excel number format of <see cref="PeriodChange.Current"/>.</param>
public sealed record KpiCard(string Name, string Unit, string Format, bool LowerIsBetter, PeriodChange? VsPrevious, PeriodChange? VsLastYear, double? Value);

/// <summary>One day that stood out in one profile's metric (median/MAD robust z-score on the daily series, weekly season).</summary>
public sealed record DeckAnomaly(DeckProfile Profile, DeckMetric Metric, DateOnly Date, double Value, double Expected, double Score)
{
    /// <summary>A rise of a lower-is-better metric, or a fall of any other, is bad news.</summary>
    public bool BadNews => (Value > Expected) == Metric.LowerIsBetter;
}

/// <summary>A row of a top list: label, value, share of the list's total.</summary>
public sealed record RankedItem(string Label, double Value, double? SharePct);

/// <summary>What the KPI deck's report page shows, computed once from the deck model (pure).</summary>
public sealed record KpiReportPage(
    ReportWindow Period, ReportWindow Previous, ReportWindow? LastYear,
    IReadOnlyList<KpiCard> Cards, IReadOnlyList<KpiCard> Derived, IReadOnlyList<DeckAnomaly> Anomalies,
    string RankMetric, IReadOnlyList<RankedItem> TopNetworks, IReadOnlyList<RankedItem> TopProfiles, IReadOnlyList<RankedItem> Competitors,
    IReadOnlyList<string> Story)
{
    /// <summary>Days a seasonal (weekly) anomaly score needs: two full weeks.</summary>
    public const int SeasonalDays = 14;

    public static KpiReportPage Build(KpiDeckModel model)
    {
        var period = new ReportWindow(model.From, model.To);
        var previous = new ReportWindow(model.From.AddDays(-period.Days), model.From.AddDays(-1));
        var lastYear = new ReportWindow(model.From.AddYears(-1), model.To.AddYears(-1));
        // A range longer than a year overlaps its own year-earlier window: that comparison would count days twice.
        var yearComparable = period.Days <= 366;
        var profiles = model.Profiles.ToDictionary(p => p.Id);
        var metrics = model.Metrics.ToDictionary(m => m.Name);
        var owned = model.Profiles.Where(p => p.Owned).Select(p => p.Id).ToHashSet();
        var all = model.Observations.Concat(model.History).ToList();
        var byMetric = all.Where(o => profiles.ContainsKey(o.ProfileId)).GroupBy(o => o.Metric).ToDictionary(g => g.Key, g => g.ToList());

        Window? Of(string metric, ReportWindow w, Func<string, bool> who)
        {
            if (!byMetric.TryGetValue(metric, out var rows) || !metrics.TryGetValue(metric, out var m)) return null;
            var inWindow = rows.Where(o => w.Contains(o.Date) && who(o.ProfileId)).ToList();
            if (inWindow.Count == 0) return null;
            // The period's figure by the metric's own roll-up, per profile, then summed over profiles.
            var total = inWindow.GroupBy(o => o.ProfileId).Sum(g => m.RollupMethod switch
            {
                AggregationMethod.Sum => g.Sum(o => o.Value),
                AggregationMethod.Last => g.MaxBy(o => o.Date)!.Value,
                _ => g.Average(o => o.Value),
            });
            var daily = inWindow.GroupBy(o => o.Date).Select(g => g.Sum(o => o.Value)).ToList();
            return new Window(total, m.RollupMethod == AggregationMethod.Last ? [] : daily);
        }
        bool Owned(string id) => owned.Contains(id);
        bool Competitor(string id) => !owned.Contains(id);

        PeriodChange? Change(Window? current, Window? before) => current is null ? null
            : PeriodComparison.Compare(current.Total, before?.Total, current.Daily, before?.Daily ?? []);

        var cardMetrics = (model.CardMetrics.Count > 0 ? model.CardMetrics : model.Series.Select(s => s.Metric).Distinct().ToList())
            .Where(metrics.ContainsKey).ToList();
        var cards = cardMetrics.Select(name =>
        {
            var m = metrics[name];
            var current = Of(name, period, Owned);
            return new KpiCard(Pretty(name), m.Unit, m.Unit == "currency" ? DeckFormats.Money : DeckFormats.Count, m.LowerIsBetter,
                Change(current, Of(name, previous, Owned)), yearComparable ? Change(current, Of(name, lastYear, Owned)) : null, current?.Total);
        }).ToList();

        // Derived KPIs over the owned profiles (docs/kpis.md formulas), each against the previous period and a year earlier.
        double? Sum(string metric, ReportWindow w, Func<string, bool> who) => Of(metric, w, who)?.Total;
        KpiCard Derived(string name, string unit, string format, bool lowerIsBetter, Func<ReportWindow, double?> value)
        {
            var current = value(period);
            PeriodChange? Versus(ReportWindow w) => current is { } c ? PeriodComparison.Compare(c, value(w), [], []) : null;
            return new KpiCard(name, unit, format, lowerIsBetter, Versus(previous), yearComparable ? Versus(lastYear) : null, current);
        }
        var derived = new List<KpiCard>
        {
            Derived("Engagement rate", "%", DeckFormats.Rate, false,
                w => Sum("engagements", w, Owned) is { } e && Sum("impressions", w, Owned) is { } i ? SocialKpis.EngagementRateByImpressions(e, i) : null),
            Derived("Net sentiment", "%", DeckFormats.Rate, false,
                w => Sum("positive_mentions", w, Owned) is { } p && Sum("negative_mentions", w, Owned) is { } n && Sum("mentions", w, Owned) is { } t && p + n <= t
                    ? SocialKpis.NetSentiment(p, n, t) : null),
            Derived("Share of voice (mentions)", "%", DeckFormats.Rate, false,
                w => Sum("mentions", w, Owned) is { } o && Sum("mentions", w, Competitor) is { } c ? SocialKpis.ShareOfVoice(o, [c]) : null),
            Derived("Response rate", "%", DeckFormats.Rate, false,
                w => Sum("messages_answered", w, Owned) is { } a && Sum("messages_received", w, Owned) is { } r && a <= r ? SocialKpis.ResponseRate(a, r) : null),
            Derived("Cost per engagement", "currency", "#,##0.00", true,
                w => Sum("spend", w, Owned) is { } s && Sum("engagements", w, Owned) is { } e ? SocialKpis.CostPerEngagement(s, e) : null),
            Derived("ROI", "%", DeckFormats.Rate, false,
                w => Sum("attributed_revenue", w, Owned) is { } r && Sum("spend", w, Owned) is { } s ? SocialKpis.Roi(r, s) : null),
        };
        derived = derived.Where(d => d.Value is not null).ToList();

        var anomalies = DailyAnomalies(model, profiles, metrics);

        // Top networks and profiles by engagements (else the first card metric), owned and competitors apart.
        var rankMetric = byMetric.ContainsKey("engagements") && metrics.ContainsKey("engagements") ? "engagements" : cardMetrics.FirstOrDefault() ?? "";
        var inRange = byMetric.GetValueOrDefault(rankMetric, []).Where(o => period.Contains(o.Date)).ToList();
        var rankRollup = metrics.TryGetValue(rankMetric, out var rm) ? rm.RollupMethod : AggregationMethod.Sum;
        List<RankedItem> Top(IEnumerable<IGrouping<string, DeckObservation>> groups, int count)
        {
            var totals = groups.Select(g => (g.Key, Value: g.GroupBy(o => o.ProfileId).Sum(p => rankRollup switch
            {
                AggregationMethod.Sum => p.Sum(o => o.Value),
                AggregationMethod.Last => p.MaxBy(o => o.Date)!.Value,
                _ => p.Average(o => o.Value),
            }))).OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
            var sum = totals.Sum(t => t.Value);
            return totals.Take(count).Select(t => new RankedItem(t.Key, t.Value, sum > 0 ? t.Value / sum * 100 : null)).ToList();
        }
        var ownedRows = inRange.Where(o => Owned(o.ProfileId)).ToList();
        var topNetworks = Top(ownedRows.GroupBy(o => profiles[o.ProfileId].Network), 5);
        var topProfiles = Top(ownedRows.GroupBy(o => profiles[o.ProfileId].Label), 5);
        var competitors = Top(inRange.Where(o => Competitor(o.ProfileId)).GroupBy(o => profiles[o.ProfileId].Label), 5);

        var story = TellStory(model, period, previous, cards, derived, anomalies, rankMetric, topNetworks, competitors, ownedRows.Count > 0);
        return new KpiReportPage(period, previous, yearComparable ? lastYear : null, cards, derived, anomalies, rankMetric, topNetworks, topProfiles, competitors, story);
    }

    /// <summary>Every metric of every profile, day by day: median/MAD robust z-score with a weekly season (a quiet Sunday is no anomaly).</summary>
    private static List<DeckAnomaly> DailyAnomalies(KpiDeckModel model, IReadOnlyDictionary<string, DeckProfile> profiles, IReadOnlyDictionary<string, DeckMetric> metrics)
    {
        var result = new List<DeckAnomaly>();
        foreach (var group in model.Observations.GroupBy(o => (o.ProfileId, o.Metric)))
        {
            if (!profiles.TryGetValue(group.Key.ProfileId, out var profile) || !metrics.TryGetValue(group.Key.Metric, out var metric)) continue;
            // One value a day (the store keeps the latest version; a repeated day here keeps its last row).
            var days = group.GroupBy(o => o.Date).Select(g => new DatedValue(g.Key, g.Last().Value)).OrderBy(d => d.Date).ToList();
            var daily = SeriesAggregator.Daily(days);
            if (daily.Values.Count(v => v is not null) < SeasonalDays) continue;
            var found = AnomalyDetector.Detect(daily.Values, new AnomalyOptions(SeasonLength: 7));
            result.AddRange(found.Anomalies.Select(a => new DeckAnomaly(profile, metric, daily.PeriodStarts[a.Index], a.Value, a.Expected, a.Score)));
        }
        return result.OrderByDescending(a => Math.Abs(a.Score)).ThenBy(a => a.Date).ThenBy(a => a.Profile.Label, StringComparer.Ordinal).ToList();
    }

    private static List<string> TellStory(KpiDeckModel model, ReportWindow period, ReportWindow previous, IReadOnlyList<KpiCard> cards, IReadOnlyList<KpiCard> derived,
        IReadOnlyList<DeckAnomaly> anomalies, string rankMetric, IReadOnlyList<RankedItem> topNetworks, IReadOnlyList<RankedItem> competitors, bool ownedData)
    {
        var lines = new List<string>();
        foreach (var card in cards)
        {
            if (card.Value is not { } value) continue;
            var text = $"{card.Name}: {N(value, card.Format)} from {period}";
            if (card.VsPrevious?.ChangePct is { } pct)
            {
                var noise = card.VsPrevious.WithinNoise == true ? ", within day-to-day noise" : "";
                text += $", {(pct >= 0 ? "up" : "down")} {Math.Abs(pct).ToString("0.0", CultureInfo.InvariantCulture)} % on the previous {period.Days} days ({N(card.VsPrevious.Previous!.Value, card.Format)}{noise}).";
            }
            else text += $"; no data for the previous {period.Days} days ({previous}) to compare with.";
            lines.Add(text);
        }
        // Growth within the period: first and last whole period of the owned total, when the deck has no comparison period.
        foreach (var series in model.Series.GroupBy(s => s.Metric).Take(2))
        {
            if (cards.Any(c => c.VsPrevious?.ChangePct is not null)) break;
            var ownedSeries = series.Where(s => model.Profiles.Any(p => p.Id == s.ProfileId && p.Owned)).ToList();
            var starts = ownedSeries.SelectMany(s => s.PeriodStarts).Distinct().Order().ToList();
            var totals = starts.Select(d => ownedSeries.Select(s => s.PeriodStarts.ToList().IndexOf(d) is var i and >= 0 ? s.Values[i] : null)
                .Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Sum()).ToList();
            var firstIndex = totals.FindIndex(double.IsFinite);
            var lastIndex = totals.FindLastIndex(double.IsFinite);
            if (firstIndex < 0 || lastIndex <= firstIndex || totals[firstIndex] == 0) continue;
            var change = (totals[lastIndex] - totals[firstIndex]) / Math.Abs(totals[firstIndex]) * 100;
            var unit = model.Granularity.ToString().ToLowerInvariant();
            lines.Add($"{Pretty(series.Key)} {(change >= 0 ? "rose" : "fell")} {Math.Abs(change).ToString("0", CultureInfo.InvariantCulture)} % from the {unit} of {starts[firstIndex]:yyyy-MM-dd} ({N(totals[firstIndex], DeckFormats.Count)}) to the {unit} of {starts[lastIndex]:yyyy-MM-dd} ({N(totals[lastIndex], DeckFormats.Count)}).");
        }
        foreach (var a in anomalies.Take(2))
        {
            var ratio = a.Expected > 0 ? $" ({(a.Value / a.Expected).ToString("0.0", CultureInfo.InvariantCulture)}×)" : "";
            lines.Add($"{(a.BadNews ? "Watch" : "Stand-out")}: {Pretty(a.Metric.Name)} on {a.Profile.Label} on {a.Date:yyyy-MM-dd} were {N(a.Value, DeckFormats.Count)} against an expected {N(a.Expected, DeckFormats.Count)}{ratio}.");
        }
        if (anomalies.Count == 0) lines.Add("No day stood out in any metric (robust z-score above 3.5 with a weekly season).");
        if (topNetworks.Count > 0 && topNetworks[0].SharePct is { } share)
            lines.Add($"{topNetworks[0].Label} brought {share.ToString("0", CultureInfo.InvariantCulture)} % of owned {Pretty(rankMetric).ToLowerInvariant()}.");
        if (derived.FirstOrDefault(d => d.Name.StartsWith("Engagement rate", StringComparison.Ordinal)) is { Value: { } rate })
            lines.Add($"Engagement rate of owned profiles: {rate.ToString("0.00", CultureInfo.InvariantCulture)} % (engagements / impressions).");
        if (competitors.Count > 0)
            lines.Add($"Among competitors, {competitors[0].Label} leads on {Pretty(rankMetric).ToLowerInvariant()} ({N(competitors[0].Value, DeckFormats.Count)}).");
        if (!ownedData) lines.Add("No owned profile has data in this range.");
        return lines;
    }

    /// <summary>negative_mentions → "Negative mentions".</summary>
    public static string Pretty(string metric) => metric.Length == 0 ? metric : char.ToUpperInvariant(metric[0]) + metric[1..].Replace('_', ' ');

    private static string N(double value, string format) =>
        value.ToString(format.Replace("\"", "", StringComparison.Ordinal).Split(';')[0], CultureInfo.InvariantCulture);

    private sealed record Window(double Total, IReadOnlyList<double> Daily);
}

/// <summary>Number formats of the report page (Excel and .NET share these).</summary>
internal static class DeckFormats
{
    public const string Count = "#,##0";
    public const string Money = "#,##0";
    public const string Rate = "0.00";
}
