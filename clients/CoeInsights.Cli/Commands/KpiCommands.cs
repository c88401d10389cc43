using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CoeInsights.Cli.Csv;
using CoeInsights.V1;
using Grpc.Core;
using Spectre.Console;
using Profile = CoeInsights.V1.Profile;

namespace CoeInsights.Cli.Commands;

/// <summary>coe kpis …: profiles, CSV import through the RecordKpis stream, and the trend statistics.</summary>
internal static partial class KpiCommands
{
    public static Command Build(CommandRunner run)
    {
        var kpis = new Command("kpis", "KPI profiles, CSV import, series, derived KPIs, corrections, trend, anomalies, forecast, correlation, network comparison, benchmarks, alerts.");
        kpis.Add(Profiles(run));
        kpis.Add(Metrics(run));
        kpis.Add(Import(run));
        kpis.Add(Trend(run));
        kpis.Add(Anomalies(run));
        kpis.Add(Forecast(run));
        kpis.Add(CompareNetworks(run));
        AddQueries(kpis, run); // KpiQueryCommands.cs: series, derived, versions, correct, correlate, benchmark, alerts, analyze
        return kpis;
    }

    private static KpiService.KpiServiceClient Client(CliContext context) => new(context.Channel);

    internal static Option<DateOnly> DateOption(string name, string description, bool required = true) => new(name)
    {
        Required = required, Description = description + " (yyyy-MM-dd)",
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            r.AddError($"'{text}' is not a date (yyyy-MM-dd)");
            return default;
        },
    };

    internal static Google.Type.Date ToProto(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static string Format(Google.Type.Date d) => $"{d.Year:0000}-{d.Month:00}-{d.Day:00}";

    private static async Task<List<Profile>> AllProfiles(KpiService.KpiServiceClient client, CancellationToken ct)
    {
        var all = new List<Profile>();
        var token = "";
        do
        {
            var page = await client.ListProfilesAsync(new ListProfilesRequest { PageToken = token }, cancellationToken: ct);
            all.AddRange(page.Profiles);
            token = page.NextPageToken;
        } while (token != "");
        return all;
    }

    /// <summary>Finds profiles by id, by handle, or by network:handle when a handle is on several networks.</summary>
    private sealed class ProfileDirectory(IReadOnlyList<Profile> profiles)
    {
        public string? Resolve(string key, out string? problem)
        {
            problem = null;
            if (profiles.FirstOrDefault(p => p.ProfileId == key) is { } byId) return byId.ProfileId;
            var parts = key.Split(':', 2);
            var matches = parts.Length == 2
                ? profiles.Where(p => string.Equals(p.Network.ToString(), parts[0], StringComparison.OrdinalIgnoreCase) && string.Equals(p.Handle, parts[1], StringComparison.OrdinalIgnoreCase)).ToList()
                : profiles.Where(p => string.Equals(p.Handle, key, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 1) return matches[0].ProfileId;
            problem = matches.Count == 0
                ? $"unknown profile '{key}' (give a profile id, a handle or network:handle of a registered profile)"
                : $"'{key}' is a handle on {string.Join(", ", matches.Select(m => m.Network))}: write network:handle";
            return null;
        }
    }

    private static async Task<string> ResolveProfile(KpiService.KpiServiceClient client, string key, CancellationToken ct)
    {
        var id = new ProfileDirectory(await AllProfiles(client, ct)).Resolve(key, out var problem);
        return id ?? throw new UsageException($"--profile: {problem}");
    }

    private static Command Profiles(CommandRunner run)
    {
        var profiles = new Command("profiles", "Register and list the social profiles KPIs are recorded for.");

        var network = new Option<Network>("--network") { Required = true, Description = "Linkedin, Instagram, Facebook, X, Tiktok, Youtube, Pinterest, Threads or Other." };
        var handle = new Option<string>("--handle") { Required = true, Description = "The profile's handle on the network." };
        var businessUnit = new Option<string>("--business-unit") { Required = true, Description = "Business unit or brand." };
        var ownership = new Option<Ownership>("--ownership") { DefaultValueFactory = _ => Ownership.Owned, Description = "Owned (default) or Competitor." };
        var name = new Option<string?>("--name") { Description = "Display name." };
        var register = new Command("register", "Register a profile (committee or admin). Re-running it is safe.") { network, handle, businessUnit, ownership, name };
        register.SetAction((result, ct) => run(result, async context =>
        {
            var n = result.GetValue(network);
            var h = result.GetValue(handle)!;
            var p = await Client(context).RegisterProfileAsync(new RegisterProfileRequest
            {
                Network = n, Handle = h, BusinessUnit = result.GetValue(businessUnit)!, Ownership = result.GetValue(ownership),
                DisplayName = result.GetValue(name) ?? "", RequestId = $"cli-profile-{n}-{h}".ToLowerInvariant(),
            }, cancellationToken: ct);
            context.Write(p, console => console.WriteLine($"registered {p.Network}:{p.Handle} as {p.ProfileId}"));
        }));

        var list = new Command("list", "Registered profiles.");
        list.SetAction((result, ct) => run(result, async context =>
        {
            var all = new ListProfilesResponse { Profiles = { await AllProfiles(Client(context), ct) } };
            context.Write(all, console =>
            {
                var table = new Table().AddColumns("profile", "network", "handle", "business unit", "ownership", "name");
                foreach (var p in all.Profiles)
                    table.AddRow(p.ProfileId, p.Network.ToString(), Markup.Escape(p.Handle), Markup.Escape(p.BusinessUnit), p.Ownership.ToString(), Markup.Escape(p.DisplayName));
                console.Write(table);
            });
        }));

        profiles.Add(register);
        profiles.Add(list);
        return profiles;
    }

    private static Command Metrics(CommandRunner run)
    {
        var command = new Command("metrics", "The metric catalogue: name, unit, flow or level, roll-up.");
        command.SetAction((result, ct) => run(result, async context =>
        {
            var metrics = await Client(context).ListMetricsAsync(new ListMetricsRequest(), cancellationToken: ct);
            context.Write(metrics, console =>
            {
                var table = new Table().AddColumns("metric", "unit", "kind", "roll-up", "description");
                foreach (var m in metrics.Metrics) table.AddRow(m.Name, Markup.Escape(m.Unit), m.Kind.ToString(), m.Rollup.ToString(), Markup.Escape(m.Description));
                console.Write(table);
            });
        }));
        return command;
    }

    private static Command Import(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("kpis.csv")
        {
            Description = "Columns: profile (id, handle or network:handle), date (yyyy-MM-dd), metric (see `coe kpis metrics`), value; "
                + "optional hour (0-23 or HH:00, the hour of the reporting day in --time-zone; empty = a daily value).",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            DefaultValueFactory = _ => 5000, Description = "Observations per batch (at most 10,000); each batch is acked once durable.",
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 10_000) r.AddError("--batch-size must be 1 to 10,000"); } },
        };
        var timeZone = new Option<string>("--time-zone") { DefaultValueFactory = _ => "UTC", Description = "IANA time zone the reporting days are in." };
        var source = new Option<string?>("--source") { Description = "Where the figures come from (default csv:<file name>)." };
        var continueOnError = CsvFile.ContinueOnErrorOption();
        var command = new Command("import", "Import KPI observations from CSV through the RecordKpis stream, with a progress bar and a summary (ingest key). "
            + "Re-running the same file is safe: its batches are replayed, not stored twice.")
        {
            csv, batchSize, timeZone, source, continueOnError,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var clock = Stopwatch.StartNew();
            var directory = new ProfileDirectory(await AllProfiles(client, ct));
            var metrics = (await client.ListMetricsAsync(new ListMetricsRequest(), cancellationToken: ct)).Metrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            var seen = new HashSet<(string, string, DateOnly, int?)>();
            var file = result.GetValue(csv)!;
            var input = CsvFile.Read(file, ["profile", "date", "metric", "value"], row =>
            {
                var profile = row.Required("profile");
                var id = profile.Length == 0 ? null : directory.Resolve(profile, out var problem) ?? Fail(row, "profile", problem!);
                var date = row.Date("date");
                var metric = row.Required("metric");
                if (metric.Length > 0 && !metrics.Contains(metric)) row.Fail("metric", $"unknown metric '{metric}' (see `coe kpis metrics`)");
                var value = row.Number("value");
                var hour = Hour(row);
                if (!row.Failed && !seen.Add((id!, metric, date, hour)))
                    row.Fail(null, $"{profile} {metric} on {date:yyyy-MM-dd}{(hour is { } h ? $" at {h:00}:00" : "")} appears twice");
                var observation = new KpiObservation { ProfileId = id ?? "", Date = ToProto(date), Metric = metric, Value = value };
                if (hour is { } at) observation.Hour = at;
                return observation;
            }, optional: ["hour"]);
            var rows = input.Accept(result.GetValue(continueOnError));

            var size = result.GetValue(batchSize);
            var batches = rows.Chunk(size).Select((chunk, i) => new RecordKpisRequest
            {
                IdempotencyKey = $"cli-{input.Fingerprint}-{size}-{i}",
                Source = result.GetValue(source) ?? $"csv:{file.Name}",
                SourceTimeZone = result.GetValue(timeZone)!,
                Observations = { chunk.Select(r => r.Value) },
            }).ToList();

            var acks = new List<RecordKpisResponse>();
            async Task Stream(Action<int> advance)
            {
                using var call = client.RecordKpis(cancellationToken: ct);
                var send = Task.Run(async () =>
                {
                    foreach (var batch in batches) await call.RequestStream.WriteAsync(batch, ct);
                    await call.RequestStream.CompleteAsync();
                }, ct);
                try
                {
                    await foreach (var ack in call.ResponseStream.ReadAllAsync(ct))
                    {
                        acks.Add(ack);
                        advance(ack.ObservationCount);
                    }
                }
                catch (RpcException)
                {
                    var stored = acks.Sum(a => a.ObservationCount);
                    await context.Error.WriteLineAsync($"the server refused batch {acks.Count + 1} of {batches.Count}; the {acks.Count} batch(es) acked before it ({stored} rows) stay stored, "
                        + "the rest was not stored (re-running the file after a fix is safe: acked batches are replayed).");
                    throw;
                }
                try
                {
                    await send;
                }
                catch (RpcException) when (acks.Count == batches.Count)
                {
                    // Every batch was acked: a late failure of the request side changes nothing.
                }
            }

            if (context.Interactive && context.Format == OutputFormat.Table)
                await context.Console.Progress().AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(progress =>
                    {
                        var task = progress.AddTask(Markup.Escape($"{file.Name}: {rows.Count:N0} rows"), maxValue: rows.Count);
                        return Stream(n => task.Increment(n));
                    });
            else await Stream(_ => { }); // redirected or JSON: no animation, only the summary

            var summary = new ImportSummary(rows.Count, acks.Count, acks.Count(a => a.Replayed), input.SkippedRows, Math.Round(clock.Elapsed.TotalSeconds, 3),
                acks.Select(a => a.BatchId).ToList());
            input.ReportSkipped(context.Error);
            if (context.Format == OutputFormat.Json) await context.Output.WriteLineAsync(JsonSerializer.Serialize(summary, JsonSerializerOptions.Web));
            else
            {
                var table = new Table().AddColumns("rows", "batches", "replayed batches", "skipped rows", "duration");
                table.AddRow($"{summary.Rows:N0}", $"{summary.Batches}", $"{summary.ReplayedBatches}", $"{summary.SkippedRows}", $"{clock.Elapsed.TotalSeconds:0.0} s");
                context.Console.Write(table);
            }
        }));
        return command;
    }

    /// <summary>The optional <c>hour</c> cell: empty = daily; 0…23 or HH:00 = that hour of the reporting day.</summary>
    private static int? Hour(CsvRowReader row)
    {
        var text = row.Text("hour");
        if (text.Length == 0) return null;
        var digits = text.EndsWith(":00", StringComparison.Ordinal) ? text[..^3] : text;
        if (int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and <= 23)
            return hour;
        row.Fail("hour", $"'{text}' is not an hour (0-23 or HH:00; empty for a daily value)");
        return null;
    }

    private static string? Fail(CsvRowReader row, string column, string message)
    {
        row.Fail(column, message);
        return null;
    }

    /// <summary>The import's outcome (-o json prints it in this shape).</summary>
    internal sealed record ImportSummary(int Rows, int Batches, int ReplayedBatches, int SkippedRows, double DurationSeconds, IReadOnlyList<string> BatchIds);

    private sealed class SeriesOptions
    {
        public Option<string> Profile { get; } = new("--profile") { Required = true, Description = "Profile id, handle or network:handle." };
        public Option<string> Metric { get; } = new("--metric") { Required = true, Description = "Metric name (see `coe kpis metrics`)." };
        public Option<DateOnly> From { get; } = DateOption("--from", "First day");
        public Option<DateOnly> To { get; } = DateOption("--to", "Last day");
        public Option<Granularity> Granularity { get; } = new("--granularity") { DefaultValueFactory = _ => V1.Granularity.Day, Description = "Day (default), Week, Month or Quarter." };

        public void AddTo(Command command)
        {
            command.Add(Profile);
            command.Add(Metric);
            command.Add(From);
            command.Add(To);
            command.Add(Granularity);
        }

        public async Task<SeriesSelector> Selector(ParseResult result, KpiService.KpiServiceClient client, CancellationToken ct) => new()
        {
            ProfileId = await ResolveProfile(client, result.GetValue(Profile)!, ct), Metric = result.GetValue(Metric)!,
            StartDate = ToProto(result.GetValue(From)), EndDate = ToProto(result.GetValue(To)), Granularity = result.GetValue(Granularity),
        };
    }

    private static string N(double? x, string format = "0.####") => x is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "";

    private static Command Trend(CommandRunner run)
    {
        var series = new SeriesOptions();
        var season = new Option<int?>("--season-length") { Description = "Seasonal Mann-Kendall and anomaly scoring (7 for daily data with a weekly pattern)." };
        var command = new Command("trend", "OLS slope with CI, Mann-Kendall, Sen's slope, growth, CAGR, moving average and anomalies of one series.") { season };
        series.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var request = new GetTrendRequest { Series = await series.Selector(result, client, ct), Options = new TrendOptions() };
            if (result.GetValue(season) is { } s) request.Options.SeasonLength = s;
            var trend = await client.GetTrendAsync(request, cancellationToken: ct);
            context.Write(trend, console => RenderTrend(console, trend));
        }));
        return command;
    }

    /// <summary>The trend bundle as a table (trend, analyze).</summary>
    private static void RenderTrend(IAnsiConsole console, TrendReport trend)
    {
        var table = new Table().AddColumns("statistic", "value");
        table.AddRow("slots / observed", $"{trend.Slots} / {trend.Observed}");
        if (trend.Ols is { } ols)
            table.AddRow("OLS slope per slot", Markup.Escape($"{N(ols.HasSlope ? ols.Slope : null)} [{N(ols.SlopeCi?.Lower)}, {N(ols.SlopeCi?.Upper)}], p {N(ols.HasSlopePValue ? ols.SlopePValue : null)}, R² {N(ols.HasRSquared ? ols.RSquared : null)}"));
        if (trend.MannKendall is { } mk) table.AddRow("Mann-Kendall", $"{mk.Direction}, S {N(mk.S)}, z {N(mk.HasZ ? mk.Z : null)}, p {N(mk.HasPValue ? mk.PValue : null)}");
        if (trend.SenSlope is { } sen) table.AddRow("Sen's slope", Markup.Escape($"{N(sen.HasSlope ? sen.Slope : null)} [{N(sen.Ci?.Lower)}, {N(sen.Ci?.Upper)}]"));
        if (trend.HasLastPeriodOverPeriodPct) table.AddRow("last period-over-period", $"{N(trend.LastPeriodOverPeriodPct, "0.##")} %");
        // Annualised by the server; unset when the series covers less than a year or starts at 0 (docs/trends.md).
        table.AddRow("CAGR per year", Markup.Escape(trend.HasCagr ? $"{N(trend.Cagr * 100, "0.##")} %"
            : $"not defined: {trend.UndefinedStatistics.FirstOrDefault(u => u.Field == "cagr")?.Reason ?? "less than a year of whole periods, or a non-positive start"}"));
        table.AddRow("anomalies", $"{trend.Anomalies.Count}");
        console.Write(table);
    }

    private static Command Anomalies(CommandRunner run)
    {
        var series = new SeriesOptions();
        var threshold = new Option<double?>("--threshold") { Description = "Modified z-score threshold (default 3.5)." };
        var season = new Option<int?>("--season-length") { Description = "Seasonal-aware scoring (7 for a weekly pattern in daily data)." };
        var command = new Command("anomalies", "Robust median/MAD modified z-score anomalies of one series.") { threshold, season };
        series.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var request = new DetectAnomaliesRequest { Series = await series.Selector(result, client, ct) };
            if (result.GetValue(threshold) is { } t) request.Threshold = t;
            if (result.GetValue(season) is { } s) request.SeasonLength = s;
            var found = await client.DetectAnomaliesAsync(request, cancellationToken: ct);
            context.Write(found, console =>
            {
                var table = new Table().AddColumns("period", "value", "expected", "score");
                foreach (var a in found.Anomalies) table.AddRow(Format(a.PeriodStart), N(a.Value), N(a.Expected), N(a.Score, "0.00"));
                console.Write(table);
                console.WriteLine($"{found.Anomalies.Count} anomalies (median {N(found.HasMedian ? found.Median : null)}, scale {N(found.HasScale ? found.Scale : null)}{(found.UsedMeanAbsoluteDeviation ? ", mean absolute deviation" : "")})");
            });
        }));
        return command;
    }

    private static Command Forecast(CommandRunner run)
    {
        var series = new SeriesOptions();
        var method = new Option<ForecastMethod>("--method") { DefaultValueFactory = _ => ForecastMethod.Holt, Description = "Simple, Holt (default) or HoltWinters." };
        var horizon = new Option<int>("--horizon") { Required = true, Description = "Periods to forecast." };
        var alpha = new Option<double>("--alpha") { DefaultValueFactory = _ => 0.3, Description = "Level smoothing (default 0.3)." };
        var beta = new Option<double>("--beta") { DefaultValueFactory = _ => 0.1, Description = "Trend smoothing (Holt, Holt-Winters; default 0.1)." };
        var gamma = new Option<double>("--gamma") { DefaultValueFactory = _ => 0.1, Description = "Seasonal smoothing (Holt-Winters, R convention; default 0.1)." };
        var season = new Option<int>("--season-length") { Description = "Holt-Winters season length." };
        var command = new Command("forecast", "Exponential smoothing forecast with prediction intervals.") { method, horizon, alpha, beta, gamma, season };
        series.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var forecast = await client.ForecastAsync(new ForecastRequest
            {
                Series = await series.Selector(result, client, ct), Method = result.GetValue(method), Horizon = result.GetValue(horizon),
                Alpha = result.GetValue(alpha), Beta = result.GetValue(beta), Gamma = result.GetValue(gamma), SeasonLength = result.GetValue(season),
            }, cancellationToken: ct);
            context.Write(forecast, console =>
            {
                var table = new Table().AddColumns("step", "period", "forecast", "lower", "upper");
                foreach (var p in forecast.Forecast)
                    table.AddRow($"{p.Step}", Format(p.PeriodStart), N(p.HasMean ? p.Mean : null, "0.##"), N(p.PredictionInterval?.Lower, "0.##"), N(p.PredictionInterval?.Upper, "0.##"));
                console.Write(table);
                console.WriteLine($"{forecast.Method}, SSE {N(forecast.HasSse ? forecast.Sse : null, "0.##")}");
            });
        }));
        return command;
    }

    private static Command CompareNetworks(CommandRunner run)
    {
        var from = DateOption("--from", "First day");
        var to = DateOption("--to", "Last day");
        var units = new Option<string[]>("--business-unit") { AllowMultipleArgumentsPerToken = true, Description = "Only these business units (repeat)." };
        var command = new Command("compare-networks", "ROI by network over a range (owned profiles' spend, attributed revenue, engagements).") { from, to, units };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var compared = await Client(context).CompareNetworksAsync(new CompareNetworksRequest
            {
                StartDate = ToProto(result.GetValue(from)), EndDate = ToProto(result.GetValue(to)), BusinessUnits = { result.GetValue(units) ?? [] },
            }, cancellationToken: ct);
            context.Write(compared, console =>
            {
                var table = new Table().AddColumns("rank", "network", "profiles", "spend", "revenue", "engagements", "ROI %", "cost/engagement");
                foreach (var n in compared.Networks)
                    table.AddRow($"{n.Rank}", n.Network.ToString(), $"{n.ProfileCount}", n.HasSpend ? N(n.Spend, "0.##") : "", n.HasAttributedRevenue ? N(n.AttributedRevenue, "0.##") : "",
                        n.HasEngagements ? N(n.Engagements, "0") : "",
                        n.HasRoiPct ? N(n.RoiPct, "0.#") : "", n.HasCostPerEngagement ? N(n.CostPerEngagement, "0.###") : "");
                console.Write(table);
            });
        }));
        return command;
    }
}
