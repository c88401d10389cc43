using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CoeInsights.Cli.Csv;
using CoeInsights.V1;
using Google.Protobuf;
using Grpc.Core;
using Spectre.Console;
using YamlDotNet.RepresentationModel;

namespace CoeInsights.Cli.Commands;

/// <summary>coe surveys …: publish from a JSON/YAML definition, import responses from CSV, results and weights.</summary>
internal static class SurveyCommands
{
    private static readonly Argument<string> Id = new("survey-id");

    public static Command Build(CommandRunner run)
    {
        var surveys = new Command("surveys", "Stakeholder surveys: create from JSON/YAML, import responses from CSV, results, derive/apply weights.");
        surveys.Add(Create(run));
        surveys.Add(List(run));
        surveys.Add(Show(run));
        surveys.Add(ImportResponses(run));
        surveys.Add(Close(run));
        surveys.Add(Results(run));
        surveys.Add(Weights(run, apply: false));
        surveys.Add(Weights(run, apply: true));
        return surveys;
    }

    private static SurveyService.SurveyServiceClient Client(CliContext context) => new(context.Channel);

    private static void Saved(CliContext context, Survey s, string what) =>
        context.Write(s, console => console.WriteLine($"{what}: survey {s.SurveyId} '{s.Title}' is {s.State.ToString().ToLowerInvariant()}, {s.Respondents} respondents (etag {s.Etag})"));

    private static Command Create(CommandRunner run)
    {
        var file = new Argument<FileInfo>("definition")
        {
            Description = "A .json, .yaml or .yml file shaped like CreateSurveyRequest: title, audience [{department, invited}], questions "
                + "[{question_id, kind (likert, nps, single_choice, multiple_choice, ranking, pairwise, number, free_text), text, options, …}], scales, evaluation {evaluation_id, criterion_ids}.",
        };
        var requestId = new Option<string?>("--request-id") { Description = "Makes a retry safe (default: derived from the file's content)." };
        var command = new Command("create", "Publish a survey from a JSON or YAML definition (committee).") { file, requestId };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var definition = result.GetValue(file)!;
            var request = ReadDefinition(definition);
            request.RequestId = result.GetValue(requestId) ?? (request.RequestId is { Length: > 0 } given ? given : $"cli-survey-{Fingerprint(definition)}");
            var survey = await Client(context).CreateSurveyAsync(request, cancellationToken: ct);
            Saved(context, survey, $"created with {survey.Questions.Count} questions");
        }));
        return command;
    }

    private static string Fingerprint(FileInfo file) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file.FullName)))[..16];

    /// <summary>JSON or YAML into CreateSurveyRequest (proto3 JSON mapping; enum values may be short: "likert" for QUESTION_KIND_LIKERT).</summary>
    internal static CreateSurveyRequest ReadDefinition(FileInfo file)
    {
        if (!file.Exists) throw new UsageException($"{file.FullName} does not exist");
        JsonNode? root;
        try
        {
            var text = File.ReadAllText(file.FullName);
            root = file.Extension.ToLowerInvariant() is ".yaml" or ".yml" ? YamlToJson(text) : JsonNode.Parse(text);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or YamlDotNet.Core.YamlException)
        {
            throw new UsageException($"{file.Name}: {e.Message}");
        }
        if (root is not JsonObject obj) throw new UsageException($"{file.Name}: the definition must be an object with title, audience and questions");
        foreach (var question in (obj["questions"] as JsonArray ?? []).OfType<JsonObject>())
            if (question["kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && !k.StartsWith("QUESTION_KIND_", StringComparison.OrdinalIgnoreCase))
                question["kind"] = "QUESTION_KIND_" + k.Replace("-", "_").ToUpperInvariant();
            else if (question["kind"] is JsonValue full && full.TryGetValue<string>(out var f))
                question["kind"] = f.ToUpperInvariant();
        try
        {
            return JsonParser.Default.Parse<CreateSurveyRequest>(obj.ToJsonString());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UsageException($"{file.Name}: {e.Message}");
        }
        catch (InvalidJsonException e)
        {
            throw new UsageException($"{file.Name}: {e.Message}");
        }
    }

    /// <summary>YAML to JSON with plain scalars typed (numbers, true/false, null) and quoted scalars kept as strings.</summary>
    private static JsonNode? YamlToJson(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);

        static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s => s.Value switch
            {
                null or "" or "~" or "null" => null,
                "true" or "True" => JsonValue.Create(true),
                "false" or "False" => JsonValue.Create(false),
                var v when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                var v => JsonValue.Create(v),
            },
            YamlScalarNode s => JsonValue.Create(s.Value),
            _ => null,
        };
    }

    private static Command List(CommandRunner run)
    {
        var command = new Command("list", "Surveys, newest first.");
        command.SetAction((result, ct) => run(result, async context =>
        {
            var all = new ListSurveysResponse();
            var token = "";
            do
            {
                var page = await Client(context).ListSurveysAsync(new ListSurveysRequest { PageToken = token }, cancellationToken: ct);
                all.Surveys.AddRange(page.Surveys);
                token = page.NextPageToken;
            } while (token != "");
            context.Write(all, console =>
            {
                var table = new Table().AddColumns("survey", "title", "state", "questions", "invited", "respondents", "evaluation");
                foreach (var s in all.Surveys)
                    table.AddRow(s.SurveyId, Markup.Escape(s.Title), s.State.ToString(), $"{s.QuestionCount}", $"{s.Invited}", $"{s.Respondents}", s.EvaluationId);
                console.Write(table);
            });
        }));
        return command;
    }

    private static Command Show(CommandRunner run)
    {
        var command = new Command("show", "One survey: questions, audience and response counts.") { Id };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var s = await Client(context).GetSurveyAsync(new GetSurveyRequest { SurveyId = result.GetValue(Id)! }, cancellationToken: ct);
            context.Write(s, console =>
            {
                console.WriteLine($"{s.SurveyId} '{s.Title}' — {s.State}, {s.Respondents} respondents, etag {s.Etag}");
                var questions = new Table().AddColumns("question", "kind", "text", "options", "criterion");
                foreach (var q in s.Questions)
                    questions.AddRow(Markup.Escape(q.QuestionId), q.Kind.ToString(), Markup.Escape(q.Text), Markup.Escape(string.Join(", ", q.Options)), Markup.Escape(q.CriterionId));
                console.Write(questions);
                var audience = new Table().AddColumns("department", "invited", "responded");
                foreach (var a in s.Audience) audience.AddRow(Markup.Escape(a.Department), $"{a.Invited}", $"{a.Responded}");
                console.Write(audience);
            });
        }));
        return command;
    }

    private sealed record ResponseRow(SubmitResponseRequest Request);

    private static Command ImportResponses(CommandRunner run)
    {
        var csv = new Argument<FileInfo>("responses.csv")
        {
            Description = "Columns: respondent (required), department, then one column per question id. Cells: a number (likert, nps, number), "
                + "an option id (single_choice), option ids separated by ';' (multiple_choice; ranking, best first), judgements a01;a02;…;a12;… "
                + "as numbers or fractions like 1/3 (pairwise), text (free_text). Empty: not answered.",
        };
        var continueOnError = CsvFile.ContinueOnErrorOption();
        var command = new Command("import-responses", "Import one response per row (committee enters them for the respondents; a respondent again revises).")
        {
            Id, csv, continueOnError,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var survey = await client.GetSurveyAsync(new GetSurveyRequest { SurveyId = result.GetValue(Id)! }, cancellationToken: ct);
            var questions = survey.Questions.ToDictionary(q => q.QuestionId.ToLowerInvariant());
            var departments = survey.Audience.Select(a => a.Department).ToHashSet(StringComparer.Ordinal);
            var respondents = new HashSet<string>(StringComparer.Ordinal);
            var input = CsvFile.Read(result.GetValue(csv)!, ["respondent"], row =>
            {
                var respondent = row.Required("respondent");
                if (respondent.Length > 0 && !respondents.Add(respondent)) row.Fail("respondent", $"'{respondent}' appears twice");
                var department = row.Text("department");
                if (departments.Count > 0 && !departments.Contains(department))
                    row.Fail("department", $"'{department}' is not in the audience ({string.Join(", ", departments)})");
                var request = new SubmitResponseRequest { SurveyId = survey.SurveyId, RespondentId = respondent, Department = department };
                foreach (var (column, question) in questions)
                    if (row.Text(column) is { Length: > 0 } cell && Answer(question, cell, message => row.Fail(column, message)) is { } answer)
                        request.Answers.Add(answer);
                return new ResponseRow(request);
            }, allowExtraColumn: questions.ContainsKey, optional: ["department"]);
            var rows = input.Accept(result.GetValue(continueOnError));

            var revisions = 0;
            var sent = 0;
            foreach (var row in rows)
            {
                row.Value.Request.RequestId = $"cli-response-{input.Fingerprint}-{row.Line}";
                try
                {
                    if ((await client.SubmitResponseAsync(row.Value.Request, cancellationToken: ct)).Revision) revisions++;
                }
                catch (RpcException)
                {
                    await context.Error.WriteLineAsync($"line {row.Line}: the server refused this response; {sent} earlier row(s) were stored (re-running the file after a fix is safe).");
                    throw;
                }
                sent++;
            }
            input.ReportSkipped(context.Error);
            var after = await client.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId }, cancellationToken: ct);
            Saved(context, after, $"imported {sent} responses ({revisions} revisions, {input.SkippedRows} skipped)");
        }));
        return command;
    }

    /// <summary>One cell as the question's kind of answer; reports and returns null when it does not fit.</summary>
    private static SurveyAnswer? Answer(SurveyQuestion q, string cell, Action<string> fail)
    {
        var answer = new SurveyAnswer { QuestionId = q.QuestionId };
        double? Number()
        {
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
            fail($"'{cell}' is not a number ({q.Kind} question)");
            return null;
        }
        string[] Options()
        {
            var ids = cell.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var id in ids.Where(id => !q.Options.Contains(id))) fail($"'{id}' is not an option of {q.QuestionId} ({string.Join(", ", q.Options)})");
            foreach (var id in ids.GroupBy(i => i).Where(g => g.Count() > 1)) fail($"'{id.Key}' is given twice");
            return ids;
        }
        switch (q.Kind)
        {
            case QuestionKind.Likert:
                if (Number() is not { } likert) return null;
                var points = q.ScalePoints == 0 ? 5 : q.ScalePoints;
                if (likert != Math.Floor(likert) || likert < 1 || likert > points) { fail($"{cell} is not a whole number from 1 to {points}"); return null; }
                answer.Likert = likert;
                break;
            case QuestionKind.Nps:
                if (Number() is not { } nps) return null;
                if (nps != Math.Floor(nps) || nps < 0 || nps > 10) { fail($"{cell} is not a whole number from 0 to 10"); return null; }
                answer.Nps = nps;
                break;
            case QuestionKind.Number:
                if (Number() is not { } number) return null;
                if ((q.HasMinimum && number < q.Minimum) || (q.HasMaximum && number > q.Maximum))
                {
                    fail(FormattableString.Invariant($"{cell} is outside [{(q.HasMinimum ? q.Minimum : double.NegativeInfinity)}, {(q.HasMaximum ? q.Maximum : double.PositiveInfinity)}]"));
                    return null;
                }
                answer.Number = number;
                break;
            case QuestionKind.SingleChoice:
                if (!q.Options.Contains(cell)) { fail($"'{cell}' is not an option of {q.QuestionId} ({string.Join(", ", q.Options)})"); return null; }
                answer.SingleChoice = cell;
                break;
            case QuestionKind.MultipleChoice:
                answer.MultipleChoice = new MultipleChoiceAnswer { OptionIds = { Options() } };
                break;
            case QuestionKind.Ranking:
                answer.Ranking = new RankingAnswer { OptionIds = { Options() } };
                break;
            case QuestionKind.Pairwise:
                var n = q.Options.Count;
                var parts = cell.Split(';', StringSplitOptions.TrimEntries);
                if (parts.Length != n * (n - 1) / 2) { fail($"{parts.Length} judgements, but {n} options need {n * (n - 1) / 2} (a01;a02;…;a12;…)"); return null; }
                var judgements = new List<double>();
                foreach (var part in parts)
                {
                    var fraction = part.Split('/');
                    if (fraction.Length is 1 or 2 && fraction.All(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                    {
                        var value = fraction.Length == 1 ? double.Parse(fraction[0], CultureInfo.InvariantCulture)
                            : double.Parse(fraction[0], CultureInfo.InvariantCulture) / double.Parse(fraction[1], CultureInfo.InvariantCulture);
                        if (value >= 1 / 9.0 - 1e-9 && value <= 9 + 1e-9) { judgements.Add(value); continue; }
                    }
                    fail($"'{part}' is not a judgement on Saaty's scale (1/9 … 9)");
                    return null;
                }
                answer.Pairwise = new PairwiseAnswer { Judgements = { judgements } };
                break;
            case QuestionKind.FreeText:
                answer.FreeText = cell;
                break;
            default:
                fail($"question {q.QuestionId} has kind {q.Kind}, which cannot be imported");
                return null;
        }
        return answer;
    }

    private static Command Close(CommandRunner run)
    {
        var command = new Command("close", "Close the survey: no more responses (committee).") { Id };
        command.SetAction((result, ct) => run(result, async context =>
            Saved(context, await Client(context).CloseSurveyAsync(new CloseSurveyRequest { SurveyId = result.GetValue(Id)! }, cancellationToken: ct), "closed")));
        return command;
    }

    private static Command Results(CommandRunner run)
    {
        var departments = new Option<string[]>("--department") { AllowMultipleArgumentsPerToken = true, Description = "Only these departments (repeat)." };
        var command = new Command("results", "Distributions, NPS, Cronbach's alpha, rankings, AHP and response rates.") { Id, departments };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var r = await Client(context).GetSurveyResultsAsync(new GetSurveyResultsRequest
            {
                SurveyId = result.GetValue(Id)!, Departments = { result.GetValue(departments) ?? [] },
            }, cancellationToken: ct);
            context.Write(r, console =>
            {
                console.WriteLine($"{r.Respondents} respondents" + (r.HasOverallResponseRate ? $", response rate {r.OverallResponseRate.ToString("P1", CultureInfo.InvariantCulture)}" : ""));
                var table = new Table().AddColumns("question", "kind", "answered", "mean", "median", "summary");
                foreach (var q in r.Questions)
                    table.AddRow(Markup.Escape(q.QuestionId), q.Kind.ToString(), $"{q.Answered}",
                        q.Numeric is { } n ? n.Mean.ToString("0.00", CultureInfo.InvariantCulture) : "",
                        q.Numeric is { } m ? m.Median.ToString("0.00", CultureInfo.InvariantCulture) : "",
                        Markup.Escape(Summary(q)));
                console.Write(table);
                foreach (var scale in r.Scales)
                    console.WriteLine($"scale {scale.ScaleId}: Cronbach's alpha {(scale.HasAlpha ? scale.Alpha.ToString("0.000", CultureInfo.InvariantCulture) : "n/a")} ({scale.CompleteRespondents} complete)");
                foreach (var decision in r.Decisions) console.WriteLine($"  - {decision}");
            });
        }));
        return command;
    }

    private static string Summary(QuestionResult q) => q.Kind switch
    {
        QuestionKind.Likert when q.Likert is { } l => FormattableString.Invariant($"top-2-box {l.TopTwoBox:P0}"),
        QuestionKind.Nps when q.Nps is { } n => FormattableString.Invariant($"NPS {n.Score:0.0} [{n.Lower:0.0}, {n.Upper:0.0}]"),
        QuestionKind.Ranking when q.Ranking is { } r => string.Join(" > ", r.Order),
        QuestionKind.Pairwise when q.Pairwise is { } p => string.Join(", ", p.Criteria.Zip(p.GroupWeights, (c, w) => FormattableString.Invariant($"{c} {w:0.000}"))),
        QuestionKind.SingleChoice or QuestionKind.MultipleChoice => string.Join(", ", q.Distribution.Select(d => $"{d.Category} {d.Count}")),
        _ => "",
    };

    private static Command Weights(CommandRunner run, bool apply)
    {
        var method = new Option<WeightDerivationMethod>("--method") { Description = "ImportanceRatings or PairwiseJudgements (default: what the survey has)." };
        var questionIds = new Option<string[]>("--question") { AllowMultipleArgumentsPerToken = true, Description = "Only these questions (repeat)." };
        var plain = new Option<bool>("--plain") { Description = "Every respondent counts equally (default: every department counts equally)." };
        var command = new Command(apply ? "apply-weights" : "derive-weights", apply
            ? "Derive the weights and set them on the linked evaluation (committee)."
            : "Criterion weights from importance ratings or pairwise judgements, per department too.")
        {
            Id, method, questionIds, plain,
        };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var id = result.GetValue(Id)!;
            if (apply)
            {
                var applied = await client.ApplySurveyWeightsAsync(new ApplySurveyWeightsRequest
                {
                    SurveyId = id, Method = result.GetValue(method), QuestionIds = { result.GetValue(questionIds) ?? [] }, Plain = result.GetValue(plain),
                }, cancellationToken: ct);
                context.Write(applied, console =>
                {
                    RenderWeights(console, applied.Derived);
                    console.WriteLine($"set on evaluation {applied.EvaluationId} (etag {applied.EvaluationEtag}) from survey version {applied.SurveyVersion}");
                });
                return;
            }
            var derived = await client.DeriveWeightsAsync(new DeriveWeightsRequest
            {
                SurveyId = id, Method = result.GetValue(method), QuestionIds = { result.GetValue(questionIds) ?? [] }, Plain = result.GetValue(plain),
            }, cancellationToken: ct);
            context.Write(derived, console => RenderWeights(console, derived));
        }));
        return command;
    }

    private static void RenderWeights(IAnsiConsole console, DerivedWeights d)
    {
        var table = new Table().AddColumns("criterion", "weight");
        foreach (var w in d.Weights) table.AddRow(Markup.Escape(w.CriterionId), w.Weight.ToString("0.0000", CultureInfo.InvariantCulture));
        console.Write(table);
        console.WriteLine($"{d.Method}, {(d.DepartmentBalanced ? "department-balanced" : "plain")}, {d.UsedRespondents.Count} respondents used, {d.ExcludedRespondents.Count} excluded");
        foreach (var decision in d.Decisions) console.WriteLine($"  - {decision}");
    }
}
