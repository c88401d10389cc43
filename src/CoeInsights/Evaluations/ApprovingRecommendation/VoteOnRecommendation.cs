using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.ApprovingRecommendation;

/// <summary>ApproveRecommendation (Approve = true) or RejectRecommendation (Approve = false) by one committee member.</summary>
public sealed record VoteOnRecommendation(Guid EvaluationId, bool Approve, string Comment, string By, DateTimeOffset Now);

public static class VoteOnRecommendationHandler
{
    /// <summary>
    /// Load → decide → append at the command's evaluation, without a precondition: a concurrent append is retried with a
    /// fresh read, and the same vote again is a no-op.
    /// </summary>
    public static Task<WriteResult> Append(ISessionFactory sessions, VoteOnRecommendation command, CancellationToken ct) =>
        EvaluationStream.AppendAsync(sessions.OpenSession, command.EvaluationId, null, e => Decide(command, e), ct);

    /// <summary>As <see cref="Append"/>, then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, VoteOnRecommendation command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, null, e => Decide(command, e), render, ct);

    /// <summary>
    /// Records the vote. Approvals reaching the quorum approve the recommendation; rejections that make the
    /// quorum unreachable reject it. Voting the same way again is a no-op (safe retry); changing a vote is refused.
    /// </summary>
    public static IReadOnlyList<object> Decide(VoteOnRecommendation c, Evaluation e)
    {
        new Validator().OptionalText(c.Comment, "comment").ThrowIfInvalid();
        var previous = e.Proposal?.Votes.FirstOrDefault(x => x.Member == c.By);
        if (previous is not null && previous.Approve == c.Approve) return [];
        if (e.State != EvaluationState.RecommendationProposed || e.Proposal is null)
            throw new RuleViolationException(ErrorReasons.NoRecommendationPending, e.Subject, "There is no proposed recommendation to vote on.");
        if (!e.CommitteeMembers.Contains(c.By))
            throw new RuleViolationException(ErrorReasons.NotACommitteeMember, e.Subject, $"'{c.By}' is not a committee member of this evaluation.");
        if (e.ScorersMayNotApprove && e.HasScored(c.By))
            throw new RuleViolationException(ErrorReasons.EvaluatorCannotApprove, e.Subject,
                $"'{c.By}' scored this evaluation, and this evaluation does not let its evaluators vote on the recommendation.");
        if (previous is not null)
            throw new RuleViolationException(ErrorReasons.AlreadyVoted, e.Subject, $"'{c.By}' already voted on this recommendation.");

        var vote = new RecommendationVoteCast(c.By, c.Approve, Inputs.Clean(c.Comment), c.By, c.Now);
        var votes = e.Proposal.Votes.Append(new Vote(c.By, c.Approve, "", c.Now)).ToList();
        var approvals = votes.Count(x => x.Approve);
        var rejections = votes.Count - approvals;
        var quorum = e.EffectiveQuorum;
        if (approvals >= quorum) return [vote, new RecommendationApproved(e.Proposal.VendorId, approvals, quorum, c.By, c.Now)];
        if (e.CommitteeMembers.Count - rejections < quorum) return [vote, new RecommendationRejected(e.Proposal.VendorId, rejections, quorum, c.By, c.Now)];
        return [vote];
    }
}
