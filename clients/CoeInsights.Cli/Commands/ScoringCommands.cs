using System.CommandLine;
using System.Globalization;
using CoeInsights.V1;
using CsvHelper;
using CsvHelper.Configuration;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe scoring …: the stateless ScoringService on a CSV matrix.</summary>
internal static class ScoringCommands
{
    public static Command Build(CommandRunner run)
    {
        var scoring = new Command("scoring", "Score your own matrix, AHP weights, rater agreement (nothing is stored).");
        scoring.Add(ScoreMatrix(run));
        scoring.Add(Ahp(run));
        scoring.Add(Agreement(run));
        return scoring;
    }

    private static Command ScoreMatrix(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("matrix.csv") { Description = "Header: alternative,<criterion>,…; one row per alternative." };
        var weights = new Option<double[]>("--weights") { Description = "Weights in column order, e.g. --weights 0.5 0.3 0.2.", AllowMultipleArgumentsPerToken = true, Required = true };
        var cost = new Option<string[]>("--cost") { Description = "Criteria where less is better (repeat).", AllowMultipleArgumentsPerToken = true };
        var method = new Option<ScoringMethod[]>("--method")
        {
            Description = "Wsm, Wpm, Topsis, Vikor or PrometheeIi (usual preference function); the first is primary (repeat to compare).",
            AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [ScoringMethod.Wsm],
        };
        var monteCarlo = new Option<int>("--monte-carlo") { Description = "Monte Carlo weight samples (0 = none)." };
        var sensitivity = new Option<bool>("--sensitivity") { Description = "One-at-a-time weight sensitivity." };
        var rankReversal = new Option<bool>("--rank-reversal") { Description = "Remove each non-winner and re-rank." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for Monte Carlo (same seed, same result)." };

        var command = new Command("score-matrix", "Rank alternatives from a CSV matrix with WSM/WPM/TOPSIS/VIKOR/PROMETHEE II.")
        {
            csv, weights, cost, method, monteCarlo, sensitivity, rankReversal, seed,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var (criteria, rows) = ReadMatrix(result.GetValue(csv)!);
            var costs = (result.GetValue(cost) ?? []).ToHashSet(StringComparer.Ordinal);
            var unknown = costs.Except(criteria).ToList();
            if (unknown.Count > 0) throw new UsageException($"--cost names no column: {string.Join(", ", unknown)}");
            var methods = result.GetValue(method)!;
            var request = new ScoreMatrixRequest
            {
                AlternativeIds = { rows.Select(r => r.Id) },
                Criteria =
                {
                    criteria.Select(c => new CriterionSpec
                    {
                        CriterionId = c, Direction = costs.Contains(c) ? CriterionDirection.Cost : CriterionDirection.Benefit,
                    }),
                },
                Matrix = { rows.Select(r => new Row { Values = { r.Values } }) },
                Weights = { result.GetValue(weights)! },
                Options = new ScoringOptions { PrimaryMethod = methods[0], Methods = { methods } },
            };
            var mc = result.GetValue(monteCarlo);
            if (mc > 0 || result.GetValue(sensitivity) || result.GetValue(rankReversal))
            {
                request.Robustness = new RobustnessOptions
                {
                    MonteCarloSamples = mc, Sensitivity = result.GetValue(sensitivity), RankReversal = result.GetValue(rankReversal),
                };
                if (result.GetValue(seed) is { } s) request.Robustness.Seed = s;
            }

            var scored = await new ScoringService.ScoringServiceClient(context.Channel).ScoreMatrixAsync(request, cancellationToken: ct);
            context.Write(scored, console => RenderRanking(console, scored));
        }));
        return command;
    }

    private static Command Ahp(CommandRunner run)
    {
        var csv = new Argument<FileInfo[]>("pairwise.csv") { Description = "Square pairwise matrices (header row of criterion names); several files = group weights.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("ahp", "AHP weights with lambda_max, CI and CR from pairwise comparison CSVs.") { csv };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var files = result.GetValue(csv)!;
            var matrices = files.Select(ReadMatrix).ToList();
            var request = new ComputeAhpWeightsRequest();
            foreach (var (_, rows) in matrices) request.PairwiseMatrices.Add(new Matrix { Rows = { rows.Select(r => new Row { Values = { r.Values } }) } });
            var ahp = await new ScoringService.ScoringServiceClient(context.Channel).ComputeAhpWeightsAsync(request, cancellationToken: ct);
            context.Write(ahp, console =>
            {
                var table = new Table().AddColumns("criterion", "weight");
                var names = matrices[0].Criteria;
                for (var i = 0; i < ahp.Weights.Count; i++) table.AddRow(Markup.Escape(names[i]), ahp.Weights[i].ToString("0.0000", CultureInfo.InvariantCulture));
                console.Write(table);
                console.WriteLine(FormattableString.Invariant(
                    $"lambda_max {ahp.LambdaMax:0.0000}  CI {ahp.ConsistencyIndex:0.0000}  CR {ahp.ConsistencyRatio:0.0000} ({(ahp.AcceptablyConsistent ? "acceptable" : "inconsistent")}, {ahp.RandomIndexTable} RI {ahp.RandomIndex:0.00})"));
            });
        }));
        return command;
    }

    private static Command Agreement(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("ratings.csv") { Description = "Header: rater,<item>,…; one row per rater." };
        var command = new Command("agreement", "Kendall's W (tie-corrected), chi-square and p-value for raters × items.") { csv };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var (_, rows) = ReadMatrix(result.GetValue(csv)!);
            var agreement = await new ScoringService.ScoringServiceClient(context.Channel).ComputeAgreementAsync(
                new ComputeAgreementRequest { Scores = { rows.Select(r => new Row { Values = { r.Values } }) } }, cancellationToken: ct);
            context.Write(agreement, console => console.WriteLine(FormattableString.Invariant(
                $"W {agreement.WTieCorrected:0.0000} (uncorrected {agreement.W:0.0000}), chi-square {agreement.ChiSquare:0.000} on {agreement.DegreesOfFreedom} df, p {agreement.PValue:0.0000}, {agreement.Raters} raters × {agreement.Items} items")));
        }));
        return command;
    }

    internal static void RenderRanking(IAnsiConsole console, ScoringResult scored)
    {
        var primary = scored.Methods.First(m => m.Method == scored.PrimaryMethod);
        var acceptability = scored.Robustness?.MonteCarlo?.RankAcceptability;
        var table = new Table().AddColumns("rank", "alternative", $"{primary.Method} score");
        if (acceptability is { Count: > 0 }) table.AddColumn("P(first)");
        foreach (var i in Enumerable.Range(0, scored.VendorIds.Count).OrderBy(i => primary.Ranks[i]))
        {
            var cells = new List<string>
            {
                primary.Ranks[i].ToString(CultureInfo.InvariantCulture), Markup.Escape(scored.VendorIds[i]),
                primary.Scores[i].ToString("0.0000", CultureInfo.InvariantCulture),
            };
            if (acceptability is { Count: > 0 }) cells.Add(acceptability[i].Values[0].ToString("P1", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        var r = scored.Recommendation;
        console.WriteLine($"recommendation: {r.WinnerId}" + (r.HasMargin ? FormattableString.Invariant($" (margin {r.Margin:0.0000} over {r.RunnerUpId})") : ""));
        foreach (var caveat in r.Caveats) console.WriteLine($"  - {caveat}");
    }

    /// <summary>Reads "id,c1,c2,…" rows of invariant-culture numbers; a bad cell is a usage error naming row and column.</summary>
    private static (IReadOnlyList<string> Criteria, IReadOnlyList<(string Id, double[] Values)> Rows) ReadMatrix(FileInfo file)
    {
        if (!file.Exists) throw new UsageException($"{file.FullName} does not exist");
        using var reader = new StreamReader(file.FullName);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim });
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: >= 2 } header)
            throw new UsageException($"{file.Name}: the first line must be a header: alternative,<criterion>,…");
        var rows = new List<(string, double[])>();
        while (csv.Read())
        {
            var values = new double[header.Length - 1];
            for (var j = 1; j < header.Length; j++)
            {
                var cell = csv.GetField(j) ?? "";
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[j - 1]))
                    throw new UsageException($"{file.Name} line {csv.Parser.RawRow}, column '{header[j]}': '{cell}' is not a number");
            }
            rows.Add((csv.GetField(0) ?? "", values));
        }
        return (header[1..], rows);
    }
}
