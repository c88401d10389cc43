using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CoeInsights.Connectors.Tests.Fakes;

/// <summary>
/// "Messages Endpoint" as documented (https://api.sproutsocial.com/docs/#messages-endpoint, read from a transcription of it;
/// docs/connectors.md "Evidence"): <c>filters</c> with <c>group_id.eq(one id)</c>, <c>customer_profile_id.eq(…)</c> of profiles
/// of that group and <c>created_time.in(a...b)</c> (dates are midnight in <c>timezone</c>; b excluded like every <c>...</c>
/// range); <c>fields</c> from "Message Fields" (omitted: only <c>guid</c>); <c>limit</c> default 50, max 100; <c>sort</c> by
/// <c>created_time</c>, default descending; <c>page_cursor</c> "next" only — an invalid one is a 400; <c>paging.next_cursor</c>
/// only while more pages remain. Messages are a pure function of (profile, UTC day): tests know what a sync must store.
/// </summary>
public sealed partial class FakeSprout
{
    /// <summary>A message of a profile: received (from someone else) or sent by the profile; the first Sprout reply, if any.</summary>
    public sealed record Message(string Guid, long ProfileId, DateTimeOffset Created, bool Sent, DateTimeOffset? FirstReply, bool Liked);

    /// <summary>"Message Fields" valid on the Messages endpoint (<c>sent</c> and <c>is_boosted</c> are Posts endpoint only).</summary>
    public static readonly string[] MessageFields =
    [
        "content_category", "created_time", "from", "from.guid", "from.name", "from.profile_picture", "from.screen_name", "guid",
        "customer_profile_id", "internal", "internal.tags.id", "internal.sent_by.id", "internal.sent_by.email", "internal.sent_by.first_name",
        "internal.sent_by.last_name", "post_type", "post_category", "network", "perma_link", "inbox_permalink", "profile_guid", "text", "title",
        "clickthrough_link", "clickthrough_link.name", "clickthrough_link.long", "clickthrough_link.short", "hashtags", "visual_media",
        "activity_metadata", "case_id", "language_code", "review_ratings", "publishing_post_id",
    ];

    /// <summary>Replies Sprout has recorded since (message guid → first reply time): a late answer restates its day.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> LateReplies { get; } = new();

    /// <summary>Documented: "limit … Default: 50, Max: 100".</summary>
    public const int MessagesMaxLimit = 100;

    private readonly ConcurrentDictionary<string, int> _cursors = new();

    public IEnumerable<SeenRequest> MessageRequests => Requests.Where(r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && !r.Path.Contains("/listening/", StringComparison.Ordinal));

    public static string ProfileGuid(long profileId) => $"pr:{profileId}";

    /// <summary>
    /// The messages of a profile created on a UTC day: (profile + day) mod 4 received at 02:00, 09:00, 16:00, 23:00 UTC
    /// (so they cross the days of other zones), most answered after 10 + 15·i + 4·(day mod 5) minutes, some only liked; one
    /// sent by the profile at 12:00.
    /// </summary>
    public IEnumerable<Message> MessagesOn(long profileId, DateOnly utcDay)
    {
        var midnight = new DateTimeOffset(utcDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var received = (int)((profileId + utcDay.DayNumber) % 4);
        for (var i = 0; i < received; i++)
        {
            var guid = $"m:{profileId}:{utcDay:yyyyMMdd}:{i}";
            var created = midnight.AddHours(2 + 7 * i);
            var answered = (i + utcDay.DayNumber) % 3 != 0;
            DateTimeOffset? reply = answered ? created.AddMinutes(10 + 15 * i + 4 * (utcDay.DayNumber % 5)) : null;
            if (LateReplies.TryGetValue(guid, out var late)) reply = late;
            yield return new Message(guid, profileId, created, false, reply, !answered);
        }
        yield return new Message($"s:{profileId}:{utcDay:yyyyMMdd}", profileId, midnight.AddHours(12), true, null, false);
    }

    [GeneratedRegex(@"^group_id\.eq\((\d+)\)$")]
    private static partial Regex GroupFilter();

    [GeneratedRegex(@"^created_time\.in\((\d{4}-\d{2}-\d{2})\.\.\.(\d{4}-\d{2}-\d{2})\)$")]
    private static partial Regex MessagePeriodFilter();

    private void MapMessages(WebApplication app) =>
        app.MapPost("/v1/{customerId:long}/messages", async (long customerId, HttpContext context) =>
        {
            var (refusal, body) = await AdmitAsync(customerId, context);
            if (refusal is not null) return refusal;
            var filters = body?["filters"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [];
            var fields = body?["fields"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? ["guid"];
            var limit = body?["limit"]?.GetValue<int>() ?? 50;
            var sort = body?["sort"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? ["created_time:desc"];
            var zoneId = body?["timezone"]?.GetValue<string>() ?? "UTC";
            var cursor = body?["page_cursor"]?.GetValue<string>();

            var group = filters.Select(f => GroupFilter().Match(f)).FirstOrDefault(m => m.Success);
            var ids = filters.Select(f => ProfileFilter().Match(f)).FirstOrDefault(m => m.Success);
            var period = filters.Select(f => MessagePeriodFilter().Match(f)).FirstOrDefault(m => m.Success);
            if (group is null || ids is null || period is null || filters.Count != 3)
                return Error(400, "filters must be group_id.eq(...), customer_profile_id.eq(...) and created_time.in(YYYY-MM-DD...YYYY-MM-DD).");
            if (fields.FirstOrDefault(f => !MessageFields.Contains(f) && !f.StartsWith("activity_metadata.", StringComparison.Ordinal)) is { } badField)
                return Error(400, $"Field '{badField}' is not a message field.");
            if (limit is < 1 or > MessagesMaxLimit) return Error(400, $"limit must be between 1 and {MessagesMaxLimit}.");
            if (sort is not (["created_time:asc"] or ["created_time:desc"])) return Error(400, "sort: messages sort by created_time only.");
            TimeZoneInfo zone;
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            }
            catch (TimeZoneNotFoundException)
            {
                return Error(400, $"Unknown timezone '{zoneId}'.");
            }
            var groupId = long.Parse(group.Groups[1].Value, CultureInfo.InvariantCulture);
            var profileIds = ids.Groups[1].Value.Split(',').Select(s => long.Parse(s.Trim(), CultureInfo.InvariantCulture)).Distinct().ToList();
            if (profileIds.FirstOrDefault(id => Profiles.All(p => p.Id != id)) is var unknown and > 0) return Error(403, $"Access to profile {unknown} is not allowed.");
            if (groupId != 1) return Error(400, $"Profiles {string.Join(", ", profileIds)} do not all belong to group {groupId}.");
            var from = DateOnly.ParseExact(period.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var end = DateOnly.ParseExact(period.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture); // excluded
            if (end <= from) return Error(400, "created_time.in: the end must be after the start.");
            var offset = 0;
            if (cursor is not null && !_cursors.TryGetValue(cursor, out offset)) return Error(400, $"Invalid page_cursor '{cursor}'.");

            DateOnly Local(DateTimeOffset t) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, zone).DateTime);
            var all = new List<Message>();
            for (var day = from.AddDays(-1); day <= end; day = day.AddDays(1))
                foreach (var id in profileIds)
                    all.AddRange(MessagesOn(id, day).Where(m => Local(m.Created) >= from && Local(m.Created) < end));
            all = (sort[0] == "created_time:asc" ? all.OrderBy(m => m.Created) : all.OrderByDescending(m => m.Created)).ThenBy(m => m.Guid, StringComparer.Ordinal).ToList();
            if (all.Count > MaxResults) all = all.Take(MaxResults).ToList(); // documented guardrail: silently
            var page = all.Skip(offset).Take(limit).ToList();
            object? paging = null;
            if (offset + limit < all.Count)
            {
                var next = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
                _cursors[next] = offset + limit;
                paging = new { next_cursor = next };
            }
            var data = page.Select(m => Shape(m, fields)).ToList();
            return paging is null ? Results.Json(new { data }) : Results.Json(new { data, paging });
        });

    /// <summary>Only the requested fields ("If omitted, only the guid field is returned"), nested as documented.</summary>
    private static JsonObject Shape(Message m, IReadOnlyList<string> fields)
    {
        var o = new JsonObject();
        foreach (var f in fields)
            switch (f)
            {
                case "guid": o["guid"] = m.Guid; break;
                case "created_time": o["created_time"] = m.Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture); break;
                case "customer_profile_id": o["customer_profile_id"] = m.ProfileId; break;
                case "profile_guid": o["profile_guid"] = ProfileGuid(m.ProfileId); break;
                case "from" or "from.guid":
                    o["from"] = new JsonObject { ["guid"] = m.Sent ? ProfileGuid(m.ProfileId) : $"fbu:{Math.Abs(m.Guid.GetHashCode(StringComparison.Ordinal)) % 100000}" };
                    break;
                case "activity_metadata":
                    var actions = new JsonArray();
                    if (m.FirstReply is { } r)
                        actions.Add(new JsonObject
                        {
                            ["first_reply"] = new JsonObject
                            {
                                ["action_time"] = r.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                                ["actor"] = new JsonObject { ["id"] = 2066696 },
                            },
                        });
                    if (m.Liked)
                        actions.Add(new JsonObject { ["first_like"] = new JsonObject { ["action_time"] = m.Created.AddMinutes(3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) } });
                    o["activity_metadata"] = actions;
                    break;
                case "network": o["network"] = "FACEBOOK"; break;
                case "post_category": o["post_category"] = m.Sent ? "POST" : "COMMENT"; break;
                default: break; // documented but not modelled by the fake: left out
            }
        return o;
    }
}
