using System.Globalization;
using ClosedXML.Excel;
using CoeInsights.Analytics.Trends;
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
            var page = KpiReportPage.Build(model);
            var dashboard = workbook.AddWorksheet(SafeText.SheetName("Dashboard", names));
            var profileSheet = workbook.AddWorksheet(SafeText.SheetName("Profiles", names));
            var trendSheets = new Dictionary<string, TrendBlock>();
            foreach (var metric in model.Metrics.Where(m => model.Series.Any(s => s.Metric == m.Name)))
                trendSheets[metric.Name] = WriteTrendSheet(workbook.AddWorksheet(SafeText.SheetName($"Trend {metric.Name}", names)), model, metric, profiles, charts);
            WriteDashboard(dashboard, model, page, trendSheets, charts);
            WriteProfiles(profileSheet, model, profiles, trendSheets);
            WriteStatistics(workbook.AddWorksheet(SafeText.SheetName("Trend statistics", names)), model, profiles);
            WriteAnomalies(workbook.AddWorksheet(SafeText.SheetName("Anomalies", names)), page);
            var roi = workbook.AddWorksheet(SafeText.SheetName("ROI by network", names));
            WriteRoi(roi, model, charts);
            WriteBenchmark(workbook.AddWorksheet(SafeText.SheetName("Competitor benchmark", names)), model, profiles);
            WriteMethodology(workbook.AddWorksheet(SafeText.SheetName("Methodology", names)), model);
            streamed.AddRange(WriteStarSchema(workbook, names, model));
        }, charts, streamed);
    }

    private static string Label(DeckProfile p) => p.Label;

    /// <summary>Where a trend sheet's table sits: rows of the periods, the profile of each column, and the owned-total column.</summary>
    private sealed record TrendBlock(IXLWorksheet Sheet, int FirstRow, int LastRow, List<string> Columns, int OwnedTotalColumn, string Unit);

    /// <summary>One block: periods down, one column per profile; a native line chart over it.</summary>
    private static TrendBlock WriteTrendSheet(IXLWorksheet sheet, KpiDeckModel model, DeckMetric metric,
        IReadOnlyDictionary<string, DeckProfile> profiles, List<ChartSpec> charts)
    {
        DeckStyle.Page(sheet, $"{KpiReportPage.Pretty(metric.Name)} by {model.Granularity.ToString().ToLowerInvariant()} ({metric.Unit})", 3);
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
        // The owned profiles' total per period: the report page's trend chart reads it (competitors are kept apart).
        var totalColumn = series.Count + 2;
        sheet.Cell(3, totalColumn).SetText("Owned total");
        foreach (var (p, r) in row)
        {
            var values = series.Where(x => profiles[x.ProfileId].Owned)
                .Select(x => x.PeriodStarts.ToList().IndexOf(p) is var i and >= 0 ? x.Values[i] : null).Where(v => v is not null).ToList();
            SafeText.SetNumber(sheet.Cell(r, totalColumn), values.Count == 0 ? null : values.Sum(), "#,##0.##");
        }
        // Profile labels wrap rather than print cut ("Instagram northwind.h").
        sheet.Range(3, 1, 3, totalColumn).Style.Alignment.WrapText = true;
        var last = 3 + Math.Max(1, periods.Count);
        if (series.Count > 0)
        {
            DeckStyle.Table(sheet.Range(3, 1, last, totalColumn), $"Trend_{metric.Name}");
            charts.Add(new ChartSpec(sheet.Name, ChartKind.Line, $"{KpiReportPage.Pretty(metric.Name)} ({metric.Unit})",
                $"'{sheet.Name}'!$A$4:$A${last}",
                series.Select((s, c) => new ChartSeries(Label(profiles[s.ProfileId]), $"'{sheet.Name}'!${Column(c + 2)}$4:${Column(c + 2)}${last}", Palette[c % Palette.Length])).ToList(),
                FromColumn: series.Count + 3, FromRow: 2, ToColumn: series.Count + 13, ToRow: 22, CategoriesAreDates: true, ValueFormat: "#,##0"));
        }
        sheet.Column(1).Width = 12;
        for (var c = 0; c < series.Count + 1; c++) sheet.Column(c + 2).Width = 18;
        // Up to two years of weeks print on one page with their chart; longer tables run on, one page wide.
        if (periods.Count <= 110) sheet.PageSetup.FitToPages(1, 1);
        return new TrendBlock(sheet, 4, last, columns, totalColumn, metric.Unit);
    }

    private const int PageColumns = 12;
    private const int PrintedAnomalies = 40;
    private const string ChangeFormat = "\"▲ \"0.0%;\"▼ \"0.0%;\"● \"0.0%";

    /// <summary>
    /// The report page leadership reads first, one landscape page: the dated period, KPI cards (total, change against the
    /// previous period and a year earlier, ≈ when the change is within day-to-day noise), the data story in sentences,
    /// native trend charts of the owned total, the days that stood out, derived KPIs, top networks and profiles, and the
    /// competitors apart. Everything is cells and native charts, so LibreOffice renders it as Excel does.
    /// </summary>
    private static void WriteDashboard(IXLWorksheet sheet, KpiDeckModel model, KpiReportPage page,
        IReadOnlyDictionary<string, TrendBlock> trendSheets, List<ChartSpec> charts)
    {
        DeckStyle.Page(sheet, model.Title, 0);
        sheet.PageSetup.FitToPages(1, 1);
        for (var c = 1; c <= PageColumns; c++) sheet.Column(c).Width = 12.5;
        Line(sheet, 2, $"Reporting period {page.Period} ({page.Period.Days} days), owned profiles; trends by {model.Granularity.ToString().ToLowerInvariant()}.").Style.Font.Bold = true;
        sheet.Cell(2, 1).Style.Font.FontSize = 12;
        Line(sheet, 3, page.LastYear is { } lastYear
            ? $"Compared with the previous {page.Period.Days} days ({page.Previous}) and the same period a year earlier ({lastYear})."
            : $"Compared with the previous {page.Period.Days} days ({page.Previous}); no year-earlier comparison (the range is longer than a year).");
        Line(sheet, 4, $"Generated {model.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. Green is good news, red is bad news (reversed for lower-is-better KPIs such as negative mentions); "
            + "≈ marks a change within day-to-day noise (Welch t-test on daily values, p ≥ 0.05).").Style.Font.FontSize = 9;

        var cards = page.Cards.Concat(page.Derived.Take(1)).Take(PageColumns / 2).ToList();
        var row = 6;
        for (var k = 0; k < cards.Count; k++) Card(sheet, row, 1 + 2 * k, cards[k]);
        if (cards.Count == 0) sheet.Cell(row, 1).SetText("No KPI has data in this range.");
        row += 6;

        Heading(sheet, row++, "What the data says");
        foreach (var sentence in page.Story.Take(7))
        {
            Line(sheet, row, "• " + sentence).Style.Alignment.WrapText = true;
            sheet.Row(row).Height = 16;
            row++;
        }
        row++;

        // Native line charts (they render in LibreOffice; x14 sparklines do not) of the owned total per period.
        var chartBlocks = trendSheets.Values.Take(2).ToList();
        if (chartBlocks.Count > 0)
        {
            Heading(sheet, row++, $"Trend by {model.Granularity.ToString().ToLowerInvariant()} (owned total, whole periods)");
            for (var k = 0; k < chartBlocks.Count; k++)
            {
                var b = chartBlocks[k];
                var metricName = trendSheets.First(t => t.Value == b).Key;
                charts.Add(new ChartSpec(sheet.Name, ChartKind.Line, $"{KpiReportPage.Pretty(metricName)} ({b.Unit}), owned total",
                    NativeCharts.Ref(b.Sheet.Name, 1, b.FirstRow, b.LastRow),
                    [new ChartSeries("Owned total", NativeCharts.Ref(b.Sheet.Name, b.OwnedTotalColumn, b.FirstRow, b.LastRow), Palette[k])],
                    FromColumn: k * (PageColumns / 2), FromRow: row - 1, ToColumn: (k + 1) * (PageColumns / 2), ToRow: row + 12, CategoriesAreDates: true, ValueFormat: "#,##0"));
            }
            row += 14;
        }

        // Days that stood out (left) and the derived KPIs (right).
        var top = row;
        Heading(sheet, row++, "Days that stood out (all metrics, all profiles)");
        DeckStyle.Header(sheet, row, ["Date", "Profile", "", "Metric", "", "Value", "Expected"]);
        sheet.Range(row, 2, row, 3).Merge();
        sheet.Range(row, 4, row, 5).Merge();
        Bold(sheet.Range(row, 1, row, 7));
        row++;
        foreach (var a in page.Anomalies.Take(5))
        {
            sheet.Cell(row, 1).SetValue(a.Date.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
            sheet.Cell(row, 2).SetText(a.Profile.Label);
            sheet.Range(row, 2, row, 3).Merge();
            sheet.Cell(row, 4).SetText(KpiReportPage.Pretty(a.Metric.Name));
            sheet.Range(row, 4, row, 5).Merge();
            SafeText.SetNumber(sheet.Cell(row, 6), a.Value, "#,##0");
            SafeText.SetNumber(sheet.Cell(row, 7), a.Expected, "#,##0");
            sheet.Cell(row, 6).Style.Font.FontColor = a.BadNews ? DeckStyle.Bad : DeckStyle.Good;
            row++;
        }
        if (page.Anomalies.Count == 0) sheet.Cell(row++, 1).SetText("No day stood out in this range.");

        var right = top;
        Heading(sheet, right++, "Derived KPIs (owned)", 8);
        string[] dh = ["KPI", "Period", "vs previous", "vs last year"];
        for (var c = 0; c < dh.Length; c++) sheet.Cell(right, c == 0 ? 8 : 9 + c).SetText(dh[c]);
        sheet.Range(right, 8, right, 9).Merge();
        Bold(sheet.Range(right, 8, right, 12));
        right++;
        foreach (var d in page.Derived)
        {
            sheet.Cell(right, 8).SetText(d.Name + (d.Unit == "%" ? " (%)" : ""));
            sheet.Range(right, 8, right, 9).Merge();
            SafeText.SetNumber(sheet.Cell(right, 10), d.Value, d.Format);
            Change(sheet.Cell(right, 11), d.VsPrevious, d.LowerIsBetter);
            Change(sheet.Cell(right, 12), d.VsLastYear, d.LowerIsBetter);
            right++;
        }
        if (page.Derived.Count == 0) sheet.Cell(right++, 8).SetText("Needs engagements with impressions, mentions or spend.");
        row = Math.Max(row, right) + 1;

        // Top owned networks and profiles, and the competitors apart.
        var metric = KpiReportPage.Pretty(page.RankMetric).ToLowerInvariant();
        var lists = new[] { ($"Top owned networks by {metric}", page.TopNetworks, 1, 1), ($"Top owned profiles by {metric}", page.TopProfiles, 4, 2), ($"Competitors by {metric}", page.Competitors, 8, 2) };
        var end = row;
        foreach (var (title, items, column, span) in lists)
        {
            var r = row;
            Heading(sheet, r++, title, column);
            foreach (var item in items)
            {
                sheet.Cell(r, column).SetText(item.Label);
                if (span > 1) sheet.Range(r, column, r, column + span - 1).Merge();
                SafeText.SetNumber(sheet.Cell(r, column + span), item.Value, "#,##0");
                SafeText.SetNumber(sheet.Cell(r, column + span + 1), item.SharePct / 100, "0%");
                r++;
            }
            if (items.Count == 0) sheet.Cell(r++, column).SetText("No data in this range.");
            end = Math.Max(end, r);
        }
        sheet.PageSetup.PrintAreas.Add(1, 1, end, PageColumns);
    }

    private static IXLCell Line(IXLWorksheet sheet, int row, string text)
    {
        var range = sheet.Range(row, 1, row, PageColumns).Merge();
        var cell = sheet.Cell(row, 1).SetText(text);
        range.Style.Alignment.Vertical = XLAlignmentVerticalValues.Top;
        return cell;
    }

    private static void Heading(IXLWorksheet sheet, int row, string text, int column = 1)
    {
        var cell = sheet.Cell(row, column).SetText(text);
        cell.Style.Font.Bold = true;
        cell.Style.Font.FontSize = 12;
        cell.Style.Font.FontColor = DeckStyle.Dark;
    }

    private static void Bold(IXLRange range)
    {
        range.Style.Font.Bold = true;
        range.Style.Border.BottomBorder = XLBorderStyleValues.Thin;
    }

    /// <summary>A card of two columns: name, the period's value, change vs previous period and vs a year earlier, and the noise marker.</summary>
    private static void Card(IXLWorksheet sheet, int row, int column, KpiCard card)
    {
        var name = sheet.Range(row, column, row, column + 1).Merge();
        sheet.Cell(row, column).SetText(card.Name + (card.Unit == "%" ? " (%)" : card.Unit == "currency" ? " (currency)" : ""));
        name.Style.Fill.BackgroundColor = DeckStyle.Primary;
        name.Style.Font.FontColor = XLColor.White;
        name.Style.Font.Bold = true;
        var value = sheet.Range(row + 1, column, row + 1, column + 1).Merge();
        sheet.Row(row + 1).Height = 27;
        SafeText.SetNumber(sheet.Cell(row + 1, column), card.Value, card.Format);
        if (card.Value is null) sheet.Cell(row + 1, column).SetText("no data");
        value.Style.Font.FontSize = 18;
        value.Style.Font.Bold = true;
        value.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        sheet.Cell(row + 2, column).SetText("vs previous");
        Change(sheet.Cell(row + 2, column + 1), card.VsPrevious, card.LowerIsBetter);
        sheet.Cell(row + 3, column).SetText("vs last year");
        Change(sheet.Cell(row + 3, column + 1), card.VsLastYear, card.LowerIsBetter);
        var marker = card.VsPrevious?.WithinNoise switch
        {
            true => "≈ within noise",
            false => "beyond noise (p < 0.05)",
            _ => "",
        };
        sheet.Cell(row + 4, column).SetText(marker);
        sheet.Range(row + 2, column, row + 4, column).Style.Font.FontSize = 9;
        var box = sheet.Range(row, column, row + 4, column + 1);
        box.Style.Border.OutsideBorder = XLBorderStyleValues.Thin;
        box.Style.Border.OutsideBorderColor = DeckStyle.Primary;
    }

    /// <summary>A change as ▲/▼ per cent, green for good news and red for bad (reversed when lower is better); "no data" without a comparison.</summary>
    private static void Change(IXLCell cell, PeriodChange? change, bool lowerIsBetter)
    {
        if (change?.ChangePct is not { } pct)
        {
            cell.SetText(change is null ? "n/a" : change.Previous is null ? "no data" : "n/a");
            cell.Style.Font.FontColor = XLColor.Gray;
            return;
        }
        cell.SetValue(pct / 100).Style.NumberFormat.Format = ChangeFormat;
        cell.Style.Font.FontColor = pct == 0 || change.WithinNoise == true ? XLColor.Gray : (pct > 0) != lowerIsBetter ? DeckStyle.Good : DeckStyle.Bad;
    }

    /// <summary>Per profile and metric: the period's figure, the latest day's value (as the benchmark reads it) and a sparkline (Excel only).</summary>
    private static void WriteProfiles(IXLWorksheet sheet, KpiDeckModel model, IReadOnlyDictionary<string, DeckProfile> profiles,
        IReadOnlyDictionary<string, TrendBlock> trendSheets)
    {
        DeckStyle.Page(sheet, $"Profiles {model.From:yyyy-MM-dd} to {model.To:yyyy-MM-dd}: owned first, then competitors", 3);
        string[] header = ["Profile", "Ownership", "Metric", "Latest day", "Latest value", "Trend (Excel sparkline)"];
        DeckStyle.Header(sheet, 3, header);
        var r = 4;
        var latest = model.Observations.GroupBy(o => (o.ProfileId, o.Metric)).ToDictionary(g => g.Key, g => g.MaxBy(o => o.Date)!);
        foreach (var owned in new[] { true, false })
        foreach (var (metricName, block) in trendSheets)
            for (var c = 0; c < block.Columns.Count; c++)
            {
                var profile = profiles[block.Columns[c]];
                if (profile.Owned != owned) continue;
                sheet.Cell(r, 1).SetText(Label(profile));
                sheet.Cell(r, 2).SetText(profile.Owned ? "Owned" : "Competitor");
                sheet.Cell(r, 3).SetText(metricName);
                if (latest.TryGetValue((profile.Id, metricName), out var last))
                {
                    sheet.Cell(r, 4).SetValue(last.Date.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
                    SafeText.SetNumber(sheet.Cell(r, 5), last.Value, "#,##0");
                }
                sheet.SparklineGroups.Add(sheet.Cell(r, 6).Address.ToString()!,
                    $"'{block.Sheet.Name}'!{Column(c + 2)}{block.FirstRow}:{Column(c + 2)}{block.LastRow}");
                r++;
            }
        DeckStyle.Widths(sheet, 34, 12, 18, 12, 14, 24);
    }

    private static void WriteStatistics(IXLWorksheet sheet, KpiDeckModel model, IReadOnlyDictionary<string, DeckProfile> profiles)
    {
        var unit = model.Granularity.ToString().ToLowerInvariant();
        DeckStyle.Page(sheet, $"Trend statistics per profile and metric, by {unit} (whole {unit}s of {model.From:yyyy-MM-dd} to {model.To:yyyy-MM-dd})", 3);
        string[] header = ["Profile", "Metric", $"Whole {unit}s observed", $"OLS slope / {unit}", "OLS p-value", "Mann-Kendall p-value", $"Sen's slope / {unit}",
            $"Last change ({unit} on {unit})", "CAGR per year"];
        DeckStyle.Header(sheet, 3, header);
        sheet.Range(3, 1, 3, header.Length).Style.Alignment.WrapText = true; // whole headers, not "Mann-Kendall p-"
        // As high as the longest header wraps ("Last change / (week on / week)" is three lines in its column): LibreOffice
        // keeps the row two lines high otherwise and prints only the lines that fit, the top one lost.
        sheet.Row(3).Height = 3 * 15;
        sheet.Range(3, 1, 3, header.Length).Style.Alignment.Vertical = XLAlignmentVerticalValues.Bottom;
        var rows = model.Series.Where(s => s.Trend is not null && profiles.ContainsKey(s.ProfileId)).ToList();
        for (var k = 0; k < rows.Count; k++)
        {
            var t = rows[k].Trend!;
            var r = 4 + k;
            sheet.Cell(r, 1).SetText(Label(profiles[rows[k].ProfileId]));
            sheet.Cell(r, 2).SetText(rows[k].Metric);
            sheet.Cell(r, 3).SetValue(t.Observed);
            SafeText.SetNumber(sheet.Cell(r, 4), t.Ols.Slope, "#,##0.000");
            SafeText.SetPValue(sheet.Cell(r, 5), t.Ols.SlopePValue);
            SafeText.SetPValue(sheet.Cell(r, 6), t.MannKendall.PValue);
            SafeText.SetNumber(sheet.Cell(r, 7), t.SenSlope.Slope, "#,##0.000");
            SafeText.SetNumber(sheet.Cell(r, 8), t.LastPeriodOverPeriodPct / 100, DeckStyle.Percent);
            // Too short to annualise (or a zero start): said in words, never a huge number.
            if (t.Cagr is { } cagr) SafeText.SetNumber(sheet.Cell(r, 9), cagr, DeckStyle.Percent);
            else sheet.Cell(r, 9).SetText(t.CagrUndefinedReason?.Contains("less than a year", StringComparison.Ordinal) == true ? "< 1 year of data" : "not defined");
        }
        if (rows.Count > 0)
        {
            DeckStyle.Table(sheet.Range(3, 1, 3 + rows.Count, header.Length), "TrendStatistics");
            sheet.Range(4, 8, 3 + rows.Count, 8).AddConditionalFormat().ColorScale()
                .LowestValue(DeckStyle.Bad).Midpoint(XLCFContentType.Number, 0, XLColor.White).HighestValue(DeckStyle.Good);
        }
        DeckStyle.Widths(sheet, 30, 18, 10, 14, 11, 12, 14, 11, 10);
    }

    private static void WriteAnomalies(IXLWorksheet sheet, KpiReportPage page)
    {
        DeckStyle.Page(sheet, $"Days that stood out {page.Period}: every metric of every profile, largest first", 3);
        string[] header = ["Date", "Profile", "Metric", "Value", "Expected", "Robust z-score", "Reading"];
        DeckStyle.Header(sheet, 3, header);
        var r = 4;
        foreach (var a in page.Anomalies)
        {
            sheet.Cell(r, 1).SetValue(a.Date.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
            sheet.Cell(r, 2).SetText(Label(a.Profile));
            sheet.Cell(r, 3).SetText(a.Metric.Name);
            SafeText.SetNumber(sheet.Cell(r, 4), a.Value, "#,##0.##");
            SafeText.SetNumber(sheet.Cell(r, 5), a.Expected, "#,##0.##");
            SafeText.SetNumber(sheet.Cell(r, 6), a.Score, "0.0");
            sheet.Cell(r, 7).SetText(a.BadNews ? "bad news" : "good news");
            sheet.Cell(r, 7).Style.Font.FontColor = a.BadNews ? DeckStyle.Bad : DeckStyle.Good;
            r++;
        }
        if (r > 4) DeckStyle.Table(sheet.Range(3, 1, r - 1, header.Length), "Anomalies");
        else sheet.Cell(4, 1).SetText("No day stood out in this range.");
        // The largest first: the print shows the top of the list, the table keeps every row.
        if (r - 4 > PrintedAnomalies)
        {
            sheet.Cell(2, 1).SetText($"{r - 4} days stood out; the printed page shows the {PrintedAnomalies} largest, the table holds them all.");
            sheet.PageSetup.PrintAreas.Add(1, 1, 3 + PrintedAnomalies, header.Length);
            sheet.PageSetup.FitToPages(1, 1);
        }
        DeckStyle.Widths(sheet, 12, 30, 20, 14, 14, 14, 12);
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
        string[] header = ["Network", "Profile", "Ownership", "Metric", "Value", "Share", "Rank"];
        DeckStyle.Header(sheet, 3, header);
        var rows = model.Benchmarks.Where(b => profiles.ContainsKey(b.ProfileId)).ToList();
        for (var k = 0; k < rows.Count; k++)
        {
            var b = rows[k];
            var p = profiles[b.ProfileId];
            var r = 4 + k;
            sheet.Cell(r, 1).SetText(p.Network);
            sheet.Cell(r, 2).SetText(p.Handle);
            sheet.Cell(r, 3).SetText(p.Owned ? "Owned" : "Competitor");
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
            "Report page: each KPI card is the owned profiles' total for the reporting period by the metric's roll-up (flows summed, followers the last day's value, reach the mean), compared with the previous period of the same length and with the same dates a year earlier; ≈ marks a change that a Welch t-test on the daily values cannot tell from noise (p ≥ 0.05). 'no data' means the comparison period has no observation.",
            "Change: (current − previous) / |previous|; against a previous value of 0 or none it is left empty. Lower-is-better metrics (negative mentions, cost per engagement) show a rise in red.",
            "Whole periods: a first or last week/month/quarter that the range (or a late source) cuts short is left out of the trend sheets and statistics, as in the API's GetTrend and `coe kpis trend`.",
            "OLS slope: least squares on the period index, two-sided p-value from Student's t (computed as 2·CDF(−|t|)).",
            "Mann-Kendall: non-parametric trend test with tie correction and continuity correction; Sen's slope: median of pairwise slopes.",
            "CAGR per year: (last / first)^(periods per year / periods between them) − 1 over the whole periods; not defined when they cover less than a year ('< 1 year of data') or start at 0.",
            "Days that stood out: every metric of every profile, day by day; modified z-score 0.6745·(x − median)/MAD after removing the weekday pattern (season of 7 days), above 3.5.",
            "ROI by network: (attributed revenue − spend) / spend over owned profiles; cost per engagement: spend / engagements.",
            "Share (benchmark): the profile's value as a share of its network's total for additive metrics.",
            "Data model: FactKpi (one row per profile, metric and day, every metric recorded in the range) with DimDate, DimProfile and DimMetric, as Excel Tables for Power BI / Power Pivot; the data-model sheets are not printed.",
        ];
        DeckStyle.Prose(sheet, 3, lines);
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
        string[] dh = ["Date", "Year", "Quarter", "QuarterName", "Month", "MonthName", "MonthStart", "IsoYear", "IsoWeek", "WeekStart", "Weekday"];
        DeckStyle.Header(dates, 1, dh);
        var days = Math.Max(0, model.To.DayNumber - model.From.DayNumber + 1);
        var dateRows = Enumerable.Range(0, days).Select(i => DateRow(model.From.AddDays(i)));
        if (days > 0)
        {
            var first = DateRow(model.From);
            dates.Cell(2, 1).SetValue(model.From.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
            for (var c = 1; c < first.Length; c++)
                if (first[c] is string text) dates.Cell(2, c + 1).SetText(text);
                else if (first[c] is DateOnly day) dates.Cell(2, c + 1).SetValue(day.ToDateTime(TimeOnly.MinValue)).Style.DateFormat.Format = DeckStyle.Date;
                else dates.Cell(2, c + 1).SetValue((int)first[c]!);
        }
        DeckStyle.Widths(dates, 12, 8, 8, 12, 8, 12, 12, 8, 8, 12, 12);
        dates.SheetView.FreezeRows(1);

        var profiles = workbook.AddWorksheet(SafeText.SheetName("DimProfile", names));
        DeckStyle.Header(profiles, 1, ["ProfileId", "Network", "Handle", "DisplayName", "Label", "BusinessUnit", "Ownership", "IsOwned"]);
        for (var k = 0; k < model.Profiles.Count; k++)
        {
            var p = model.Profiles[k];
            profiles.Cell(2 + k, 1).SetText(p.Id);
            profiles.Cell(2 + k, 2).SetText(p.Network);
            profiles.Cell(2 + k, 3).SetText(p.Handle);
            profiles.Cell(2 + k, 4).SetText(string.IsNullOrWhiteSpace(p.DisplayName) ? p.Handle : p.DisplayName);
            profiles.Cell(2 + k, 5).SetText(p.Label);
            profiles.Cell(2 + k, 6).SetText(p.BusinessUnit);
            profiles.Cell(2 + k, 7).SetText(p.Owned ? "Owned" : "Competitor");
            profiles.Cell(2 + k, 8).SetValue(p.Owned);
        }
        DeckStyle.Table(profiles.Range(1, 1, 1 + Math.Max(1, model.Profiles.Count), 8), "DimProfile");
        DeckStyle.Widths(profiles, 38, 12, 24, 24, 30, 18, 12, 9);
        profiles.SheetView.FreezeRows(1);

        var metrics = workbook.AddWorksheet(SafeText.SheetName("DimMetric", names));
        DeckStyle.Header(metrics, 1, ["Metric", "Unit", "Rollup", "IsAdditive", "LowerIsBetter", "Description"]);
        for (var k = 0; k < model.Metrics.Count; k++)
        {
            var m = model.Metrics[k];
            metrics.Cell(2 + k, 1).SetText(m.Name);
            metrics.Cell(2 + k, 2).SetText(m.Unit);
            metrics.Cell(2 + k, 3).SetText(m.RollupMethod.ToString());
            metrics.Cell(2 + k, 4).SetValue(m.Additive);
            metrics.Cell(2 + k, 5).SetValue(m.LowerIsBetter);
            metrics.Cell(2 + k, 6).SetText(m.Description);
        }
        DeckStyle.Table(metrics.Range(1, 1, 1 + Math.Max(1, model.Metrics.Count), 6), "DimMetric");
        DeckStyle.Widths(metrics, 20, 10, 8, 10, 12, 80);
        metrics.SheetView.FreezeRows(1);
        return
        [
            new StreamedRows(fact.Name, Math.Max(0, model.Observations.Count - 1),
                model.Observations.Skip(1).Select(o => new object?[] { o.Date, o.ProfileId, o.Metric, o.Value }), new StreamedTable("FactKpi", fh)),
            new StreamedRows(dates.Name, Math.Max(0, days - 1), dateRows.Skip(1), new StreamedTable("DimDate", dh)),
        ];
    }

    /// <summary>One DimDate row: calendar year, quarter and month, and the ISO week-numbering year, week and its Monday.</summary>
    private static object?[] DateRow(DateOnly d) =>
    [
        d, d.Year, (d.Month - 1) / 3 + 1, $"{d.Year} Q{(d.Month - 1) / 3 + 1}", d.Month, CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month),
        new DateOnly(d.Year, d.Month, 1), ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)),
        SeriesAggregator.PeriodStart(d, Granularity.Week), d.DayOfWeek.ToString(),
    ];

    private static string Column(int number) => XLHelper.GetColumnLetterFromNumber(number);

}
