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

        options.ConfigureAccess();
        options.ConfigureKpis();
        options.ConfigureEvaluations();
        options.ConfigureSurveys();
        Invitations.InvitationsModule.ConfigureInvitations(options);
        options.ConfigureConnectors();
        options.ConfigureCreateClaims();
        return options;
    }
}
