using CoeInsights.Access;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace CoeInsights.Evaluations.GettingDetails;

/// <summary>
/// The details read model: the folded evaluation plus its stream version (handed out as the etag).
/// Inline, so a write is visible to the next read. Scores are filtered per caller on the way out.
/// </summary>
public sealed record EvaluationDetails
{
    public required Guid Id { get; init; }
    public long Version { get; set; }
    public required Evaluation Evaluation { get; init; }
}

public sealed class EvaluationDetailsProjection : SingleStreamProjection<EvaluationDetails, Guid>
{
    public override EvaluationDetails? Evolve(EvaluationDetails? snapshot, Guid id, IEvent e)
    {
        var evaluation = Evaluation.Advance(snapshot?.Evaluation, e.Data);
        return evaluation is null ? snapshot : new EvaluationDetails { Id = id, Version = e.Version, Evaluation = evaluation };
    }
}

public static class GetEvaluationHandler
{
    /// <summary>The details as stored (every score), through the per-version cache (<see cref="EvaluationDetailsCache"/>).</summary>
    public static async Task<EvaluationDetails> Load(IQuerySession session, Guid id, CancellationToken ct) =>
        (await LoadCached(session, id, ct)).Details;

    internal static async Task<CachedDetails> LoadCached(IQuerySession session, Guid id, CancellationToken ct) =>
        await EvaluationDetailsCache.For(session.DocumentStore).LoadAsync(session, id, ct) ?? throw EvaluationStream.NotFound(id);

    /// <summary>The evaluation as the caller may see it (blind scoring until close).</summary>
    public static async Task<EvaluationDetails> Handle(IQuerySession session, Caller caller, Guid id, CancellationToken ct)
    {
        var details = await Load(session, id, ct);
        return details with { Evaluation = details.Evaluation.VisibleTo(caller) };
    }

    /// <summary>
    /// <paramref name="render"/> of the evaluation as the caller may see it, computed once per version and visible
    /// set of scores (all, or one principal's) and shared by every caller who sees the same: the adapter's response
    /// message is built once, not per call. <paramref name="render"/> must be pure and its result never changed.
    /// </summary>
    public static async Task<T> Handle<T>(IQuerySession session, Caller caller, Guid id, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class
    {
        var cached = await LoadCached(session, id, ct);
        var details = cached.Details;
        var key = "view|" + typeof(T).FullName + "|" + VisibilityKey(caller, details.Evaluation);
        if (cached.TryGetDerived<T>(key, out var view)) return view;
        view = render(details with { Evaluation = details.Evaluation.VisibleTo(caller) });
        cached.AddDerived(key, view);
        return view;
    }

    /// <summary>Which scores the caller sees of <paramref name="e"/>: all ("*"), or only one principal's.</summary>
    internal static string VisibilityKey(Caller caller, Evaluation e) =>
        BlindScoring.SeesAllScores(caller, e.State) ? "*" : "principal:" + caller.Principal;
}
