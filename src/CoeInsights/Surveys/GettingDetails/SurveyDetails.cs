using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace CoeInsights.Surveys.GettingDetails;

/// <summary>The details read model: the folded survey plus its stream version (handed out as the etag). Inline.</summary>
public sealed record SurveyDetails
{
    public required Guid Id { get; init; }
    public long Version { get; set; }
    public required Survey Survey { get; init; }
}

public sealed class SurveyDetailsProjection : SingleStreamProjection<SurveyDetails, Guid>
{
    public override SurveyDetails? Evolve(SurveyDetails? snapshot, Guid id, IEvent e)
    {
        var survey = Survey.Advance(snapshot?.Survey, e.Data);
        return survey is null ? snapshot : new SurveyDetails { Id = id, Version = e.Version, Survey = survey };
    }
}

public static class GetSurveyHandler
{
    public static async Task<SurveyDetails> Load(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<SurveyDetails>(id, ct) ?? throw SurveyStream.NotFound(id);

    /// <summary>The details in a session of its own (a write's read back).</summary>
    public static async Task<SurveyDetails> Load(ISessionFactory sessions, Guid id, CancellationToken ct)
    {
        await using var session = sessions.QuerySession();
        return await Load(session, id, ct);
    }
}
