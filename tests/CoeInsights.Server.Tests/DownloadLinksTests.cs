extern alias server;
using server::CoeInsights.Server.Reports;

namespace CoeInsights.Server.Tests;

public sealed class DownloadLinksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DownloadLinks Links = new("a server secret of thirty-two bytes!"u8.ToArray());
    private static readonly DownloadGrant Grant = new("acme", "evaluation-workbook", "0193a1b2-0000-7000-8000-000000000001", Now.AddMinutes(15), "alice", "Viewer,Evaluator");

    [Fact]
    public void GrantsOneExportGivenFreshToken()
    {
        Assert.Equal(Grant, Links.Verify(Links.Create(Grant), Now));
    }

    [Fact]
    public void RefusesGivenExpiredToken()
    {
        Assert.Null(Links.Verify(Links.Create(Grant), Now.AddMinutes(15)));
    }

    [Fact]
    public void RefusesGivenTokenSignedWithAnotherSecret()
    {
        var other = new DownloadLinks("another secret, also 32 bytes.."u8.ToArray());
        Assert.Null(Links.Verify(other.Create(Grant), Now));
    }

    [Fact]
    public void RefusesGivenPayloadChangedToAnotherTenant()
    {
        var token = Links.Create(Grant);
        var forged = Links.Create(Grant with { TenantId = "globex" });
        // The payload of one with the signature of the other.
        var spliced = forged[..forged.IndexOf('.')] + token[token.IndexOf('.')..];

        Assert.Null(Links.Verify(spliced, Now));
    }

    [Fact]
    public void RefusesGivenParametersSplicedFromAnotherLink()
    {
        var deck = Grant with { ExportKind = "kpi-deck", ResourceId = "", Parameters = "CgQI6g8QAQ" };
        var token = Links.Create(deck);
        var wider = Links.Create(deck with { Parameters = "CgQI6g8QAhIE" });
        var spliced = wider[..wider.IndexOf('.')] + token[token.IndexOf('.')..];

        Assert.Equal(deck, Links.Verify(token, Now));
        Assert.Null(Links.Verify(spliced, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".")]
    [InlineData("!!!.???")]
    public void RefusesGivenMalformedToken(string token)
    {
        Assert.Null(Links.Verify(token, Now));
    }
}
