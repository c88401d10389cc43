using CoeInsights.Common;
using Google.Protobuf;

namespace CoeInsights.Server.Validation;

/// <summary>
/// The page of a List request (AIP-158): page_size and page_token, with the token tied to the method and every other
/// field of the request, so a token reused with another filter (or on another method) is INVALID_ARGUMENT on page_token.
/// </summary>
public static class PageRequest
{
    public static Page From<T>(T request) where T : IMessage<T>
    {
        var descriptor = request.Descriptor;
        var size = descriptor.FindFieldByName("page_size") ?? throw new ArgumentException($"{descriptor.FullName} has no page_size");
        var token = descriptor.FindFieldByName("page_token") ?? throw new ArgumentException($"{descriptor.FullName} has no page_token");
        var rest = descriptor.Parser.ParseFrom(request.ToByteString());
        size.Accessor.Clear(rest);
        token.Accessor.Clear(rest);
        // Method (by request type) + the other fields, serialised in field order (no maps in our requests).
        byte[] scope = [.. System.Text.Encoding.UTF8.GetBytes(descriptor.FullName), 0, .. rest.ToByteArray()];
        return Page.From((int)size.Accessor.GetValue(request), (string)token.Accessor.GetValue(request), scope);
    }
}
