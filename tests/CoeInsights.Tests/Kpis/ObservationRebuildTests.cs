using CoeInsights.Kpis;
using CoeInsights.Kpis.CorrectingKpi;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;
using CoeInsights.Testing;
using Marten;
using Npgsql;

namespace CoeInsights.Tests.Kpis;

/// <summary>The observation table is a function of the KPI events: a rebuild from them gives back the same rows.</summary>
public sealed class ObservationRebuildTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RebuildsTheRowsTheHandlersWroteFromTheEventsAlone()
    {
        const string tenant = "rebuild-a";
        await using (var session = fixture.Store.LightweightSession(tenant))
        {
            var ig = await RegisterProfileHandler.Handle(session, new RegisterProfile(Network.Instagram, "ig", "Retail", Ownership.Owned, "", null, Now), default);
            var x = await RegisterProfileHandler.Handle(session, new RegisterProfile(Network.X, "x", "Retail", Ownership.Owned, "", null, Now), default);
            var days = Enumerable.Range(1, 20).ToList();
            await RecordKpiBatchHandler.Handle(session, new RecordKpiBatch(0, "b1", "csv", "Asia/Tokyo",
                days.Select(d => new SentObservation(ig.Id.ToString(), "followers", 2025, 3, d, 1000 + 7 * d)).ToList(), "tester", Now), [], default);
            // A re-import restates some days (a second version of each), and a correction restates one of them again.
            await RecordKpiBatchHandler.Handle(session, new RecordKpiBatch(0, "b2", "sprout", "UTC",
                days.Take(5).SelectMany(d => new[]
                {
                    new SentObservation(ig.Id.ToString(), "followers", 2025, 3, d, 2000 + d),
                    new SentObservation(x.Id.ToString(), "impressions", 2025, 3, d, 50.5 * d),
                }).ToList(), "tester", Now.AddHours(1)), [], default);
        }
        await using (var session = fixture.Store.LightweightSession(tenant))
        {
            var ig = (await session.Query<KpiProfile>().ToListAsync()).Single(p => p.Handle == "ig");
            await CorrectKpiHandler.Handle(session, new CorrectKpi(ig.Id.ToString(), "followers", 2025, 3, 2, 1999, "typo", "analyst", Now.AddHours(2)), default);
        }
        await using (var other = fixture.Store.LightweightSession("rebuild-other"))
        {
            var p = await RegisterProfileHandler.Handle(other, new RegisterProfile(Network.X, "o", "Retail", Ownership.Owned, "", null, Now), default);
            await RecordKpiBatchHandler.Handle(other, new RecordKpiBatch(0, "o1", "csv", "UTC",
                [new SentObservation(p.Id.ToString(), "impressions", 2025, 3, 1, 9)], "tester", Now), [], default);
        }
        var original = await RowsAsync(tenant);
        var otherBefore = await RowsAsync("rebuild-other");

        var written = await ObservationTable.RebuildAsync(fixture.Store, tenant, default);

        Assert.Equal(20 + 10 + 1, original.Count);
        Assert.Equal(original.Count, written);
        Assert.Equal(original, await RowsAsync(tenant));
        Assert.Equal(otherBefore, await RowsAsync("rebuild-other"));
    }

    [Fact]
    public async Task RebuildRestoresRowsThatWereLost()
    {
        const string tenant = "rebuild-b";
        await using (var session = fixture.Store.LightweightSession(tenant))
        {
            var p = await RegisterProfileHandler.Handle(session, new RegisterProfile(Network.X, "x", "Retail", Ownership.Owned, "", null, Now), default);
            await RecordKpiBatchHandler.Handle(session, new RecordKpiBatch(0, "b1", "csv", "UTC",
                [new SentObservation(p.Id.ToString(), "impressions", 2025, 3, 1, 9), new SentObservation(p.Id.ToString(), "impressions", 2025, 3, 2, 11)], "tester", Now), [], default);
        }
        var original = await RowsAsync(tenant);
        await ExecuteAsync($"delete from {Table} where tenant_id = '{tenant}'");
        Assert.Empty(await RowsAsync(tenant));

        await ObservationTable.RebuildAsync(fixture.Store, tenant, default);

        Assert.Equal(original, await RowsAsync(tenant));
    }

    [Fact]
    public async Task RebuildsHourlyRowsBesideTheDailyOnesFromTheEvents()
    {
        const string tenant = "rebuild-hourly";
        await using (var session = fixture.Store.LightweightSession(tenant))
        {
            var p = await RegisterProfileHandler.Handle(session, new RegisterProfile(Network.X, "x", "Retail", Ownership.Owned, "", null, Now), default);
            // A mixed batch (a day and its hours), an all-hourly re-import of two hours, and a correction of one hour.
            await RecordKpiBatchHandler.Handle(session, new RecordKpiBatch(0, "h1", "csv", "Europe/Berlin",
                Enumerable.Range(0, 24).Select(h => new SentObservation(p.Id.ToString(), "impressions", 2025, 3, 1, 10 + h, h))
                    .Append(new SentObservation(p.Id.ToString(), "impressions", 2025, 3, 1, 1000)).ToList(), "tester", Now), [], default);
            await RecordKpiBatchHandler.Handle(session, new RecordKpiBatch(0, "h2", "sprout", "UTC",
                [new SentObservation(p.Id.ToString(), "impressions", 2025, 3, 1, 77, 9), new SentObservation(p.Id.ToString(), "impressions", 2025, 3, 1, 78, 10)],
                "tester", Now.AddHours(1)), [], default);
            await CorrectKpiHandler.Handle(session, new CorrectKpi(p.Id.ToString(), "impressions", 2025, 3, 1, 99, "recount", "analyst", Now.AddHours(2), 9), default);
        }
        var daily = await RowsAsync(tenant);
        var hourly = await RowsAsync(tenant, HourlyTable);
        Assert.Single(daily);
        Assert.Equal(24 + 2 + 1, hourly.Count);

        var written = await ObservationTable.RebuildAsync(fixture.Store, tenant, default);

        Assert.Equal(1 + 27, written);
        Assert.Equal(daily, await RowsAsync(tenant));
        Assert.Equal(hourly, await RowsAsync(tenant, HourlyTable));
        // Lost hourly rows come back too.
        await ExecuteAsync($"delete from {HourlyTable} where tenant_id = '{tenant}'");
        await ObservationTable.RebuildAsync(fixture.Store, tenant, default);
        Assert.Equal(hourly, await RowsAsync(tenant, HourlyTable));
    }

    private string Table => $"{fixture.Store.Options.DatabaseSchemaName}.{ObservationTable.Name}";
    private string HourlyTable => $"{fixture.Store.Options.DatabaseSchemaName}.{HourlyObservationTable.Name}";

    /// <summary>Every row but its sequence number, the versions of each (profile, metric, day[, hour]) in their order.</summary>
    private async Task<List<string>> RowsAsync(string tenant, string? table = null)
    {
        var key = table is null ? "profile_id, metric, day" : "profile_id, metric, day, hour";
        await using var conn = fixture.Store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"select {key}, value, batch_id, source, source_time_zone, recorded_at, correction_reason, " +
            $"row_number() over (partition by {key} order by seq) from {table ?? Table} where tenant_id = $1 " +
            $"order by {key}, seq", conn) { Parameters = { new() { Value = tenant } } };
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = fixture.Store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
