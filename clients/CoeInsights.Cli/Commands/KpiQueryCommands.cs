using System.CommandLine;
using System.Globalization;
using CoeInsights.Cli.Csv;
using CoeInsights.V1;
using Google.Protobuf;
using Grpc.Core;
using Spectre.Console;
using Profile = CoeInsights.V1.Profile;

namespace CoeInsights.Cli.Commands;

/// <summary>coe kpis series | derived | versions | correct | correlate | benchmark | alerts | analyze: thin commands over the rest of KpiService.</summary>
internal static partial class KpiCommands
{
    private static void AddQueries(Command kpis, CommandRunner run)
    {
        kpis.Add(Series(run));
        kpis.Add(Derived(run));
        kpis.Add(Versions(run));
        kpis.Add(Correct(run));
        kpis.Add(Correlate(run));
        kpis.Add(Benchmark(run));
        kpis.Add(Alerts(run));
        kpis.Add(Analyze(run));
    }

    private static Option<string[]> Many(string name, string description) => new(name) { AllowMultipleArgumentsPerToken = false, Description = description };

    private static List<string> ResolveProfiles(IReadOnlyList<Profile> all, string[]? keys)
    {
        var directory = new ProfileDirectory(all);
        return [.. (keys ?? []).Select(key => directory.Resolve(key, out var problem) ?? throw new UsageException($"--profile: {problem}"))];
    }

    private static string Label(IReadOnlyDictionary<string, Profile> profiles, string profileId) =>
        profiles.TryGetValue(profileId, out var p) ? $"{p.Network.ToString().ToLowerInvariant()}:{p.Handle}" : profileId;

    private static Command Series(CommandRunner run)
    {
        var profiles = Many("--profile", "Only these profiles: id, handle or network:handle (repeat; default: every profile).");
        var networks = new Option<Network[]>("--network") { Description = "Only these networks (repeat)." };
        var units = Many("--business-unit", "Only these business units (repeat).");
        var ownership = new Option<Ownership>("--ownership") { Description = "Owned or Competitor (default: both)." };
        var metrics = Many("--metric", "Metrics (repeat; at least one; see `coe kpis metrics`).");
        metrics.Required = true;
        var from = DateOption("--from", "First day (default: the first observed day)", required: false);
        var to = DateOption("--to", "Last day (default: the last observed day)", required: false);
        var granularity = new Option<Granularity>("--granularity") { DefaultValueFactory = _ => Granularity.Day, Description = "Day (default), Week, Month or Quarter." };
        var complete = new Option<bool>("--complete-periods") { Description = "A period with any unobserved day has no value." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (one row per series and period) instead of a table." };
        var hourly = new Option<bool>("--hourly")
        {
            Description = "The hourly series (every hour of --from…--to, both required, at most 92 days; not rolled up) instead of the daily one.",
        };
        var command = new Command("series", "Stored series rolled up by the metric's roll-up (QuerySeries; latest versions; missing days stay missing).")
        {
            profiles, networks, units, ownership, metrics, from, to, granularity, complete, csv, hourly,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var all = await AllProfiles(client, ct);
            var request = new QuerySeriesRequest
            {
                ProfileIds = { ResolveProfiles(all, result.GetValue(profiles)) }, Networks = { result.GetValue(networks) ?? [] },
                BusinessUnits = { result.GetValue(units) ?? [] }, Ownership = result.GetValue(ownership), Metrics = { result.GetValue(metrics) ?? [] },
                Granularity = result.GetValue(granularity), RequireCompletePeriods = result.GetValue(complete),
            };
            if (result.GetResult(from) is not null) request.StartDate = ToProto(result.GetValue(from));
            if (result.GetResult(to) is not null) request.EndDate = ToProto(result.GetValue(to));
            var hours = result.GetValue(hourly);
            if (hours) request.Resolution = ObservationResolution.Hourly;
            using var call = client.QuerySeries(request, cancellationToken: ct);
            var series = new List<KpiSeries>();
            await foreach (var s in call.ResponseStream.ReadAllAsync(ct)) series.Add(s);

            var byId = all.ToDictionary(p => p.ProfileId);
            if (context.Format == OutputFormat.Json)
            {
                // One document for scripts: {"series": [KpiSeries, …]} in the proto3 JSON mapping.
                await context.Output.WriteLineAsync("{\"series\": [" + string.Join(", ", series.Select(s => JsonFormatter.Default.Format(s))) + "]}");
                return;
            }
            if (result.GetValue(csv))
            {
                await using var writer = new CsvOutput(context.Output);
                string[] columns = ["profile_id", "network", "handle", "business_unit", "ownership", "metric", "unit", "granularity", "period_start", "value", "observation_count", "days_in_period"];
                await writer.HeaderAsync(hours ? [.. columns, "hour"] : columns);
                foreach (var s in series)
                    foreach (var p in s.Points)
                    {
                        writer.Text(s.ProfileId).Text(s.Network.ToString()).Text(byId.TryGetValue(s.ProfileId, out var profile) ? profile.Handle : "")
                            .Text(s.BusinessUnit).Text(s.Ownership.ToString()).Text(s.Metric).Text(s.Unit).Text(s.Granularity.ToString())
                            .Text(Format(p.PeriodStart)).Number(p.HasValue ? p.Value : null).Number(p.ObservationCount).Number(p.DaysInPeriod);
                        if (hours) writer.Number(p.Hour);
                        await writer.EndRowAsync();
                    }
                return;
            }
            var table = new Table().AddColumns("profile", "metric", "period", "value", "observed days");
            foreach (var s in series)
                foreach (var p in s.Points)
                    table.AddRow(Markup.Escape(Label(byId, s.ProfileId)), s.Metric, Format(p.PeriodStart) + (p.HasHour ? $" {p.Hour:00}:00" : ""), p.HasValue ? N(p.Value) : "",
                        p.HasHour ? $"{p.ObservationCount}" : $"{p.ObservationCount}/{p.DaysInPeriod}");
            context.Console.Write(table);
            context.Console.WriteLine($"{series.Count} series");
        }));
        return command;
    }

    /// <summary>The CLI name of a derived KPI: the snake_case name the server gives its series (engagement_rate_by_impressions).</summary>
    private static string KpiName(DerivedKpi kpi) =>
        string.Concat(kpi.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"_{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));

    private static readonly DerivedKpi[] KnownKpis = [.. Enum.GetValues<DerivedKpi>().Where(k => k != DerivedKpi.Unspecified)];

    /// <summary>--kpi engagement_rate_by_impressions (also engagement-rate-by-impressions or EngagementRateByImpressions), repeatable.</summary>
    private static Option<DerivedKpi[]> KpiOption() => new("--kpi")
    {
        Required = true, AllowMultipleArgumentsPerToken = false,
        Description = $"Derived KPIs (repeat; at least one): {string.Join(", ", KnownKpis.Select(KpiName))}.",
        CustomParser = r =>
        {
            var kpis = new List<DerivedKpi>();
            foreach (var token in r.Tokens)
            {
                var text = token.Value.Replace('-', '_');
                var match = KnownKpis.Where(k => string.Equals(KpiName(k), text, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(k.ToString(), text, StringComparison.OrdinalIgnoreCase)).ToList();
                if (match.Count == 1) kpis.Add(match[0]);
                else r.AddError($"--kpi: unknown derived KPI '{token.Value}' (one of: {string.Join(", ", KnownKpis.Select(KpiName))})");
            }
            return [.. kpis];
        },
    };

    private static Command Derived(CommandRunner run)
    {
        var profiles = Many("--profile", "Only these profiles: id, handle or network:handle (repeat; default: every profile).");
        var networks = new Option<Network[]>("--network") { Description = "Only these networks (repeat)." };
        var units = Many("--business-unit", "Only these business units (repeat).");
        var ownership = new Option<Ownership>("--ownership") { Description = "Owned or Competitor (default: both)." };
        var kpis = KpiOption();
        var from = DateOption("--from", "First day");
        var to = DateOption("--to", "Last day (at most 3,660 days after --from)");
        var granularity = new Option<Granularity>("--granularity") { DefaultValueFactory = _ => Granularity.Day, Description = "Day (default), Week, Month or Quarter." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (one row per series and period) instead of a table." };
        var command = new Command("derived", "Derived KPIs (engagement rate, growth, net sentiment, response rate, cost per engagement, ROI) per profile and period "
            + "with the numerator and denominator of each value (QueryDerivedKpis; docs/kpis.md).")
        {
            profiles, networks, units, ownership, kpis, from, to, granularity, csv,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var all = await AllProfiles(client, ct);
            var response = await client.QueryDerivedKpisAsync(new QueryDerivedKpisRequest
            {
                ProfileIds = { ResolveProfiles(all, result.GetValue(profiles)) }, Networks = { result.GetValue(networks) ?? [] },
                BusinessUnits = { result.GetValue(units) ?? [] }, Ownership = result.GetValue(ownership), Kpis = { result.GetValue(kpis) ?? [] },
                StartDate = ToProto(result.GetValue(from)), EndDate = ToProto(result.GetValue(to)), Granularity = result.GetValue(granularity),
            }, cancellationToken: ct);

            var byId = all.ToDictionary(p => p.ProfileId);
            if (context.Format != OutputFormat.Json && result.GetValue(csv))
            {
                await using var writer = new CsvOutput(context.Output);
                await writer.HeaderAsync("profile_id", "network", "handle", "business_unit", "ownership", "kpi", "unit", "granularity", "period_start", "value", "numerator",
                    "denominator", "observed_days", "days_in_period");
                foreach (var s in response.Series)
                    foreach (var p in s.Points)
                    {
                        writer.Text(s.ProfileId).Text(s.Network.ToString()).Text(byId.TryGetValue(s.ProfileId, out var profile) ? profile.Handle : "")
                            .Text(s.BusinessUnit).Text(s.Ownership.ToString()).Text(s.Name).Text(s.Unit).Text(s.Granularity.ToString())
                            .Text(Format(p.PeriodStart)).Number(p.HasValue ? p.Value : null).Number(p.HasNumerator ? p.Numerator : null)
                            .Number(p.HasDenominator ? p.Denominator : null).Number(p.ObservedDays).Number(p.DaysInPeriod);
                        await writer.EndRowAsync();
                    }
                return;
            }
            // -o json: {"series": [DerivedKpiSeries, …]} in the proto3 JSON mapping, as `coe kpis series`.
            context.Write(response, console =>
            {
                // One table per KPI (its formula above it, what its numerator and denominator are below), so it fits 80 columns.
                foreach (var kpi in response.Series.GroupBy(s => s.Kpi))
                {
                    var first = kpi.First();
                    console.WriteLine($"{first.Name} ({first.Unit}) = {first.Formula}");
                    var table = new Table().AddColumn(new TableColumn("profile").NoWrap()).AddColumns("period", "value", "numerator", "denominator", "observed");
                    foreach (var s in kpi)
                        foreach (var p in s.Points)
                            table.AddRow(Markup.Escape(Label(byId, s.ProfileId)), Format(p.PeriodStart), p.HasValue ? N(p.Value) : "",
                                p.HasNumerator ? N(p.Numerator) : "", p.HasDenominator ? N(p.Denominator) : "", $"{p.ObservedDays}/{p.DaysInPeriod}");
                    console.Write(table);
                    console.WriteLine($"numerator: {first.Numerator}; denominator: {first.Denominator}");
                }
                console.WriteLine($"{response.Series.Count} series");
            });
        }));
        return command;
    }

    /// <summary>The profile, metric and day one observation is about (versions, correct).</summary>
    private sealed class DayOptions
    {
        public Option<string> Profile { get; } = new("--profile") { Required = true, Description = "Profile id, handle or network:handle." };
        public Option<string> Metric { get; } = new("--metric") { Required = true, Description = "Metric name (see `coe kpis metrics`)." };
        public Option<DateOnly> Date { get; } = DateOption("--date", "The reporting day");

        public void AddTo(Command command)
        {
            command.Add(Profile);
            command.Add(Metric);
            command.Add(Date);
        }
    }

    private static void WriteHistory(CliContext context, ObservationHistory history) => context.Write(history, console =>
    {
        var table = new Table().AddColumns("sequence", "value", "batch", "source", "time zone", "recorded", "correction reason");
        foreach (var v in history.Versions)
            table.AddRow($"{v.Sequence}", N(v.Value), v.BatchId, Markup.Escape(v.Source), v.SourceTimeZone, v.RecordTime?.ToDateTimeOffset().ToString("u") ?? "", Markup.Escape(v.CorrectionReason));
        console.Write(table);
        console.WriteLine($"{history.Metric} on {Format(history.Date)}: {history.Versions.Count} version(s), the last one counts");
    });

    private static Command Versions(CommandRunner run)
    {
        var day = new DayOptions();
        var command = new Command("versions", "Every stored version of one (profile, metric, day), oldest first: batch, source, time zone, record time, correction reason.");
        day.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            WriteHistory(context, await client.ListObservationVersionsAsync(new ListObservationVersionsRequest
            {
                ProfileId = await ResolveProfile(client, result.GetValue(day.Profile)!, ct), Metric = result.GetValue(day.Metric)!, Date = ToProto(result.GetValue(day.Date)),
            }, cancellationToken: ct));
        }));
        return command;
    }

    private static Command Correct(CommandRunner run)
    {
        var day = new DayOptions();
        var value = new Option<double>("--value") { Required = true, Description = "The restated value." };
        var reason = new Option<string>("--reason") { Required = true, Description = "Why (kept with the new version)." };
        var command = new Command("correct", "Restate one recorded (profile, metric, day) with a reason (ingest key): a new version; nothing is overwritten.") { value, reason };
        day.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            WriteHistory(context, await client.CorrectKpiAsync(new CorrectKpiRequest
            {
                ProfileId = await ResolveProfile(client, result.GetValue(day.Profile)!, ct), Metric = result.GetValue(day.Metric)!, Date = ToProto(result.GetValue(day.Date)),
                Value = result.GetValue(value), Reason = result.GetValue(reason)!,
            }, cancellationToken: ct));
        }));
        return command;
    }

    private static Command Correlate(CommandRunner run)
    {
        var series = new SeriesOptions();
        var yProfile = new Option<string?>("--y-profile") { Description = "The second series' profile (default: --profile)." };
        var yMetric = new Option<string>("--y-metric") { Required = true, Description = "The second series' metric." };
        var confidence = new Option<double?>("--confidence") { Description = "Confidence level of Pearson's interval (default 0.95)." };
        var command = new Command("correlate", "Pearson (with CI), Spearman and Kendall's tau-b between two series aligned by period.") { yProfile, yMetric, confidence };
        series.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var x = await series.Selector(result, client, ct);
            var y = x.Clone();
            y.Metric = result.GetValue(yMetric)!;
            if (result.GetValue(yProfile) is { } other) y.ProfileId = await ResolveProfile(client, other, ct);
            var request = new CorrelateMetricsRequest { X = x, Y = y };
            if (result.GetValue(confidence) is { } c) request.ConfidenceLevel = c;
            var correlated = await client.CorrelateMetricsAsync(request, cancellationToken: ct);
            context.Write(correlated, console =>
            {
                var table = new Table().AddColumns("test", "n", "coefficient", "statistic", "df", "p", "CI");
                foreach (var (name, t) in new[] { ("Pearson", correlated.Pearson), ("Spearman", correlated.Spearman), ("Kendall tau-b", correlated.KendallTauB) })
                    if (t is not null)
                        table.AddRow(name, $"{t.N}", N(t.HasCoefficient ? t.Coefficient : null), N(t.HasStatistic ? t.Statistic : null), t.HasDegreesOfFreedom ? N(t.DegreesOfFreedom) : "",
                            N(t.HasPValue ? t.PValue : null),
                            t.Ci is { } ci ? Markup.Escape($"[{N(ci.Lower)}, {N(ci.Upper)}]") : "");
                console.Write(table);
            });
        }));
        return command;
    }

    private static Command Benchmark(CommandRunner run)
    {
        var metrics = Many("--metric", "Metrics to compare (repeat).");
        metrics.Required = true;
        var from = DateOption("--from", "First day");
        var to = DateOption("--to", "Last day");
        var networks = new Option<Network[]>("--network") { Description = "Only these networks (repeat)." };
        var units = Many("--business-unit", "Only these business units (repeat).");
        var command = new Command("benchmark", "Owned and competitor profiles side by side per network and metric: value, observed days, share (flows), rank.")
        {
            metrics, from, to, networks, units,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var benchmark = await Client(context).BenchmarkCompetitorsAsync(new BenchmarkCompetitorsRequest
            {
                Metrics = { result.GetValue(metrics)! }, StartDate = ToProto(result.GetValue(from)), EndDate = ToProto(result.GetValue(to)),
                Networks = { result.GetValue(networks) ?? [] }, BusinessUnits = { result.GetValue(units) ?? [] },
            }, cancellationToken: ct);
            context.Write(benchmark, console =>
            {
                var table = new Table().AddColumns("network", "metric", "rank", "profile", "ownership", "value", "observed days", "share %");
                foreach (var p in benchmark.Profiles)
                    table.AddRow(p.Network.ToString(), p.Metric, $"{p.Rank}", Markup.Escape(p.Handle), p.Ownership.ToString(), p.HasValue ? N(p.Value, "0.##") : "",
                        $"{p.ObservedDays}", p.HasSharePct ? N(p.SharePct, "0.#") : "");
                console.Write(table);
            });
        }));
        return command;
    }

    private static Command Alerts(CommandRunner run)
    {
        var metrics = Many("--metric", "Metrics to watch (repeat; at least one).");
        metrics.Required = true;
        var profiles = Many("--profile", "Only these profiles: id, handle or network:handle (repeat; default: every profile, also ones registered later).");
        var networks = new Option<Network[]>("--network") { Description = "Only these networks (repeat)." };
        var units = Many("--business-unit", "Only these business units (repeat).");
        var direction = new Option<AlertDirection>("--direction") { DefaultValueFactory = _ => AlertDirection.Both, Description = "Up (spikes), Down (drops) or Both (default)." };
        var threshold = new Option<double?>("--threshold") { Description = "|modified z-score| above which a value alerts (default 3.5)." };
        var seasonal = new Option<bool>("--seasonal") { Description = "Compare with the same weekday (season length 7)." };
        var baseline = new Option<int?>("--baseline-days") { Description = "Days of history each value is compared with (7…730, default 90)." };
        var resume = new Option<string?>("--resume-token") { Description = "Resume after the alert that carried this resume_token (-o json shows it): every later alert is sent once." };
        var watching = new Watching("N alerts");
        var command = new Command("alerts", "The crisis early warning (WatchAlerts): one line per anomalous observation recorded while the watch is open, "
            + "until Ctrl-C, --max or --timeout (-o json: one KpiAlert object per line).")
        {
            metrics, profiles, networks, units, direction, threshold, seasonal, baseline, resume,
        };
        watching.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var request = new WatchAlertsRequest
            {
                Metrics = { result.GetValue(metrics)! }, Networks = { result.GetValue(networks) ?? [] }, BusinessUnits = { result.GetValue(units) ?? [] },
                Direction = result.GetValue(direction), Seasonal = result.GetValue(seasonal),
            };
            if (result.GetValue(profiles) is { Length: > 0 } keys) request.ProfileIds.Add(ResolveProfiles(await AllProfiles(client, ct), keys));
            if (result.GetValue(threshold) is { } t) request.Threshold = t;
            if (result.GetValue(baseline) is { } b) request.BaselineDays = b;
            if (result.GetValue(resume) is { Length: > 0 } resumeToken) request.ResumeToken = resumeToken;
            await watching.RunAsync(result, context, token => client.WatchAlerts(request, cancellationToken: token),
                $"watching {string.Join(", ", request.Metrics)} for alerts (Ctrl-C to stop)",
                a => $"{Format(a.Date)}{(a.HasHour ? $" {a.Hour:00}:00" : "")} {a.Severity.ToString().ToLowerInvariant()} {a.Direction.ToString().ToLowerInvariant()}: {a.Network.ToString().ToLowerInvariant()}:{a.Handle} "
                    + $"{a.Metric} {N(a.Value, "0.##")} (expected {N(a.Expected, "0.##")}, score {N(a.Score, "0.00")}, {a.HistoryCount} days of history)"
                    + (a.CorrectionReason.Length > 0 ? $", corrected: {a.CorrectionReason}" : $", batch {a.BatchId}"),
                ct);
        }));
        return command;
    }

    private static Command Analyze(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("series.csv") { Description = "Columns: date (yyyy-MM-dd), value (a number; empty: missing)." };
        var granularity = new Option<Granularity>("--granularity") { DefaultValueFactory = _ => Granularity.Day, Description = "Day (default), Week, Month or Quarter." };
        var rollup = new Option<Rollup>("--rollup") { DefaultValueFactory = _ => Rollup.Sum, Description = "How days roll up into periods: Sum (default), Last or Mean." };
        var season = new Option<int?>("--season-length") { Description = "Seasonal Mann-Kendall and anomaly scoring (7 for daily data with a weekly pattern)." };
        var continueOnError = CsvFile.ContinueOnErrorOption();
        var command = new Command("analyze", "The trend bundle (as `coe kpis trend`) on dated values from a CSV file (AnalyzeSeries); nothing is stored.")
        {
            csv, granularity, rollup, season, continueOnError,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var seen = new HashSet<DateOnly>();
            var input = CsvFile.Read(result.GetValue(csv)!, ["date", "value"], row =>
            {
                var date = row.Date("date");
                var value = row.OptionalNumber("value");
                if (!row.Failed && !seen.Add(date)) row.Fail("date", $"{date:yyyy-MM-dd} appears twice");
                var point = new SeriesPoint { PeriodStart = ToProto(date) };
                if (value is { } v) point.Value = v;
                return point;
            });
            var points = input.Accept(result.GetValue(continueOnError));
            var request = new AnalyzeSeriesRequest
            {
                Points = { points.Select(p => p.Value) }, Granularity = result.GetValue(granularity), Rollup = result.GetValue(rollup), Options = new TrendOptions(),
            };
            if (result.GetValue(season) is { } s) request.Options.SeasonLength = s;
            var trend = await Client(context).AnalyzeSeriesAsync(request, cancellationToken: ct);
            input.ReportSkipped(context.Error);
            context.Write(trend, console => RenderTrend(console, trend));
        }));
        return command;
    }
}
