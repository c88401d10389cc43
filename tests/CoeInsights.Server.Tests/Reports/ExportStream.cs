using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Tests.Reports;

/// <summary>Reads an export's server stream as a client does: the metadata chunk first, then the file's bytes.</summary>
internal static class ExportStream
{
    public static async Task<(ExportMetadata Metadata, byte[] Bytes)> ReadAsync(AsyncServerStreamingCall<ExportChunk> call)
    {
        using (call)
        {
            ExportMetadata? metadata = null;
            using var bytes = new MemoryStream();
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            {
                if (chunk.PartCase == ExportChunk.PartOneofCase.Metadata) metadata = chunk.Metadata;
                else
                {
                    Assert.NotNull(metadata); // metadata comes first
                    chunk.Data.WriteTo(bytes);
                }
            }
            return (metadata!, bytes.ToArray());
        }
    }
}
