using System.Globalization;
using System.Text;
using CoeInsights.Analytics;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Common;
using CoeInsights.Server.Surveys;
using CoeInsights.Server.Validation;
using CoeInsights.Surveys;
using CoeInsights.Surveys.GettingDetails;
using CoeInsights.Surveys.SubmittingResponse;
using static CoeInsights.Server.Web.Html;

namespace CoeInsights.Server.Web;

/// <summary>
/// One respondent's survey page. Submitting builds the very SubmitResponseRequest the API takes and runs it through the
/// same checks (request text, mapping, <see cref="SubmitResponseHandler"/>), with a request id per rendered form: a
/// double-click or a resent form is a retry, stored once. A later submission revises the response until the survey closes.
/// A pairwise question's consistency is shown as the respondent chooses: <see cref="Html.LiveConsistencyScript"/> posts the
/// form with action "check" (nothing stored) and puts the server's feedback in place; without JavaScript it shows on save.
/// </summary>
public static class SurveyPage
{
    /// <summary>Saaty's scale as a respondent picks it, strongest for the left option first.</summary>
    private static readonly (string Value, int Strength, bool Left)[] SaatyChoices =
        [("9", 9, true), ("7", 7, true), ("5", 5, true), ("3", 3, true), ("1", 1, true), ("1/3", 3, false), ("1/5", 5, false), ("1/7", 7, false), ("1/9", 9, false),
         ("8", 8, true), ("6", 6, true), ("4", 4, true), ("2", 2, true), ("1/2", 2, false), ("1/4", 4, false), ("1/6", 6, false), ("1/8", 8, false)];

    private static readonly string[] Strengths = ["", "equally important", "2", "a little more important", "4", "more important", "6", "much more important", "8", "extremely more important"];

    public static async Task<(int Status, string Html, bool Redirect)> Handle(PageContext page, IFormCollection? form, bool justSubmitted, CancellationToken ct)
    {
        SurveyDetails details;
        await using (var query = page.Sessions.QuerySession())
            details = await GetSurveyHandler.Load(query, page.Invitation.ResourceId, ct);
        var survey = details.Survey;
        var mine = survey.Responses.FirstOrDefault(r => r.RespondentId == page.Invitation.PersonId);
        var errors = new Dictionary<int, string>();
        string? notice = justSubmitted ? "Thank you: your answers are submitted. You can change them and submit again until the survey closes." : null;
        string? topError = null;
        FormValues values;
        var requestId = Guid.NewGuid().ToString("N");
        var saved = false;

        if (form is not null)
        {
            values = FormValues.From(form);
            var action = values.Get("action");
            if (action == "check")
            {
                // The live consistency check of a pairwise question: the page as typed, nothing saved or submitted.
            }
            else if (action == "save")
            {
                await page.SaveDraft(form, ct);
                notice = "Draft saved. Nothing is submitted until you choose Submit.";
                // The draft is kept as typed, and checked by the answer rules Submit applies (the same mapping and
                // SurveyStream.Validate as SubmitResponse), so a number out of range is pointed out now, next to its field.
                var draft = ToRequest(survey, page, values, requestId, errors);
                if (errors.Count == 0 && draft.Answers.Count > 0)
                {
                    try
                    {
                        Submit(survey, draft, page, out var command);
                        SurveyStream.Validate(survey.Questions, [],
                            new SurveyResponse { RespondentId = command.RespondentId, Department = command.Department, Answers = command.Answers }, "");
                    }
                    catch (InvalidInputException bad)
                    {
                        topError = AddViolations(survey, bad, errors);
                    }
                }
                if (errors.Count > 0)
                    notice = $"Draft saved. {errors.Count} answer{(errors.Count == 1 ? " needs" : "s need")} a change before it can be submitted: see the notes below.";
                saved = true;
            }
            else
            {
                requestId = values.Get("request_id") is { Length: > 0 and <= 100 } posted ? posted : requestId;
                var request = ToRequest(survey, page, values, requestId, errors);
                if (errors.Count == 0)
                {
                    try
                    {
                        Submit(survey, request, page, out var command);
                        await SubmitResponseHandler.Append(page.Sessions, command, ct);
                        await page.DeleteDraft(ct);
                        return (200, "", true);
                    }
                    catch (InvalidInputException bad)
                    {
                        topError = AddViolations(survey, bad, errors);
                    }
                    catch (DomainException refused)
                    {
                        topError = refused.Message;
                    }
                }
                topError ??= errors.Count > 0 ? $"{errors.Count} answer{(errors.Count == 1 ? " needs" : "s need")} a change before it can be submitted: see the notes below." : null;
            }
        }
        else
        {
            values = (await page.LoadDraft(ct)) is { } draft ? new FormValues(draft.Fields) : mine is not null ? FromResponse(survey, mine) : new FormValues(new Dictionary<string, string[]>());
            if (form is null && mine is null && (await page.LoadDraft(ct)) is not null) notice ??= "Your saved draft is filled in below. It is not submitted yet.";
        }

        var html = Render(page, survey, mine, values, errors, notice, topError, requestId);
        return (!saved && (errors.Count > 0 || topError is not null) ? 422 : 200, html, false);
    }

    /// <summary>Each violation next to its question (answers[question_id]…); the first one no question owns, for the top of the page.</summary>
    private static string? AddViolations(Survey survey, InvalidInputException bad, Dictionary<int, string> errors)
    {
        string? top = null;
        foreach (var violation in bad.Violations)
        {
            var index = survey.Questions.FindIndex(q => violation.Field.StartsWith($"answers[{q.Id}]", StringComparison.Ordinal));
            if (index >= 0) errors.TryAdd(index, Plain(violation.Description));
            else top ??= Plain(violation.Description);
        }
        return top;
    }

    private static V1.SubmitResponseRequest ToRequest(Survey survey, PageContext page, FormValues values, string requestId, Dictionary<int, string> errors)
    {
        var request = new V1.SubmitResponseRequest
        {
            SurveyId = survey.Id.ToString(), RespondentId = page.Invitation.PersonId, Department = page.Invitation.Department, RequestId = requestId,
        };
        for (var i = 0; i < survey.Questions.Count; i++)
        {
            var q = survey.Questions[i];
            var name = $"q{i}";
            var answer = new V1.SurveyAnswer { QuestionId = q.Id };
            switch (q.Kind)
            {
                case QuestionKind.Likert or QuestionKind.Nps or QuestionKind.Number:
                    var text = values.Get(name);
                    if (text.Length == 0) continue;
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x))
                    {
                        errors[i] = "Please enter a number, such as 3 or 2.5.";
                        continue;
                    }
                    if (q.Kind == QuestionKind.Likert) answer.Likert = x;
                    else if (q.Kind == QuestionKind.Nps) answer.Nps = x;
                    else answer.Number = x;
                    break;
                case QuestionKind.SingleChoice:
                    if (values.Get(name) is not { Length: > 0 } choice) continue;
                    answer.SingleChoice = choice;
                    break;
                case QuestionKind.MultipleChoice:
                    var picked = values.All(name).Where(c => c.Length > 0).ToList();
                    if (picked.Count == 0) continue;
                    answer.MultipleChoice = new V1.MultipleChoiceAnswer { OptionIds = { picked } };
                    break;
                case QuestionKind.Ranking:
                    var ranks = q.Options.Select((o, k) => (Option: o, Rank: values.Get($"{name}_{k}"))).Where(r => r.Rank.Length > 0).ToList();
                    if (ranks.Count == 0) continue;
                    if (ranks.Any(r => !int.TryParse(r.Rank, out _)))
                    {
                        errors[i] = "Pick a place (1, 2, 3 …) for each option you rank.";
                        continue;
                    }
                    if (ranks.GroupBy(r => r.Rank).FirstOrDefault(g => g.Count() > 1) is { } tie)
                    {
                        errors[i] = $"{string.Join(" and ", tie.Select(t => t.Option))} both have place {tie.Key}: give each option its own place.";
                        continue;
                    }
                    answer.Ranking = new V1.RankingAnswer { OptionIds = { ranks.OrderBy(r => int.Parse(r.Rank, CultureInfo.InvariantCulture)).Select(r => r.Option) } };
                    break;
                case QuestionKind.Pairwise:
                    var pairs = PairNames(name, q.Options.Count).Select(values.Get).ToList();
                    if (pairs.All(p => p.Length == 0)) continue;
                    if (pairs.Any(p => p.Length == 0))
                    {
                        errors[i] = "Please compare every pair (or none of them, to skip this question).";
                        continue;
                    }
                    answer.Pairwise = new V1.PairwiseAnswer { Judgements = { pairs.Select(Saaty) } };
                    break;
                case QuestionKind.FreeText:
                    if (values.Get(name) is not { Length: > 0 } free) continue;
                    answer.FreeText = free;
                    break;
            }
            request.Answers.Add(answer);
        }
        return request;
    }

    /// <summary>The API's own path from request to command: the text checks of every gRPC call, then the mapping.</summary>
    private static void Submit(Survey survey, V1.SubmitResponseRequest request, PageContext page, out SubmitResponse command)
    {
        if (request.Answers.Count == 0) throw new InvalidInputException("answers", "Please answer at least one question before submitting.");
        RequestText.ThrowIfInvalid(request);
        var v = new Validator();
        var answers = SurveyMapping.ToDomain(request.Answers, v);
        v.ThrowIfInvalid();
        command = new SubmitResponse(survey.Id, request.RespondentId, request.Department, answers, request.RequestId, page.Invitation.PersonId, page.Clock.GetUtcNow());
    }

    private static double Saaty(string value) =>
        value.Split('/') is [var n, var d] ? double.Parse(n, CultureInfo.InvariantCulture) / double.Parse(d, CultureInfo.InvariantCulture)
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN;

    private static string SaatyText(double a) =>
        a >= 1 ? Math.Round(a).ToString(CultureInfo.InvariantCulture) : $"1/{Math.Round(1 / a).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>What the respondent's other judgements imply for one pair, in words.</summary>
    private static string Implied(string left, string right, double ratio)
    {
        var strength = Math.Round(Math.Clamp(ratio >= 1 ? ratio : 1 / ratio, 1, 9));
        return strength <= 1 ? "your other answers suggest both are about equally important"
            : $"your other answers suggest {(ratio >= 1 ? left : right)} is about {strength.ToString(CultureInfo.InvariantCulture)} times as important";
    }

    private static IEnumerable<string> PairNames(string name, int n)
    {
        var k = 0;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++) yield return $"{name}_p{k++}";
    }

    private static FormValues FromResponse(Survey survey, StoredResponse response)
    {
        var fields = new Dictionary<string, string[]>();
        for (var i = 0; i < survey.Questions.Count; i++)
        {
            var q = survey.Questions[i];
            if (!response.Answers.TryGetValue(q.Id, out var a)) continue;
            var name = $"q{i}";
            switch (q.Kind)
            {
                case QuestionKind.Likert or QuestionKind.Nps or QuestionKind.Number: fields[name] = [N(a.Value ?? 0)]; break;
                case QuestionKind.SingleChoice or QuestionKind.MultipleChoice: fields[name] = [.. a.Choices]; break;
                case QuestionKind.Ranking:
                    for (var k = 0; k < q.Options.Count; k++)
                        if (a.Choices.ToList().IndexOf(q.Options[k]) is >= 0 and var place) fields[$"{name}_{k}"] = [(place + 1).ToString(CultureInfo.InvariantCulture)];
                    break;
                case QuestionKind.Pairwise:
                    foreach (var (pair, judgement) in PairNames(name, q.Options.Count).Zip(a.Judgements)) fields[pair] = [SaatyText(judgement)];
                    break;
                case QuestionKind.FreeText: fields[name] = [a.Text ?? ""]; break;
            }
        }
        return new FormValues(fields);
    }

    private static string Plain(string description) => description.Length > 0 ? char.ToUpperInvariant(description[0]) + description[1..] + (description.EndsWith('.') ? "" : ".") : description;

    private static string Text(Survey s, SurveyQuestion q) => s.QuestionTexts.TryGetValue(q.Id, out var t) && t.Length > 0 ? t : q.Id;

    private static string Render(PageContext page, Survey survey, StoredResponse? mine, FormValues values, IReadOnlyDictionary<int, string> errors,
        string? notice, string? topError, string requestId)
    {
        var b = new StringBuilder();
        b.Append($"<main><h1>{E(survey.Title)}</h1>");
        b.Append($"<p>Hello {E(page.Invitation.DisplayName)} ({E(page.Invitation.Department)}). Questions you leave blank count as not answered.</p>");
        if (notice is not null) b.Append($"""<p class="notice" role="status">{E(notice)}</p>""");
        if (topError is not null) b.Append($"""<div class="errors" role="alert"><p>{E(topError)}</p></div>""");
        var open = survey.State == SurveyState.Open;
        if (!open) b.Append("""<p class="warning">This survey is closed: answers can no longer be changed.</p>""");
        if (mine is not null) AppendSubmitted(b, survey, mine);
        if (open)
        {
            b.Append($"""<form method="post" action="{E(page.Path)}" novalidate>{page.AntiforgeryField}<input type="hidden" name="request_id" value="{E(requestId)}">""");
            for (var i = 0; i < survey.Questions.Count; i++) AppendQuestion(b, survey, i, values, errors.GetValueOrDefault(i));
            b.Append("""<button type="submit" name="action" value="submit">Submit answers</button><button type="submit" name="action" value="save" class="secondary">Save draft</button></form>""");
            if (survey.Questions.Any(q => q.Kind == QuestionKind.Pairwise)) b.Append($"<script>{LiveConsistencyScript}</script>");
        }
        b.Append("</main>");
        return Page(survey.Title, b.ToString());
    }

    private static void AppendSubmitted(StringBuilder b, Survey survey, StoredResponse mine)
    {
        b.Append($"""<section aria-labelledby="submitted"><h2 id="submitted">What you submitted</h2><p>Submitted {E(mine.SubmittedAt.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture))}""");
        b.Append(mine.Revision > 1 ? $" (revision {mine.Revision}).</p>" : ".</p>");
        b.Append("""<dl class="submitted">""");
        foreach (var q in survey.Questions)
        {
            if (!mine.Answers.TryGetValue(q.Id, out var a)) continue;
            var shown = q.Kind switch
            {
                QuestionKind.Likert or QuestionKind.Nps or QuestionKind.Number => N(a.Value ?? 0),
                QuestionKind.SingleChoice or QuestionKind.MultipleChoice => string.Join(", ", a.Choices),
                QuestionKind.Ranking => string.Join(" › ", a.Choices),
                QuestionKind.Pairwise => PairwiseSummary(q, a.Judgements),
                _ => a.Text ?? "",
            };
            b.Append($"<dt>{E(Text(survey, q))}</dt><dd>{E(shown)}</dd>");
        }
        b.Append("</dl></section><h2>Change your answers</h2>");
    }

    private static string PairwiseSummary(SurveyQuestion q, IReadOnlyList<double> judgements)
    {
        var f = PairwiseConsistency.Feedback(q.Options.Count, judgements);
        return string.Join(", ", q.Options.Select((o, k) => $"{o} {f.Weights[k]:P0}")) + $" (consistency ratio {N(f.ConsistencyRatio)})";
    }

    private static void AppendQuestion(StringBuilder b, Survey survey, int i, FormValues values, string? error)
    {
        var q = survey.Questions[i];
        var name = $"q{i}";
        var errorId = $"{name}-error";
        var text = Text(survey, q);
        switch (q.Kind)
        {
            case QuestionKind.Likert:
                Radios(b, name, text, error, Enumerable.Range(1, q.ScalePoints).Select(k => (k.ToString(CultureInfo.InvariantCulture), LikertLabel(k, q.ScalePoints))), values.Get(name),
                    $"1 = strongly disagree, {q.ScalePoints} = strongly agree");
                return;
            case QuestionKind.Nps:
                Radios(b, name, text, error, Enumerable.Range(0, 11).Select(k => (k.ToString(CultureInfo.InvariantCulture), k.ToString(CultureInfo.InvariantCulture))), values.Get(name),
                    "0 = not at all likely, 10 = extremely likely");
                return;
            case QuestionKind.SingleChoice:
                Radios(b, name, text, error, q.Options.Select(o => (o, o)), values.Get(name), null);
                return;
            case QuestionKind.MultipleChoice:
                b.Append($"""<fieldset{Described(error, errorId)}><legend>{E(text)}</legend><p class="hint">Tick all that apply.</p>{Error(error, errorId)}<div class="choices">""");
                var picked = values.All(name).ToHashSet();
                for (var k = 0; k < q.Options.Count; k++)
                    b.Append($"""<label><input type="checkbox" name="{name}" value="{E(q.Options[k])}"{(picked.Contains(q.Options[k]) ? " checked" : "")}> {E(q.Options[k])}</label>""");
                b.Append("</div></fieldset>");
                return;
            case QuestionKind.Ranking:
                b.Append($"""<fieldset{Described(error, errorId)}><legend>{E(text)}</legend><p class="hint">Give your favourite place 1, the next place 2, and so on. You may leave options out.</p>{Error(error, errorId)}""");
                for (var k = 0; k < q.Options.Count; k++)
                {
                    var field = $"{name}_{k}";
                    var current = values.Get(field);
                    b.Append($"""<label for="{field}">Place of {E(q.Options[k])}</label><select id="{field}" name="{field}"><option value="">not ranked</option>""");
                    for (var place = 1; place <= q.Options.Count; place++)
                    {
                        var p = place.ToString(CultureInfo.InvariantCulture);
                        b.Append($"""<option value="{p}"{(current == p ? " selected" : "")}>{p}</option>""");
                    }
                    b.Append("</select>");
                }
                b.Append("</fieldset>");
                return;
            case QuestionKind.Pairwise:
                AppendPairwise(b, q, name, text, values, error);
                return;
            case QuestionKind.Number:
                var bounds = (q.Minimum, q.Maximum) switch
                {
                    ({ } lo, { } hi) => $"A number from {N(lo)} to {N(hi)}.",
                    ({ } lo, null) => $"A number of at least {N(lo)}.",
                    (null, { } hi) => $"A number of at most {N(hi)}.",
                    _ => "A number.",
                };
                b.Append($"""<div class="field"><label for="{name}">{E(text)}</label><p class="hint" id="{name}-hint">{E(bounds)}</p>{Error(error, errorId)}""");
                b.Append($"""<input type="text" inputmode="decimal" id="{name}" name="{name}" value="{E(values.Get(name))}"{(error is null ? $" aria-describedby=\"{name}-hint\"" : $" aria-describedby=\"{name}-hint {errorId}\" aria-invalid=\"true\"")}></div>""");
                return;
            case QuestionKind.FreeText:
                b.Append($"""<div class="field"><label for="{name}">{E(text)}</label>{Error(error, errorId)}<textarea id="{name}" name="{name}"{Described(error, errorId)}>{E(values.Get(name))}</textarea></div>""");
                return;
        }
    }

    private static string LikertLabel(int k, int points) => (k, points) switch
    {
        (1, _) => "1 strongly disagree",
        _ when k == points => $"{k} strongly agree",
        _ when points == 5 && k == 3 => "3 neutral",
        _ when points == 7 && k == 4 => "4 neutral",
        _ => k.ToString(CultureInfo.InvariantCulture),
    };

    private static void Radios(StringBuilder b, string name, string text, string? error, IEnumerable<(string Value, string Label)> choices, string current, string? hint)
    {
        var errorId = $"{name}-error";
        b.Append($"""<fieldset{Described(error, errorId)}><legend>{E(text)}</legend>""");
        if (hint is not null) b.Append($"""<p class="hint">{E(hint)}</p>""");
        b.Append(Error(error, errorId)).Append("""<div class="choices">""");
        var k = 0;
        foreach (var (value, label) in choices)
        {
            var id = $"{name}_{k++}";
            b.Append($"""<label for="{id}"><input type="radio" id="{id}" name="{name}" value="{E(value)}"{(current == value ? " checked" : "")}> {E(label)}</label>""");
        }
        b.Append("</div></fieldset>");
    }

    /// <summary>One select per pair, and the consistency of the judgements as they stand (computed on every render: after a save or a submit).</summary>
    private static void AppendPairwise(StringBuilder b, SurveyQuestion q, string name, string text, FormValues values, string? error)
    {
        var errorId = $"{name}-error";
        b.Append($"""<fieldset data-pairwise="{name}"{Described(error, errorId)}><legend>{E(text)}</legend><p class="hint">For each pair, say which matters more and by how much. How consistent your answers are shows below as you choose (without JavaScript: when you save a draft).</p>{Error(error, errorId)}""");
        var names = PairNames(name, q.Options.Count).ToList();
        var k = 0;
        for (var i = 0; i < q.Options.Count; i++)
            for (var j = i + 1; j < q.Options.Count; j++, k++)
            {
                var field = names[k];
                var current = values.Get(field);
                b.Append($"""<label for="{field}">{E(q.Options[i])} compared with {E(q.Options[j])}</label><select id="{field}" name="{field}"><option value="">choose</option>""");
                foreach (var (value, strength, left) in SaatyChoices.OrderBy(s => s.Left ? -s.Strength : s.Strength))
                {
                    var label = strength == 1 ? "both equally important (1)" : $"{(left ? q.Options[i] : q.Options[j])} {Strengths[strength]} ({strength})";
                    if (strength == 1 && !left) continue;
                    b.Append($"""<option value="{value}"{(current == value ? " selected" : "")}>{E(label)}</option>""");
                }
                b.Append("</select>");
            }
        // Always present, so the live check (Html.LiveConsistencyScript) has a place to put the server's answer.
        b.Append($"""<div id="{name}-consistency" aria-live="polite">""");
        var judgements = names.Select(values.Get).Select(Saaty).ToList();
        if (q.Options.Count >= 3 && judgements.All(PairwiseAnalysis.IsSaatyValue))
        {
            var f = PairwiseConsistency.Feedback(q.Options.Count, judgements);
            var weights = string.Join(", ", q.Options.Select((o, x) => $"{o} {f.Weights[x]:P0}"));
            if (f.IsAcceptable)
                b.Append($"""<p class="notice" role="status">Your comparisons are consistent (consistency ratio {N(f.ConsistencyRatio)}, at most 0.1 is fine). They give: {E(weights)}.</p>""");
            else if (f.WorstPair is { } worst)
                b.Append($"""<p class="warning" role="status">Your comparisons contradict each other (consistency ratio {N(f.ConsistencyRatio)}; at most 0.1 is fine). The most inconsistent one is <strong>{E(q.Options[worst.I])} compared with {E(q.Options[worst.J])}</strong>: {E(Implied(q.Options[worst.I], q.Options[worst.J], f.ImpliedRatio))}. You can still submit.</p>""");
        }
        b.Append("</div></fieldset>");
    }
}
