using System.Globalization;
using System.Text.Json;
using Refit;

namespace CoeInsights.Connectors.Sprout;

/// <summary>
/// One source profile's values on one reporting day, in the zone Sprout reports the network in: catalogue metric → value as
/// reported, and the derived metrics (catalogue metric → value) computed with the network's documented formula.
/// </summary>
public sealed record SourceDay(long SourceProfileId, DateOnly Date, IReadOnlyDictionary<string, double> Values,
    IReadOnlyDictionary<string, double> Derived)
{
    public SourceDay(long sourceProfileId, DateOnly date, IReadOnlyDictionary<string, double> values)
        : this(sourceProfileId, date, values, new Dictionary<string, double>()) { }
}

/// <summary>The source sent something that is not the documented format. Nothing of the window is recorded.</summary>
public sealed class SourcePayloadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The source answered an error (https://api.sproutsocial.com/docs/, "Responses": the body's <c>error</c> text and the
/// <c>X-Sprout-Request-ID</c> header "to trace a client request and response"). The message keeps both for support.
/// </summary>
public sealed class SourceApiException(string message, int status, string? error, string? requestId, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
    public string? Error { get; } = error;
    public string? RequestId { get; } = requestId;

    public const string RequestIdHeader = "X-Sprout-Request-ID";

    public static SourceApiException From(string what, int status, string? reason, string? body, string? requestId, Exception? inner = null)
    {
        var error = ErrorText(body);
        var message = $"Sprout {what} answered {status} {reason}".TrimEnd() +
                      (string.IsNullOrWhiteSpace(error) ? "" : $": {error}") +
                      (string.IsNullOrWhiteSpace(requestId) ? "" : $" ({RequestIdHeader} {requestId})");
        return new SourceApiException(message, status, error, requestId, inner);
    }

    /// <summary>The documented error envelope <c>{"error":"…"}</c>; any other body: its first 200 characters.</summary>
    private static string? ErrorText(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e))
                return e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
        }
        catch (JsonException)
        {
            // not JSON: keep the start of it
        }
        var trimmed = body.Trim();
        return trimmed.Length <= 200 ? trimmed : trimmed[..200] + "…";
    }
}

/// <summary>Reads Sprout through <see cref="ISproutApi"/>, checks every page against the documented shape and maps it.</summary>
public sealed class SproutSource(ISproutApi api)
{
    /// <summary>A report larger than this is refused rather than paged forever.</summary>
    public const int MaxPages = 1_000;

    /// <summary>Documented guardrail: "Results beyond 10,000 are truncated".</summary>
    public const int MaxResults = 10_000;

    /// <summary>
    /// The customer to read. "Every endpoint except GET /v1/metadata/client is scoped to a customer ID": a token that sees
    /// several customers needs <paramref name="configured"/>, and a configured one must be among those the token sees.
    /// </summary>
    public async Task<long> ResolveCustomerIdAsync(long configured, CancellationToken ct)
    {
        var client = await Call(() => api.GetClientMetadata(ct), "metadata/client");
        if (client.Data is not { Count: > 0 } customers)
            throw new SourcePayloadException("Sprout metadata/client returned no customer for this access token.");
        if (configured > 0)
            return customers.Any(c => c.CustomerId == configured)
                ? configured
                : throw new SourcePayloadException($"Sprout metadata/client: this access token does not see customer {configured} (it sees {List(customers)}); check CustomerId.");
        if (customers.Count > 1)
            throw new SourcePayloadException($"Sprout metadata/client: this access token sees {customers.Count} customers ({List(customers)}); set CustomerId to the one to sync.");
        return customers[0].CustomerId;
    }

    private static string List(IEnumerable<SproutCustomer> customers) =>
        string.Join(", ", customers.Select(c => string.IsNullOrWhiteSpace(c.Name) ? $"{c.CustomerId}" : $"{c.CustomerId} {c.Name}"));

    public async Task<IReadOnlyList<SproutProfile>> ProfilesAsync(long customerId, CancellationToken ct)
    {
        var response = await Call(() => api.GetCustomerProfiles(customerId, ct), "metadata/customer");
        if (response.Data is null) throw new SourcePayloadException("Sprout metadata/customer: the response has no 'data' array.");
        foreach (var p in response.Data)
            if (p.CustomerProfileId <= 0) throw new SourcePayloadException("Sprout metadata/customer: a profile has no 'customer_profile_id'.");
        return response.Data;
    }

    /// <summary>
    /// Every page of the daily report for profiles of one network and the days <paramref name="from"/> to <paramref name="to"/>
    /// (both included), checked and mapped. The request's end bound is the day after <paramref name="to"/>: Sprout's
    /// <c>reporting_period.in(a...b)</c> excludes b (docs/connectors.md, "End bound"); should a day b come back all the same,
    /// it is dropped. Throws <see cref="SourcePayloadException"/> on the first page that breaks the documented format: the caller records nothing then.
    /// Days that did not come back are simply absent: the caller checkpoints only what is complete.
    /// </summary>
    public async Task<IReadOnlyList<SourceDay>> DailyAsync(long customerId, SproutNetwork network, IReadOnlyList<long> profileIds,
        DateOnly from, DateOnly to, CancellationToken ct, DateOnly? facebookViewsSince = null)
    {
        var wanted = profileIds.ToHashSet();
        var days = new Dictionary<(long, DateOnly), SourceDay>();
        var viewsSince = facebookViewsSince ?? SproutMetricMap.FacebookViewsSince;
        for (var page = 1; ; page++)
        {
            var request = SproutAnalyticsRequest.Daily(profileIds, from, to.AddDays(1), network.Requested, page);
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
                var day = Map(response.Data[i], network, viewsSince, $"{where}, data[{i}]");
                if (!wanted.Contains(day.SourceProfileId))
                    throw new SourcePayloadException($"{where}, data[{i}]: profile {day.SourceProfileId} was not asked for.");
                if (day.Date == to.AddDays(1)) continue; // the exclusive end bound, were it inclusive after all
                if (day.Date < from || day.Date > to)
                    throw new SourcePayloadException($"{where}, data[{i}]: day {day.Date:yyyy-MM-dd} is outside {from:yyyy-MM-dd}...{to.AddDays(1):yyyy-MM-dd}.");
                if (!days.TryAdd((day.SourceProfileId, day.Date), day))
                    throw new SourcePayloadException($"{where}, data[{i}]: profile {day.SourceProfileId} on {day.Date:yyyy-MM-dd} appears twice.");
            }
            if (page >= paging.TotalPages) break;
        }
        return days.Values.OrderBy(d => d.Date).ThenBy(d => d.SourceProfileId).ToList();
    }

    public async Task<IReadOnlyList<SproutTopic>> TopicsAsync(long customerId, CancellationToken ct)
    {
        var response = await Call(() => api.GetTopics(customerId, ct), "metadata/customer/topics");
        if (response.Data is null) throw new SourcePayloadException("Sprout metadata/customer/topics: the response has no 'data' array.");
        return response.Data;
    }

    /// <summary>
    /// A Listening Topic's daily metrics for <paramref name="from"/> to <paramref name="to"/> (both included; the end bound sent is
    /// the day after, like the analytics one), days in <paramref name="timeZone"/>. <see cref="SourceDay.SourceProfileId"/> is the topic id.
    /// </summary>
    public async Task<IReadOnlyList<SourceDay>> TopicDailyAsync(long customerId, long topicId, DateOnly from, DateOnly to, string timeZone, CancellationToken ct)
    {
        var what = $"listening/topics/{topicId}/metrics";
        var request = SproutTopicMetricsRequest.Daily(from, to.AddDays(1), SproutMetricMap.Listening.Keys.ToList(), timeZone);
        var response = await Call(() => api.GetTopicMetrics(customerId, topicId, request, ct), what);
        if (response.Data is null) throw new SourcePayloadException($"Sprout {what}: the response has no 'data' array.");
        var days = new Dictionary<DateOnly, SourceDay>();
        for (var i = 0; i < response.Data.Count; i++)
        {
            var where = $"Sprout {what}, data[{i}]";
            var row = response.Data[i];
            if (row.Dimensions is null || row.Metrics is null) throw new SourcePayloadException($"{where}: no 'dimensions' or 'metrics' object.");
            if (!row.Dimensions.TryGetValue("created_time.by(day)", out var dayElement) || !TryDay(dayElement, out var date))
                throw new SourcePayloadException($"{where}: 'dimensions.created_time.by(day)' is missing or not a date.");
            if (date == to.AddDays(1)) continue;
            if (date < from || date > to) throw new SourcePayloadException($"{where}: day {date:yyyy-MM-dd} is outside {from:yyyy-MM-dd}...{to.AddDays(1):yyyy-MM-dd}.");
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, element) in row.Metrics)
            {
                if (!SproutMetricMap.Listening.TryGetValue(name, out var ours) || element.ValueKind == JsonValueKind.Null) continue;
                if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value))
                    throw new SourcePayloadException($"{where}: metric '{name}' is {element.GetRawText()}, not a number.");
                values[ours] = value;
            }
            if (!days.TryAdd(date, new SourceDay(topicId, date, values))) throw new SourcePayloadException($"{where}: day {date:yyyy-MM-dd} appears twice.");
        }
        return days.Values.OrderBy(d => d.Date).ToList();
    }

    /// <summary>
    /// The messages the profiles (all of Sprout group <paramref name="groupId"/>) received from <paramref name="from"/> to
    /// <paramref name="to"/> (both included; the end bound sent is the day after, like the analytics one), days in
    /// <paramref name="timeZone"/>: every page, following <c>paging.next_cursor</c> until an answer has no <c>paging</c>
    /// ("Messages Request Limits &amp; Pagination"). Messages the profiles sent (<c>from.guid</c> = <c>profile_guid</c>) are left out.
    /// Throws <see cref="SourcePayloadException"/> on the first message that breaks the documented format.
    /// </summary>
    public async Task<IReadOnlyList<InboundMessage>> InboundAsync(long customerId, long groupId, IReadOnlyList<long> profileIds, DateOnly from, DateOnly to,
        string timeZone, CancellationToken ct)
    {
        var wanted = profileIds.ToHashSet();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var inbound = new List<InboundMessage>();
        string? cursor = null;
        var results = 0;
        for (var page = 1; ; page++)
        {
            if (page > MaxPages) throw new SourcePayloadException($"Sprout messages: more than {MaxPages} pages; ask fewer days per request.");
            var request = SproutMessagesRequest.Daily(groupId, profileIds, from, to.AddDays(1), timeZone, cursor);
            var response = await Call(() => api.GetMessages(customerId, request, ct), "messages");
            var where = $"Sprout messages page {page}";
            if (response.Data is null) throw new SourcePayloadException($"{where}: the response has no 'data' array.");
            // Sprout truncates results past 10,000 ("a performance guardrail"): a window that reaches it may be incomplete.
            if ((results += response.Data.Count) >= MaxResults)
                throw new SourcePayloadException($"Sprout messages: {from:yyyy-MM-dd}…{to:yyyy-MM-dd} reached {MaxResults} messages, past which Sprout truncates; nothing of it is recorded — lower MaxDaysPerRequest.");
            for (var i = 0; i < response.Data.Count; i++)
            {
                var m = response.Data[i];
                var at = $"{where}, data[{i}]";
                if (string.IsNullOrWhiteSpace(m.Guid)) throw new SourcePayloadException($"{at}: no 'guid'.");
                if (m.CustomerProfileId is not { } profileId || !wanted.Contains(profileId))
                    throw new SourcePayloadException($"{at}: 'customer_profile_id' {m.CustomerProfileId?.ToString(CultureInfo.InvariantCulture) ?? "is missing"}{(m.CustomerProfileId is null ? "" : " was not asked for")}.");
                if (m.CreatedTime is null || !DateTimeOffset.TryParse(m.CreatedTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
                    throw new SourcePayloadException($"{at}: 'created_time' is missing or not a timestamp.");
                if (string.IsNullOrWhiteSpace(m.ProfileGuid) || string.IsNullOrWhiteSpace(m.From?.Guid))
                    throw new SourcePayloadException($"{at}: 'profile_guid' or 'from.guid' is missing (they tell a received message from a sent one).");
                if (!seen.Add(m.Guid)) throw new SourcePayloadException($"{at}: message {m.Guid} appears twice.");
                var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(created, zone).DateTime);
                if (day == to.AddDays(1)) continue; // the exclusive end bound, were it inclusive after all
                if (day < from || day > to)
                    throw new SourcePayloadException($"{at}: created on {day:yyyy-MM-dd} ({timeZone}), outside {from:yyyy-MM-dd}...{to.AddDays(1):yyyy-MM-dd}.");
                if (string.Equals(m.From!.Guid, m.ProfileGuid, StringComparison.Ordinal)) continue; // sent by the profile
                bool answered;
                DateTimeOffset? reply;
                try
                {
                    answered = SproutInbox.TryFirstReply(m.ActivityMetadata, out reply, out var problem);
                    if (problem is not null) throw new SourcePayloadException($"{at}: {problem}");
                }
                catch (SourcePayloadException e) when (!e.Message.StartsWith(at, StringComparison.Ordinal))
                {
                    throw new SourcePayloadException($"{at}: {e.Message}");
                }
                if (reply is { } r && r < created) throw new SourcePayloadException($"{at}: the first reply ({r:O}) is before the message ({created:O}).");
                inbound.Add(new InboundMessage(m.Guid, profileId, created, answered, reply));
            }
            if (response.Paging?.NextCursor is not { Length: > 0 } next) break;
            cursor = next;
        }
        return inbound;
    }

    private static SourceDay Map(SproutAnalyticsRow row, SproutNetwork network, DateOnly viewsSince, string where)
    {
        if (row.Dimensions is null) throw new SourcePayloadException($"{where}: no 'dimensions' object.");
        if (row.Metrics is null) throw new SourcePayloadException($"{where}: no 'metrics' object.");
        if (!row.Dimensions.TryGetValue("customer_profile_id", out var idElement) || !TryLong(idElement, out var profileId))
            throw new SourcePayloadException($"{where}: 'dimensions.customer_profile_id' is missing or not a number.");
        if (!row.Dimensions.TryGetValue("reporting_period.by(day)", out var dayElement) || !TryDay(dayElement, out var date))
            throw new SourcePayloadException($"{where}: 'dimensions.reporting_period.by(day)' is missing or not a date.");
        var raw = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, element) in row.Metrics)
        {
            if (!network.Metrics.ContainsKey(name)) continue;
            if (element.ValueKind == JsonValueKind.Null) continue; // not available on the day: a missing value, never a zero
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value))
                throw new SourcePayloadException($"{where}: metric '{name}' is {element.GetRawText()}, not a number.");
            raw[name] = value;
        }
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
            if (SproutMetricMap.Ours(network, name, date, viewsSince) is { } ours) values[ours] = value;
        var derived = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var d in network.Derived)
            if (d.Terms.All(raw.ContainsKey)) // a missing term leaves the derived metric missing, never a partial sum
                derived[d.Metric] = d.Terms.Sum(t => raw[t]);
        return new SourceDay(profileId, date, values, derived);
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

    /// <summary>The reporting day: <c>2024-01-31</c> or a timestamp whose date part is the day (in the network's zone).</summary>
    private static bool TryDay(JsonElement e, out DateOnly date)
    {
        date = default;
        if (e.ValueKind != JsonValueKind.String) return false;
        var s = e.GetString() ?? "";
        return s.Length >= 10 && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            && (s.Length == 10 || s[10] == 'T');
    }

    /// <summary>
    /// Turns an unreadable body into <see cref="SourcePayloadException"/> and an error answer into <see cref="SourceApiException"/>
    /// (with Sprout's error text and request id); what the handlers threw passes through.
    /// </summary>
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
        catch (ApiException a)
        {
            var id = a.Headers.TryGetValues(SourceApiException.RequestIdHeader, out var ids) ? ids.FirstOrDefault() : null;
            throw SourceApiException.From(what, (int)a.StatusCode, a.ReasonPhrase, a.Content, id, a);
        }
        catch (Exception e) when ((e as SourceApiException ?? e.InnerException as SourceApiException) is { } inner)
        {
            // Thrown by the pacing handler (a 202 that stayed "not ready"), which knows no endpoint name.
            throw new SourceApiException(inner.Message.Replace("Sprout request", $"Sprout {what}", StringComparison.Ordinal), inner.Status, inner.Error, inner.RequestId, inner);
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
