using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CoeInsights.Kpis.WatchingAlerts;

/// <summary>
/// A WatchAlerts position a client can resume from (opaque to it, like an AIP-158 page token): the floor of the
/// tenant's event log below which everything was looked at, the sequences above it whose alerts were all delivered,
/// and the last delivered alert (its sequence and its place among that sequence's alerts), tied to the watch it came
/// from (tenant, metrics, filters and rule), so it cannot resume a different watch.
/// </summary>
public sealed record AlertResumeToken(long Floor, IReadOnlyList<long> Delivered, long Sequence, int Index)
{
    private const byte Version = 1;
    private const int HashLength = 8;

    /// <summary>More delivered sequences than this above the floor is not a token this server made (the grace period bounds them).</summary>
    public const int MaxDelivered = 100_000;

    public static string Format(byte[] watchHash, long floor, IEnumerable<long> delivered, long sequence, int index)
    {
        var buffer = new List<byte>(32) { Version };
        buffer.AddRange(watchHash);
        Varint(buffer, (ulong)floor);
        var sorted = delivered.Where(d => d > floor).Order().ToArray();
        Varint(buffer, (ulong)sorted.Length);
        var previous = floor;
        foreach (var d in sorted)
        {
            Varint(buffer, (ulong)(d - previous));
            previous = d;
        }
        Varint(buffer, (ulong)sequence);
        Varint(buffer, (ulong)index);
        return Convert.ToBase64String(buffer.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The token's position; INVALID_ARGUMENT on <c>resume_token</c> when it is not one, or names another watch.</summary>
    public static AlertResumeToken Parse(string token, byte[] watchHash)
    {
        byte[] bytes;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
        }
        catch (FormatException)
        {
            throw Invalid();
        }
        if (bytes.Length < 1 + HashLength || bytes[0] != Version) throw Invalid();
        if (!bytes.AsSpan(1, HashLength).SequenceEqual(watchHash))
            throw new InvalidInputException("resume_token", "was issued for another watch (other tenant, metrics, filters or rule): resume with the request the token came from");
        var at = 1 + HashLength;
        var floor = Read(bytes, ref at);
        var count = Read(bytes, ref at);
        if (floor > long.MaxValue / 2 || count > MaxDelivered) throw Invalid();
        var delivered = new long[count];
        var previous = (long)floor;
        for (var i = 0; i < delivered.Length; i++)
        {
            var delta = Read(bytes, ref at);
            if (delta == 0 || delta > long.MaxValue / 2) throw Invalid();
            previous = delivered[i] = checked(previous + (long)delta);
        }
        var sequence = Read(bytes, ref at);
        var index = Read(bytes, ref at);
        if (at != bytes.Length || sequence > long.MaxValue / 2 || index > int.MaxValue - 1) throw Invalid();
        return new AlertResumeToken((long)floor, delivered, (long)sequence, (int)index);
    }

    /// <summary>What a token is tied to: the tenant and the watch as asked (order of lists does not matter).</summary>
    public static byte[] HashOf(string tenant, WatchAlerts w)
    {
        static string List(IEnumerable<string> items) => string.Join(',', items.Order(StringComparer.Ordinal));
        var text = string.Join('\n', tenant, List(w.Metrics), List(w.ProfileIds.Select(p => p.Trim().ToLowerInvariant())), List(w.Networks.Select(n => n.ToString())),
            List(w.BusinessUnits), w.Direction.ToString(), w.Threshold?.ToString("R", CultureInfo.InvariantCulture) ?? "", w.Seasonal ? "1" : "0",
            w.BaselineDays?.ToString(CultureInfo.InvariantCulture) ?? "");
        return SHA256.HashData(Encoding.UTF8.GetBytes(text))[..HashLength];
    }

    private static InvalidInputException Invalid() => new("resume_token", "is not a resume token this server issued (take it from an alert's resume_token)");

    private static void Varint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.Add((byte)value);
    }

    private static ulong Read(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length) throw Invalid();
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Invalid();
    }
}
