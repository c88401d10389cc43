using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Testing;
using Marten;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// What the sync tests against the documented fake share: one fake Sprout per test on the virtual clock of the recorded
/// waits (pacing and back-off never sleep), a fixed "now" of 2024-02-01 09:30 UTC and the class's real store.
/// </summary>
public abstract class FakeSproutTests(StoreFixture fixture) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    protected readonly FakeSprout _sprout = new();
    protected readonly RecordingDelays _delays = new();
    protected static readonly DateOnly Jan1 = new(2024, 1, 1);
    protected static readonly FixedClock Feb1 = new(new DateTimeOffset(2024, 2, 1, 9, 30, 0, TimeSpan.Zero));
    protected IDocumentStore Store => fixture.Store;

    public Task InitializeAsync()
    {
        _sprout.Clock = _delays.VirtualClock;
        return _sprout.StartAsync();
    }

    public async Task DisposeAsync() => await _sprout.DisposeAsync();
}
