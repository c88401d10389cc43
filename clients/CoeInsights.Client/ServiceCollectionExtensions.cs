using Microsoft.Extensions.DependencyInjection;

namespace CoeInsights.Client;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers every CoeInsights gRPC client, sharing one authenticated channel.</summary>
    public static IServiceCollection AddCoeInsightsClient(this IServiceCollection services, CoeClientOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(_ => CoeChannel.Create(options));
        services.AddSingleton(sp => new V1.ServerInfoService.ServerInfoServiceClient(sp.GetRequiredService<Grpc.Net.Client.GrpcChannel>()));
        services.AddSingleton(sp => new V1.AdminService.AdminServiceClient(sp.GetRequiredService<Grpc.Net.Client.GrpcChannel>()));
        services.AddSingleton(sp => new V1.KpiService.KpiServiceClient(sp.GetRequiredService<Grpc.Net.Client.GrpcChannel>()));
        services.AddSingleton(sp => new V1.EvaluationService.EvaluationServiceClient(sp.GetRequiredService<Grpc.Net.Client.GrpcChannel>()));
        services.AddSingleton(sp => new V1.SurveyService.SurveyServiceClient(sp.GetRequiredService<Grpc.Net.Client.GrpcChannel>()));
        return services;
    }
}
