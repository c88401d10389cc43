using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.ListingEvaluations;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Marten.Schema.Indexing.Unique;

namespace CoeInsights.Evaluations;

public static class EvaluationsModule
{
    /// <summary>The Evaluation stream's events and its inline read models (details, list summaries).</summary>
    public static StoreOptions ConfigureEvaluations(this StoreOptions options)
    {
        options.Events.AddEventType<EvaluationOpened>();
        options.Events.AddEventType<CriteriaAdded>();
        options.Events.AddEventType<CriterionUpdated>();
        options.Events.AddEventType<CriterionRemoved>();
        options.Events.AddEventType<VendorsAdded>();
        options.Events.AddEventType<EvaluatorsInvited>();
        options.Events.AddEventType<WeightsSet>();
        options.Events.AddEventType<ScoresSubmitted>();
        options.Events.AddEventType<EvaluationClosed>();
        options.Events.AddEventType<RecommendationProposed>();
        options.Events.AddEventType<RecommendationVoteCast>();
        options.Events.AddEventType<RecommendationApproved>();
        options.Events.AddEventType<RecommendationRejected>();
        options.Events.AddEventType<EvaluationReopened>();
        // The write model is kept as an inline snapshot: FetchForWriting loads one document instead of replaying the stream.
        options.Projections.Snapshot<Evaluation>(SnapshotLifecycle.Inline);
        options.Projections.Add<EvaluationDetailsProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<EvaluationSummaryProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<EvaluationSummary>()
            .Index(s => s.State)
            .UniqueIndex(UniqueIndexType.Computed, "ux_evaluation_summary_request_id", TenancyScope.PerTenant, s => s.RequestId!);
        return options;
    }
}
