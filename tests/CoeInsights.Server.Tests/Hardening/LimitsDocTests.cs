extern alias server;
using System.Globalization;
using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics.Trends;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Exports.Common;
using CoeInsights.Kpis.QueryingDerivedKpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.WatchingAlerts;
using server::CoeInsights.Server.Hosting;
using server::CoeInsights.Server.Reports;
using server::CoeInsights.Server.Validation;

namespace CoeInsights.Server.Tests.Hardening;

/// <summary>
/// docs/limits.md says the values the code enforces: each row below is a phrase of the doc built from the constant.
/// (Caps written inline in validators — Monte Carlo samples, bootstrap resamples, forecast horizon, link lifetime — are
/// checked one past the cap by <see cref="BadInputCorpus"/>.)
/// </summary>
public sealed class LimitsDocTests
{
    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static readonly string Doc = File.ReadAllText(Path.Combine(FindRoot(), "docs", "limits.md"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CoeInsights.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("CoeInsights.sln not found above the test's folder");
    }

    public static TheoryData<string, string> Phrases => new()
    {
        { "message size", $"4 MiB ({N(MessageSizeLimit.DefaultMaxMessageBytes)} bytes)" },
        { "work budget", $"{N(ScoringEngine.MaxWorkUnits)} work units" },
        { "moving average window", $"1 … {N(MovingAverages.MaxWindow)} slots" },
        { "periods per year", $"≤ {N((long)Growth.MaxPeriodsPerYear)}" },
        { "alert baseline", $"{WatchAlertsHandler.MinBaselineDays} … {WatchAlertsHandler.MaxBaselineDays} (default {WatchAlertsHandler.DefaultBaselineDays})" },
        { "observations per batch", $"| observations per batch | {N(RecordKpiBatchHandler.MaxObservations)} |" },
        { "series per query", $"| series per query | {N(QuerySeriesHandler.MaxSeries)} " },
        { "derived series per query", $"| derived series per query | {N(QueryDerivedKpisHandler.MaxSeries)} " },
        { "deck date range", $"| date range | {N(KpiDeckExport.MaxDays)} days |" },
        { "derived date range", $"| date range | {N(QueryDerivedKpisHandler.MaxDays)} days |" },
        { "page size", $"1 … {N(Page.MaxSize)} (0: the default, {Page.DefaultSize})" },
        { "rows per sheet", $"| rows per sheet | {N(SafeText.MaxRows)} (Excel) |" },
        { "text per cell", $"| text per cell | {N(SafeText.MaxCellCharacters)} characters (Excel) |" },
        { "long text cap", $"| {N(RequestText.MaxLongLength)} |" },
        { "short text cap", $"| {N(RequestText.MaxShortLength)} |" },
        { "violations per request", $"at most {RequestText.MaxViolations} per request" },
        { "names", $"| names and titles | {Inputs.NameMax} characters" },
        { "evaluation prose", $"| evaluation prose | {N(Inputs.TextMax)} characters" },
        { "list entries", $"| entries per list | 1 … {N(Inputs.ListMax)} " },
        { "scale level descriptions", $"at most {Inputs.DescribedLevelsMax} levels; {N(Inputs.LevelDescriptionMax)} characters each" },
    };

    [Theory]
    [MemberData(nameof(Phrases))]
    public void StatesTheValueTheCodeEnforces(string limit, string phrase) =>
        Assert.True(Doc.Contains(phrase, StringComparison.Ordinal), $"docs/limits.md should say '{phrase}' ({limit})");

    [Fact]
    public void ListsEveryLongTextField()
    {
        foreach (var field in RequestText.LongTextFields)
            Assert.Contains($"`{field}`", Doc);
    }
}
