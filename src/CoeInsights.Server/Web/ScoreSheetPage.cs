using System.Globalization;
using System.Text;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.SubmittingScores;
using CoeInsights.Server.Evaluations;
using CoeInsights.Server.Validation;
using static CoeInsights.Server.Web.Html;

namespace CoeInsights.Server.Web;

/// <summary>
/// One evaluator's score sheet: every vendor × scored criterion, with the criterion's description, the scale (and what each
/// level means where the committee said), a comment and evidence. The evaluator sees the evaluation as their own key would (<see cref="BlindScoring"/>: only their own scores
/// until close). Submitting builds the API's SubmitScoresRequest and goes through <see cref="SubmitScoresHandler"/>.
/// </summary>
public static class ScoreSheetPage
{
    public static async Task<(int Status, string Html, bool Redirect)> Handle(PageContext page, IFormCollection? form, bool justSubmitted, CancellationToken ct)
    {
        Evaluation evaluation;
        await using (var query = page.Sessions.QuerySession())
            evaluation = (await GetEvaluationHandler.Handle(query, page.Caller, page.Invitation.ResourceId, ct)).Evaluation;
        var criteria = evaluation.Criteria.Where(c => c.Source == CriterionSource.EvaluatorScores).ToList();
        var errors = new Dictionary<string, string>();
        string? notice = justSubmitted ? "Thank you: your scores are submitted. You can revise them until the evaluation closes." : null;
        string? topError = null;
        var requestId = Guid.NewGuid().ToString("N");
        FormValues values;
        if (form is not null)
        {
            values = FormValues.From(form);
            if (values.Get("action") == "save")
            {
                await page.SaveDraft(form, ct);
                notice = "Draft saved. Nothing is submitted until you choose Submit.";
            }
            else
            {
                requestId = values.Get("request_id") is { Length: > 0 and <= 100 } posted ? posted : requestId;
                var request = new V1.SubmitScoresRequest { EvaluationId = evaluation.Id.ToString(), RequestId = requestId };
                var cells = new List<string>();
                for (var v = 0; v < evaluation.Vendors.Count; v++)
                    for (var c = 0; c < criteria.Count; c++)
                    {
                        var cell = $"s{v}_{c}";
                        var text = values.Get($"{cell}_v");
                        if (text.Length == 0) continue;
                        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x))
                        {
                            errors[cell] = $"Please enter a number from {N(evaluation.ScaleMin)} to {N(evaluation.ScaleMax)}.";
                            continue;
                        }
                        cells.Add(cell);
                        request.Scores.Add(new V1.ScoreEntry
                        {
                            VendorId = evaluation.Vendors[v].Id, CriterionId = criteria[c].Id, Value = x, Comment = values.Get($"{cell}_c"), Evidence = values.Get($"{cell}_e"),
                        });
                    }
                if (errors.Count == 0)
                {
                    try
                    {
                        if (request.Scores.Count == 0) throw new InvalidInputException("scores", "Please score at least one vendor before submitting.");
                        RequestText.ThrowIfInvalid(request);
                        var command = new SubmitScores(evaluation.Id, SubmitScoresHandler.ResolveEvaluator(page.Caller, ""), request.RequestId,
                            request.Scores.Select(EvaluationMapping.ToDomain).ToList(), page.Invitation.PersonId, page.Clock.GetUtcNow());
                        await SubmitScoresHandler.Append(page.Sessions, command, ct);
                        await page.DeleteDraft(ct);
                        return (200, "", true);
                    }
                    catch (InvalidInputException bad)
                    {
                        foreach (var violation in bad.Violations)
                        {
                            // scores[k].value → the k-th submitted cell
                            if (violation.Field.StartsWith("scores[", StringComparison.Ordinal)
                                && int.TryParse(violation.Field[7..violation.Field.IndexOf(']')], out var k) && k < cells.Count)
                                errors.TryAdd(cells[k], Sentence(violation.Description));
                            else topError = Sentence(violation.Description);
                        }
                    }
                    catch (DomainException refused)
                    {
                        topError = refused.Message;
                    }
                }
                topError ??= errors.Count > 0 ? $"{errors.Count} score{(errors.Count == 1 ? " needs" : "s need")} a change: see the notes below." : null;
            }
        }
        else
        {
            var draft = await page.LoadDraft(ct);
            values = draft is not null ? new FormValues(draft.Fields) : FromScores(evaluation, criteria, page.Invitation.PersonId);
            if (draft is not null) notice ??= "Your saved draft is filled in below. It is not submitted yet.";
        }
        var html = Render(page, evaluation, criteria, values, errors, notice, topError, requestId);
        return (errors.Count > 0 || topError is not null ? 422 : 200, html, false);
    }

    /// <summary>The scale levels the committee described for this criterion (lowest first), skipping levels left undescribed.</summary>
    private static List<(double Level, string Meaning)> Levels(Evaluation e, CriterionDefinition c) =>
        c.LevelDescriptions.Select((meaning, i) => (Level: e.ScaleMin + i, Meaning: meaning)).Where(x => x.Meaning.Length > 0).ToList();

    private static string Sentence(string d) => d.Length == 0 ? d : char.ToUpperInvariant(d[0]) + d[1..] + (d.EndsWith('.') ? "" : ".");

    private static FormValues FromScores(Evaluation e, IReadOnlyList<CriterionDefinition> criteria, string evaluator)
    {
        var fields = new Dictionary<string, string[]>();
        for (var v = 0; v < e.Vendors.Count; v++)
            for (var c = 0; c < criteria.Count; c++)
                if (e.Scores.LastOrDefault(s => s.EvaluatorId == evaluator && s.VendorId == e.Vendors[v].Id && s.CriterionId == criteria[c].Id) is { } s)
                {
                    fields[$"s{v}_{c}_v"] = [N(s.Value)];
                    fields[$"s{v}_{c}_c"] = [s.Comment];
                    fields[$"s{v}_{c}_e"] = [s.Evidence];
                }
        return new FormValues(fields);
    }

    private static string Render(PageContext page, Evaluation e, IReadOnlyList<CriterionDefinition> criteria, FormValues values, IReadOnlyDictionary<string, string> errors,
        string? notice, string? topError, string requestId)
    {
        var b = new StringBuilder();
        var mine = e.Scores.Where(s => s.EvaluatorId == page.Invitation.PersonId).Select(s => (s.VendorId, s.CriterionId)).ToHashSet();
        var total = e.Vendors.Count * criteria.Count;
        var done = e.Vendors.Sum(v => criteria.Count(c => mine.Contains((v.Id, c.Id))));
        b.Append($"""<main class="wide"><h1>Score sheet: {E(e.Title)}</h1>""");
        if (e.Purpose.Length > 0) b.Append($"<p>{E(e.Purpose)}</p>");
        b.Append($"<p>Hello {E(page.Invitation.DisplayName)} ({E(page.Invitation.Department)}). Score each vendor on each criterion from {N(e.ScaleMin)} (worst) to {N(e.ScaleMax)} (best). " +
                 "Other evaluators' scores stay hidden until the committee closes the evaluation, and yours stay hidden from them.</p>");
        b.Append($"""<p><label for="progress">Submitted: {done} of {total} scores</label><progress id="progress" max="{Math.Max(total, 1)}" value="{done}">{done} of {total}</progress></p>""");
        if (notice is not null) b.Append($"""<p class="notice" role="status">{E(notice)}</p>""");
        if (topError is not null) b.Append($"""<div class="errors" role="alert"><p>{E(topError)}</p></div>""");
        if (e.State != EvaluationState.Open)
        {
            b.Append("""<p class="warning">This evaluation is closed: scores can no longer be changed.</p></main>""");
            return Page($"Score sheet: {e.Title}", b.ToString());
        }
        b.Append($"""<form method="post" action="{E(page.Path)}" novalidate>{page.AntiforgeryField}<input type="hidden" name="request_id" value="{E(requestId)}">""");
        for (var v = 0; v < e.Vendors.Count; v++)
        {
            var vendor = e.Vendors[v];
            b.Append($"""<section aria-labelledby="vendor{v}"><h2 id="vendor{v}">{E(vendor.Name)}{(vendor.Product.Length > 0 ? $" — {E(vendor.Product)}" : "")}</h2>""");
            for (var c = 0; c < criteria.Count; c++)
            {
                var criterion = criteria[c];
                var cell = $"s{v}_{c}";
                var error = errors.GetValueOrDefault(cell);
                var errorId = $"{cell}-error";
                var levels = Levels(e, criterion);
                var describedBy = $"{cell}-hint{(levels.Count > 0 ? $" {cell}-levels" : "")}{(error is null ? "" : $" {errorId}")}";
                b.Append($"""<fieldset class="cell"><legend>{E(criterion.Id)}{(mine.Contains((vendor.Id, criterion.Id)) ? " (submitted)" : "")}</legend>""");
                b.Append($"""<p class="hint" id="{cell}-hint">{E(criterion.Description)}{(criterion.Direction == CriterionDirection.Cost ? " Lower is better for the organisation; still score how well the vendor does." : "")}</p>""");
                if (levels.Count > 0)
                {
                    // The committee's meaning of each scale level, next to the field (and read with it: aria-describedby).
                    b.Append($"""<dl class="levels" id="{cell}-levels" aria-label="What the scores mean for {E(criterion.Id)}">""");
                    foreach (var (level, meaning) in levels) b.Append($"<dt>{N(level)}</dt><dd>{E(meaning)}</dd>");
                    b.Append("</dl>");
                }
                b.Append(Error(error, errorId));
                b.Append($"""<label for="{cell}_v">Score for {E(vendor.Name)} on {E(criterion.Id)} ({N(e.ScaleMin)} to {N(e.ScaleMax)})</label>""");
                b.Append($"""<input type="text" inputmode="decimal" id="{cell}_v" name="{cell}_v" value="{E(values.Get($"{cell}_v"))}" aria-describedby="{describedBy}"{(error is null ? "" : " aria-invalid=\"true\"")}>""");
                b.Append($"""<label for="{cell}_c">Comment</label><textarea id="{cell}_c" name="{cell}_c">{E(values.Get($"{cell}_c"))}</textarea>""");
                b.Append($"""<label for="{cell}_e">Evidence (a link or a document name)</label><input type="text" id="{cell}_e" name="{cell}_e" value="{E(values.Get($"{cell}_e"))}">""");
                b.Append("</fieldset>");
            }
            b.Append("</section>");
        }
        b.Append("""<button type="submit" name="action" value="submit">Submit scores</button><button type="submit" name="action" value="save" class="secondary">Save draft</button></form></main>""");
        return Page($"Score sheet: {e.Title}", b.ToString());
    }
}
