using CoeInsights.Evaluations;
using CoeInsights.Evaluations.GettingHistory;

namespace CoeInsights.Tests.Evaluations;

/// <summary>
/// The history's event names and detail keys are API (GetEvaluationHistory, WatchEvaluation, the workbook's audit sheet).
/// The golden list below is what clients see; renaming a domain record or a property must not change it.
/// </summary>
public sealed class HistoryEventsTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly CriterionDefinition Criterion = new("cost", "Annual cost", "Finance", CriterionDirection.Cost, 5, CriterionSource.VendorFact);

    /// <summary>One of each event, with every optional part present so its keys show.</summary>
    private static IEnumerable<object> Samples() =>
    [
        new EvaluationOpened(Guid.Parse("0193a000-0000-7000-8000-000000000001"), "Tools", "Pick one", 1, 5, ["chair"], 1, true, "r1", "chair", At),
        new CriteriaAdded([Criterion], "chair", At),
        new CriterionUpdated(Criterion, "chair", At),
        new CriterionRemoved("cost", "chair", At),
        new VendorsAdded([new VendorDefinition("sprout", "Sprout", "Social", [new VendorFactValue("cost", 1000)])], "chair", At),
        new EvaluatorsInvited([new InvitedEvaluator("ana", "Ana", "Comms")], "chair", At),
        new WeightsSet([new CriterionWeight("cost", 1)], WeightSource.Ahp, new AhpJudgements(["cost"], [[[1.0]]], 0), new SurveyReference("s1", 2), "chair", At),
        new ScoresSubmitted("ana", "r2", [new ScoreInput("sprout", "cost", 4, "ok", "link")], "ana", At),
        new EvaluationClosed("chair", At),
        new RecommendationProposed("sprout", "best", "chair", At),
        new RecommendationVoteCast("chair", true, "yes", "chair", At),
        new RecommendationApproved("sprout", 1, 1, "chair", At),
        new RecommendationRejected("sprout", 1, 1, "chair", At),
        new EvaluationReopened("more vendors", "chair", At),
    ];

    private static readonly string[] Golden =
    [
        "EvaluationOpened: approvalQuorum, at, by, committeeMembers, evaluationId, purpose, requestId, scaleMax, scaleMin, scorersMayNotApprove, title",
        "CriteriaAdded: at, by, criteria[].category, criteria[].description, criteria[].direction, criteria[].id, criteria[].mustHaveThreshold, criteria[].scaleLevelDescriptions, criteria[].source",
        "CriterionUpdated: at, by, criterion.category, criterion.description, criterion.direction, criterion.id, criterion.mustHaveThreshold, criterion.scaleLevelDescriptions, criterion.source",
        "CriterionRemoved: at, by, criterionId",
        "VendorsAdded: at, by, vendors[].facts[].criterionId, vendors[].facts[].value, vendors[].id, vendors[].name, vendors[].product",
        "EvaluatorsInvited: at, by, evaluators[].department, evaluators[].displayName, evaluators[].evaluatorId",
        "WeightsSet: ahp.consistencyRatio, ahp.criterionIds, ahp.matrices, at, by, source, survey.surveyId, survey.surveyVersion, weights[].criterionId, weights[].weight",
        "ScoresSubmitted: at, by, evaluatorId, requestId, scores[].comment, scores[].criterionId, scores[].evidence, scores[].value, scores[].vendorId",
        "EvaluationClosed: at, by",
        "RecommendationProposed: at, by, rationale, vendorId",
        "RecommendationVoteCast: approve, at, by, comment, member",
        "RecommendationApproved: approvals, at, by, quorum, vendorId",
        "RecommendationRejected: at, by, quorum, rejections, vendorId",
        "EvaluationReopened: at, by, reason",
    ];

    [Fact]
    public void NamesAndDetailKeysMatchTheGoldenList()
    {
        var actual = Samples().Select(e => $"{HistoryEvents.Name(e)}: {string.Join(", ", Keys(HistoryEvents.DetailsOf(e), "").Order(StringComparer.Ordinal))}");

        Assert.Equal(Golden, actual);
    }

    [Fact]
    public void EveryEvaluationEventHasAnApiName()
    {
        var events = typeof(IEvaluationEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IEvaluationEvent).IsAssignableFrom(t)).ToList();

        Assert.NotEmpty(events);
        Assert.Empty(events.Except(HistoryEvents.Types));
        Assert.Equal(events.Count, Samples().Select(s => s.GetType()).Distinct().Count());
    }

    [Fact]
    public void DetailsCarryTheValuesNotTheirCSharpShapes()
    {
        var details = HistoryEvents.DetailsOf(new CriteriaAdded([Criterion], "chair", At));
        var criterion = Assert.IsType<EventDetails>(Assert.Single(Assert.IsType<List<EventDetails>>(details["criteria"])));

        Assert.Equal("Cost", criterion["direction"]);
        Assert.Equal("VendorFact", criterion["source"]);
        Assert.Equal(5.0, criterion["mustHaveThreshold"]);
        Assert.Equal("chair", details["by"]);
    }

    [Fact]
    public void RedactedScoresShowWhoNotWhat()
    {
        var redacted = HistoryEvents.Redacted(new ScoresSubmitted("ana", "r2", [new ScoreInput("sprout", "cost", 4, "", "")], "ana", At), "hidden");

        Assert.Equal(["evaluatorId", "note"], redacted.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Every leaf key, nested ones as <c>parent.child</c> and list items as <c>list[].child</c>.</summary>
    private static IEnumerable<string> Keys(EventDetails details, string prefix) => details.SelectMany(kv => kv.Value switch
    {
        EventDetails nested => Keys(nested, $"{prefix}{kv.Key}."),
        IEnumerable<EventDetails> items => items.SelectMany(item => Keys(item, $"{prefix}{kv.Key}[].")).Distinct(),
        _ => [prefix + kv.Key],
    });
}
