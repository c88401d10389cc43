using CoeInsights.Analytics.Scoring;
using CoeInsights.Exports.Evaluations;

namespace CoeInsights.Exports.Tests;

/// <summary>
/// The heat map of an evaluation the size of the sample's (6 vendors × 24 criteria described in a sentence each),
/// printed by LibreOffice: one page, every criterion's full name on it, at a size a person reads.
/// </summary>
public sealed class HeatMapPrintTests
{
    private static readonly string[] Topics =
    [
        "Shared content calendar with drafts, queues and best-time scheduling",
        "Multi-step approval workflows (legal, brand, regional) with audit of who approved",
        "Digital asset library with rights expiry and reuse",
        "Publishing and approving from the mobile app",
        "Out-of-the-box performance dashboards across networks",
        "Custom reports with scheduled delivery to leadership",
        "Native Power BI / Tableau connectors and a documented data model",
        "Raw data export and a reporting API without row limits",
        "Listening coverage: networks, news, forums, reviews, languages",
        "Sentiment accuracy in our languages, with manual correction",
        "Spike and crisis alerting with routing to on-call owners",
        "Competitor benchmarks and share of voice",
        "Granular roles per brand, region and network",
        "Single sign-on and SCIM user provisioning",
        "Complete audit trail and data retention controls",
        "Brand and compliance guardrails (blocked terms, disclosures)",
        "CRM integration (leads and contacts to Salesforce / Dynamics)",
        "Social customer care: inbox routing to the helpdesk",
        "Marketing automation and campaign tracking (UTM) integration",
        "Public API and webhooks for our own integrations",
        "Pricing transparency: seats, add-ons and overage rules",
        "Contract flexibility: term, seat changes, exit and data return",
        "Customer success manager and onboarding programme",
        "Annual licence cost for 60 seats (EUR, vendor quote)",
    ];

    private static EvaluationWorkbookModel Model()
    {
        var vendors = new[] { "Plumecast", "Beaconly", "Crestline Social", "OrbitDeck", "Tidewater Studio", "KestrelHQ" }
            .Select((n, i) => new VendorInfo($"v{i}", n, 64_000 + 17_000 * i)).ToArray();
        var criteria = Topics.Select((t, j) => new CriterionInfo($"c{j}", t, $"Category {1 + j / 4}",
            j == Topics.Length - 1 ? CriterionDirection.Cost : CriterionDirection.Benefit)).ToArray();
        var evaluators = Enumerable.Range(1, 4).Select(i => new EvaluatorInfo($"e{i}", $"Evaluator {i}", i % 2 == 0 ? "PR" : "BI")).ToArray();
        var random = new Random(11);
        var scores = (from e in evaluators from v in vendors from c in criteria.SkipLast(1)
            select new ScoreEntry(e.Id, v.Id, c.Id, random.Next(1, 6))).ToList();
        var result = ScoringEngine.ScoreEvaluation(new EvaluationScoringRequest
        {
            Vendors = vendors.Select(v => new Vendor(v.Id, v.Name)).ToArray(),
            Criteria = criteria.Select(c => new Criterion(c.Id, c.Direction, c.Category, null,
                c.Direction == CriterionDirection.Cost ? CriterionSource.VendorFact : CriterionSource.EvaluatorScores)).ToArray(),
            EvaluatorIds = evaluators.Select(e => e.Id).ToArray(),
            Scale = new ScoreScale(1, 5),
            Scores = scores.Select(s => new EvaluatorScore(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value)).ToArray(),
            Facts = vendors.Select(v => new VendorFact(v.Id, criteria[^1].Id, v.AnnualCost!.Value)).ToArray(),
            Weights = criteria.Select(_ => 1.0 / criteria.Length).ToArray(),
        });
        return new EvaluationWorkbookModel
        {
            Title = "Heat map at the sample's size",
            GeneratedAt = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero),
            ScaleMin = 1,
            ScaleMax = 5,
            Vendors = vendors,
            Criteria = criteria,
            Evaluators = evaluators,
            WeightsSource = "Direct",
            Scores = scores,
            VendorFacts = vendors.Select(v => new VendorFactEntry(v.Id, criteria[^1].Id, v.AnnualCost!.Value)).ToList(),
            Result = result,
        };
    }

    [Fact]
    public async Task PrintsEveryCriterionByItsFullNameOnOneReadablePage()
    {
        var pdf = await SpreadsheetProgram.RenderAsync("heat-map", s => EvaluationWorkbook.Write(Model(), s));
        var pages = await SpreadsheetProgram.PageCountAsync(pdf);
        var texts = new List<string>();
        for (var p = 1; p <= pages; p++) texts.Add(await SpreadsheetProgram.PageTextAsync(pdf, p));
        var at = texts.FindIndex(t => t.Contains("Vendor × criterion", StringComparison.Ordinal));
        Assert.True(at >= 0, "no printed page holds the heat map");

        var page = texts[at];
        Assert.All(Topics, t => Assert.Contains(t, page)); // every criterion, whole, on the heat map's one page
        Assert.Contains("1. ", page); // vendors across in rank order
        Assert.Contains("149,000", page); // a cost in currency, thousands separated
        var words = await SpreadsheetProgram.PageWordsAsync(pdf, at + 1);
        var criterionWords = words.Where(w => w.Text is "Multi-step" or "Competitor" or "Granular" or "Publishing").ToList();
        Assert.NotEmpty(criterionWords);
        // Body text printed at 11 pt is ~11–13 pt tall in the PDF; under 8 pt a reader reaches for a magnifier.
        Assert.All(criterionWords, w => Assert.True(w.Height >= 8, $"'{w.Text}' prints {w.Height:0.0} pt tall"));
    }
}
