using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Common;
using CoeInsights.Kpis;
using CoeInsights.Kpis.CorrectingKpi;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;

namespace CoeInsights.Tests.Kpis;

/// <summary>The pure rules of the Kpis module: no store, no clock.</summary>
public sealed class KpiDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid P1 = Guid.CreateVersion7();
    private static readonly Guid P2 = Guid.CreateVersion7();
    private static readonly HashSet<Guid> Known = [P1, P2];

    private static RecordKpiBatch Batch(params SentObservation[] observations) =>
        new(0, "key-1", "test", "Europe/Berlin", observations, "ingest-key", Now);

    private static SentObservation Obs(Guid p, string metric, int day, double value) => new(p.ToString(), metric, 2025, 1, day, value);

    [Fact]
    public void KeepsEveryObservationBitExactGivenPackedEvent()
    {
        double[] values = [0.1 + 0.2, -0.0, double.Epsilon, double.MaxValue, -1e-300, 123456789.123456789];
        var sent = values.Select((v, i) => Obs(i % 2 == 0 ? P1 : P2, i % 3 == 0 ? "followers" : "impressions", i + 1, v)).ToArray();

        var e = RecordKpiBatchHandler.Decide(Batch(sent), Known, Guid.CreateVersion7());

        Assert.Equal(sent.Length, e.Count);
        for (var i = 0; i < sent.Length; i++)
        {
            var o = e.Observation(i);
            Assert.Equal(sent[i].ProfileId, o.ProfileId.ToString());
            Assert.Equal(sent[i].Metric, o.Metric);
            Assert.Equal(new DateOnly(2025, 1, i + 1), o.Date);
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(o.Value));
        }
        Assert.Equal(2, e.Profiles.Length);
        Assert.Equal(2, e.Metrics.Length);
        Assert.Equal("Europe/Berlin", e.SourceTimeZone);
    }

    [Fact]
    public void NamesEveryBadFieldGivenBadObservations()
    {
        var batch = Batch(
            Obs(P1, "impressions", 1, 1),
            Obs(Guid.NewGuid(), "impressions", 1, 1),
            new SentObservation("not-a-guid", "impressions", 2025, 1, 1, 1),
            Obs(P1, "likes_typo", 1, 1),
            Obs(P1, "impressions", 2, double.NegativeInfinity),
            new SentObservation(P1.ToString(), "impressions", 1999, 12, 31, 1),
            new SentObservation(P1.ToString(), "impressions", 2025, 2, 29, 1),
            Obs(P1, "impressions", 1, 2));

        var e = Assert.Throws<InvalidInputException>(() => RecordKpiBatchHandler.Decide(batch, Known, Guid.CreateVersion7()));

        Assert.Equal(
        [
            "batches[0].observations[1].profile_id", "batches[0].observations[2].profile_id", "batches[0].observations[3].metric",
            "batches[0].observations[4].value", "batches[0].observations[5].date", "batches[0].observations[6].date", "batches[0].observations[7]",
        ], e.Violations.Select(v => v.Field));
        Assert.Contains("observations[0]", e.Violations[^1].Description);
    }

    [Fact]
    public void RefusesBatchGivenUnknownTimeZoneOrTooManyObservations()
    {
        var tz = Assert.Throws<InvalidInputException>(() =>
            RecordKpiBatchHandler.Decide(Batch(Obs(P1, "impressions", 1, 1)) with { SourceTimeZone = "Mars/Olympus" }, Known, Guid.NewGuid()));
        var big = Enumerable.Range(0, RecordKpiBatchHandler.MaxObservations + 1).Select(i => new SentObservation(P1.ToString(), "impressions", 2000, 1, 1, i)).ToArray();
        var size = Assert.Throws<InvalidInputException>(() => RecordKpiBatchHandler.Decide(Batch(big), Known, Guid.NewGuid()));

        Assert.Equal("batches[0].source_time_zone", tz.Violations.Single().Field);
        Assert.Equal("batches[0].observations", size.Violations.Single().Field);
    }

    [Fact]
    public void ReturnsNothingToAppendGivenRetriedRequestIdAndRefusesSameHandleOtherwise()
    {
        var command = new RegisterProfile(Network.LinkedIn, " acme ", "Corporate", Ownership.Owned, "", "req-1", Now);
        var registered = RegisterProfileHandler.Decide(command, null, P1)!;
        var existing = new KpiProfile { Id = P1, Network = Network.LinkedIn, Handle = "acme", RequestId = "req-1" };

        Assert.Equal("acme", registered.Handle);
        Assert.Equal("acme", registered.DisplayName);
        Assert.Null(RegisterProfileHandler.Decide(command, existing, P2));
        Assert.Throws<AlreadyExistsException>(() => RegisterProfileHandler.Decide(command with { RequestId = "req-2" }, existing, P2));
        var missing = Assert.Throws<InvalidInputException>(() => RegisterProfileHandler.Decide(new RegisterProfile(null, "", "", null, "", null, Now), null, P2));
        Assert.Equal(["network", "handle", "business_unit", "ownership"], missing.Violations.Select(v => v.Field));
    }

    [Fact]
    public void RefusesCorrectionGivenNoRecordedValue()
    {
        var profile = new KpiProfile { Id = P1 };
        var command = new CorrectKpi(P1.ToString(), "followers", 2025, 1, 1, 10, "restated", "k", Now);

        var e = Assert.Throws<RuleViolationException>(() => CorrectKpiHandler.Decide(command, profile, new DateOnly(2025, 1, 1), []));

        Assert.Equal("NOTHING_TO_CORRECT", e.Rule);
    }

    [Fact]
    public void RollsUpFlowsBySumAndLevelsByLastValue()
    {
        Assert.Equal(AggregationMethod.Sum, MetricCatalogue.Find("impressions")!.Rollup);
        Assert.Equal(AggregationMethod.Last, MetricCatalogue.Find("followers")!.Rollup);
        Assert.Equal(MetricKind.Level, MetricCatalogue.Find("followers")!.Kind);
        Assert.False(MetricCatalogue.Find("reach")!.Additive);
        Assert.Null(MetricCatalogue.Find("Impressions")); // names are exact
        Assert.Equal(MetricCatalogue.Default.Count, MetricCatalogue.Default.Select(m => m.Name).Distinct().Count());
    }
}
