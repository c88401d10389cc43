using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.ListingEvaluations;
using Marten;

namespace CoeInsights.Evaluations.OpeningEvaluation;

/// <param name="ApprovalQuorum">Approvals that approve a recommendation; 0 = a majority of the committee members.</param>
/// <param name="ScorersMayNotApprove">When true, a committee member who submitted scores may not vote on the recommendation.</param>
public sealed record OpenEvaluation(
    Guid EvaluationId, string Title, string Purpose, double ScaleMin, double ScaleMax,
    IReadOnlyList<string> CommitteeMembers, int ApprovalQuorum, bool ScorersMayNotApprove,
    string? RequestId, string By, DateTimeOffset Now);

public static class OpenEvaluationHandler
{
    /// <summary>Opens the stream (or finds the one a retried request_id created), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static async Task<T> Handle<T>(ISessionFactory sessions, Caller caller, OpenEvaluation command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class
    {
        var id = await Handle(sessions.OpenSession, command, ct);
        return await EvaluationStream.ReadAsync(sessions, caller, id, render, ct);
    }

    /// <summary>Opens the stream; a retried request_id returns the evaluation it created.</summary>
    public static async Task<Guid> Handle(Func<IDocumentSession> openSession, OpenEvaluation command, CancellationToken ct)
    {
        var opened = Decide(command);
        if (await FindByRequestId(openSession, command.RequestId, ct) is { } existing) return existing;
        // The summary's unique index on (tenant, request_id) lets one of N concurrent identical creates commit (on any
        // server); the others read the winner and return it, as a later retry would.
        return await CreateOnce.InsertOrReturn(
            async () =>
            {
                await using var session = openSession();
                session.Events.StartStream<Evaluation>(opened.EvaluationId, opened);
                await session.SaveChangesAsync(ct);
                return opened.EvaluationId;
            },
            async () => await FindByRequestId(openSession, command.RequestId, ct)
                ?? throw new InvalidOperationException($"request_id '{command.RequestId}' collided but is not stored."));
    }

    public static EvaluationOpened Decide(OpenEvaluation c)
    {
        var members = c.CommitteeMembers.Select(Inputs.Clean).Append(c.By).Distinct(StringComparer.Ordinal).ToList();
        var v = new Validator()
            .RequireName(c.Title, "title")
            .OptionalText(c.Purpose, "purpose")
            .RequireBounded(c.ScaleMin, "scale.min")
            .RequireBounded(c.ScaleMax, "scale.max")
            .Require(c.RequestId is null || c.RequestId.Length <= 100, "request_id", "at most 100 characters")
            .Require(c.CommitteeMembers.Count <= 100, "committee_members", "at most 100 members")
            .Require(c.ApprovalQuorum >= 0 && c.ApprovalQuorum <= members.Count, "approval_quorum",
                $"must be between 0 (a majority) and the number of committee members ({members.Count})");
        if (double.IsFinite(c.ScaleMin) && double.IsFinite(c.ScaleMax))
            v.Require(c.ScaleMin < c.ScaleMax, "scale.max", "must be greater than scale.min");
        for (var i = 0; i < c.CommitteeMembers.Count; i++)
            v.RequireName(c.CommitteeMembers[i], $"committee_members[{i}]");
        v.ThrowIfInvalid();
        return new EvaluationOpened(c.EvaluationId, c.Title.Trim(), Inputs.Clean(c.Purpose), c.ScaleMin, c.ScaleMax, members,
            c.ApprovalQuorum, c.ScorersMayNotApprove, string.IsNullOrEmpty(c.RequestId) ? null : c.RequestId, c.By, c.Now);
    }

    private static async Task<Guid?> FindByRequestId(Func<IDocumentSession> openSession, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        await using var session = openSession();
        var found = await session.Query<EvaluationSummary>().Where(s => s.RequestId == requestId).Select(s => s.Id).ToListAsync(ct);
        return found.Count > 0 ? found[0] : null;
    }
}
