using System.Globalization;
using System.Text.Json;
using Refit;

namespace CoeInsights.Connectors.Sprout;

/// <summary>One source profile's mapped values on one reporting day: catalogue metric → value.</summary>
public sealed record SourceDay(long SourceProfileId, DateOnly Date, IReadOnlyDictionary<string, double> Values);

/// <summary>The source sent something that is not the documented format. Nothing of the window is recorded.</summary>
public sealed class SourcePayloadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads Sprout through <see cref="ISproutApi"/>, checks every page against the documented shape and maps it.</summary>
public sealed class SproutSource(ISproutApi api)
{
    /// <summary>A report larger than this is refused rather than paged forever.</summary>
    public const int MaxPages = 1_000;

    public async Task<long> ResolveCustomerIdAsync(long configured, CancellationToken ct)
    {
        if (configured > 0) return configured;
        var client = await Call(() => api.GetClientMetadata(ct), "metadata/client");
        return client.Data is { Count: > 0 } customers
            ? customers[0].CustomerId
            : throw new SourcePayloadException("Sprout metadata/client returned no customer for this access token.");
    }

    public async Task<IReadOnlyList<SproutProfile>> ProfilesAsync(long customerId, CancellationToken ct)
    {
        var response = await Call(() => api.GetCustomerProfiles(customerId, ct), "metadata/customer");
        if (response.Data is null) throw new SourcePayloadException("Sprout metadata/customer: the response has no 'data' array.");
        foreach (var p in response.Data)
            if (p.CustomerProfileId <= 0) throw new SourcePayloadException("Sprout metadata/customer: a profile has no 'customer_profile_id'.");
        return response.Data;
    }

    /// <summary>
    /// Every page of the daily report for the profiles and days (inclusive), checked and mapped. Throws
    /// <see cref="SourcePayloadException"/> on the first page that breaks the documented format: the caller records nothing then.
    /// </summary>
    public async Task<IReadOnlyList<SourceDay>> DailyAsync(long customerId, IReadOnlyList<long> profileIds, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var wanted = profileIds.ToHashSet();
        var days = new Dictionary<(long, DateOnly), SourceDay>();
        for (var page = 1; ; page++)
        {
            var request = SproutAnalyticsRequest.Daily(profileIds, from, to, SproutMetricMap.SproutMetrics, page);
            var response = await Call(() => api.GetProfileAnalytics(customerId, request, ct), "analytics/profiles");
            var where = $"Sprout analytics/profiles page {page}";
            if (response.Data is null) throw new SourcePayloadException($"{where}: the response has no 'data' array.");
            if (response.Paging is not { } paging) throw new SourcePayloadException($"{where}: the response has no 'paging' object.");
            if (paging.CurrentPage != page)
                throw new SourcePayloadException($"{where}: 'paging.current_page' is {paging.CurrentPage}, not the page asked for.");
            if (paging.TotalPages is < 0 or > MaxPages)
                throw new SourcePayloadException($"{where}: 'paging.total_pages' is {paging.TotalPages}; expected 0 to {MaxPages}.");
            for (var i = 0; i < response.Data.Count; i++)
            {
                var day = Map(response.Data[i], $"{where}, data[{i}]");
                if (!wanted.Contains(day.SourceProfileId))
                    throw new SourcePayloadException($"{where}, data[{i}]: profile {day.SourceProfileId} was not asked for.");
                if (day.Date < from || day.Date > to)
                    throw new SourcePayloadException($"{where}, data[{i}]: day {day.Date:yyyy-MM-dd} is outside {from:yyyy-MM-dd}...{to:yyyy-MM-dd}.");
                if (!days.TryAdd((day.SourceProfileId, day.Date), day))
                    throw new SourcePayloadException($"{where}, data[{i}]: profile {day.SourceProfileId} on {day.Date:yyyy-MM-dd} appears twice.");
            }
            if (page >= paging.TotalPages) break;
        }
        return days.Values.OrderBy(d => d.Date).ThenBy(d => d.SourceProfileId).ToList();
    }

    private static SourceDay Map(SproutAnalyticsRow row, string where)
    {
        if (row.Dimensions is null) throw new SourcePayloadException($"{where}: no 'dimensions' object.");
        if (row.Metrics is null) throw new SourcePayloadException($"{where}: no 'metrics' object.");
        if (!row.Dimensions.TryGetValue("customer_profile_id", out var idElement) || !TryLong(idElement, out var profileId))
            throw new SourcePayloadException($"{where}: 'dimensions.customer_profile_id' is missing or not a number.");
        if (!row.Dimensions.TryGetValue("reporting_period.by(day)", out var dayElement) || !TryDay(dayElement, out var date))
            throw new SourcePayloadException($"{where}: 'dimensions.reporting_period.by(day)' is missing or not a date.");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, element) in row.Metrics)
        {
            if (!SproutMetricMap.ToCatalogue.TryGetValue(name, out var ours)) continue;
            if (element.ValueKind == JsonValueKind.Null) continue; // not available for this network: a missing value, never a zero
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value))
                throw new SourcePayloadException($"{where}: metric '{name}' is {element.GetRawText()}, not a number.");
            values[ours] = value;
        }
        return new SourceDay(profileId, date, values);
    }

    private static bool TryLong(JsonElement e, out long value)
    {
        value = 0;
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>The reporting day: <c>2024-01-31</c> or a timestamp whose date part is the day (in the customer's time zone).</summary>
    private static bool TryDay(JsonElement e, out DateOnly date)
    {
        date = default;
        if (e.ValueKind != JsonValueKind.String) return false;
        var s = e.GetString() ?? "";
        return s.Length >= 10 && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            && (s.Length == 10 || s[10] == 'T');
    }

    /// <summary>Turns an unreadable body into <see cref="SourcePayloadException"/>; HTTP errors pass through as they are.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call() ?? throw new SourcePayloadException($"Sprout {what}: the response body is empty.");
        }
        catch (Exception e) when (IsJson(e))
        {
            throw new SourcePayloadException($"Sprout {what}: the response is not the documented JSON ({Innermost(e).Message}).", e);
        }
    }

    private static bool IsJson(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is JsonException) return true;
        return e is ApiException { StatusCode: System.Net.HttpStatusCode.OK } && e.InnerException is not null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
