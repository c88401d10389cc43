using CoeInsights.Access;
using CoeInsights.Common;
using CoeInsights.Connectors;
using CoeInsights.Kpis;
using CoeInsights.Evaluations;
using CoeInsights.Surveys;
using JasperFx;
using JasperFx.Events;
using JasperFx.MultiTenancy;
using Marten;
using Weasel.Core;

namespace CoeInsights.Store;

/// <summary>The one place the event store's conventions are set; each module adds its own types.</summary>
public static class CoeStore
{
    public const string DefaultSchema = "coe";

    public static StoreOptions Configure(StoreOptions options, string connectionString, string schema = DefaultSchema)
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = schema;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Conjoined tenancy: every tenant in one schema, every row tagged and filtered by tenant_id.
        options.Events.TenancyStyle = TenancyStyle.Conjoined;
        options.Policies.AllDocumentsAreMultiTenanted();
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

        // Safety settings. A new stream must say its aggregate type (StartStream<T>), and an append goes only to a
        // stream that exists, so a typo'd id cannot start an untyped stream.
        options.Events.UseMandatoryStreamTypeDeclaration = true;
        // Which call wrote each event: correlation and causation ids from the request's trace (CallMetadata).
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Listeners.Add(new CallMetadata());
        // Watches wait for these instead of polling: pg_notify in the transaction of each watched change (ChangeNotifications).
        options.Listeners.Add(new ChangeNotifications());
        // A projection that fails on an event stops instead of skipping it (the daemon's defaults skip), in continuous
        // runs and rebuilds alike. Every projection is inline today, where a failure already fails the write.
        foreach (var errors in new[] { options.Projections.Errors, options.Projections.RebuildErrors })
        {
            errors.SkipApplyErrors = false;
            errors.SkipSerializationErrors = false;
            errors.SkipUnknownEvents = false;
        }

        options.ConfigureAccess();
        options.ConfigureKpis();
        options.ConfigureEvaluations();
        options.ConfigureSurveys();
        Invitations.InvitationsModule.ConfigureInvitations(options);
        options.ConfigureConnectors();
        Alerts.AlertsModule.ConfigureAlerts(options);
        options.ConfigureCreateClaims();
        Alerts.Delivery.AlertDeliveryModule.ConfigureAlertDelivery(options);
        return options;
    }
}
