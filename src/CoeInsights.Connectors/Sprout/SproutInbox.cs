using System.Globalization;
using System.Text.Json;
using CoeInsights.Analytics.Kpis;

namespace CoeInsights.Connectors.Sprout;

/// <summary>One message received by a profile: when (UTC), and when Sprout's first reply action on it was taken, if any.</summary>
public sealed record InboundMessage(string Guid, long ProfileId, DateTimeOffset Received, bool Answered, DateTimeOffset? FirstReply);

/// <summary>
/// Inbox messages → daily response figures (pure). From "Message Fields" (https://api.sproutsocial.com/docs/#message-fields):
/// <c>profile_guid</c> "When the message was made by the profile being tracked, this field will be identical to from.guid" —
/// so a message whose <c>from.guid</c> differs was received; <c>activity_metadata</c> (Messages endpoint only) "Contains
/// information about the first of each Sprout Action(s) taken on a message, such as actor and timestamp … Reply, Tag,
/// Complete and Like actions" (the request example names <c>activity_metadata.first_like.time_elapsed</c>): a received message
/// with a <c>first_reply</c> was answered, at its <c>action_time</c> (the action timestamp the <c>action_last_update_time</c>
/// filter documents).
/// </summary>
public static class SproutInbox
{
    public const string Received = "messages_received";
    public const string Answered = "messages_answered";
    public const string MedianResponseTime = "median_response_time";

    /// <summary>The first reply of <c>activity_metadata</c>, a map (<c>{"first_reply":{…}}</c>) or the documented ARRAY&lt;MAP&gt; of such maps.</summary>
    public static bool TryFirstReply(JsonElement? activity, out DateTimeOffset? at, out string? problem)
    {
        at = null;
        problem = null;
        if (activity is not { } a || a.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return false;
        IEnumerable<JsonElement> maps = a.ValueKind switch
        {
            JsonValueKind.Object => [a],
            JsonValueKind.Array => a.EnumerateArray(),
            _ => throw new SourcePayloadException("'activity_metadata' is neither a map nor an array of maps."),
        };
        foreach (var map in maps)
        {
            if (map.ValueKind != JsonValueKind.Object || !map.TryGetProperty("first_reply", out var reply) || reply.ValueKind == JsonValueKind.Null) continue;
            if (reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("action_time", out var time) && time.ValueKind == JsonValueKind.String)
            {
                if (!DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                {
                    problem = $"'activity_metadata.first_reply.action_time' is '{time.GetString()}', not a timestamp.";
                    return true;
                }
                at = t;
            }
            return true; // answered; without a timestamp it counts for the rate, not for the response time
        }
        return false;
    }

    /// <summary>
    /// Per profile and day of receipt in <paramref name="zone"/> (every day of <paramref name="from"/>…<paramref name="to"/>,
    /// a day without messages: 0 received, 0 answered): received, answered and — when at least one answer has a time — the
    /// median minutes from receipt to first reply. The day is the day a message was received, so a late reply restates it.
    /// </summary>
    public static IReadOnlyList<SourceDay> Daily(IEnumerable<InboundMessage> messages, IReadOnlyList<long> profileIds, DateOnly from, DateOnly to, TimeZoneInfo zone)
    {
        var byDay = messages.GroupBy(m => (m.ProfileId, Day: DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(m.Received, zone).DateTime)))
            .ToDictionary(g => g.Key, g => g.ToList());
        var days = new List<SourceDay>();
        for (var day = from; day <= to; day = day.AddDays(1))
            foreach (var id in profileIds.Order())
            {
                var list = byDay.GetValueOrDefault((id, day)) ?? [];
                var values = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    [Received] = list.Count,
                    [Answered] = list.Count(m => m.Answered),
                };
                var times = list.Where(m => m.FirstReply is not null).Select(m => m.FirstReply!.Value - m.Received).ToList();
                if (SocialKpis.MedianResponseTime(times) is { } median) values[MedianResponseTime] = median.TotalMinutes;
                days.Add(new SourceDay(id, day, values));
            }
        return days;
    }
}
