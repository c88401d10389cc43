using System.CommandLine;
using System.Globalization;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>
/// coe alerts rules create|list|show|enable|disable|delete and coe alerts list|show|ack|resolve: AlertService
/// (docs/alerts.md, "Rules" and "Alert lifecycle").
/// </summary>
internal static class AlertCommands
{
    private static readonly (string Name, AlertMethod Method, bool Seasonal)[] Methods =
    [
        ("robust-z", AlertMethod.RobustZScore, false),
        ("robust-z-seasonal", AlertMethod.RobustZScore, true),
        ("fixed-threshold", AlertMethod.FixedThreshold, false),
        ("change-vs-previous-day", AlertMethod.ChangeVsPreviousPeriod, false),
        ("change-vs-same-weekday", AlertMethod.ChangeVsSameWeekdayLastWeek, false),
    ];

    private static readonly Argument<string> RuleId = new("rule-id");
    private static readonly Argument<string> AlertId = new("alert-id");

    private static AlertService.AlertServiceClient Client(CliContext context) => new(context.Channel);

    /// <summary>The subcommands of <c>coe alerts</c> besides backtest.</summary>
    public static IEnumerable<Command> Build(CommandRunner run) =>
    [
        new Command("rules", "Alert rules: what to watch, who approves, when to escalate.")
        {
            Create(run), ListRules(run), ShowRule(run), Switch(run, "enable", true), Switch(run, "disable", false), Delete(run),
        },
        ListAlerts(run), ShowAlert(run), Act(run, "ack", "Acknowledge an alert (only a designated approver of its rule)."),
        Act(run, "resolve", "Resolve an alert (only a designated approver of its rule)."),
    ];

    private static Command Create(CommandRunner run)
    {
        var name = new Option<string>("--name") { Required = true, Description = "The rule's name." };
        var metric = new Option<string>("--metric") { Required = true, Description = "A catalogue metric or a derived KPI (negative_share, net_sentiment, …)." };
        var profiles = new Option<string[]>("--profile") { Description = "Profile ids to watch (repeat; default all)." };
        var networks = new Option<string[]>("--network") { Description = "Networks to watch, e.g. linkedin (repeat; default all)." };
        var units = new Option<string[]>("--business-unit") { Description = "Business units to watch (repeat; default all)." };
        var ownership = new Option<string?>("--ownership") { Description = "owned or competitor (default both)." };
        var method = new Option<string>("--method") { DefaultValueFactory = _ => "robust-z", Description = string.Join(", ", Methods.Select(m => m.Name)) + " (default robust-z)." };
        var threshold = new Option<double?>("--threshold") { Description = "|z|, the level, or the change in % (default: the method's)." };
        var direction = new Option<string>("--direction") { DefaultValueFactory = _ => "up", Description = "up (default), down or both." };
        var volume = new Option<double?>("--minimum-volume") { Description = "Values (a derived KPI: its denominator) below this never alert." };
        var cooldown = new Option<int>("--cooldown") { Description = "Days after an alert with no new alert on the series (default 0)." };
        var baseline = new Option<int?>("--baseline-days") { Description = "Days of history before each value (default 90)." };
        var approvers = new Option<string[]>("--approver") { Required = true, Description = "E-mail address of an approver, in escalation order (repeat)." };
        var escalate = new Option<TimeSpan?>("--escalate-after") { Description = "Escalate an unacknowledged alert after this long, e.g. 00:30:00 (default never)." };
        var protocol = new Option<string?>("--protocol") { Description = "The pre-approved response protocol text." };
        var channels = new Option<string[]>("--channel") { Description = "Delivery channel id (repeat)." };
        var disabled = new Option<bool>("--disabled") { Description = "Create it switched off." };
        var requestId = new Option<string?>("--request-id") { Description = "Makes a retry safe." };
        var command = new Command("create", "Create an alert rule.")
        {
            name, metric, profiles, networks, units, ownership, method, threshold, direction, volume, cooldown, baseline, approvers, escalate, protocol,
            channels, disabled, requestId,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var chosen = result.GetValue(method)!;
            var (_, m, seasonal) = Methods.FirstOrDefault(x => x.Name == chosen);
            if (m == AlertMethod.Unspecified) throw new UsageException($"--method: '{chosen}' is not one of {string.Join(", ", Methods.Select(x => x.Name))}");
            var rule = new V1.AlertRule
            {
                Name = result.GetValue(name)!, Metric = result.GetValue(metric)!, ProfileIds = { result.GetValue(profiles) ?? [] },
                Networks = { (result.GetValue(networks) ?? []).Select(ParseNetwork) }, BusinessUnits = { result.GetValue(units) ?? [] },
                Ownership = result.GetValue(ownership)?.ToLowerInvariant() switch
                {
                    null => Ownership.Unspecified,
                    "owned" => Ownership.Owned,
                    "competitor" => Ownership.Competitor,
                    var other => throw new UsageException($"--ownership: '{other}' is not owned or competitor"),
                },
                Method = m, Seasonal = seasonal,
                Direction = result.GetValue(direction)!.ToLowerInvariant() switch
                {
                    "up" => AlertDirection.Up,
                    "down" => AlertDirection.Down,
                    "both" => AlertDirection.Both,
                    var other => throw new UsageException($"--direction: '{other}' is not up, down or both"),
                },
                CooldownDays = result.GetValue(cooldown), Approvers = { result.GetValue(approvers) ?? [] }, Protocol = result.GetValue(protocol) ?? "",
                ChannelIds = { result.GetValue(channels) ?? [] }, Enabled = !result.GetValue(disabled),
            };
            if (result.GetValue(threshold) is { } t) rule.Threshold = t;
            if (result.GetValue(volume) is { } v) rule.MinimumVolume = v;
            if (result.GetValue(baseline) is { } b) rule.BaselineDays = b;
            if (result.GetValue(escalate) is { } e) rule.EscalateAfter = Duration.FromTimeSpan(e);
            var created = await Client(context).CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = rule, RequestId = result.GetValue(requestId) ?? "" },
                cancellationToken: ct);
            context.Write(created, console => console.WriteLine($"{created.RuleId} '{created.Name}' on {created.Metric}, etag {created.Etag}"));
        }));
        return command;
    }

    private static Network ParseNetwork(string text) =>
        System.Enum.TryParse<Network>(text, ignoreCase: true, out var n) && n != Network.Unspecified
            ? n
            : throw new UsageException($"--network: '{text}' is not one of {string.Join(", ", System.Enum.GetNames<Network>().Skip(1).Select(x => x.ToLowerInvariant()))}");

    private static Command ListRules(CommandRunner run)
    {
        var command = new Command("list", "The tenant's alert rules.");
        command.SetAction((result, ct) => run(result, async context =>
        {
            var all = new ListAlertRulesResponse();
            var token = "";
            do
            {
                var page = await Client(context).ListAlertRulesAsync(new ListAlertRulesRequest { PageToken = token }, cancellationToken: ct);
                all.Rules.AddRange(page.Rules);
                token = page.NextPageToken;
            } while (token != "");
            context.Write(all, console =>
            {
                console.Profile.Width = Math.Max(console.Profile.Width, 220); // ids and names must not wrap
                var table = new Table().AddColumns("rule", "name", "metric", "method", "enabled", "approvers", "escalate after");
                foreach (var r in all.Rules)
                    table.AddRow(r.RuleId, Markup.Escape(r.Name), r.Metric, MethodName(r.Method, r.Seasonal), r.Enabled ? "yes" : "no", Markup.Escape(string.Join(" → ", r.Approvers)),
                        r.EscalateAfter is null ? "never" : r.EscalateAfter.ToTimeSpan().ToString("c", CultureInfo.InvariantCulture));
                console.Write(table);
            });
        }));
        return command;
    }

    private static string MethodName(AlertMethod m, bool seasonal) =>
        Methods.FirstOrDefault(x => x.Method == m && x.Seasonal == seasonal).Name ?? m.ToString();

    private static Command ShowRule(CommandRunner run)
    {
        var command = new Command("show", "One alert rule.") { RuleId };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var r = await Client(context).GetAlertRuleAsync(new GetAlertRuleRequest { RuleId = result.GetValue(RuleId)! }, cancellationToken: ct);
            context.Write(r, console => console.WriteLine(
                $"{r.RuleId} '{r.Name}' on {r.Metric} ({MethodName(r.Method, r.Seasonal)}), {(r.Enabled ? "enabled" : "disabled")}, approvers {string.Join(" → ", r.Approvers)}, etag {r.Etag}"));
        }));
        return command;
    }

    private static Command Switch(CommandRunner run, string name, bool enabled)
    {
        var command = new Command(name, enabled ? "Switch a rule on." : "Switch a rule off.") { RuleId };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var current = await client.GetAlertRuleAsync(new GetAlertRuleRequest { RuleId = result.GetValue(RuleId)! }, cancellationToken: ct);
            var updated = await client.UpdateAlertRuleAsync(new UpdateAlertRuleRequest
            {
                Rule = new V1.AlertRule { RuleId = current.RuleId, Etag = current.Etag, Enabled = enabled }, UpdateMask = new FieldMask { Paths = { "enabled" } },
            }, cancellationToken: ct);
            context.Write(updated, console => console.WriteLine($"{updated.RuleId} {(updated.Enabled ? "enabled" : "disabled")}, etag {updated.Etag}"));
        }));
        return command;
    }

    private static Command Delete(CommandRunner run)
    {
        var command = new Command("delete", "Delete a rule (its alerts stay).") { RuleId };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var deleted = await Client(context).DeleteAlertRuleAsync(new DeleteAlertRuleRequest { RuleId = result.GetValue(RuleId)! }, cancellationToken: ct);
            context.Write(deleted, console => console.WriteLine($"{deleted.RuleId} deleted"));
        }));
        return command;
    }

    private static Command ListAlerts(CommandRunner run)
    {
        var state = new Option<string?>("--state") { Description = "open, acknowledged or resolved (default all)." };
        var rule = new Option<string?>("--rule") { Description = "Only this rule's alerts." };
        var command = new Command("list", "Raised alerts, newest first.") { state, rule };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var request = new ListAlertsRequest
            {
                RuleId = result.GetValue(rule) ?? "",
                State = result.GetValue(state)?.ToLowerInvariant() switch
                {
                    null => V1.AlertState.Unspecified,
                    "open" => V1.AlertState.Open,
                    "acknowledged" => V1.AlertState.Acknowledged,
                    "resolved" => V1.AlertState.Resolved,
                    var other => throw new UsageException($"--state: '{other}' is not open, acknowledged or resolved"),
                },
            };
            var all = new ListAlertsResponse();
            do
            {
                var page = await Client(context).ListAlertsAsync(request, cancellationToken: ct);
                all.Alerts.AddRange(page.Alerts);
                request.PageToken = page.NextPageToken;
            } while (request.PageToken != "");
            context.Write(all, console =>
            {
                console.Profile.Width = Math.Max(console.Profile.Width, 220); // ids and names must not wrap
                var table = new Table().AddColumns("alert", "rule", "profile", "metric", "day", "observed", "expected", "severity", "state", "asked");
                foreach (var a in all.Alerts)
                    table.AddRow(a.AlertId, Markup.Escape(a.RuleName), Markup.Escape(a.ProfileName), a.Metric, Day(a.Date), N(a.Observed), N(a.Expected),
                        Name(a.Severity.ToString()), Name(a.State.ToString()), Markup.Escape(a.CurrentApprover));
                console.Write(table);
            });
        }));
        return command;
    }

    private static Command ShowAlert(CommandRunner run)
    {
        var command = new Command("show", "One alert with its audit trail.") { AlertId };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var a = await Client(context).GetAlertAsync(new GetAlertRequest { AlertId = result.GetValue(AlertId)! }, cancellationToken: ct);
            context.Write(a, console =>
            {
                console.Profile.Width = Math.Max(console.Profile.Width, 220);
                console.WriteLine($"{a.AlertId} {Name(a.Severity.ToString())} '{a.RuleName}': {a.Metric} of {a.ProfileName} on {Day(a.Date)} = {N(a.Observed)} (expected {N(a.Expected)}), {Name(a.State.ToString())}");
                var trail = new Table().AddColumns("time", "event", "by", "asked", "note");
                foreach (var e in a.AuditTrail)
                    trail.AddRow(e.Time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), Name(e.Kind.ToString()),
                        Markup.Escape(e.Actor), Markup.Escape(e.Approver), Markup.Escape(e.Note));
                console.Write(trail);
            });
        }));
        return command;
    }

    private static Command Act(CommandRunner run, string name, string description)
    {
        var note = new Option<string?>("--note") { Description = "What was done." };
        var command = new Command(name, description) { AlertId, note };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var id = result.GetValue(AlertId)!;
            var a = name == "ack"
                ? await Client(context).AcknowledgeAlertAsync(new AcknowledgeAlertRequest { AlertId = id, Note = result.GetValue(note) ?? "" }, cancellationToken: ct)
                : await Client(context).ResolveAlertAsync(new ResolveAlertRequest { AlertId = id, Note = result.GetValue(note) ?? "" }, cancellationToken: ct);
            context.Write(a, console => console.WriteLine($"{a.AlertId} {Name(a.State.ToString())}"));
        }));
        return command;
    }

    private static string Name(string enumName) => enumName.ToLowerInvariant();

    private static string Day(Google.Type.Date d) => string.Create(CultureInfo.InvariantCulture, $"{d.Year:0000}-{d.Month:00}-{d.Day:00}");

    private static string N(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);
}
