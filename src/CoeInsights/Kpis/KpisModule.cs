using JasperFx.Events.Projections;
using Marten;

namespace CoeInsights.Kpis;

public static class KpisModule
{
    /// <summary>Profile and batch streams, the inline profile projection, batch receipts and the flat observation tables (daily and hourly).</summary>
    public static StoreOptions ConfigureKpis(this StoreOptions options)
    {
        options.Events.AddEventType<ProfileRegistered>();
        options.Events.AddEventType<KpiCorrected>();
        options.Events.AddEventType<KpiBatchRecorded>();
        options.Projections.Add<KpiProfileProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<KpiProfile>().Index(p => p.Handle);
        options.Schema.For<KpiBatchReceipt>();
        options.Storage.ExtendedSchemaObjects.Add(ObservationTable.Define(options.DatabaseSchemaName));
        options.Storage.ExtendedSchemaObjects.Add(HourlyObservationTable.Define(options.DatabaseSchemaName));
        return options;
    }
}

/// <summary>What a batch's idempotency key maps to: the ack the first attempt got. Id = idempotency key.</summary>
public sealed record KpiBatchReceipt(string Id, Guid BatchId, int ObservationCount, DateTimeOffset RecordedAt);
