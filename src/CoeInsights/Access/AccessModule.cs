using Marten;

namespace CoeInsights.Access;

public static class AccessModule
{
    /// <summary>Tenants and keys are global: they decide which tenant a call belongs to.</summary>
    public static StoreOptions ConfigureAccess(this StoreOptions options)
    {
        options.Schema.For<TenantRecord>().SingleTenanted();
        options.Schema.For<ApiKeyRecord>().SingleTenanted().Index(k => k.TenantId);
        options.Schema.For<BootstrapMarker>().SingleTenanted();
        options.Schema.For<SigningKeys.SigningKey>().SingleTenanted();
        return options;
    }
}
