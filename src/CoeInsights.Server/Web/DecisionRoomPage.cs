using System.Globalization;
using System.Text;
using CoeInsights.Access;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.Reporting;
using CoeInsights.Evaluations.ApprovingRecommendation;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.ScoringEvaluation;
using CoeInsights.Server.Reports;
using ExportEvaluationWorkbookRequest = CoeInsights.V1.ExportEvaluationWorkbookRequest;
using ExportSurveyWorkbookRequest = CoeInsights.V1.ExportSurveyWorkbookRequest;
using static CoeInsights.Server.Web.Html;
using A = CoeInsights.Analytics.Scoring;

namespace CoeInsights.Server.Web;

/// <summary>
/// A committee member's decision room: the evaluation's state, scoring progress per evaluator and per department, the
/// ranking with its robustness (the workbook's scoring: <see cref="EvaluationWorkbookExport.Scoring"/>), the department
/// view, the vote, and a signed download link for every deck. The member sees what their Committee key would; a vote goes
/// through <see cref="VoteOnRecommendationHandler.Append"/> as ApproveRecommendation/RejectRecommendation do, so the
/// quorum, the "scorers may not approve" rule and the audit trail (the vote is the member's) are the API's.
/// </summary>
public static class DecisionRoomPage
{
    private const string Choice = "decision";
    private const string Comment = "comment";

    public static async Task<(int Status, string Html, bool Redirect)> Handle(PageContext page, DownloadLinkIssuer decks, IFormCollection? form, bool justVoted, CancellationToken ct)
    {
        var caller = new Caller(page.TenantId, page.Invitation.CreatedByKeyId ?? Guid.Empty, page.Invitation.PersonId, new HashSet<Role> { Role.Committee });
        var errors = new Dictionary<string, string>();
        string? notice = justVoted ? "Thank you: your vote is recorded." : null;
        var values = form is null ? new FormValues(new Dictionary<string, string[]>()) : FormValues.From(form);
        if (form is not null)
        {
            var choice = values.Get(Choice);
            if (choice is not ("approve" or "reject"))
                errors[Choice] = "Please choose Approve or Reject.";
            else
            {
                try
                {
                    var command = new VoteOnRecommendation(page.Invitation.ResourceId, choice == "approve", values.Get(Comment), page.Invitation.PersonId, page.Clock.GetUtcNow());
                    await VoteOnRecommendationHandler.Append(page.Sessions, command, ct);
                    return (200, "", true);
                }
                catch (InvalidInputException bad)
                {
                    foreach (var violation in bad.Violations)
                        errors.TryAdd(violation.Field == Comment ? Comment : Choice, $"The comment {violation.Description}.");
                }
                catch (DomainException refused)
                {
                    // The rule the API would answer FAILED_PRECONDITION with, in its own words, next to the vote.
                    errors[Comment] = refused.Message;
                }
            }
        }

        await using var query = page.Sessions.QuerySession();
        var evaluation = (await GetEvaluationHandler.Handle(query, caller, page.Invitation.ResourceId, ct)).Evaluation;
        A.ScoringResult? result = null;
        string? scoringProblem = null;
        try
        {
            result = (await ScoreEvaluationHandler.Handle(query, caller, EvaluationWorkbookExport.Scoring(evaluation.Id, null, null), ct)).Result;
        }
        catch (DomainException why)
        {
            scoringProblem = why.Message;
        }
        A.DepartmentView? departments = null;
        var departmentNote = "";
        if (result is not null)
        {
            (departments, departmentNote) = await EvaluationWorkbookExport.DepartmentWeightsView(query, caller, evaluation, result, null, ct);
            departments ??= CommonWeightsView(evaluation, result);
        }
        var links = await DeckLinks(query, caller, decks, evaluation, ct);
        var html = Render(page, evaluation, result, scoringProblem, departments, departmentNote, links, values, errors, notice);
        return (errors.Count > 0 ? 422 : 200, html, false);
    }

    /// <summary>Each department's evaluators' scores under the common weights, as the workbook shows without survey weights.</summary>
    private static A.DepartmentView? CommonWeightsView(Evaluation e, A.ScoringResult result)
    {
        var primary = result.Methods.FirstOrDefault(m => m.Method == result.PrimaryMethod);
        if (primary is null) return null;
        var criteria = e.Criteria.ToDictionary(c => c.Id, StringComparer.Ordinal);
        return A.DecisionViews.ByDepartment(result.VendorIds, result.CriterionIds,
            result.CriterionIds.Select(id => criteria.TryGetValue(id, out var c) && c.Direction == CriterionDirection.Cost ? A.CriterionDirection.Cost : A.CriterionDirection.Benefit).ToArray(),
            result.CriterionIds.Select(id => criteria.TryGetValue(id, out var c) && c.Source == CriterionSource.EvaluatorScores).ToArray(),
            result.Weights, primary.NormalisedMatrix, new A.ScoreScale(e.ScaleMin, e.ScaleMax),
            e.Scores.Select(s => new A.EvaluatorScore(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value)),
            e.Evaluators.ToDictionary(x => x.EvaluatorId, x => x.Department, StringComparer.Ordinal));
    }

    /// <summary>
    /// The decks, as signed download links (the report service's own, for the key that created the invitation: a revoked
    /// key takes them with it): the vendor workbook, and the survey workbook when a survey gave the weights. A deck
    /// that cannot be rendered yet says why instead.
    /// </summary>
    private static async Task<IReadOnlyList<(string Name, string? Url, string Why)>> DeckLinks(Marten.IQuerySession query, Caller caller, DownloadLinkIssuer decks,
        Evaluation e, CancellationToken ct)
    {
        var list = new List<(string, string?, string)>();
        if (caller.KeyId == Guid.Empty) return list;
        try
        {
            await EvaluationWorkbookExport.Check(query, caller, e.Id, null, null, ct);
            list.Add(("Vendor evaluation workbook (.xlsx)", (await decks.Issue(caller, new ExportEvaluationWorkbookRequest { EvaluationId = e.Id.ToString() }, DownloadLinks.DefaultLifetime, ct)).Url, ""));
        }
        catch (DomainException why)
        {
            list.Add(("Vendor evaluation workbook (.xlsx)", null, why.Message));
        }
        if (e.Weights is { Source: WeightSource.Survey, Survey: { } survey })
            list.Add(("Stakeholder survey workbook (.xlsx)",
                (await decks.Issue(caller, new ExportSurveyWorkbookRequest { SurveyId = survey.SurveyId }, DownloadLinks.DefaultLifetime, ct)).Url, ""));
        return list;
    }

    private static string P(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    private static string Render(PageContext page, Evaluation e, A.ScoringResult? result, string? scoringProblem, A.DepartmentView? departments, string departmentNote,
        IReadOnlyList<(string Name, string? Url, string Why)> decks, FormValues values, IReadOnlyDictionary<string, string> errors, string? notice)
    {
        var b = new StringBuilder();
        var vendorName = e.Vendors.ToDictionary(v => v.Id, v => v.Name, StringComparer.Ordinal);
        string Name(string? id) => id is null ? "" : vendorName.GetValueOrDefault(id, id);
        var criterionName = e.Criteria.ToDictionary(c => c.Id, c => string.IsNullOrWhiteSpace(c.Description) ? c.Id : c.Description, StringComparer.Ordinal);
        string CriterionName(string id) => criterionName.GetValueOrDefault(id, id);
        b.Append($"""<main class="wide"><h1>Decision room: {E(e.Title)}</h1>""");
        if (e.Purpose.Length > 0) b.Append($"<p>{E(e.Purpose)}</p>");
        b.Append($"<p>Hello {E(page.Invitation.DisplayName)}. You see this evaluation as a committee member.</p>");
        if (notice is not null) b.Append($"""<p class="notice" role="status">{E(notice)}</p>""");
        if (errors.Count > 0) b.Append("""<div class="errors" role="alert"><p>Your vote was not recorded: see the note next to the vote below.</p></div>""");

        b.Append($"""<section aria-labelledby="state"><h2 id="state">State</h2><p id="state-text">{E(EvaluationReport.StateText(e))}</p>""");
        if (e.Proposal is { } proposal)
        {
            if (proposal.Rationale.Length > 0) b.Append($"<p>Rationale: {E(proposal.Rationale)}</p>");
            if (proposal.Votes.Count > 0)
            {
                b.Append("""<ul id="votes">""");
                foreach (var v in proposal.Votes)
                    b.Append($"<li>{E(v.Member)}: {(v.Approve ? "approved" : "rejected")}{(v.Comment.Length > 0 ? $" — “{E(v.Comment)}”" : "")}</li>");
                b.Append("</ul>");
            }
        }
        b.Append("</section>");

        AppendProgress(b, e);
        AppendRanking(b, result, scoringProblem, Name, CriterionName);
        AppendDepartments(b, result, departments, departmentNote, Name);
        AppendVote(b, page, e, values, errors);

        b.Append("""<section aria-labelledby="decks"><h2 id="decks">Decks</h2>""");
        if (decks.Count == 0) b.Append("<p>No deck can be offered through this link.</p>");
        else
        {
            b.Append("<ul>");
            foreach (var (name, url, why) in decks)
                b.Append(url is null ? $"<li>{E(name)}: not available yet. {E(why)}</li>" : $"""<li><a href="{E(url)}">{E(name)}</a> (the link works for {DownloadLinks.DefaultLifetime.TotalMinutes:0} minutes; reload this page for a new one)</li>""");
            b.Append("</ul>");
        }
        b.Append("</section></main>");
        return Page($"Decision room: {e.Title}", b.ToString());
    }

    /// <summary>Per evaluator: the vendor × criterion cells they scored, of all the evaluator-scored cells; per department the sums.</summary>
    private static void AppendProgress(StringBuilder b, Evaluation e)
    {
        var cells = e.Vendors.Count * e.Criteria.Count(c => c.Source == CriterionSource.EvaluatorScores);
        var scored = e.Scores.GroupBy(s => s.EvaluatorId).ToDictionary(g => g.Key, g => g.Select(s => (s.VendorId, s.CriterionId)).Distinct().Count(), StringComparer.Ordinal);
        b.Append("""<section aria-labelledby="progress"><h2 id="progress">Scoring progress</h2>""");
        if (e.Evaluators.Count == 0 || cells == 0)
        {
            b.Append("<p>No evaluator has been invited to score yet.</p></section>");
            return;
        }
        b.Append("""<div class="table-wrap"><table id="progress-evaluators"><caption>Per evaluator</caption><thead><tr><th scope="col">Evaluator</th><th scope="col">Department</th><th scope="col">Scores submitted</th></tr></thead><tbody>""");
        foreach (var x in e.Evaluators)
        {
            var n = scored.GetValueOrDefault(x.EvaluatorId);
            b.Append($"""<tr><td>{E(x.DisplayName)}</td><td>{E(x.Department)}</td><td>{n} of {cells}</td></tr>""");
        }
        b.Append("""</tbody></table></div><div class="table-wrap"><table id="progress-departments"><caption>Per department</caption><thead><tr><th scope="col">Department</th><th scope="col">Evaluators</th><th scope="col">Scores submitted</th></tr></thead><tbody>""");
        foreach (var d in e.Evaluators.GroupBy(x => x.Department).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var n = d.Sum(x => scored.GetValueOrDefault(x.EvaluatorId));
            b.Append($"""<tr><td>{E(d.Key.Length == 0 ? "No department given" : d.Key)}</td><td>{d.Count()}</td><td>{n} of {cells * d.Count()}</td></tr>""");
        }
        b.Append("</tbody></table></div></section>");
    }

    /// <summary>The recommendation with how sure it is — probability first, then the flip points and the evaluators' agreement — then the ranking.</summary>
    private static void AppendRanking(StringBuilder b, A.ScoringResult? result, string? problem, Func<string?, string> name, Func<string, string> criterion)
    {
        b.Append("""<section aria-labelledby="ranking"><h2 id="ranking">Ranking and how robust it is</h2>""");
        if (result is null)
        {
            b.Append($"<p>No ranking yet: {E(problem)}</p></section>");
            return;
        }
        var rec = result.Recommendation;
        var primary = result.Methods.FirstOrDefault(m => m.Method == result.PrimaryMethod);
        if (rec.WinnerId is null || primary is null)
        {
            b.Append("<p>No vendor can be recommended: every vendor is ranked out (see the reasons below).</p>");
        }
        else
        {
            b.Append($"""<p id="recommendation">Recommended: <strong>{E(name(rec.WinnerId))}</strong>{(rec.RunnerUpId is null ? "" : $", ahead of {E(name(rec.RunnerUpId))}")}.</p><ul id="robustness">""");
            if (rec.ProbabilityFirst is { } pf)
                b.Append($"""<li id="probability-first">Probability it ranks first: <strong>{P(pf)}</strong> of {result.Robustness?.MonteCarlo?.Samples ?? 0:N0} plausible weightings.</li>""");
            if (rec.BootstrapProbabilityFirst is { } bf)
                b.Append($"<li>It ranks first in {P(bf)} of resamples of the evaluators.</li>");
            var flips = (result.Robustness?.Sensitivity ?? []).Where(s => s.SmallestChange is not null).OrderBy(s => s.SmallestChange).Take(3).ToList();
            if (flips.Count == 0) b.Append("<li>Flip points: no single criterion's weight, moved anywhere from 0 to 1, changes the winner.</li>");
            foreach (var f in flips)
            {
                var (to, winner) = f.LowerCriticalWeight is { } lo && (f.UpperCriticalWeight is not { } hi || f.Weight - lo <= hi - f.Weight)
                    ? (lo, f.LowerNewWinner) : (f.UpperCriticalWeight!.Value, f.UpperNewWinner);
                b.Append($"<li class=\"flip\">Flip point: the weight of {E(criterion(f.CriterionId))} moving from {P(f.Weight)} to {P(to)} makes {E(name(winner))} the winner.</li>");
            }
            b.Append(rec.MeanAgreement is { } w
                ? $"<li id=\"agreement\">Evaluators' agreement: {E(AgreementText(rec.AgreementLevel))} (Kendall's W {w.ToString("0.00", CultureInfo.InvariantCulture)}).</li>"
                : "<li id=\"agreement\">Evaluators' agreement: not assessed (it needs at least two evaluators scoring the same vendors).</li>");
            b.Append("</ul>");
            foreach (var caveat in rec.Caveats) b.Append($"""<p class="warning">{E(caveat)}</p>""");
            var order = Enumerable.Range(0, result.VendorIds.Count).OrderBy(i => primary.Ranks[i]).ToList();
            var acceptability = result.Robustness?.MonteCarlo?.RankAcceptability;
            b.Append($"""<div class="table-wrap"><table id="ranking-table"><caption>Ranking by {E(primary.Method.ToString().ToUpperInvariant())} (the primary method)</caption><thead><tr><th scope="col">Rank</th><th scope="col">Vendor</th><th scope="col">Score</th><th scope="col">Ranks first in</th></tr></thead><tbody>""");
            foreach (var i in order)
                b.Append($"""<tr><td>{primary.Ranks[i]}</td><td>{E(name(result.VendorIds[i]))}</td><td>{N(Math.Round(primary.Scores[i] * (primary.HigherIsBetter ? 100 : 1), 1))}</td><td>{(acceptability is null ? "" : P(acceptability[i][0]))}</td></tr>""");
            b.Append("</tbody></table></div>");
        }
        foreach (var x in result.Excluded) b.Append($"<p>{E(name(x.VendorId))} is not ranked: {E(x.Reason)}</p>");
        b.Append("</section>");
    }

    private static string AgreementText(A.AgreementLevel level) => level switch
    {
        A.AgreementLevel.VeryWeak => "very weak",
        A.AgreementLevel.Weak => "weak",
        A.AgreementLevel.Moderate => "moderate",
        A.AgreementLevel.Strong => "strong",
        A.AgreementLevel.VeryStrong => "very strong",
        _ => "not assessed",
    };

    private static void AppendDepartments(StringBuilder b, A.ScoringResult? result, A.DepartmentView? view, string note, Func<string?, string> name)
    {
        if (result is null || view is null) return;
        b.Append("""<section aria-labelledby="departments"><h2 id="departments">By department</h2>""");
        if (note.Length > 0) b.Append($"""<p class="hint">{E(note)}</p>""");
        var rows = view.Balanced is null ? view.Departments : [.. view.Departments, view.Balanced];
        if (rows.Count == 0)
        {
            b.Append("<p>No evaluator with a department scored a ranked vendor yet.</p></section>");
            return;
        }
        string Name(int i) => name(result.VendorIds[i]);
        b.Append("""<div class="table-wrap"><table id="department-table"><thead><tr><th scope="col">Department</th><th scope="col">People</th><th scope="col">Winner</th><th scope="col">Margin (points)</th></tr></thead><tbody>""");
        foreach (var d in rows)
            b.Append($"""<tr><td>{E(d.Department.Length == 0 ? "No department given" : d.Department)}</td><td>{d.Evaluators}</td><td>{E(Name(d.Winner))}</td><td>{(d.Margin is { } m ? N(Math.Round(m, 1)) : "")}</td></tr>""");
        b.Append("</tbody></table></div></section>");
    }

    private static void AppendVote(StringBuilder b, PageContext page, Evaluation e, FormValues values, IReadOnlyDictionary<string, string> errors)
    {
        b.Append("""<section aria-labelledby="vote"><h2 id="vote">Your vote</h2>""");
        var mine = e.Proposal?.Votes.FirstOrDefault(v => v.Member == page.Invitation.PersonId);
        if (mine is not null)
            b.Append($"""<p id="my-vote">You {(mine.Approve ? "approved" : "rejected")} this recommendation on {mine.At.ToString("d MMMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture)}.</p>""");
        if (e.State != EvaluationState.RecommendationProposed || mine is not null)
        {
            if (mine is null) b.Append("<p>There is no proposed recommendation to vote on.</p>");
            b.Append("</section>");
            return;
        }
        var choiceError = errors.GetValueOrDefault(Choice);
        var commentError = errors.GetValueOrDefault(Comment);
        b.Append($"""<form method="post" action="{E(page.Path)}" novalidate>{page.AntiforgeryField}""");
        b.Append($"""<fieldset{(choiceError is null ? "" : " aria-describedby=\"decision-error\"")}><legend>Approve or reject the proposed vendor</legend>{Error(choiceError, "decision-error")}<div class="choices">""");
        foreach (var (value, label) in new[] { ("approve", "Approve"), ("reject", "Reject") })
            b.Append($"""<label for="decision_{value}"><input type="radio" id="decision_{value}" name="{Choice}" value="{value}"{(values.Get(Choice) == value ? " checked" : "")}>{label}</label>""");
        b.Append("</div></fieldset>");
        b.Append($"""<label for="{Comment}">Comment (kept with your vote in the audit trail)</label>{Error(commentError, "comment-error")}""");
        b.Append($"""<textarea id="{Comment}" name="{Comment}"{Described(commentError, "comment-error")}>{E(values.Get(Comment))}</textarea>""");
        b.Append("""<button type="submit" name="action" value="vote">Record my vote</button></form></section>""");
    }
}
