using System.Globalization;
using ClosedXML.Excel;
using CoeInsights.Exports.Common;

namespace CoeInsights.Exports.Kpis;

/// <summary>
/// The KPI deck leadership reads: a dashboard (KPI cards with period-over-period change and icon sets,
/// sparklines per profile), trend sheets with native line charts, trend statistics and anomalies,
/// ROI by network (bar chart), the competitor benchmark, methodology, and the star schema
/// FactKpi, DimDate, DimProfile, DimMetric as Excel Tables.
/// </summary>
public static class KpiDeck
{
    private static readonly string[] Palette = [.. DeckStyle.Palette];

    public static void Write(KpiDeckModel model, Stream output)
    {
        var charts = new List<ChartSpec>();
        var streamed = new List<StreamedRows>();
        Deck.Write(output, workbook =>
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var profiles = model.Profiles.ToDictionary(p => p.Id);
            var dashboard = workbook.AddWorksheet(SafeText.SheetName("Dashboard", names));
            var trendSheets = new Dictionary<string, (IXLWorksheet Sheet, int FirstRow, int LastRow, List<string> Columns)>();
            foreach (var metric in model.Metrics.Where(m => model.Series.Any(s => s.Metric == m.Name)))
                trendSheets[metric.Name] = WriteTrendSheet(workbook.AddWorksheet(SafeText.SheetName($"Trend {metric.Name}", names)), model, metric, profiles, charts);
            WriteDashboard(dashboard, model, profiles, trendSheets);
            WriteStatistics(workbook.AddWorksheet(SafeText.SheetName("Trend statistics", names)), model, profiles);
            WriteAnomalies(workbook.AddWorksheet(SafeText.SheetName("Anomalies", names)), model, profiles);
            var roi = workbook.AddWorksheet(SafeText.SheetName("ROI by network", names));
            WriteRoi(roi, model, charts);
            WriteBenchmark(workbook.AddWorksheet(SafeText.SheetName("Competitor benchmark", names)), model, profiles);
            WriteMethodology(workbook.AddWorksheet(SafeText.SheetName("Methodology", names)), model);
            streamed.AddRange(WriteStarSchema(workbook, names, model));
        }, charts, streamed);
    }

    private static string Label(DeckProfile p) => $"{p.Network} {p.Handle}";

    /// <summary>One block: periods down, one column per profile; a native line chart over it.</summary>
    private static (IXLWorksheet, int, int, List<string>) WriteTrendSheet(IXLWorksheet sheet, KpiDeckModel model, DeckMetric metric,
        IReadOnlyDictionary<string, DeckProfile> profiles, List<ChartSpec> charts)
    {
        DeckStyle.Page(sheet, $"{metric.Name} by {model.Granularity.ToString().ToLowerInvariant()} ({metric.Unit})", 3);
        var series = model.Series.Where(s => s.Metric == metric.Name && profiles.ContainsKey(s.ProfileId)).ToList();
        var periods = series.SelectMany(s => s.PeriodStarts).Distinct().Order().ToList();
        var row = periods.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => 4 + x.i);
        sheet.Cell(3, 1).SetText("Period");
        var columns = new List<string>();
        for (var c = 0; c < series.Count; c++)
        {
            var profile = profiles[series[c].ProfileId];
            sheet.Cell(3, c + 2).SetText(Label(profile));
            columns.Add(series[c].ProfileId);
            for (var i = 0; i < series[c].PeriodStarts.Count; i++)
                if (series[c].Values[i] is { } v)
                    sheet.Cell(row[series[c].PeriodStarts[i]], c + 2).SetValue(v).Style.NumberFormat.Format = "#,##0.##";
        }
        foreach (var (p, r) in row) sheet.Cell(r, 1).SetValue(p.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
        var last = 3 + Math.Max(1, periods.Count);
        if (series.Count > 0)
        {
            DeckStyle.Table(sheet.Range(3, 1, last, 1 + series.Count), $"Trend_{metric.Name}");
            charts.Add(new ChartSpec(sheet.Name, ChartKind.Line, $"{metric.Name} ({metric.Unit})",
                $"'{sheet.Name}'!$A$4:$A${last}",
                series.Select((s, c) => new ChartSeries(Label(profiles[s.ProfileId]), $"'{sheet.Name}'!${Column(c + 2)}$4:${Column(c + 2)}${last}", Palette[c % Palette.Length])).ToList(),
                FromColumn: series.Count + 2, FromRow: 2, ToColumn: series.Count + 12, ToRow: 22, CategoriesAreDates: true));
        }
        sheet.Column(1).Width = 12;
        for (var c = 0; c < series.Count; c++) sheet.Column(c + 2).Width = 18;
        return (sheet, 4, last, columns);
    }

    private static void WriteDashboard(IXLWorksheet sheet, KpiDeckModel model, IReadOnlyDictionary<string, DeckProfile> profiles,
        IReadOnlyDictionary<string, (IXLWorksheet Sheet, int FirstRow, int LastRow, List<string> Columns)> trendSheets)
    {
        DeckStyle.Page(sheet, model.Title, 0);
        sheet.Cell(2, 1).SetText($"{model.From:yyyy-MM-dd} to {model.To:yyyy-MM-dd}, by {model.Granularity.ToString().ToLowerInvariant()}; owned profiles");
        DeckStyle.Header(sheet, 4, ["KPI (owned)", "Last period", "Previous period", "Change"]);
        var row = 5;
        foreach (var metric in model.Metrics.Where(m => trendSheets.ContainsKey(m.Name)))
        {
            var owned = model.Series.Where(s => s.Metric == metric.Name && profiles.TryGetValue(s.ProfileId, out var p) && p.Owned).ToList();
            var periods = owned.SelectMany(s => s.PeriodStarts).Distinct().Order().ToList();
            double? Total(DateOnly period)
            {
                var values = owned.Select(s => s.PeriodStarts.ToList().IndexOf(period) is var i and >= 0 ? s.Values[i] : null).Where(v => v is not null).ToList();
                return values.Count == 0 ? null : values.Sum();
            }
            // The last two periods that have data (a period with no value is skipped, never read as 0).
            var observed = periods.Select(Total).Where(v => v is not null).ToList();
            var lastValue = observed.Count > 0 ? observed[^1] : null;
            var previous = observed.Count > 1 ? observed[^2] : null;
            sheet.Cell(row, 1).SetText($"{metric.Name} ({metric.Unit})");
            SafeText.SetNumber(sheet.Cell(row, 2), lastValue, "#,##0");
            SafeText.SetNumber(sheet.Cell(row, 3), previous, "#,##0");
            // Change against a previous value of 0 (or none) is "no value", never a division by zero.
            SafeText.SetNumber(sheet.Cell(row, 4), lastValue is { } l && previous is { } pv && pv != 0 ? (l - pv) / Math.Abs(pv) : null, DeckStyle.Percent);
            row++;
        }
        if (row > 5)
            sheet.Range(5, 4, row - 1, 4).AddConditionalFormat().IconSet(XLIconSetStyle.ThreeArrows)
                .AddValue(XLCFIconSetOperator.EqualOrGreaterThan, 0, XLCFContentType.Number)
                .AddValue(XLCFIconSetOperator.EqualOrGreaterThan, -0.02, XLCFContentType.Number)
                .AddValue(XLCFIconSetOperator.EqualOrGreaterThan, 0.02, XLCFContentType.Number);

        // Sparklines: one per profile and metric, drawn from the trend sheets' columns.
        row += 2;
        sheet.Cell(row, 1).SetText("Profiles").Style.Font.Bold = true;
        DeckStyle.Header(sheet, row + 1, ["Profile", "Metric", "Latest", "Trend"]);
        var r = row + 2;
        foreach (var (metricName, block) in trendSheets)
            for (var c = 0; c < block.Columns.Count; c++)
            {
                var series = model.Series.First(s => s.Metric == metricName && s.ProfileId == block.Columns[c]);
                sheet.Cell(r, 1).SetText(Label(profiles[series.ProfileId]));
                sheet.Cell(r, 2).SetText(metricName);
                SafeText.SetNumber(sheet.Cell(r, 3), series.Values.LastOrDefault(v => v is not null), "#,##0");
                sheet.SparklineGroups.Add(sheet.Cell(r, 4).Address.ToString()!,
                    $"'{block.Sheet.Name}'!{Column(c + 2)}{block.FirstRow}:{Column(c + 2)}{block.LastRow}");
                r++;
            }
        DeckStyle.Widths(sheet, 34, 16, 16, 24);
    }

    private static void WriteStatistics(IXLWorksheet sheet, KpiDeckModel model, IReadOnlyDictionary<string, DeckProfile> profiles)
    {
        DeckStyle.Page(sheet, "Trend statistics per profile and metric", 3);
        string[] header = ["Profile", "Metric", "Periods observed", "OLS slope / period", "OLS p-value", "Mann-Kendall p-value", "Sen's slope / period", "Last change", "CAGR"];
        DeckStyle.Header(sheet, 3, header);
        var rows = model.Series.Where(s => s.Trend is not null && profiles.ContainsKey(s.ProfileId)).ToList();
        for (var k = 0; k < rows.Count; k++)
        {
            var t = rows[k].Trend!;
            var r = 4 + k;
            sheet.Cell(r, 1).SetText(Label(profiles[rows[k].ProfileId]));
            sheet.Cell(r, 2).SetText(rows[k].Metric);
            sheet.Cell(r, 3).SetValue(t.Observed);
            SafeText.SetNumber(sheet.Cell(r, 4), t.Ols.Slope, "#,##0.000");
            SafeText.SetNumber(sheet.Cell(r, 5), t.Ols.SlopePValue, "0.0000");
            SafeText.SetNumber(sheet.Cell(r, 6), t.MannKendall.PValue, "0.0000");
            SafeText.SetNumber(sheet.Cell(r, 7), t.SenSlope.Slope, "#,##0.000");
            SafeText.SetNumber(sheet.Cell(r, 8), t.LastPeriodOverPeriodPct / 100, DeckStyle.Percent);
            SafeText.SetNumber(sheet.Cell(r, 9), t.Cagr, DeckStyle.Percent);
        }
        if (rows.Count > 0)
        {
            DeckStyle.Table(sheet.Range(3, 1, 3 + rows.Count, header.Length), "TrendStatistics");
            sheet.Range(4, 8, 3 + rows.Count, 8).AddConditionalFormat().ColorScale()
                .LowestValue(DeckStyle.Bad).Midpoint(XLCFContentType.Number, 0, XLColor.White).HighestValue(DeckStyle.Good);
        }
        DeckStyle.Widths(sheet, 30, 18, 10, 14, 11, 12, 14, 11, 10);
    }

    private static void WriteAnomalies(IXLWorksheet sheet, KpiDeckModel model, IReadOnlyDictionary<string, DeckProfile> profiles)
    {
        DeckStyle.Page(sheet, "Anomalies (robust z-score, median/MAD): possible crises or wins", 3);
        string[] header = ["Profile", "Metric", "Period", "Value", "Expected", "Score"];
        DeckStyle.Header(sheet, 3, header);
        var r = 4;
        foreach (var s in model.Series.Where(s => s.Trend is not null && profiles.ContainsKey(s.ProfileId)))
        foreach (var a in s.Trend!.Anomalies.Anomalies)
        {
            sheet.Cell(r, 1).SetText(Label(profiles[s.ProfileId]));
            sheet.Cell(r, 2).SetText(s.Metric);
            if (a.Index < s.PeriodStarts.Count)
                sheet.Cell(r, 3).SetValue(s.PeriodStarts[a.Index].ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
            SafeText.SetNumber(sheet.Cell(r, 4), a.Value, "#,##0.##");
            SafeText.SetNumber(sheet.Cell(r, 5), a.Expected, "#,##0.##");
            SafeText.SetNumber(sheet.Cell(r, 6), a.Score, "0.00");
            r++;
        }
        if (r > 4) DeckStyle.Table(sheet.Range(3, 1, r - 1, header.Length), "Anomalies");
        else sheet.Cell(4, 1).SetText("No anomalies in this range.");
        DeckStyle.Widths(sheet, 30, 18, 12, 14, 14, 10);
    }

    private static void WriteRoi(IXLWorksheet sheet, KpiDeckModel model, List<ChartSpec> charts)
    {
        DeckStyle.Page(sheet, "ROI by network (owned profiles): where to invest", 3);
        string[] header = ["Network", "Profiles", "Spend", "Attributed revenue", "Engagements", "ROI", "Cost per engagement", "Rank"];
        DeckStyle.Header(sheet, 3, header);
        for (var k = 0; k < model.NetworkRoi.Count; k++)
        {
            var n = model.NetworkRoi[k];
            var r = 4 + k;
            sheet.Cell(r, 1).SetText(n.Network);
            sheet.Cell(r, 2).SetValue(n.Profiles);
            SafeText.SetNumber(sheet.Cell(r, 3), n.Spend, DeckStyle.Money);
            SafeText.SetNumber(sheet.Cell(r, 4), n.AttributedRevenue, DeckStyle.Money);
            SafeText.SetNumber(sheet.Cell(r, 5), n.Engagements, DeckStyle.Count);
            SafeText.SetNumber(sheet.Cell(r, 6), n.RoiPct / 100, DeckStyle.Percent);
            SafeText.SetNumber(sheet.Cell(r, 7), n.CostPerEngagement, "0.00");
            sheet.Cell(r, 8).SetValue(n.Rank);
        }
        if (model.NetworkRoi.Count > 0)
        {
            var last = 3 + model.NetworkRoi.Count;
            DeckStyle.Table(sheet.Range(3, 1, last, header.Length), "NetworkRoi");
            charts.Add(new ChartSpec(sheet.Name, ChartKind.ClusteredColumn, "ROI by network", $"'{sheet.Name}'!$A$4:$A${last}",
                [new ChartSeries("ROI", $"'{sheet.Name}'!$F$4:$F${last}", "1AAB40")], FromColumn: 0, FromRow: last + 1, ToColumn: 8, ToRow: last + 18));
        }
        else
        {
            sheet.Cell(4, 1).SetText("No spend recorded in this range: ROI needs the spend and attributed_revenue metrics.");
        }
        DeckStyle.Widths(sheet, 14, 9, 12, 16, 13, 9, 16, 6);
    }

    private static void WriteBenchmark(IXLWorksheet sheet, KpiDeckModel model, IReadOnlyDictionary<string, DeckProfile> profiles)
    {
        DeckStyle.Page(sheet, "Owned profiles against competitors", 3);
        string[] header = ["Network", "Profile", "Owned", "Metric", "Value", "Share", "Rank"];
        DeckStyle.Header(sheet, 3, header);
        var rows = model.Benchmarks.Where(b => profiles.ContainsKey(b.ProfileId)).ToList();
        for (var k = 0; k < rows.Count; k++)
        {
            var b = rows[k];
            var p = profiles[b.ProfileId];
            var r = 4 + k;
            sheet.Cell(r, 1).SetText(p.Network);
            sheet.Cell(r, 2).SetText(p.Handle);
            sheet.Cell(r, 3).SetText(p.Owned ? "owned" : "competitor");
            sheet.Cell(r, 4).SetText(b.Metric);
            SafeText.SetNumber(sheet.Cell(r, 5), b.Value, "#,##0");
            SafeText.SetNumber(sheet.Cell(r, 6), b.SharePct / 100, DeckStyle.Percent);
            sheet.Cell(r, 7).SetValue(b.Rank);
        }
        if (rows.Count > 0)
        {
            DeckStyle.Table(sheet.Range(3, 1, 3 + rows.Count, header.Length), "Benchmark");
            sheet.Range(4, 6, 3 + rows.Count, 6).AddConditionalFormat().DataBar(DeckStyle.Primary).LowestValue().HighestValue();
        }
        DeckStyle.Widths(sheet, 12, 24, 12, 18, 14, 10, 6);
    }

    private static void WriteMethodology(IXLWorksheet sheet, KpiDeckModel model)
    {
        DeckStyle.Page(sheet, "Methodology: how every number was made", 0);
        string[] lines =
        [
            $"Range: {model.From:yyyy-MM-dd} to {model.To:yyyy-MM-dd}; days are reporting days in each source's time zone; the latest corrected value of each day counts.",
            $"Roll-up to {model.Granularity.ToString().ToLowerInvariant()}s by each metric's own rule: flows (impressions, engagements …) are summed, levels (followers) take the last value, reach takes the mean.",
            "A missing day stays missing: it is an empty cell, never a zero, in every sheet and every statistic.",
            "Change: (last − previous) / |previous|; against a previous value of 0 or none it is left empty.",
            "OLS slope: least squares on the period index, two-sided p-value from Student's t (computed as 2·CDF(−|t|)).",
            "Mann-Kendall: non-parametric trend test with tie correction and continuity correction; Sen's slope: median of pairwise slopes.",
            "CAGR: compound growth per year between the first and last observed periods.",
            "Anomalies: robust z-score |x − median| / (1.4826·MAD) above 3.5 (seasonal-aware where a season length applies).",
            "ROI by network: (attributed revenue − spend) / spend over owned profiles; cost per engagement: spend / engagements.",
            "Share (benchmark): the profile's value as a share of its network's total for additive metrics.",
            "Data model: FactKpi (one row per profile, metric and day) with DimDate, DimProfile and DimMetric, as Excel Tables for Power BI / Power Pivot.",
        ];
        for (var i = 0; i < lines.Length; i++) sheet.Cell(3 + i, 1).SetText(lines[i]);
        sheet.Column(1).Width = 140;
        sheet.Column(1).Style.Alignment.WrapText = true;
    }

    private static IReadOnlyList<StreamedRows> WriteStarSchema(XLWorkbook workbook, ISet<string> names, KpiDeckModel model)
    {
        var fact = workbook.AddWorksheet(SafeText.SheetName("FactKpi", names));
        string[] fh = ["Date", "ProfileId", "Metric", "Value"];
        DeckStyle.Header(fact, 1, fh);
        // The first row through ClosedXML (it sets the styles); the rest, and the table, are streamed (memory stays flat).
        if (model.Observations.Count > 0)
        {
            var o = model.Observations[0];
            fact.Cell(2, 1).SetValue(o.Date.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
            fact.Cell(2, 2).SetText(o.ProfileId);
            fact.Cell(2, 3).SetText(o.Metric);
            fact.Cell(2, 4).SetValue(o.Value);
        }
        fact.SheetView.FreezeRows(1);
        DeckStyle.Widths(fact, 12, 38, 20, 14);

        // A proper date table: every day of the range, no gaps, for time intelligence in Power BI. Its first
        // row through ClosedXML (the styles), the rest streamed like the facts.
        var dates = workbook.AddWorksheet(SafeText.SheetName("DimDate", names));
        string[] dh = ["Date", "Year", "Quarter", "Month", "MonthName", "IsoWeek", "Weekday"];
        DeckStyle.Header(dates, 1, dh);
        var days = Math.Max(0, model.To.DayNumber - model.From.DayNumber + 1);
        var dateRows = Enumerable.Range(0, days).Select(i => DateRow(model.From.AddDays(i)));
        if (days > 0)
        {
            var first = DateRow(model.From);
            dates.Cell(2, 1).SetValue(model.From.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
            for (var c = 1; c < first.Length; c++)
                if (first[c] is string text) dates.Cell(2, c + 1).SetText(text);
                else dates.Cell(2, c + 1).SetValue((int)first[c]!);
        }
        DeckStyle.Widths(dates, 12, 8, 8, 8, 12, 8, 12);
        dates.SheetView.FreezeRows(1);

        var profiles = workbook.AddWorksheet(SafeText.SheetName("DimProfile", names));
        DeckStyle.Header(profiles, 1, ["ProfileId", "Network", "Handle", "BusinessUnit", "Ownership"]);
        for (var k = 0; k < model.Profiles.Count; k++)
        {
            var p = model.Profiles[k];
            profiles.Cell(2 + k, 1).SetText(p.Id);
            profiles.Cell(2 + k, 2).SetText(p.Network);
            profiles.Cell(2 + k, 3).SetText(p.Handle);
            profiles.Cell(2 + k, 4).SetText(p.BusinessUnit);
            profiles.Cell(2 + k, 5).SetText(p.Owned ? "Owned" : "Competitor");
        }
        DeckStyle.Table(profiles.Range(1, 1, 1 + Math.Max(1, model.Profiles.Count), 5), "DimProfile");
        DeckStyle.Widths(profiles, 38, 12, 24, 18, 12);
        profiles.SheetView.FreezeRows(1);

        var metrics = workbook.AddWorksheet(SafeText.SheetName("DimMetric", names));
        DeckStyle.Header(metrics, 1, ["Metric", "Unit", "Additive", "Description"]);
        for (var k = 0; k < model.Metrics.Count; k++)
        {
            var m = model.Metrics[k];
            metrics.Cell(2 + k, 1).SetText(m.Name);
            metrics.Cell(2 + k, 2).SetText(m.Unit);
            metrics.Cell(2 + k, 3).SetText(m.Additive ? "yes" : "no");
            metrics.Cell(2 + k, 4).SetText(m.Description);
        }
        DeckStyle.Table(metrics.Range(1, 1, 1 + Math.Max(1, model.Metrics.Count), 4), "DimMetric");
        DeckStyle.Widths(metrics, 20, 10, 9, 80);
        metrics.SheetView.FreezeRows(1);
        return
        [
            new StreamedRows(fact.Name, Math.Max(0, model.Observations.Count - 1),
                model.Observations.Skip(1).Select(o => new object?[] { o.Date, o.ProfileId, o.Metric, o.Value }), new StreamedTable("FactKpi", fh)),
            new StreamedRows(dates.Name, Math.Max(0, days - 1), dateRows.Skip(1), new StreamedTable("DimDate", dh)),
        ];
    }

    private static object?[] DateRow(DateOnly d) =>
    [
        d, d.Year, (d.Month - 1) / 3 + 1, d.Month, CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month),
        ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)), d.DayOfWeek.ToString(),
    ];

    private static string Column(int number) => XLHelper.GetColumnLetterFromNumber(number);

}
