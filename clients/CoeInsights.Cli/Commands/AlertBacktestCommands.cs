using System.CommandLine;
using System.Globalization;
using CoeInsights.V1;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe alerts backtest: AlertBacktestService.RunBacktest, one row per metric and method (docs/alerts.md, "Detector").</summary>
internal static class AlertBacktestCommands
{
    /// <summary>The method names the command takes and prints, as the server's backtest names them.</summary>
    private static readonly (string Name, AlertMethod Method, bool Seasonal)[] Methods =
    [
        ("robust-z", AlertMethod.RobustZScore, false),
        ("robust-z-seasonal", AlertMethod.RobustZScore, true),
        ("fixed-threshold", AlertMethod.FixedThreshold, false),
        ("change-vs-previous-day", AlertMethod.ChangeVsPreviousPeriod, false),
        ("change-vs-same-weekday", AlertMethod.ChangeVsSameWeekdayLastWeek, false),
    ];

    public static Command Build(CommandRunner run)
    {
        var metrics = new Option<string[]>("--metric") { Description = "negative_mentions or negative_share (repeat; default both)." };
        var methods = new Option<string[]>("--method") { Description = $"{string.Join(", ", Methods.Select(m => m.Name))} (repeat; default every one)." };
        var threshold = new Option<double?>("--threshold") { Description = "Sensitivity of every --method given: |z|, the level, or the change in % (default: the tuned defaults)." };
        var volume = new Option<double?>("--minimum-volume") { Description = "Volume below which nothing alerts (default 10 negative mentions; 30 mentions behind a share)." };
        var half = new Option<string>("--half") { DefaultValueFactory = _ => "test", Description = "tune, test (default: the profiles the defaults were not tuned on) or all." };
        var cooldown = new Option<int?>("--cooldown") { Description = "Days after an alert with no new alert on the series (default 3)." };
        var baseline = new Option<int?>("--baseline-days") { Description = "Days of history before each day (default 90, as WatchAlerts)." };
        var crises = new Option<bool>("--crises") { Description = "Also list every crisis with each method's first alert." };
        var command = new Command("backtest", "Replay the shipped labelled set through the alert methods: recall, precision, lead time, false alerts per profile-month.")
        {
            metrics, methods, threshold, volume, half, cooldown, baseline, crises,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var request = new RunBacktestRequest
            {
                Metrics = { result.GetValue(metrics) ?? [] },
                Half = result.GetValue(half)?.ToLowerInvariant() switch
                {
                    "tune" => BacktestHalf.Tune,
                    "all" => BacktestHalf.All,
                    "test" => BacktestHalf.Test,
                    var other => throw new UsageException($"--half: '{other}' is not tune, test or all"),
                },
                IncludeCrises = result.GetValue(crises),
            };
            var named = result.GetValue(methods) ?? [];
            if (named.Length == 0 && (result.GetValue(threshold) is not null || result.GetValue(volume) is not null))
                throw new UsageException("--threshold and --minimum-volume need --method (each method has its own scale)");
            foreach (var name in named)
            {
                var (_, method, seasonal) = Methods.FirstOrDefault(m => m.Name == name);
                if (method == AlertMethod.Unspecified) throw new UsageException($"--method: '{name}' is not one of {string.Join(", ", Methods.Select(m => m.Name))}");
                var m = new BacktestMethod { Method = method, Seasonal = seasonal };
                if (result.GetValue(threshold) is { } t) m.Threshold = t;
                if (result.GetValue(volume) is { } v) m.MinimumVolume = v;
                request.Methods.Add(m);
            }
            if (result.GetValue(cooldown) is { } c) request.CooldownDays = c;
            if (result.GetValue(baseline) is { } b) request.BaselineDays = b;

            var response = await new AlertBacktestService.AlertBacktestServiceClient(context.Channel).RunBacktestAsync(request, cancellationToken: ct);
            context.Write(response, console =>
            {
                console.Profile.Width = Math.Max(console.Profile.Width, 200); // a Markdown table must not wrap
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Name(request.Half)} half: {response.ProfileCount} profiles, {response.CrisisCount} crises, {response.FirstDay.Year:0000}-{response.FirstDay.Month:00}-{response.FirstDay.Day:00}…{response.LastDay.Year:0000}-{response.LastDay.Month:00}-{response.LastDay.Day:00} (first {response.WarmUpDays} days history only); cooldown {response.Results.FirstOrDefault()?.CooldownDays ?? 0} days"));
                var table = Columns("metric", "method", "threshold", "min volume", "recall", "precision", "lead days (mean)", "lead days (max)",
                    "false alerts per profile-month", "alerts (false)");
                foreach (var r in response.Results)
                    table.AddRow(r.Metric, MethodName(r), N(r.Threshold), N(r.MinimumVolume), r.HasRecall ? $"{N(r.Recall, "0.00")} ({r.Detected}/{r.Crises})" : "–",
                        r.HasPrecision ? N(r.Precision, "0.00") : "–", r.HasMeanLeadDays ? N(r.MeanLeadDays, "0.00") : "–", r.HasMaxLeadDays ? N(r.MaxLeadDays) : "–",
                        N(r.FalseAlertsPerProfileMonth, "0.00"), $"{r.Alerts} ({r.FalseAlerts})");
                console.Write(table);
                if (!request.IncludeCrises) return;
                foreach (var r in response.Results)
                {
                    var list = Columns("profile", "crisis", "start", "end", "first alert", "lead days");
                    foreach (var crisis in r.CrisisOutcomes)
                        list.AddRow(Markup.Escape(crisis.Profile), crisis.Scenario, Day(crisis.Start), Day(crisis.End), crisis.FirstAlert is null ? "missed" : Day(crisis.FirstAlert),
                            crisis.HasLeadDays ? N(crisis.LeadDays) : "");
                    console.WriteLine();
                    console.WriteLine($"{r.Metric} {MethodName(r)} {N(r.Threshold)}:");
                    console.Write(list);
                }
            });
        }));
        return command;
    }

    /// <summary>A Markdown table (pasted as is into docs/alerts.md) whose cells never wrap.</summary>
    private static Table Columns(params string[] names)
    {
        var table = new Table().Border(TableBorder.Markdown);
        foreach (var name in names) table.AddColumn(new TableColumn(name).NoWrap());
        return table;
    }

    private static string MethodName(BacktestResult r) => Methods.First(m => m.Method == r.Method && m.Seasonal == r.Seasonal).Name;

    private static string Name(BacktestHalf h) => h switch { BacktestHalf.Tune => "tune", BacktestHalf.All => "whole", _ => "test" };

    private static string Day(Google.Type.Date d) => string.Create(CultureInfo.InvariantCulture, $"{d.Year:0000}-{d.Month:00}-{d.Day:00}");

    private static string N(double x, string format = "0.####") => x.ToString(format, CultureInfo.InvariantCulture);
}
