using CoeInsights.V1;

namespace CoeInsights.Cli.Sample;

/// <summary>
/// The sample CoE, generated from a fixed seed (the same bytes on every machine): an evaluation of six fictional
/// social media management platforms against 24 criteria in six categories, eight evaluators from five departments,
/// a 40-response stakeholder survey whose importance ratings become the weights, and 18 months of daily KPIs for
/// eight owned and three competitor profiles, with one planted anomaly (a spike of negative mentions).
/// Pure: no I/O; <see cref="SampleLoader"/> sends it through the public API.
/// </summary>
internal static class SampleData
{
    public const int Seed = 20261126;
    public const string EvaluationTitle = "Sample: social media management platform 2027";
    public const string SurveyTitle = "Sample: what matters in our next social media platform";
    public const string PulseTitle = "Try it: CoE pulse (open, answer it in a browser)";
    public const string ListeningTitle = "Try it: listening tool 2027 (open, score it in a browser)";
    public const string PulseRespondent = "newcomer";

    /// <summary>An open survey with every question kind the web page renders.</summary>
    public static CreateSurveyRequest PulseRequest() => new()
    {
        Title = PulseTitle,
        RequestId = $"{RequestPrefix}-pulse",
        Audience = { Departments.Select(d => new AudienceDepartment { Department = d, Invited = 0 }) },
        Questions =
        {
            new SurveyQuestion { QuestionId = "helps", Kind = QuestionKind.Likert, ScalePoints = 5, Text = "The CoE helps my team do its work" },
            new SurveyQuestion { QuestionId = "recommend", Kind = QuestionKind.Nps, Text = "How likely are you to recommend the CoE to a colleague?" },
            new SurveyQuestion { QuestionId = "priorities", Kind = QuestionKind.Ranking, Options = { "training", "dashboards", "templates", "office-hours" }, Text = "What should the CoE do first?" },
            new SurveyQuestion { QuestionId = "matters", Kind = QuestionKind.Pairwise, Options = { "cost", "analytics", "ease-of-use" }, Text = "What matters more in a new tool?" },
            new SurveyQuestion { QuestionId = "hours", Kind = QuestionKind.Number, Minimum = 0, Maximum = 60, Text = "Hours a week you spend on social media work" },
            new SurveyQuestion { QuestionId = "else", Kind = QuestionKind.FreeText, Text = "Anything else the committee should know?" },
        },
    };

    public static IEnumerable<Criterion> ListeningCriteria() =>
    [
        new Criterion
        {
            CriterionId = "coverage", Description = "Share of the networks, news and forums we need that the tool listens to", Category = "Listening",
            // What 1 … 5 mean on the 1–5 scale, shown next to the evaluator's score field.
            ScaleLevelDescriptions =
            {
                "Misses most of our networks or news", "Covers the big networks only", "Covers our networks, few news sites or forums",
                "Covers almost everything we need", "Covers every network, news site and forum we named",
            },
        },
        new Criterion { CriterionId = "sentiment", Description = "How well sentiment matches what a person reading the posts would say", Category = "Listening" },
        new Criterion
        {
            CriterionId = "alerts", Description = "Alerts on spikes reach PR within minutes, with the posts behind them", Category = "Operations",
            ScaleLevelDescriptions =
            {
                "No spike alerts", "Daily digest only", "Alerts within the hour", "Alerts within minutes", "Alerts within minutes, routed to whoever is on call, with the posts",
            },
        },
    ];

    public static IEnumerable<Vendor> ListeningVendors() =>
    [
        new Vendor { VendorId = "brandwatch", DisplayName = "Brandwatch", Product = "Consumer Research" },
        new Vendor { VendorId = "talkwalker", DisplayName = "Talkwalker", Product = "Listening" },
        new Vendor { VendorId = "meltwater", DisplayName = "Meltwater", Product = "Social Listening" },
    ];
    /// <summary>Prefix of every request id and idempotency key the sample uses (a rerun stores nothing twice).</summary>
    public const string RequestPrefix = "coe-sample-v1";

    /// <summary>The sample's one alert rule (docs/alerts.md, "Rules"): negative mentions rising, seasonal robust z-score, enabled.</summary>
    public static AlertRule AlertRule() => new()
    {
        Name = "Negative mentions spike", Metric = "negative_mentions", Method = AlertMethod.RobustZScore, Seasonal = true, Direction = AlertDirection.Up,
        MinimumVolume = 10, CooldownDays = 3, Enabled = true, Approvers = { "crisis.lead@northwind.example", "head.of.comms@northwind.example" },
        EscalateAfter = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(30)),
        Protocol = "1. Hold statement A on every owned channel within 30 minutes. 2. Legal reviews every reply. 3. No comment on individuals.",
    };
    public const string BusinessUnitPrefix = "Sample ";

    /// <summary>The first and last reporting day: 18 whole months, 2025-01-01 … 2026-06-30 (365 + 181 = 546 days).</summary>
    public static readonly DateOnly FirstDay = new(2025, 1, 1);
    public static readonly DateOnly LastDay = new(2026, 6, 30);

    /// <summary>
    /// The reporting period of the sample's KPI deck: Q1 2026 (90 days), so each card compares with the previous 90 days
    /// (2025-10-03 … 2025-12-31) and with Q1 2025, both inside the data.
    /// </summary>
    public static readonly DateOnly DeckFrom = new(2026, 1, 1);
    public static readonly DateOnly DeckTo = new(2026, 3, 31);

    /// <summary>
    /// Where the day-by-day draws start. The sample first covered 2025-05-01 … 2026-10-31 (549 days), and the crisis
    /// detector's labelled set (<see cref="BacktestSetGenerator"/>, 2025-11-01 … 2026-04-30) was built and tuned on those
    /// values; so days from the anchor on keep them (drawn forward, growth linear over <see cref="GrowthDays"/> days), and
    /// the days before it are drawn backwards from the anchor with a random stream of their own.
    /// </summary>
    private static readonly DateOnly Anchor = new(2025, 5, 1);
    private const int GrowthDays = 548;

    /// <summary>The planted anomaly: a product-recall rumour on the consumer Instagram profile.</summary>
    public static readonly (string Handle, Network Network, string Metric, DateOnly Day, double Factor) Anomaly =
        ("northwind.home", Network.Instagram, "negative_mentions", new DateOnly(2026, 3, 17), 9.0);

    public sealed record CriterionDef(string Id, string Category, string Description, bool VendorFact = false);

    public static readonly string[] Categories =
    [
        "Publishing and approval workflows", "Analytics and BI connectors", "Social listening",
        "Governance and roles", "Integrations", "Cost",
    ];

    public static readonly CriterionDef[] Criteria =
    [
        new("publishing-calendar", Categories[0], "Shared content calendar with drafts, queues and best-time scheduling"),
        new("approval-workflows", Categories[0], "Multi-step approval workflows (legal, brand, regional) with audit of who approved"),
        new("asset-library", Categories[0], "Digital asset library with rights expiry and reuse"),
        new("mobile-publishing", Categories[0], "Publishing and approving from the mobile app"),
        new("analytics-dashboards", Categories[1], "Out-of-the-box performance dashboards across networks"),
        new("custom-reports", Categories[1], "Custom reports with scheduled delivery to leadership"),
        new("bi-connectors", Categories[1], "Native Power BI / Tableau connectors and a documented data model"),
        new("data-export-api", Categories[1], "Raw data export and a reporting API without row limits"),
        new("listening-coverage", Categories[2], "Listening coverage: networks, news, forums, reviews, languages"),
        new("sentiment-accuracy", Categories[2], "Sentiment accuracy in our languages, with manual correction"),
        new("crisis-alerting", Categories[2], "Spike and crisis alerting with routing to on-call owners"),
        new("competitor-benchmarks", Categories[2], "Competitor benchmarks and share of voice"),
        new("roles-permissions", Categories[3], "Granular roles per brand, region and network"),
        new("sso-scim", Categories[3], "Single sign-on and SCIM user provisioning"),
        new("audit-trail", Categories[3], "Complete audit trail and data retention controls"),
        new("brand-compliance", Categories[3], "Brand and compliance guardrails (blocked terms, disclosures)"),
        new("crm-integration", Categories[4], "CRM integration (leads and contacts to Salesforce / Dynamics)"),
        new("helpdesk-integration", Categories[4], "Social customer care: inbox routing to the helpdesk"),
        new("marketing-automation", Categories[4], "Marketing automation and campaign tracking (UTM) integration"),
        new("api-webhooks", Categories[4], "Public API and webhooks for our own integrations"),
        new("annual-cost", Categories[5], "Annual licence cost for 60 seats (EUR, vendor quote)", VendorFact: true),
        new("implementation-cost", Categories[5], "One-off implementation and training cost (EUR, vendor quote)", VendorFact: true),
        new("pricing-transparency", Categories[5], "Pricing transparency: seats, add-ons and overage rules"),
        new("contract-flexibility", Categories[5], "Contract flexibility: term, seat changes, exit and data return"),
    ];

    public sealed record VendorDef(string Id, string Name, string Product, double AnnualCost, double ImplementationCost, double[] Strength);

    // Strength per category (0..1) on the six categories; the cost category's strength drives the two scored cost criteria.
    public static readonly VendorDef[] Vendors =
    [
        new("plumecast", "Plumecast", "Plumecast Enterprise", 96_000, 18_000, [0.90, 0.62, 0.45, 0.70, 0.60, 0.72]),
        new("beaconly", "Beaconly", "Beaconly Command Center", 148_000, 42_000, [0.72, 0.92, 0.94, 0.84, 0.74, 0.40]),
        new("crestline", "Crestline Social", "Crestline Social Suite", 122_000, 30_000, [0.80, 0.84, 0.70, 0.88, 0.86, 0.58]),
        new("orbitdeck", "OrbitDeck", "OrbitDeck Teams", 64_000, 9_000, [0.74, 0.46, 0.30, 0.50, 0.48, 0.86]),
        new("tidewater", "Tidewater Studio", "Tidewater Studio Pro", 88_000, 21_000, [0.64, 0.70, 0.58, 0.60, 0.90, 0.66]),
        new("kestrelhq", "KestrelHQ", "KestrelHQ Listen+Publish", 110_000, 26_000, [0.58, 0.66, 0.86, 0.66, 0.56, 0.60]),
    ];

    public sealed record EvaluatorDef(string Id, string Name, string Department, double Bias);

    public static readonly string[] Departments = ["Social", "PR", "HR", "BI", "Sales"];

    public static readonly EvaluatorDef[] Evaluators =
    [
        new("s.lindqvist", "Sara Lindqvist", "Social", 0.15),
        new("j.okafor", "Jude Okafor", "Social", -0.10),
        new("m.rossi", "Marta Rossi", "PR", 0.05),
        new("t.nakamura", "Taro Nakamura", "PR", -0.20),
        new("a.haddad", "Amira Haddad", "HR", 0.10),
        new("p.kowalski", "Piotr Kowalski", "BI", -0.15),
        new("l.moreau", "Lea Moreau", "BI", 0.00),
        new("d.brennan", "Dan Brennan", "Sales", 0.20),
    ];

    public static readonly string[] CommitteeMembers = ["c.adeyemi", "h.svensson", "r.iyer"];

    /// <summary>Invited and responding people per department (40 responses in all).</summary>
    public static readonly (string Department, int Invited, int Responding)[] Audience =
    [
        ("Social", 12, 11), ("PR", 10, 8), ("HR", 8, 6), ("BI", 9, 7), ("Sales", 10, 8),
    ];

    // How much each department cares about each category (1..7 Likert centre).
    private static readonly Dictionary<string, double[]> DepartmentImportance = new()
    {
        ["Social"] = [6.5, 5.0, 5.2, 4.2, 3.6, 4.4],
        ["PR"] = [5.2, 4.4, 6.6, 4.8, 3.4, 4.0],
        ["HR"] = [5.0, 3.8, 4.2, 6.2, 3.8, 4.6],
        ["BI"] = [3.6, 6.6, 4.4, 5.0, 5.2, 4.2],
        ["Sales"] = [3.8, 4.6, 4.0, 4.0, 6.4, 5.2],
    };

    public static string QuestionId(CriterionDef criterion) => "imp-" + criterion.Id;
    public const string NpsQuestionId = "nps-current-tool";

    public static IEnumerable<Criterion> CriterionMessages() => Criteria.Select(c => new Criterion
    {
        CriterionId = c.Id, Category = c.Category, Description = c.Description,
        Direction = c.VendorFact ? CriterionDirection.Cost : CriterionDirection.Benefit,
        Source = c.VendorFact ? CriterionSource.VendorFact : CriterionSource.EvaluatorScores,
    });

    public static IEnumerable<Vendor> VendorMessages() => Vendors.Select(v => new Vendor
    {
        VendorId = v.Id, DisplayName = v.Name, Product = v.Product,
        Facts =
        {
            new VendorFactValue { CriterionId = "annual-cost", Value = v.AnnualCost },
            new VendorFactValue { CriterionId = "implementation-cost", Value = v.ImplementationCost },
        },
    });

    public static IEnumerable<Evaluator> EvaluatorMessages() => Evaluators.Select(e => new Evaluator
    {
        EvaluatorId = e.Id, DisplayName = e.Name, Department = e.Department,
    });

    public static CreateSurveyRequest SurveyRequest(string evaluationId) => new()
    {
        Title = SurveyTitle,
        RequestId = $"{RequestPrefix}-survey",
        Audience = { Audience.Select(a => new AudienceDepartment { Department = a.Department, Invited = a.Invited }) },
        Evaluation = new SurveyEvaluationLink { EvaluationId = evaluationId, CriterionIds = { Criteria.Select(c => c.Id) } },
        Questions =
        {
            Criteria.Select(c => new SurveyQuestion
            {
                QuestionId = QuestionId(c), Kind = QuestionKind.Likert, ScalePoints = 7, CriterionId = c.Id,
                Text = $"How important is this for our next platform? {c.Description}",
            }),
            new SurveyQuestion
            {
                QuestionId = NpsQuestionId, Kind = QuestionKind.Nps,
                Text = "How likely are you to recommend our current social media tooling to a colleague?",
            },
        },
    };

    public sealed record Respondent(string Id, string Department, SurveyAnswer[] Answers);

    /// <summary>The 40 survey responses: each department rates the categories it lives in higher.</summary>
    public static Respondent[] SurveyResponses()
    {
        var random = new Random(Seed + 1);
        var respondents = new List<Respondent>();
        var n = 0;
        foreach (var (department, _, responding) in Audience)
        {
            for (var i = 0; i < responding; i++)
            {
                n++;
                var personal = Noise(random, 0.5, 1.0);
                var answers = Criteria.Select(c =>
                {
                    var centre = DepartmentImportance[department][Array.IndexOf(Categories, c.Category)];
                    var value = Math.Clamp(Math.Round(centre + personal + Noise(random, 0.8, 2.0)), 1, 7);
                    return new SurveyAnswer { QuestionId = QuestionId(c), Likert = value };
                }).Append(new SurveyAnswer { QuestionId = NpsQuestionId, Nps = Math.Clamp(Math.Round(6 + Noise(random, 2.0, 2.0)), 0, 10) });
                respondents.Add(new Respondent($"respondent-{n:D2}", department, [.. answers]));
            }
        }
        return [.. respondents];
    }

    /// <summary>One evaluator's scores (1..5) on every scored criterion of every vendor, a few with comments.</summary>
    public static ScoreEntry[] Scores(EvaluatorDef evaluator)
    {
        var random = new Random(Seed + 100 + Array.IndexOf(Evaluators, evaluator));
        var entries = new List<ScoreEntry>();
        foreach (var vendor in Vendors)
        {
            foreach (var (criterion, index) in Criteria.Select((c, i) => (c, i)))
            {
                if (criterion.VendorFact) continue;
                var category = Array.IndexOf(Categories, criterion.Category);
                // A fixed per-(vendor, criterion) twist so criteria in one category are not all alike.
                var twist = ((vendor.Id.Length * 7 + index * 13) % 9 - 4) * 0.08;
                var latent = 1 + 4 * vendor.Strength[category] + twist;
                var value = Math.Clamp(Math.Round(latent + evaluator.Bias + Noise(random, 0.45, 1.5)), 1, 5);
                var entry = new ScoreEntry { VendorId = vendor.Id, CriterionId = criterion.Id, Value = value };
                if (value == 5) entry.Comment = $"{vendor.Name} was the strongest demo on this point.";
                else if (value == 1) entry.Comment = $"{vendor.Name} could not show this in the trial.";
                entries.Add(entry);
            }
        }
        return [.. entries];
    }

    public sealed record ProfileDef(string Handle, Network Network, Ownership Ownership, string BusinessUnit, string DisplayName, double Scale, double Growth);

    public static readonly ProfileDef[] Profiles =
    [
        new("northwind", Network.Linkedin, Ownership.Owned, BusinessUnitPrefix + "Corporate", "Northwind Group", 1.0, 0.45),
        new("northwind", Network.X, Ownership.Owned, BusinessUnitPrefix + "Corporate", "Northwind Group", 0.8, -0.10),
        new("northwindtv", Network.Youtube, Ownership.Owned, BusinessUnitPrefix + "Corporate", "Northwind TV", 0.6, 0.30),
        new("northwind.home", Network.Instagram, Ownership.Owned, BusinessUnitPrefix + "Consumer", "Northwind Home", 1.6, 0.55),
        new("northwindhome", Network.Facebook, Ownership.Owned, BusinessUnitPrefix + "Consumer", "Northwind Home", 1.3, 0.05),
        new("northwind.home", Network.Tiktok, Ownership.Owned, BusinessUnitPrefix + "Consumer", "Northwind Home", 1.2, 1.20),
        new("northwind-careers", Network.Linkedin, Ownership.Owned, BusinessUnitPrefix + "Employer brand", "Life at Northwind", 0.5, 0.35),
        new("lifeatnorthwind", Network.Instagram, Ownership.Owned, BusinessUnitPrefix + "Employer brand", "Life at Northwind", 0.4, 0.40),
        new("contoso-group", Network.Linkedin, Ownership.Competitor, BusinessUnitPrefix + "Corporate", "Contoso Group", 1.2, 0.30),
        new("fabrikam.living", Network.Instagram, Ownership.Competitor, BusinessUnitPrefix + "Consumer", "Fabrikam Living", 1.8, 0.25),
        new("tailspinhome", Network.Tiktok, Ownership.Competitor, BusinessUnitPrefix + "Consumer", "Tailspin Home", 1.0, 0.90),
    ];

    public static string ProfileKey(ProfileDef p) => $"{p.Network}/{p.Handle}";

    public static readonly string[] OwnedMetrics =
    [
        "impressions", "reach", "engagements", "clicks", "posts_published", "followers", "new_followers",
        "mentions", "positive_mentions", "neutral_mentions", "negative_mentions", "spend", "attributed_revenue",
    ];

    public static readonly string[] CompetitorMetrics =
    [
        "engagements", "posts_published", "followers", "new_followers", "mentions", "positive_mentions", "neutral_mentions", "negative_mentions",
    ];

    // Monday-first weekly pattern per network (B2B networks dip at weekends, consumer networks peak).
    private static double[] Weekly(Network network) => network switch
    {
        Network.Linkedin => [1.15, 1.20, 1.18, 1.12, 1.00, 0.60, 0.55],
        Network.X => [1.05, 1.08, 1.06, 1.04, 1.00, 0.90, 0.85],
        Network.Youtube => [0.90, 0.92, 0.94, 0.96, 1.05, 1.18, 1.22],
        _ => [0.92, 0.94, 0.95, 0.98, 1.06, 1.18, 1.20],
    };

    public sealed record Observation(int Profile, string Metric, DateOnly Day, double Value);

    /// <summary>Every daily observation of every profile, day by day. The same sequence on every call.</summary>
    public static IEnumerable<Observation> Kpis()
    {
        for (var p = 0; p < Profiles.Length; p++)
        {
            var profile = Profiles[p];
            var owned = profile.Ownership == Ownership.Owned;
            var startFollowers = Math.Round(40_000 * profile.Scale);
            // Before the anchor, backwards: a day's followers are the next day's less the next day's new followers.
            var backwards = new Random(Seed + 2000 + p);
            var before = new List<Observation>();
            var followers = startFollowers;
            for (var day = Anchor.AddDays(-1); day >= FirstDay; day = day.AddDays(-1))
            {
                var values = Draws(profile, backwards, day, (double)(day.DayNumber - Anchor.DayNumber) / GrowthDays);
                before.AddRange(Emit(p, day, values, followers, owned).Reverse());
                followers -= values.NewFollowers;
            }
            before.Reverse();
            foreach (var o in before) yield return o;

            var forwards = new Random(Seed + 1000 + p);
            followers = startFollowers;
            for (var day = Anchor; day <= LastDay; day = day.AddDays(1))
            {
                var values = Draws(profile, forwards, day, (double)(day.DayNumber - Anchor.DayNumber) / GrowthDays);
                followers += values.NewFollowers;
                foreach (var o in Emit(p, day, values, followers, owned)) yield return o;
            }
        }
    }

    private sealed record DayDraws(double Posts, double Impressions, double Engagements, double NewFollowers, double Positive, double Neutral,
        double Negative, double Spend, double Reach, double Clicks, double Revenue);

    /// <summary>One profile's draws for one day, <paramref name="t"/> the growth position (0 at the anchor, 1 after <see cref="GrowthDays"/>).</summary>
    private static DayDraws Draws(ProfileDef profile, Random random, DateOnly day, double t)
    {
        var weekly = Weekly(profile.Network);
        var level = profile.Scale * (1 + profile.Growth * t) * weekly[((int)day.DayOfWeek + 6) % 7]
            * (day.Month == 12 && day.Day > 20 ? 0.75 : 1.0); // the holiday lull
        double Draw(double mean, double relativeSd) => Math.Max(0, Math.Round(mean * (1 + Noise(random, relativeSd, 2.5))));

        var posts = Math.Max(0, Math.Round(2.4 * weekly[((int)day.DayOfWeek + 6) % 7] + Noise(random, 0.7, 1.5)));
        var impressions = Draw(24_000 * level, 0.12);
        var engagements = Draw(impressions * 0.034, 0.10);
        var newFollowers = Math.Round(28 * profile.Scale * (1 + profile.Growth * t) + Noise(random, 6 * profile.Scale, 2.5));
        var positive = Draw(22 * level, 0.18);
        var neutral = Draw(40 * level, 0.15);
        var negative = Draw(9 * level, 0.20);
        if (profile.Handle == Anomaly.Handle && profile.Network == Anomaly.Network && day == Anomaly.Day)
            negative = Math.Round(negative * Anomaly.Factor);
        if (profile.Ownership != Ownership.Owned) return new(posts, impressions, engagements, newFollowers, positive, neutral, negative, 0, 0, 0, 0);
        var spend = Math.Round(Draw(420 * profile.Scale, 0.20), 2);
        var reach = Draw(impressions * 0.62, 0.08);
        var clicks = Draw(engagements * 0.22, 0.15);
        var revenue = Math.Round(spend * (1.6 + 0.8 * profile.Growth) * (1 + Noise(random, 0.25, 2.0)), 2);
        return new(posts, impressions, engagements, newFollowers, positive, neutral, negative, spend, reach, clicks, revenue);
    }

    private static IEnumerable<Observation> Emit(int p, DateOnly day, DayDraws v, double followers, bool owned)
    {
        yield return new(p, "engagements", day, v.Engagements);
        yield return new(p, "posts_published", day, v.Posts);
        yield return new(p, "followers", day, followers);
        yield return new(p, "new_followers", day, v.NewFollowers);
        yield return new(p, "mentions", day, v.Positive + v.Neutral + v.Negative);
        yield return new(p, "positive_mentions", day, v.Positive);
        yield return new(p, "neutral_mentions", day, v.Neutral);
        yield return new(p, "negative_mentions", day, v.Negative);
        if (!owned) yield break;
        yield return new(p, "impressions", day, v.Impressions);
        yield return new(p, "reach", day, v.Reach);
        yield return new(p, "clicks", day, v.Clicks);
        yield return new(p, "spend", day, v.Spend);
        yield return new(p, "attributed_revenue", day, v.Revenue);
    }

    /// <summary>A normal draw with standard deviation <paramref name="sd"/>, truncated at ±<paramref name="limit"/> sd
    /// (so the only outlier in the data is the one planted on purpose).</summary>
    private static double Noise(Random random, double sd, double limit)
    {
        double z;
        do
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        } while (Math.Abs(z) > limit);
        return z * sd;
    }
}
