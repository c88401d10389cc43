using System.Globalization;
using System.Runtime.CompilerServices;
using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using JasperFx.Events;
using Marten;

namespace CoeInsights.Evaluations.GettingHistory;

/// <summary>
/// One line of the audit trail: who did what, when. <see cref="EventType"/> and <see cref="Details"/> are the event's
/// API name and details from <see cref="HistoryEvents"/> (redacted when blind).
/// </summary>
public sealed record HistoryEntry(long Version, string EventType, string Actor, DateTimeOffset At, string Summary, EventDetails Details, EvaluationState StateAfter);

/// <summary>
/// Where a watch of one evaluation is: the events read and not yet folded, the fold so far, and the last version the
/// watcher was given (or asked to start after).
/// </summary>
public sealed class HistoryCursor
{
    internal HistoryCursor(Guid evaluationId, IReadOnlyList<IEvent> unread, long sent)
    {
        EvaluationId = evaluationId;
        Unread = unread;
        Sent = sent;
    }

    public Guid EvaluationId { get; }

    /// <summary>The last version given to the watcher: events after it are still to be sent.</summary>
    public long Sent { get; internal set; }

    internal IReadOnlyList<IEvent> Unread { get; set; }
    internal Evaluation? State { get; set; }
    internal long Folded { get; set; }
}

public static class EvaluationHistoryHandler
{
    /// <summary>
    /// Validates a watch and reads the stream once: <paramref name="afterVersion"/> (null: from now on) must be neither
    /// negative nor beyond the evaluation's current version (a cursor the client has never seen numbered is a client bug).
    /// </summary>
    public static async Task<HistoryCursor> StartAsync(IQuerySession session, Guid id, long? afterVersion, CancellationToken ct)
    {
        new Validator().Require(afterVersion is null or >= 0, "after_version", "must not be negative").ThrowIfInvalid();
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0) throw EvaluationStream.NotFound(id);
        new Validator().Require(afterVersion is null || afterVersion <= events[^1].Version, "after_version",
            $"must not be beyond the evaluation's current version {events[^1].Version}").ThrowIfInvalid();
        return new HistoryCursor(id, events, afterVersion ?? events[^1].Version);
    }

    /// <summary>
    /// The events after the cursor, each as <paramref name="caller"/> may see it (blind scoring as of the events read so
    /// far), until cancelled. Between reads of the stream it awaits <paramref name="wait"/> (the server's change
    /// notification for the stream, or its fallback interval).
    /// </summary>
    public static async IAsyncEnumerable<HistoryEntry> FollowAsync(IQuerySession session, Caller caller, HistoryCursor cursor,
        Func<CancellationToken, Task> wait, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var fresh = new List<(IEvent Event, EvaluationState After)>();
            foreach (var e in cursor.Unread)
            {
                cursor.State = Evaluation.Advance(cursor.State, e.Data);
                cursor.Folded = e.Version;
                if (e.Version > cursor.Sent) fresh.Add((e, cursor.State!.State));
            }
            cursor.Unread = [];
            foreach (var (e, after) in fresh)
            {
                yield return Describe(e, caller, cursor.State!.State, after);
                cursor.Sent = e.Version;
            }
            await wait(ct);
            cursor.Unread = await session.Events.FetchStreamAsync(cursor.EvaluationId, fromVersion: cursor.Folded + 1, token: ct);
        }
    }

    /// <summary>The audit trail, oldest first, as the caller may see it.</summary>
    public static async Task<(IReadOnlyList<HistoryEntry> Entries, long Version, string NextPageToken)> Handle(
        IQuerySession session, Caller caller, Guid id, Page page, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0) throw EvaluationStream.NotFound(id);
        var after = new List<EvaluationState>(events.Count);
        Evaluation? folded = null;
        foreach (var e in events)
        {
            folded = Evaluation.Advance(folded, e.Data);
            after.Add(folded?.State ?? EvaluationState.Open);
        }
        var current = after[^1];
        var rows = events.Select((e, i) => (e, i)).Skip(page.Offset).Take(page.Size + 1)
            .Select(x => Describe(x.e, caller, current, after[x.i])).ToList();
        return (rows.Take(page.Size).ToList(), events[^1].Version, page.NextToken(rows.Count));
    }

    /// <summary>
    /// One event as <paramref name="caller"/> may see it, given the evaluation's <paramref name="currentState"/>:
    /// until close, another evaluator's score values are withheld (blind scoring).
    /// </summary>
    public static HistoryEntry Describe(IEvent e, Caller caller, EvaluationState currentState, EvaluationState stateAfter)
    {
        var by = e.Data is IEvaluationEvent ev ? ev.By : "";
        var at = e.Data is IEvaluationEvent ev2 ? ev2.At : e.Timestamp;
        var type = HistoryEvents.Name(e.Data);
        if (e.Data is ScoresSubmitted hidden && !BlindScoring.SeesScoresOf(caller, currentState, hidden.EvaluatorId))
            return new HistoryEntry(e.Version, type, by, at, $"{hidden.EvaluatorId} submitted scores (hidden until the evaluation closes)",
                HistoryEvents.Redacted(hidden, "hidden until the evaluation closes"), stateAfter);
        return new HistoryEntry(e.Version, type, by, at, Summarise(e.Data), HistoryEvents.DetailsOf(e.Data), stateAfter);
    }

    private static string Summarise(object data) => data switch
    {
        EvaluationOpened x => $"opened \"{x.Title}\" (scale {N(x.ScaleMin)}–{N(x.ScaleMax)}, {x.CommitteeMembers.Count} committee members)",
        CriteriaAdded x => $"added {x.Criteria.Count} criteria: {string.Join(", ", x.Criteria.Select(c => c.Id))}",
        CriterionUpdated x => $"changed criterion {x.Criterion.Id}",
        CriterionRemoved x => $"removed criterion {x.CriterionId}",
        VendorsAdded x => $"added {x.Vendors.Count} vendors: {string.Join(", ", x.Vendors.Select(v => v.Id))}",
        EvaluatorsInvited x => $"invited {string.Join(", ", x.Evaluators.Select(v => $"{v.EvaluatorId} ({v.Department})"))}",
        WeightsSet x => x.Source switch
        {
            WeightSource.Ahp => $"set weights from AHP judgements (CR {N(x.Ahp?.ConsistencyRatio ?? 0)})",
            WeightSource.Survey => $"set weights from survey {x.Survey?.SurveyId} v{x.Survey?.SurveyVersion}",
            _ => "set weights directly",
        },
        ScoresSubmitted x => $"{x.EvaluatorId} submitted {x.Scores.Count} scores",
        EvaluationClosed => "closed the evaluation",
        RecommendationProposed x => $"proposed {x.VendorId}",
        RecommendationVoteCast x => $"{x.Member} {(x.Approve ? "approved" : "rejected")} the recommendation",
        RecommendationApproved x => $"recommendation {x.VendorId} approved ({x.Approvals} of {x.Quorum} needed)",
        RecommendationRejected x => $"recommendation {x.VendorId} rejected ({x.Rejections} rejections; quorum {x.Quorum} unreachable)",
        EvaluationReopened x => $"reopened: {x.Reason}",
        _ => data.GetType().Name,
    };

    private static string N(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);
}
