using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoeInsights.Testing;

/// <summary>
/// A <see cref="TestServer"/> whose clock stands still until a test moves it (link expiry, anything time-bound),
/// so a test checks a deadline to the tick instead of sleeping past it. The clock starts at the real time of
/// construction plus 0.4 s past a whole second: a fraction that shows whether whole-second truncation is reported.
/// Time only moves forward (FakeTimeProvider refuses to go back), so tests of one class must each work from "now".
/// </summary>
public class FakeClockServer : TestServer
{
    public FakeTimeProvider Clock { get; } =
        new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddMilliseconds(400));

    protected override void Configure(WebApplicationBuilder builder) =>
        // Registered before CoeServer adds its own (TryAddSingleton), so every TimeProvider consumer sees this one.
        builder.Services.AddSingleton<TimeProvider>(Clock);
}
