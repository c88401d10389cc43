using CoeInsights.Analytics;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Evaluations;
using CoeInsights.Surveys.GettingDetails;
using CoeInsights.Surveys.ListingSurveys;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Surveys.PublishingSurvey;

public sealed record PublishSurvey(
    Guid SurveyId, string Title, IReadOnlyList<AudienceDepartment> Audience, IReadOnlyList<SurveyQuestion> Questions,
    IReadOnlyList<SurveyScale> Scales, EvaluationLink? Evaluation, string? RequestId, string By, DateTimeOffset Now)
{
    /// <summary>The wording of each question, by question id (optional).</summary>
    public IReadOnlyDictionary<string, string> QuestionTexts { get; init; } = new Dictionary<string, string>();
}

public static class PublishSurveyHandler
{
    /// <summary>Opens the stream (or finds the one a retried request_id created), then the survey's details.</summary>
    public static async Task<SurveyDetails> Handle(ISessionFactory sessions, PublishSurvey command, CancellationToken ct) =>
        await GetSurveyHandler.Load(sessions, await Handle(sessions.OpenSession, command, ct), ct);

    /// <summary>Opens the stream; a retried request_id returns the survey it created.</summary>
    public static async Task<Guid> Handle(Func<IDocumentSession> openSession, PublishSurvey command, CancellationToken ct)
    {
        var published = Decide(command);
        if (await FindByRequestId(openSession, command.RequestId, ct) is { } existing) return existing;
        if (command.Evaluation is { } link) await CheckLink(openSession, link, ct);
        // The summary's unique index on (tenant, request_id) lets one of N concurrent identical creates commit (on any
        // server); the others read the winner and return it, as a later retry would.
        return await CreateOnce.InsertOrReturn(
            async () =>
            {
                await using var session = openSession();
                session.Events.StartStream<Survey>(published.SurveyId, published);
                await session.SaveChangesAsync(ct);
                return published.SurveyId;
            },
            async () => await FindByRequestId(openSession, command.RequestId, ct)
                ?? throw new InvalidOperationException($"request_id '{command.RequestId}' collided but is not stored."));
    }

    /// <summary>
    /// The linked evaluation must exist in the caller's tenant (the session is tenant-bound: another tenant's
    /// evaluation is as absent as a missing one), and every linked criterion must be one of its criteria.
    /// </summary>
    private static async Task CheckLink(Func<IDocumentSession> openSession, EvaluationLink link, CancellationToken ct)
    {
        await using var session = openSession();
        var evaluation = (await Evaluations.GettingDetails.GetEvaluationHandler.Load(session, link.EvaluationId, ct)).Evaluation;
        var known = evaluation.Criteria.Select(c => c.Id).ToHashSet();
        var v = new Validator();
        for (var i = 0; i < link.CriterionIds.Count; i++)
            if (!known.Contains(link.CriterionIds[i]))
                v.Add($"evaluation.criterion_ids[{i}]", $"'{link.CriterionIds[i]}' is not a criterion of evaluation {link.EvaluationId}");
        v.ThrowIfInvalid();
    }

    public static SurveyPublished Decide(PublishSurvey c)
    {
        var v = new Validator()
            .RequireName(c.Title, "title")
            .RequireList(c.Audience, "audience", 200)
            .RequireList(c.Questions, "questions", 200)
            .Require(c.RequestId is null || c.RequestId.Length <= 100, "request_id", "at most 100 characters");
        var departments = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < c.Audience.Count; i++)
        {
            var a = c.Audience[i];
            v.RequireName(a.Department, $"audience[{i}].department")
                .Require(a.Invited >= 0, $"audience[{i}].invited", "must not be negative");
            if (!departments.Add(Inputs.Clean(a.Department))) v.Add($"audience[{i}].department", $"department '{a.Department}' is listed twice");
        }
        if (c.Evaluation is { } link)
        {
            v.Require(link.EvaluationId != Guid.Empty, "evaluation.evaluation_id", "must be an evaluation id");
            for (var i = 0; i < link.CriterionIds.Count; i++)
                v.RequireId(link.CriterionIds[i], $"evaluation.criterion_ids[{i}]");
            for (var i = 0; i < c.Questions.Count; i++)
                if (c.Questions[i].CriterionId is { } cid && link.CriterionIds.Count > 0 && !link.CriterionIds.Contains(cid))
                    v.Add($"questions[{i}].criterion_id", $"'{cid}' is not one of the linked evaluation's criteria");
        }
        else
        {
            for (var i = 0; i < c.Questions.Count; i++)
                if (c.Questions[i].CriterionId is not null) v.Add($"questions[{i}].criterion_id", "link the survey to an evaluation to name its criteria");
        }
        foreach (var (questionId, text) in c.QuestionTexts)
            v.OptionalText(text, $"questions[{questionId}].text", 1000);
        v.ThrowIfInvalid();
        SurveyStream.Validate(c.Questions, c.Scales, null, "");
        var audience = c.Audience.Select(a => new AudienceDepartment(Inputs.Clean(a.Department), a.Invited)).ToList();
        return new SurveyPublished(c.SurveyId, c.Title.Trim(), audience, c.Questions, c.Scales, c.Evaluation,
            string.IsNullOrEmpty(c.RequestId) ? null : c.RequestId, c.By, c.Now) { QuestionTexts = c.QuestionTexts };
    }

    private static async Task<Guid?> FindByRequestId(Func<IDocumentSession> openSession, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        await using var session = openSession();
        var found = await session.Query<SurveySummary>().Where(s => s.RequestId == requestId).Select(s => s.Id).ToListAsync(ct);
        return found.Count > 0 ? found[0] : null;
    }
}
