using CoeInsights.Server.Kpis;
using CoeInsights.V1;
using Grpc.Core;
using A = CoeInsights.Analytics.Trends;
using B = CoeInsights.Analytics.Trends.Backtest;

namespace CoeInsights.Server.Alerts;

/// <summary>
/// Adapter: proto ⇄ <see cref="B.AlertBacktest"/> on the shipped labelled set (docs/alerts.md, "Detector"). Any role: it
/// reads nothing of the caller's tenant.
/// </summary>
public sealed class AlertBacktestService : V1.AlertBacktestService.AlertBacktestServiceBase
{
    public override Task<RunBacktestResponse> RunBacktest(RunBacktestRequest request, ServerCallContext context)
    {
        var v = new Validator();
        KpiMapping.RequireKnown(request.Half, "half", v);
        for (var i = 0; i < request.Methods.Count; i++) KpiMapping.RequireKnown(request.Methods[i].Method, $"methods[{i}].method", v);
        v.ThrowIfInvalid();

        var set = B.BacktestSet.Shipped;
        var half = FromProto(request.Half);
        var results = B.AlertBacktest.Run(set, new B.BacktestRequest(
            [.. request.Metrics],
            [.. request.Methods.Select(m => new B.BacktestMethodChoice(FromProto(m.Method), m.Seasonal, m.HasThreshold ? m.Threshold : null,
                m.HasMinimumVolume ? m.MinimumVolume : null))],
            half,
            request.HasCooldownDays ? request.CooldownDays : null,
            request.HasBaselineDays ? request.BaselineDays : null));
        var (profiles, crises) = B.AlertBacktest.Scope(set, half);
        return Task.FromResult(new RunBacktestResponse
        {
            Results = { results.Select(r => ToProto(r, request.IncludeCrises)) },
            ProfileCount = profiles,
            CrisisCount = crises,
            FirstDay = KpiMapping.ToProto(set.FirstDay),
            LastDay = KpiMapping.ToProto(set.LastDay),
            WarmUpDays = B.AlertBacktest.WarmUpDays,
        });
    }

    public static A.AlertMethod FromProto(V1.AlertMethod m) => m switch
    {
        V1.AlertMethod.FixedThreshold => A.AlertMethod.FixedThreshold,
        V1.AlertMethod.ChangeVsPreviousPeriod => A.AlertMethod.ChangeVsPreviousPeriod,
        V1.AlertMethod.ChangeVsSameWeekdayLastWeek => A.AlertMethod.ChangeVsSameWeekdayLastWeek,
        _ => A.AlertMethod.RobustZScore,
    };

    public static V1.AlertMethod ToProto(A.AlertMethod m) => m switch
    {
        A.AlertMethod.FixedThreshold => V1.AlertMethod.FixedThreshold,
        A.AlertMethod.ChangeVsPreviousPeriod => V1.AlertMethod.ChangeVsPreviousPeriod,
        A.AlertMethod.ChangeVsSameWeekdayLastWeek => V1.AlertMethod.ChangeVsSameWeekdayLastWeek,
        _ => V1.AlertMethod.RobustZScore,
    };

    private static B.BacktestHalf FromProto(V1.BacktestHalf h) => h switch
    {
        V1.BacktestHalf.Tune => B.BacktestHalf.Tune,
        V1.BacktestHalf.All => B.BacktestHalf.All,
        _ => B.BacktestHalf.Test,
    };

    private static V1.BacktestResult ToProto(B.BacktestResult r, bool crises)
    {
        var result = new V1.BacktestResult
        {
            Metric = r.Metric,
            Method = ToProto(r.Method.Method),
            Seasonal = r.Method.Seasonal,
            Threshold = r.Threshold,
            MinimumVolume = r.MinimumVolume,
            CooldownDays = r.CooldownDays,
            Crises = r.Crises.Count,
            Detected = r.Detected,
            Alerts = r.Alerts,
            TrueAlerts = r.TrueAlerts,
            FalseAlerts = r.FalseAlerts,
            FalseAlertsPerProfileMonth = r.FalseAlertsPerProfileMonth,
            ProfileMonths = r.ProfileMonths,
        };
        if (r.Precision is { } precision) result.Precision = precision;
        if (r.Recall is { } recall) result.Recall = recall;
        if (r.MeanLeadDays is { } mean) result.MeanLeadDays = mean;
        if (r.MaxLeadDays is { } max) result.MaxLeadDays = max;
        if (crises)
            result.CrisisOutcomes.AddRange(r.Crises.Select(c =>
            {
                var outcome = new BacktestCrisis { Profile = c.Profile, Scenario = c.Kind, Start = KpiMapping.ToProto(c.Start), End = KpiMapping.ToProto(c.End) };
                if (c.FirstAlert is { } first) outcome.FirstAlert = KpiMapping.ToProto(first);
                if (c.LeadDays is { } lead) outcome.LeadDays = lead;
                return outcome;
            }));
        return result;
    }
}
