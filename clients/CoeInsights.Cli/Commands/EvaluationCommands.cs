using System.CommandLine;
using System.Globalization;
using CoeInsights.Cli.Csv;
using CoeInsights.V1;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe evaluations …: the vendor evaluation workflow, configuration and scores from CSV files.</summary>
internal static class EvaluationCommands
{
    private static readonly Argument<string> Id = new("evaluation-id");

    public static Command Build(CommandRunner run)
    {
        var evaluations = new Command("evaluations", "Vendor evaluations: create, criteria/vendors/scores from CSV, close, score, propose, approve, history, watch.");
        evaluations.Add(Create(run));
        evaluations.Add(List(run));
        evaluations.Add(Show(run));
        evaluations.Add(AddCriteria(run));
        evaluations.Add(AddVendors(run));
        evaluations.Add(Invite(run));
        evaluations.Add(SetWeights(run));
        evaluations.Add(SubmitScores(run));
        evaluations.Add(Close(run));
        evaluations.Add(Score(run));
        evaluations.Add(Propose(run));
        evaluations.Add(Vote(run, approve: true));
        evaluations.Add(Vote(run, approve: false));
        evaluations.Add(Reopen(run));
        evaluations.Add(History(run));
        evaluations.Add(Watch(run));
        return evaluations;
    }

    private static EvaluationService.EvaluationServiceClient Client(CliContext context) => new(context.Channel);

    private static void Saved(CliContext context, Evaluation e, string what) =>
        context.Write(e, console => console.WriteLine($"{what}: evaluation {e.EvaluationId} '{e.Title}' is {Describe(e.State)} (etag {e.Etag})"));

    private static string Describe(EvaluationState state) => state.ToString().ToLowerInvariant() switch
    {
        "recommendationproposed" => "recommendation proposed",
        var s => s,
    };

    private static Command Create(CommandRunner run)
    {
        var title = new Option<string>("--title") { Required = true, Description = "What is being evaluated." };
        var purpose = new Option<string?>("--purpose") { Description = "Why." };
        var min = new Option<double>("--scale-min") { DefaultValueFactory = _ => 1, Description = "Lowest score (default 1)." };
        var max = new Option<double>("--scale-max") { DefaultValueFactory = _ => 5, Description = "Highest score (default 5)." };
        var committee = new Option<string[]>("--committee") { AllowMultipleArgumentsPerToken = true, Description = "Other committee members' principals (the creator is always one)." };
        var quorum = new Option<int>("--quorum") { Description = "Approvals needed (0 = a majority of the committee)." };
        var scorersMayNotApprove = new Option<bool>("--scorers-may-not-approve") { Description = "A member who scored may not vote." };
        var requestId = new Option<string?>("--request-id") { Description = "Makes a retry safe (default: a new id)." };
        var command = new Command("create", "Open an evaluation (committee).") { title, purpose, min, max, committee, quorum, scorersMayNotApprove, requestId };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var e = await Client(context).CreateEvaluationAsync(new CreateEvaluationRequest
            {
                Title = result.GetValue(title)!, Purpose = result.GetValue(purpose) ?? "",
                Scale = new ScoreScale { Min = result.GetValue(min), Max = result.GetValue(max) },
                CommitteeMembers = { result.GetValue(committee) ?? [] }, ApprovalQuorum = result.GetValue(quorum),
                ScorersMayNotApprove = result.GetValue(scorersMayNotApprove),
                RequestId = result.GetValue(requestId) ?? $"cli-{Guid.CreateVersion7()}",
            }, cancellationToken: ct);
            Saved(context, e, "created");
        }));
        return command;
    }

    private static Command List(CommandRunner run)
    {
        var state = new Option<EvaluationState>("--state") { Description = "Only this state: Open, Closed, RecommendationProposed, Approved, Rejected." };
        var command = new Command("list", "Evaluations, newest first.") { state };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var all = new ListEvaluationsResponse();
            var token = "";
            do
            {
                var page = await Client(context).ListEvaluationsAsync(new ListEvaluationsRequest { State = result.GetValue(state), PageToken = token }, cancellationToken: ct);
                all.Evaluations.AddRange(page.Evaluations);
                token = page.NextPageToken;
            } while (token != "");
            context.Write(all, console =>
            {
                var table = new Table().AddColumns("evaluation", "title", "state", "criteria", "vendors", "evaluators", "proposed", "approved");
                foreach (var e in all.Evaluations)
                    table.AddRow(e.EvaluationId, Markup.Escape(e.Title), Describe(e.State), $"{e.CriterionCount}", $"{e.VendorCount}", $"{e.EvaluatorCount}",
                        Markup.Escape(e.ProposedVendorId), Markup.Escape(e.ApprovedVendorId));
                console.Write(table);
            });
        }));
        return command;
    }

    private static Command Show(CommandRunner run)
    {
        var command = new Command("show", "One evaluation: criteria, vendors, evaluators, weights, state (scores follow blind scoring).") { Id };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var e = await Client(context).GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = result.GetValue(Id)! }, cancellationToken: ct);
            context.Write(e, console =>
            {
                console.WriteLine($"{e.EvaluationId} '{e.Title}' — {Describe(e.State)}, scale {e.Scale.Min:g}–{e.Scale.Max:g}, etag {e.Etag}");
                var weights = e.Weights?.CriterionWeights.ToDictionary(w => w.CriterionId, w => w.Weight) ?? [];
                var criteria = new Table().AddColumns("criterion", "description", "direction", "source", "must-have", "weight");
                foreach (var c in e.Criteria)
                    criteria.AddRow(Markup.Escape(c.CriterionId), Markup.Escape(c.Description), $"{c.Direction}", $"{c.Source}",
                        c.HasMustHaveThreshold ? c.MustHaveThreshold.ToString(CultureInfo.InvariantCulture) : "",
                        weights.TryGetValue(c.CriterionId, out var w) ? w.ToString("0.0000", CultureInfo.InvariantCulture) : "");
                console.Write(criteria);
                var vendors = new Table().AddColumns("vendor", "name", "product", "facts");
                foreach (var v in e.Vendors)
                    vendors.AddRow(Markup.Escape(v.VendorId), Markup.Escape(v.DisplayName), Markup.Escape(v.Product),
                        Markup.Escape(string.Join(", ", v.Facts.Select(f => FormattableString.Invariant($"{f.CriterionId}={f.Value:g}")))));
                console.Write(vendors);
                console.WriteLine($"evaluators: {string.Join(", ", e.Evaluators.Select(x => $"{x.EvaluatorId} ({x.Department})"))}; scores visible: {e.Scores.Count}");
                if (e.Recommendation is { } r)
                    console.WriteLine($"recommendation: {r.VendorId} by {r.ProposedBy}, {r.Votes.Count(v => v.Approve)} of {r.Quorum} approvals");
            });
        }));
        return command;
    }

    private sealed record CriterionRow(Criterion Criterion);

    private static Command AddCriteria(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("criteria.csv")
        {
            Description = "Columns: criterion, description (required), category, direction (benefit|cost), must_have, source (scores|fact).",
        };
        var continueOnError = CsvFile.ContinueOnErrorOption();
        var command = new Command("add-criteria", "Add criteria from a CSV file (committee; before scoring starts).") { Id, csv, continueOnError };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var input = CsvFile.Read(result.GetValue(csv)!, ["criterion", "description"], row =>
            {
                var id = row.Id("criterion");
                if (id.Length > 0 && !seen.Add(id)) row.Fail("criterion", $"'{id}' appears twice");
                var criterion = new Criterion
                {
                    CriterionId = id, Description = row.Required("description"), Category = row.Text("category"),
                    Direction = row.Choice("direction", CriterionDirection.Benefit, ("benefit", CriterionDirection.Benefit), ("cost", CriterionDirection.Cost)),
                    Source = row.Choice("source", CriterionSource.EvaluatorScores, ("scores", CriterionSource.EvaluatorScores), ("fact", CriterionSource.VendorFact)),
                };
                if (row.OptionalNumber("must_have") is { } threshold) criterion.MustHaveThreshold = threshold;
                return criterion;
            }, optional: ["category", "direction", "must_have", "source"]);
            var rows = input.Accept(result.GetValue(continueOnError));
            var e = await Client(context).AddCriteriaAsync(new AddCriteriaRequest
            {
                EvaluationId = result.GetValue(Id)!, Criteria = { rows.Select(r => r.Value) },
            }, cancellationToken: ct);
            input.ReportSkipped(context.Error);
            Saved(context, e, $"added {rows.Count} criteria");
        }));
        return command;
    }

    private static Command AddVendors(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("vendors.csv")
        {
            Description = "Columns: vendor, name (required), product, and one column per vendor-fact criterion (e.g. annual_cost) holding its value.",
        };
        var continueOnError = CsvFile.ContinueOnErrorOption();
        var command = new Command("add-vendors", "Add vendors (with their facts) from a CSV file (committee).") { Id, csv, continueOnError };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var evaluation = await Client(context).GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = result.GetValue(Id)! }, cancellationToken: ct);
            var factCriteria = evaluation.Criteria.Where(c => c.Source == CriterionSource.VendorFact).Select(c => c.CriterionId.ToLowerInvariant()).ToHashSet();
            var seen = evaluation.Vendors.Select(v => v.VendorId).ToHashSet(StringComparer.Ordinal);
            var input = CsvFile.Read(result.GetValue(csv)!, ["vendor", "name"], row =>
            {
                var id = row.Id("vendor");
                if (id.Length > 0 && !seen.Add(id)) row.Fail("vendor", $"'{id}' is already in the evaluation or appears twice");
                var vendor = new Vendor { VendorId = id, DisplayName = row.Required("name"), Product = row.Text("product") };
                foreach (var fact in evaluation.Criteria.Where(c => c.Source == CriterionSource.VendorFact))
                {
                    var column = fact.CriterionId.ToLowerInvariant();
                    if (row.Cells.ContainsKey(column)) vendor.Facts.Add(new VendorFactValue { CriterionId = fact.CriterionId, Value = row.Number(column) });
                }
                return vendor;
            }, allowExtraColumn: factCriteria.Contains, optional: ["product"]);
            var rows = input.Accept(result.GetValue(continueOnError));
            var e = await Client(context).AddVendorsAsync(new AddVendorsRequest
            {
                EvaluationId = evaluation.EvaluationId, Vendors = { rows.Select(r => r.Value) },
            }, cancellationToken: ct);
            input.ReportSkipped(context.Error);
            Saved(context, e, $"added {rows.Count} vendors");
        }));
        return command;
    }

    private static Command Invite(CommandRunner run)
    {
        var evaluators = new Option<string[]>("--evaluator")
        {
            Required = true, AllowMultipleArgumentsPerToken = true,
            Description = "ID:DEPARTMENT — the principal of the evaluator's API key and their department; repeat for several.",
            Validators =
            {
                r =>
                {
                    foreach (var token in r.Tokens)
                        if (token.Value.Split(':', 2) is not [{ Length: > 0 }, { Length: > 0 }]) r.AddError($"'{token.Value}' is not ID:DEPARTMENT (e.g. e1:Marketing)");
                },
            },
        };
        var command = new Command("invite", "Invite evaluators (committee).") { Id, evaluators };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var request = new InviteEvaluatorsRequest { EvaluationId = result.GetValue(Id)! };
            foreach (var spec in result.GetValue(evaluators)!)
            {
                var parts = spec.Split(':', 2);
                request.Evaluators.Add(new Evaluator { EvaluatorId = parts[0], Department = parts[1] });
            }
            var e = await Client(context).InviteEvaluatorsAsync(request, cancellationToken: ct);
            Saved(context, e, $"invited {request.Evaluators.Count} evaluators");
        }));
        return command;
    }

    /// <summary>--weight criterion=value, repeated.</summary>
    internal static Option<string[]> WeightOption(string name, string description, bool required) => new(name)
    {
        Required = required, AllowMultipleArgumentsPerToken = true, Description = description,
        Validators =
        {
            r =>
            {
                foreach (var token in r.Tokens)
                    if (ParseWeight(token.Value) is null) r.AddError($"'{token.Value}' is not CRITERION=WEIGHT (e.g. analytics=0.6)");
            },
        },
    };

    private static CriterionWeight? ParseWeight(string spec)
    {
        var parts = spec.Split('=', 2);
        return parts.Length == 2 && parts[0].Length > 0 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
            ? new CriterionWeight { CriterionId = parts[0], Weight = w }
            : null;
    }

    internal static IEnumerable<CriterionWeight> Weights(string[]? specs) => (specs ?? []).Select(s => ParseWeight(s)!);

    private static Command SetWeights(CommandRunner run)
    {
        var weights = WeightOption("--weight", "CRITERION=WEIGHT for every criterion (normalised to sum to 1); repeat.", required: true);
        var command = new Command("set-weights", "Set direct criteria weights (committee; while open).") { Id, weights };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var e = await Client(context).SetWeightsAsync(new SetWeightsRequest
            {
                EvaluationId = result.GetValue(Id)!, Direct = new DirectWeights { Weights = { Weights(result.GetValue(weights)) } },
            }, cancellationToken: ct);
            Saved(context, e, "weights set");
        }));
        return command;
    }

    private sealed record ScoreRow(string Evaluator, ScoreEntry Entry);

    private static Command SubmitScores(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("scores.csv")
        {
            Description = "Columns: vendor, criterion, score (required), comment, evidence, evaluator (only admins submit for others; empty: the key's principal).",
        };
        var continueOnError = CsvFile.ContinueOnErrorOption();
        var command = new Command("submit-scores", "Submit scores from a CSV file (evaluators; revisable until close). Re-running the same file is safe.") { Id, csv, continueOnError };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var evaluation = await client.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = result.GetValue(Id)! }, cancellationToken: ct);
            var vendors = evaluation.Vendors.Select(v => v.VendorId).ToHashSet(StringComparer.Ordinal);
            var criteria = evaluation.Criteria.ToDictionary(c => c.CriterionId, StringComparer.Ordinal);
            var seen = new HashSet<(string, string, string)>();
            var input = CsvFile.Read(result.GetValue(csv)!, ["vendor", "criterion", "score"], row =>
            {
                var vendor = row.Required("vendor");
                if (vendor.Length > 0 && !vendors.Contains(vendor))
                    row.Fail("vendor", $"unknown vendor '{vendor}' (the evaluation has {string.Join(", ", vendors)})");
                var criterion = row.Required("criterion");
                if (criterion.Length > 0 && !criteria.ContainsKey(criterion))
                    row.Fail("criterion", $"unknown criterion '{criterion}' (the evaluation has {string.Join(", ", criteria.Keys)})");
                else if (criterion.Length > 0 && criteria[criterion].Source == CriterionSource.VendorFact)
                    row.Fail("criterion", $"'{criterion}' is a vendor fact, not scored");
                var value = row.Number("score");
                if (!row.Failed && (value < evaluation.Scale.Min || value > evaluation.Scale.Max))
                    row.Fail("score", FormattableString.Invariant($"{value} is outside the scale {evaluation.Scale.Min}–{evaluation.Scale.Max}"));
                var evaluator = row.Text("evaluator");
                if (!row.Failed && !seen.Add((evaluator, vendor, criterion)))
                    row.Fail(null, $"{(evaluator.Length > 0 ? evaluator + " " : "")}scored {vendor} on {criterion} twice");
                return new ScoreRow(evaluator, new ScoreEntry
                {
                    VendorId = vendor, CriterionId = criterion, Value = value, Comment = row.Text("comment"), Evidence = row.Text("evidence"),
                });
            }, optional: ["comment", "evidence", "evaluator"]);
            var rows = input.Accept(result.GetValue(continueOnError));

            Evaluation? last = null;
            var batches = rows.GroupBy(r => r.Value.Evaluator).ToList();
            foreach (var batch in batches)
                last = await client.SubmitScoresAsync(new SubmitScoresRequest
                {
                    EvaluationId = evaluation.EvaluationId, EvaluatorId = batch.Key, Scores = { batch.Select(r => r.Value.Entry) },
                    RequestId = $"cli-scores-{input.Fingerprint}-{batch.Key}",
                }, cancellationToken: ct);
            input.ReportSkipped(context.Error);
            Saved(context, last!, $"submitted {rows.Count} scores in {batches.Count} batch(es)");
        }));
        return command;
    }

    private static Command Close(CommandRunner run)
    {
        var command = new Command("close", "Close scoring (committee): scores become final and visible.") { Id };
        command.SetAction((result, ct) => run(result, async context =>
            Saved(context, await Client(context).CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = result.GetValue(Id)! }, cancellationToken: ct), "closed")));
        return command;
    }

    private static Command Score(CommandRunner run)
    {
        var method = new Option<ScoringMethod[]>("--method")
        {
            Description = "Wsm, Wpm, Topsis, Vikor or PrometheeIi (usual preference function); the first is primary (repeat to compare).",
            AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [ScoringMethod.Wsm],
        };
        var monteCarlo = new Option<int>("--monte-carlo") { Description = "Monte Carlo weight samples (0 = none)." };
        var sensitivity = new Option<bool>("--sensitivity") { Description = "One-at-a-time weight sensitivity." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for Monte Carlo." };
        var aggregation = new Option<EvaluatorAggregationMethod>("--aggregation") { Description = "Mean (default), Median or TrimmedMean across evaluators." };
        var whatIf = WeightOption("--what-if", "CRITERION=WEIGHT scenario weights: scored instead of the stored ones, never stored.", required: false);
        var command = new Command("score", "Rank the vendors: scores, ranking, robustness, recommendation.") { Id, method, monteCarlo, sensitivity, seed, aggregation, whatIf };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var methods = result.GetValue(method)!;
            var request = new ScoreEvaluationRequest
            {
                EvaluationId = result.GetValue(Id)!,
                Options = new ScoringOptions { PrimaryMethod = methods[0], Methods = { methods } },
                Aggregation = new AggregationOptions { Method = result.GetValue(aggregation) },
                WhatIfWeights = { Weights(result.GetValue(whatIf)) },
            };
            if (result.GetValue(monteCarlo) is var mc && (mc > 0 || result.GetValue(sensitivity)))
            {
                request.Robustness = new RobustnessOptions { MonteCarloSamples = mc, Sensitivity = result.GetValue(sensitivity) };
                if (result.GetValue(seed) is { } s) request.Robustness.Seed = s;
            }
            var scored = await Client(context).ScoreEvaluationAsync(request, cancellationToken: ct);
            context.Write(scored, console =>
            {
                ScoringCommands.RenderRanking(console, scored.Result);
                console.WriteLine($"{scored.ScoresUsed} scores at etag {scored.Etag}{(scored.WhatIf ? " (what-if weights, not stored)" : "")}");
            });
        }));
        return command;
    }

    private static Command Propose(CommandRunner run)
    {
        var vendor = new Option<string>("--vendor") { Required = true, Description = "The vendor to buy." };
        var rationale = new Option<string?>("--rationale") { Description = "Why." };
        var command = new Command("propose", "Propose the vendor to buy, after close (committee).") { Id, vendor, rationale };
        command.SetAction((result, ct) => run(result, async context =>
            Saved(context, await Client(context).ProposeRecommendationAsync(new ProposeRecommendationRequest
            {
                EvaluationId = result.GetValue(Id)!, VendorId = result.GetValue(vendor)!, Rationale = result.GetValue(rationale) ?? "",
            }, cancellationToken: ct), "proposed")));
        return command;
    }

    private static Command Vote(CommandRunner run, bool approve)
    {
        var comment = new Option<string?>("--comment") { Description = "Kept with the vote." };
        var command = new Command(approve ? "approve" : "reject",
            approve ? "Approve the proposed recommendation (committee member; the quorum approves it)." : "Reject the proposed recommendation (committee member).")
        {
            Id, comment,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var id = result.GetValue(Id)!;
            var text = result.GetValue(comment) ?? "";
            var e = approve
                ? await client.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id, Comment = text }, cancellationToken: ct)
                : await client.RejectRecommendationAsync(new RejectRecommendationRequest { EvaluationId = id, Comment = text }, cancellationToken: ct);
            Saved(context, e, approve ? "approval recorded" : "rejection recorded");
        }));
        return command;
    }

    private static Command Reopen(CommandRunner run)
    {
        var reason = new Option<string>("--reason") { Required = true, Description = "Why (kept in the audit trail)." };
        var command = new Command("reopen", "Reopen a closed or rejected evaluation (committee).") { Id, reason };
        command.SetAction((result, ct) => run(result, async context =>
            Saved(context, await Client(context).ReopenEvaluationAsync(new ReopenEvaluationRequest
            {
                EvaluationId = result.GetValue(Id)!, Reason = result.GetValue(reason)!,
            }, cancellationToken: ct), "reopened")));
        return command;
    }

    private static Command History(CommandRunner run)
    {
        var command = new Command("history", "The audit trail: who did what, when (blind scoring applies).") { Id };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var all = new EvaluationHistory();
            var token = "";
            do
            {
                var page = await Client(context).GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = result.GetValue(Id)!, PageToken = token }, cancellationToken: ct);
                all.Events.AddRange(page.Events);
                all.Etag = page.Etag;
                token = page.NextPageToken;
            } while (token != "");
            context.Write(all, console =>
            {
                var table = new Table().AddColumns("version", "time", "event", "actor", "summary");
                foreach (var e in all.Events)
                    table.AddRow($"{e.Version}", e.EventTime.ToDateTimeOffset().ToString("u"), e.EventType, Markup.Escape(e.Actor), Markup.Escape(e.Summary));
                console.Write(table);
            });
        }));
        return command;
    }

    private static Command Watch(CommandRunner run)
    {
        var after = new Option<long?>("--after-version")
        {
            Description = "Also send the events after this version (0: from the start); default: only new events.",
            Validators = { r => { if (r.GetValueOrDefault<long?>() is < 0) r.AddError("--after-version must not be negative"); } },
        };
        var watching = new Watching("N events");
        var command = new Command("watch", "Live events of one evaluation (WatchEvaluation), one line each, until Ctrl-C, --max or --timeout "
            + "(-o json: one EvaluationEvent object per line).") { Id, after };
        watching.AddTo(command);
        command.SetAction((result, ct) => run(result, async context =>
        {
            var request = new WatchEvaluationRequest { EvaluationId = result.GetValue(Id)! };
            if (result.GetValue(after) is { } v) request.AfterVersion = v;
            var client = Client(context);
            await watching.RunAsync(result, context, token => client.WatchEvaluation(request, cancellationToken: token),
                $"watching evaluation {request.EvaluationId} (Ctrl-C to stop)",
                e => $"{e.Version} {e.EventTime.ToDateTimeOffset():u} {e.EventType} by {e.Actor}: {e.Summary} ({Describe(e.State)})", ct);
        }));
        return command;
    }
}
