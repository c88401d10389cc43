using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe alerts channels …` and `coe alerts deliveries …` run as a process against a real server.</summary>
public sealed class AlertDeliveryCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    [Fact]
    public async Task CreatesListsUpdatesAndDeletesChannelsAndListsDeliveries()
    {
        var key = await server.CreateKeyAsync("cli-delivery", Role.Committee);

        var created = await Coe(key, "alerts", "channels", "create", "ops hook", "--kind", "webhook", "--url", "https://ops.example.org/coe",
            "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "-o", "json");
        Assert.True(created.Code == ExitCodes.Ok, created.Err);
        var hook = DeliveryChannel.Parser.ParseJson(created.Out);
        Assert.Equal((DeliveryChannelKind.Webhook, true, ""), (hook.Kind, hook.HasSecret, hook.Secret));
        var mail = await Coe(key, "alerts", "channels", "create", "crisis list", "--kind", "email", "--email-to", "a@example.org", "--email-to", "b@example.org");
        Assert.True(mail.Code == ExitCodes.Ok, mail.Err);

        var renamed = await Coe(key, "alerts", "channels", "update", hook.ChannelId, "--name", "ops webhook", "--disabled", "-o", "json");
        Assert.True(renamed.Code == ExitCodes.Ok, renamed.Err);
        var updated = DeliveryChannel.Parser.ParseJson(renamed.Out);
        // What was not given stays: the URL and the signing secret.
        Assert.Equal(("ops webhook", true, "https://ops.example.org/coe", true, "W/\"2\""), (updated.Name, updated.Disabled, updated.Url, updated.HasSecret, updated.Etag));

        var listed = await Coe(key, "alerts", "channels", "list");
        Assert.Contains("crisis list", listed.Out);
        Assert.Contains("a@example.org, b@example.org", listed.Out);
        Assert.Contains("ops webhook", listed.Out);
        Assert.DoesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", listed.Out + renamed.Out + created.Out);

        var stale = await Coe(key, "alerts", "channels", "delete", hook.ChannelId, "--etag", "W/\"1\"");
        Assert.Equal(ExitCodes.Refused, stale.Code);
        Assert.Contains("Aborted", stale.Err);
        Assert.Equal(ExitCodes.Ok, (await Coe(key, "alerts", "channels", "delete", hook.ChannelId)).Code);

        var deliveries = await Coe(key, "alerts", "deliveries", "list", "--state", "dead-lettered");
        Assert.True(deliveries.Code == ExitCodes.Ok, deliveries.Err);
        Assert.Contains("no deliveries", deliveries.Out);
        var badKind = await Coe(key, "alerts", "channels", "create", "x", "--kind", "fax");
        Assert.Equal(ExitCodes.Usage, badKind.Code);
        var badId = await Coe(key, "alerts", "deliveries", "requeue", "nope");
        Assert.Equal(ExitCodes.Refused, badId.Code);
        Assert.Contains("delivery_id", badId.Err);
    }
}
