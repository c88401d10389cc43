using CoeInsights.Surveys.GettingDetails;
using CoeInsights.Surveys.ListingSurveys;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Marten.Schema.Indexing.Unique;

namespace CoeInsights.Surveys;

public static class SurveysModule
{
    /// <summary>The Survey stream's events and its inline read models (details, list summaries).</summary>
    public static StoreOptions ConfigureSurveys(this StoreOptions options)
    {
        options.Events.AddEventType<SurveyPublished>();
        options.Events.AddEventType<ResponseSubmitted>();
        options.Events.AddEventType<SurveyClosed>();
        // The write model is kept as an inline snapshot: FetchForWriting loads one document instead of replaying the stream.
        options.Projections.Snapshot<Survey>(SnapshotLifecycle.Inline);
        options.Projections.Add<SurveyDetailsProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<SurveySummaryProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<SurveySummary>()
            .UniqueIndex(UniqueIndexType.Computed, "ux_survey_summary_request_id", TenancyScope.PerTenant, s => s.RequestId!);
        return options;
    }
}
