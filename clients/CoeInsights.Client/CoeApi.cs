using Google.Protobuf.Reflection;
using CoeInsights.V1;

namespace CoeInsights.Client;

/// <summary>The descriptors of the public API (protos/coeinsights/v1), for what is derived from its annotations.</summary>
public static class CoeApi
{
    public static IReadOnlyList<FileDescriptor> Files { get; } =
    [
        AdminServiceReflection.Descriptor, AlertBacktestServiceReflection.Descriptor, AlertDeliveryServiceReflection.Descriptor, AlertMethodReflection.Descriptor, AlertServiceReflection.Descriptor, ConnectorServiceReflection.Descriptor, EvaluationServiceReflection.Descriptor, InvitationServiceReflection.Descriptor,
        KpiServiceReflection.Descriptor, ReportServiceReflection.Descriptor, ScoringReflection.Descriptor,
        ScoringServiceReflection.Descriptor, ServerInfoServiceReflection.Descriptor, SurveyServiceReflection.Descriptor,
    ];

    public static IEnumerable<ServiceDescriptor> Services => Files.SelectMany(f => f.Services);

    /// <summary>
    /// The methods the channel retries on UNAVAILABLE: those the protos mark NO_SIDE_EFFECTS or IDEMPOTENT, except
    /// client-streaming ones (a retry would have to buffer the whole upload).
    /// </summary>
    public static IEnumerable<MethodDescriptor> RetriedMethods => Services.SelectMany(s => s.Methods)
        .Where(m => !m.IsClientStreaming && m.GetOptions()?.IdempotencyLevel is
            MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent);

    /// <summary>Every message of the API, nested ones included.</summary>
    public static IEnumerable<MessageDescriptor> Messages => Files.SelectMany(f => f.MessageTypes).SelectMany(Flatten);

    private static IEnumerable<MessageDescriptor> Flatten(MessageDescriptor m) => m.NestedTypes.SelectMany(Flatten).Prepend(m);
}
