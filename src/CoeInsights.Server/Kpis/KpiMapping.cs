using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis;
using CoeInsights.Kpis.BenchmarkingCompetitors;
using CoeInsights.Kpis.ComparingNetworks;
using CoeInsights.Kpis.CorrelatingMetrics;
using CoeInsights.Kpis.FittingRegression;
using CoeInsights.Kpis.GettingTrend;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Server.Numbers;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Granularity = CoeInsights.Analytics.Trends.Granularity;
using Network = CoeInsights.Kpis.Network;
using Ownership = CoeInsights.Kpis.Ownership;
using AlertDirection = CoeInsights.Analytics.Trends.AlertDirection;
using AlertSeverity = CoeInsights.Analytics.Trends.AlertSeverity;
using AnomalyScoreMethod = CoeInsights.Analytics.Trends.AnomalyScoreMethod;

namespace CoeInsights.Server.Kpis;

/// <summary>proto ⇄ domain for the KPI service. No rules here beyond "is this enum value known".</summary>
internal static class KpiMapping
{
    public static DateOnly? ToDate(Google.Type.Date? d, string field, Validator v) =>
        d is null ? null : ObservationDates.Parse(d.Year, d.Month, d.Day, field, v);

    /// <inheritdoc cref="ObservationDates.Stored"/>
    public static DateOnly? ToStoredDate(Google.Type.Date? d, string field, Validator v) =>
        d is null ? null : ObservationDates.Stored(d.Year, d.Month, d.Day, field, v);

    /// <summary>The statistics calls' series; the request field <paramref name="field"/> names its violations.</summary>
    public static SeriesSelection ToSelection(SeriesSelector? selector, string field)
    {
        var v = new Validator();
        if (selector is null) v.Add(field, "is required");
        v.ThrowIfInvalid();
        RequireKnown(selector!.Granularity, $"{field}.granularity", v);
        var from = ToStoredDate(selector.StartDate, $"{field}.start_date", v);
        var to = ToStoredDate(selector.EndDate, $"{field}.end_date", v);
        v.ThrowIfInvalid();
        return new SeriesSelection(field, selector.ProfileId, selector.Metric, from, to, FromProto(selector.Granularity));
    }

    /// <summary>The request's network filter; each unknown value is a violation on <c>networks[i]</c>.</summary>
    public static List<CoeInsights.Kpis.Network> Networks(IReadOnlyList<V1.Network> requested, Validator v)
    {
        var networks = new List<CoeInsights.Kpis.Network>();
        for (var i = 0; i < requested.Count; i++)
            if (FromProto(requested[i]) is { } n) networks.Add(n);
            else v.Add($"networks[{i}]", "must be a known network");
        return networks;
    }

    /// <summary>An enum value this server knows (proto3 enums are open: a newer or broken client may send any number).</summary>
    public static void RequireKnown<T>(T value, string field, Validator v) where T : struct, System.Enum =>
        v.Require(System.Enum.IsDefined(value), field, $"unknown value {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Re-addresses the trend library's field names to the request's: the series' values are the selected series
    /// (<paramref name="valuesField"/>), option fields sit under <paramref name="optionsPrefix"/>.
    /// </summary>
    public static InvalidInputException Readdress(InvalidInputException e, string valuesField, string optionsPrefix) =>
        new(e.Violations.Select(x => x with
        {
            Field = x.Field switch
            {
                "values" or "dates" => valuesField,
                var f when f.StartsWith("values[", StringComparison.Ordinal) => valuesField,
                // TrendOptions: the detector's threshold is options.anomaly_threshold; elsewhere the options are top-level fields.
                "threshold" when optionsPrefix.Length > 0 => optionsPrefix + "anomaly_threshold",
                "confidence_level" or "significance" or "moving_average_window" or "season_length" or "periods_per_year" or "ewma_alpha"
                    or "moving_average_alignment" => optionsPrefix + x.Field,
                _ => x.Field,
            },
            Description = x.Field.StartsWith("values", StringComparison.Ordinal) ? $"{valuesField}: {x.Description}" : x.Description,
        }).ToList());

    /// <inheritdoc cref="Readdress(InvalidInputException, string, string)"/>
    public static async Task<T> Readdressed<T>(Func<Task<T>> call, string valuesField, string optionsPrefix)
    {
        try
        {
            return await call();
        }
        catch (InvalidInputException e)
        {
            throw Readdress(e, valuesField, optionsPrefix);
        }
    }

    public static Google.Type.Date ToProto(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    public static Network? FromProto(V1.Network n) => n switch
    {
        V1.Network.Linkedin => Network.LinkedIn,
        V1.Network.Instagram => Network.Instagram,
        V1.Network.Facebook => Network.Facebook,
        V1.Network.X => Network.X,
        V1.Network.Tiktok => Network.TikTok,
        V1.Network.Youtube => Network.YouTube,
        V1.Network.Pinterest => Network.Pinterest,
        V1.Network.Threads => Network.Threads,
        V1.Network.Other => Network.Other,
        _ => null,
    };

    public static V1.Network ToProto(Network n) => n switch
    {
        Network.LinkedIn => V1.Network.Linkedin,
        Network.Instagram => V1.Network.Instagram,
        Network.Facebook => V1.Network.Facebook,
        Network.X => V1.Network.X,
        Network.TikTok => V1.Network.Tiktok,
        Network.YouTube => V1.Network.Youtube,
        Network.Pinterest => V1.Network.Pinterest,
        Network.Threads => V1.Network.Threads,
        _ => V1.Network.Other,
    };

    public static Ownership? FromProto(V1.Ownership o) => o switch
    {
        V1.Ownership.Owned => Ownership.Owned,
        V1.Ownership.Competitor => Ownership.Competitor,
        _ => null,
    };

    public static V1.Ownership ToProto(Ownership o) => o == Ownership.Owned ? V1.Ownership.Owned : V1.Ownership.Competitor;

    public static Granularity FromProto(V1.Granularity g) => g switch
    {
        V1.Granularity.Week => Granularity.Week,
        V1.Granularity.Month => Granularity.Month,
        V1.Granularity.Quarter => Granularity.Quarter,
        _ => Granularity.Day,
    };

    public static V1.Granularity ToProto(Granularity g) => g switch
    {
        Granularity.Week => V1.Granularity.Week,
        Granularity.Month => V1.Granularity.Month,
        Granularity.Quarter => V1.Granularity.Quarter,
        _ => V1.Granularity.Day,
    };

    public static Rollup ToProto(AggregationMethod m) => m switch
    {
        AggregationMethod.Sum => Rollup.Sum,
        AggregationMethod.Last => Rollup.Last,
        _ => Rollup.Mean,
    };

    public static AggregationMethod FromProto(Rollup r) => r switch
    {
        Rollup.Last => AggregationMethod.Last,
        Rollup.Mean => AggregationMethod.Mean,
        _ => AggregationMethod.Sum,
    };

    public static Profile ToProto(KpiProfile p) => new()
    {
        ProfileId = p.Id.ToString(),
        Network = ToProto(p.Network),
        Handle = p.Handle,
        BusinessUnit = p.BusinessUnit,
        Ownership = ToProto(p.Ownership),
        DisplayName = p.DisplayName,
        RegisterTime = Timestamp.FromDateTimeOffset(p.RegisteredAt),
        Etag = CoeInsights.Common.Etag.Format(p.Version),
    };

    public static Metric ToProto(MetricDefinition m) => new()
    {
        Name = m.Name,
        Unit = m.Unit,
        Kind = m.Kind == CoeInsights.Kpis.MetricKind.Flow ? V1.MetricKind.Flow : V1.MetricKind.Level,
        Rollup = ToProto(m.Rollup),
        Additive = m.Additive,
        Description = m.Description,
        Scope = ToProto(m.Scope),
    };

    public static V1.MetricScope ToProto(CoeInsights.Kpis.MetricScope s) =>
        s == CoeInsights.Kpis.MetricScope.Post ? V1.MetricScope.Post : V1.MetricScope.Profile;

    public static CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi? FromProto(V1.DerivedKpi k) => k switch
    {
        V1.DerivedKpi.EngagementRateByImpressions => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.EngagementRateByImpressions,
        V1.DerivedKpi.EngagementRateByReach => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.EngagementRateByReach,
        V1.DerivedKpi.AudienceGrowthRate => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.AudienceGrowthRate,
        V1.DerivedKpi.NetSentiment => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.NetSentiment,
        V1.DerivedKpi.ResponseRate => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.ResponseRate,
        V1.DerivedKpi.CostPerEngagement => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.CostPerEngagement,
        V1.DerivedKpi.Roi => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.Roi,
        V1.DerivedKpi.PostEngagementRateByImpressions => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.PostEngagementRateByImpressions,
        V1.DerivedKpi.NegativeShare => CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.NegativeShare,
        _ => null,
    };

    private static V1.DerivedKpi ToProto(CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi k) => k switch
    {
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.EngagementRateByImpressions => V1.DerivedKpi.EngagementRateByImpressions,
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.EngagementRateByReach => V1.DerivedKpi.EngagementRateByReach,
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.AudienceGrowthRate => V1.DerivedKpi.AudienceGrowthRate,
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.NetSentiment => V1.DerivedKpi.NetSentiment,
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.ResponseRate => V1.DerivedKpi.ResponseRate,
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.CostPerEngagement => V1.DerivedKpi.CostPerEngagement,
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.Roi => V1.DerivedKpi.Roi,
        CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi.NegativeShare => V1.DerivedKpi.NegativeShare,
        _ => V1.DerivedKpi.PostEngagementRateByImpressions,
    };

    public static V1.DerivedKpiSeries ToProto(CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpiSeries s, FiniteFields u, string path)
    {
        var d = s.Definition;
        var series = new V1.DerivedKpiSeries
        {
            ProfileId = s.Profile.Id.ToString(), Network = ToProto(s.Profile.Network), BusinessUnit = s.Profile.BusinessUnit,
            Ownership = ToProto(s.Profile.Ownership), Kpi = ToProto(d.Kpi), Name = d.Name, Unit = d.Unit, Formula = d.Formula,
            Numerator = d.Numerator, Denominator = d.Denominator, Scope = ToProto(d.Scope), Granularity = ToProto(s.Granularity),
        };
        for (var i = 0; i < s.Points.Count; i++)
        {
            var p = s.Points[i];
            var point = new V1.DerivedKpiPoint { PeriodStart = ToProto(p.PeriodStart), ObservedDays = p.ObservedDays, DaysInPeriod = p.DaysInPeriod };
            var at = $"{path}.points[{i}]";
            if (u.Value(p.Value, at + ".value") is { } value) point.Value = value;
            if (u.Value(p.Numerator, at + ".numerator") is { } n) point.Numerator = n;
            if (u.Value(p.Denominator, at + ".denominator") is { } den) point.Denominator = den;
            series.Points.Add(point);
        }
        return series;
    }

    public static ObservationHistory ToProto(Guid profileId, string metric, DateOnly date, IReadOnlyList<ObservationRow> rows) => new()
    {
        ProfileId = profileId.ToString(),
        Metric = metric,
        Date = ToProto(date),
        Versions =
        {
            rows.Select(r => new ObservationVersion
            {
                Sequence = r.Sequence,
                Value = r.Value,
                BatchId = r.BatchId?.ToString() ?? "",
                Source = r.Source,
                SourceTimeZone = r.SourceTimeZone,
                RecordTime = Timestamp.FromDateTimeOffset(r.RecordedAt),
                CorrectionReason = r.CorrectionReason ?? "",
            }),
        },
    };

    /// <summary>What a series says about itself (profile, metric, granularity), daily or hourly alike.</summary>
    private static V1.KpiSeries SeriesHeader(KpiProfile profile, MetricDefinition metric, V1.Granularity granularity, ObservationResolution resolution) => new()
    {
        ProfileId = profile.Id.ToString(),
        Network = ToProto(profile.Network),
        BusinessUnit = profile.BusinessUnit,
        Ownership = ToProto(profile.Ownership),
        Metric = metric.Name,
        Unit = metric.Unit,
        Rollup = ToProto(metric.Rollup),
        Granularity = granularity,
        Scope = ToProto(metric.Scope),
        Resolution = resolution,
    };

    public static V1.KpiSeries ToProto(CoeInsights.Kpis.QueryingSeries.HourlyKpiSeries s)
    {
        var series = SeriesHeader(s.Profile, s.Metric, V1.Granularity.Day, ObservationResolution.Hourly);
        foreach (var p in s.Points)
        {
            var point = new SeriesPoint { PeriodStart = ToProto(p.Date), Hour = p.Hour, ObservationCount = p.Value is null ? 0 : 1 };
            if (p.Value is { } value) point.Value = value;
            series.Points.Add(point);
        }
        return series;
    }

    public static V1.KpiSeries ToProto(CoeInsights.Kpis.QueryingSeries.KpiSeries s)
    {
        var series = SeriesHeader(s.Profile, s.Metric, ToProto(s.Series.Granularity), ObservationResolution.Daily);
        var r = s.Series;
        for (var i = 0; i < r.Values.Count; i++)
        {
            var point = new SeriesPoint
            {
                PeriodStart = ToProto(r.PeriodStarts[i]), ObservationCount = r.ObservationCounts[i], DaysInPeriod = r.DaysInPeriod[i],
            };
            if (r.Values[i] is { } value) point.Value = value;
            series.Points.Add(point);
        }
        return series;
    }

    /// <summary>The request's trend options; an unknown enum value is a violation on <c>options.…</c>.</summary>
    public static TrendSettings ToSettings(V1.TrendOptions? o)
    {
        var v = new Validator();
        if (o is not null)
        {
            RequireKnown(o.AnomalyScoreMethod, "options.anomaly_score_method", v);
            RequireKnown(o.MovingAverageAlignment, "options.moving_average_alignment", v);
            RequireKnown(o.SeasonalSenConvention, "options.seasonal_sen_convention", v);
            if (o.HasEwmaAlpha)
                v.Require(o.EwmaAlpha is > 0 and <= 1, "options.ewma_alpha", "must be in (0, 1]");
        }
        v.ThrowIfInvalid();
        return new(
            ConfidenceLevel: o is { HasConfidenceLevel: true } ? o.ConfidenceLevel : null,
            Significance: o is { HasSignificance: true } ? o.Significance : null,
            MovingAverageWindow: o is { HasMovingAverageWindow: true } ? o.MovingAverageWindow : null,
            PeriodsPerYear: o is { HasPeriodsPerYear: true } ? o.PeriodsPerYear : null,
            SeasonLength: o is { HasSeasonLength: true } ? o.SeasonLength : null,
            AnomalyThreshold: o is { HasAnomalyThreshold: true } ? o.AnomalyThreshold : null,
            ContinuityCorrection: o is { HasContinuityCorrection: true } ? o.ContinuityCorrection : null,
            AnomalyMethod: o is null ? null : FromProto(o.AnomalyScoreMethod),
            MovingAverageAlignment: o?.MovingAverageAlignment == V1.MovingAverageAlignment.Centered ? WindowAlignment.Centered : null,
            EwmaAlpha: o is { HasEwmaAlpha: true } ? o.EwmaAlpha : null,
            SeasonalSenConvention: o?.SeasonalSenConvention == V1.SeasonalSenConvention.DropIncompleteCycles
                ? Analytics.Trends.SeasonalSenConvention.DropIncompleteCycles : null);
    }

    /// <summary>Unspecified: the detector's default (the modified z-score).</summary>
    public static AnomalyScoreMethod FromProto(V1.AnomalyScoreMethod m) => m switch
    {
        V1.AnomalyScoreMethod.MadScaled => AnomalyScoreMethod.MadScaled,
        V1.AnomalyScoreMethod.ZScore => AnomalyScoreMethod.ZScore,
        _ => AnomalyScoreMethod.ModifiedZ,
    };

    public static V1.AnomalyScoreMethod ToProto(AnomalyScoreMethod m) => m switch
    {
        AnomalyScoreMethod.MadScaled => V1.AnomalyScoreMethod.MadScaled,
        AnomalyScoreMethod.ZScore => V1.AnomalyScoreMethod.ZScore,
        _ => V1.AnomalyScoreMethod.ModifiedZ,
    };

    /// <summary>Unspecified: the handler's default method.</summary>
    public static SmoothingMethod? FromProto(ForecastMethod m) => m switch
    {
        ForecastMethod.Simple => SmoothingMethod.Simple,
        ForecastMethod.Holt => SmoothingMethod.HoltLinear,
        ForecastMethod.HoltWinters => SmoothingMethod.HoltWintersAdditive,
        _ => null,
    };

    public static Analytics.Trends.GammaConvention FromProto(V1.GammaConvention c) =>
        c == V1.GammaConvention.Statsmodels ? Analytics.Trends.GammaConvention.Statsmodels : Analytics.Trends.GammaConvention.R;

    public static CorrelateMetricsResponse ToProto(MetricCorrelation c)
    {
        var response = new CorrelateMetricsResponse();
        var u = new FiniteFields(response.UndefinedStatistics);
        response.Pearson = ToProto(c.Pearson, u, "pearson");
        response.Spearman = ToProto(c.Spearman, u, "spearman");
        response.KendallTauB = ToProto(c.KendallTauB, u, "kendall_tau_b");
        return response;
    }

    private static MannKendallTest ToProto(MannKendallResult m, FiniteFields u, string path)
    {
        var test = new MannKendallTest
        {
            N = m.N, S = m.S, VarianceS = m.VarianceS, ContinuityCorrection = m.ContinuityCorrection,
            Direction = m.Direction switch
            {
                Analytics.Trends.TrendDirection.Increasing => V1.TrendDirection.Increasing,
                Analytics.Trends.TrendDirection.Decreasing => V1.TrendDirection.Decreasing,
                _ => V1.TrendDirection.None,
            },
        };
        if (u.Value(m.Z, path + ".z", m.Undefined) is { } z) test.Z = z;
        if (u.Value(m.PValue, path + ".p_value", m.Undefined) is { } p) test.PValue = p;
        if (u.Value(m.TauB, path + ".tau_b", m.Undefined) is { } tauB) test.TauB = tauB;
        if (u.Value(m.TauA, path + ".tau_a", m.Undefined) is { } tauA) test.TauA = tauA;
        return test;
    }

    /// <summary>The anomalies of <paramref name="a"/>; <paramref name="path"/> names the repeated field for undefined values.</summary>
    public static IEnumerable<Anomaly> ToProto(AnomalyResult a, RegularSeries series, FiniteFields u, string path = "anomalies")
    {
        var i = 0;
        foreach (var p in a.Anomalies)
        {
            var anomaly = new Anomaly { PeriodStart = ToProto(series.PeriodStarts[p.Index]), Index = p.Index, Value = p.Value };
            if (u.Value(p.Expected, $"{path}[{i}].expected") is { } expected) anomaly.Expected = expected;
            if (u.Value(p.Score, $"{path}[{i}].score") is { } score) anomaly.Score = score;
            i++;
            yield return anomaly;
        }
    }

    public static DetectAnomaliesResponse ToProto(AnomalyResult a, RegularSeries series)
    {
        var response = new DetectAnomaliesResponse { UsedMeanAbsoluteDeviation = a.UsedMeanAbsoluteDeviation, ScoreMethod = ToProto(a.Method) };
        var u = new FiniteFields(response.UndefinedStatistics);
        if (u.Value(a.Median, "median") is { } median) response.Median = median;
        if (u.Value(a.Center, "center") is { } center) response.Center = center;
        if (u.Value(a.Scale, "scale") is { } scale) response.Scale = scale;
        response.Anomalies.AddRange(ToProto(a, series, u).ToList());
        return response;
    }

    public static V1.TrendReport ToProto(Analytics.Trends.TrendReport t, RegularSeries series)
    {
        var report = new V1.TrendReport { Slots = t.Slots, Observed = t.Observed, Granularity = ToProto(series.Granularity) };
        var u = new FiniteFields(report.UndefinedStatistics);
        var o = t.Ols;
        var ols = new OlsTrend { N = o.N, ConfidenceLevel = o.ConfidenceLevel, SlopeCi = u.Interval(o.SlopeCi, "ols.slope_ci", o.Undefined) };
        if (u.Value(o.Intercept, "ols.intercept", o.Undefined) is { } intercept) ols.Intercept = intercept;
        if (u.Value(o.Slope, "ols.slope", o.Undefined) is { } slope) ols.Slope = slope;
        if (u.Value(o.SlopeSe, "ols.slope_standard_error", o.Undefined) is { } se) ols.SlopeStandardError = se;
        if (u.Value(o.SlopeT, "ols.slope_t", o.Undefined) is { } slopeT) ols.SlopeT = slopeT;
        if (u.Value(o.SlopePValue, "ols.slope_p_value", o.Undefined) is { } slopeP) ols.SlopePValue = slopeP;
        if (u.Value(o.RSquared, "ols.r_squared", o.Undefined) is { } r2) ols.RSquared = r2;
        if (u.Value(o.InterceptSe, "ols.intercept_standard_error", o.Undefined) is { } interceptSe) ols.InterceptStandardError = interceptSe;
        if (u.Value(o.InterceptT, "ols.intercept_t", o.Undefined) is { } interceptT) ols.InterceptT = interceptT;
        if (u.Value(o.InterceptPValue, "ols.intercept_p_value", o.Undefined) is { } interceptP) ols.InterceptPValue = interceptP;
        ols.InterceptCi = u.Interval(o.InterceptCi, "ols.intercept_ci", o.Undefined);
        if (u.Value(o.ResidualSd, "ols.residual_standard_error", o.Undefined) is { } rse) ols.ResidualStandardError = rse;
        if (u.Value(o.FStatistic, "ols.f_statistic", o.Undefined) is { } f) ols.FStatistic = f;
        if (u.Value(o.FPValue, "ols.f_p_value", o.Undefined) is { } fp) ols.FPValue = fp;
        if (u.Value(o.AdjustedRSquared, "ols.adjusted_r_squared", o.Undefined) is { } adjusted) ols.AdjustedRSquared = adjusted;
        ols.DfResidual = o.DfResidual;
        report.Ols = ols;
        report.MannKendall = ToProto(t.MannKendall, u, "mann_kendall");
        if (t.SeasonalMannKendall is { } s) report.SeasonalMannKendall = ToProto(s, u, "seasonal_mann_kendall");
        var sen = new SenSlopeEstimate { PairCount = t.SenSlope.PairCount, Ci = u.Interval(t.SenSlope.Ci, "sen_slope.ci") };
        if (u.Value(t.SenSlope.Slope, "sen_slope.slope") is { } senSlope) sen.Slope = senSlope;
        if (u.Value(t.SenSlope.Intercept, "sen_slope.intercept") is { } senIntercept) sen.Intercept = senIntercept;
        report.SenSlope = sen;
        if (t.SeasonalSenSlope is { } seasonalSen)
        {
            var ss = new V1.SeasonalSenSlope
            {
                PairCount = seasonalSen.PairCount, SeasonLength = seasonalSen.SeasonLength,
                Convention = seasonalSen.Convention == Analytics.Trends.SeasonalSenConvention.DropIncompleteCycles
                    ? V1.SeasonalSenConvention.DropIncompleteCycles : V1.SeasonalSenConvention.PairwiseWithinSeason,
            };
            if (seasonalSen.Slope is null) u.Add("seasonal_sen_slope.slope_per_cycle", "no season has two observed values");
            else if (u.Value(seasonalSen.Slope, "seasonal_sen_slope.slope_per_cycle") is { } perCycle) ss.SlopePerCycle = perCycle;
            report.SeasonalSenSlope = ss;
        }
        report.Anomalies.AddRange(ToProto(t.Anomalies, series, u).ToList());
        if (u.Value(t.LastPeriodOverPeriodPct, "last_period_over_period_pct") is { } last) report.LastPeriodOverPeriodPct = last;
        // Unset with the analytics' reason (e.g. less than a year of whole periods), as every other undefined statistic.
        if (t.Cagr is null && t.CagrUndefinedReason is { } why) u.Add("cagr", why);
        else if (u.Value(t.Cagr, "cagr") is { } cagr) report.Cagr = cagr;
        for (var i = 0; i < t.Slots; i++)
        {
            var p = new TrendPoint { PeriodStart = ToProto(series.PeriodStarts[i]) };
            if (series.Values[i] is { } v) p.Value = v;
            if (u.Value(t.MovingAverage[i], $"points[{i}].moving_average") is { } ma) p.MovingAverage = ma;
            if (u.Value(t.PeriodOverPeriodPct[i], $"points[{i}].period_over_period_pct") is { } pop) p.PeriodOverPeriodPct = pop;
            if (t.Ewma is { } ewma && u.Value(ewma[i], $"points[{i}].ewma") is { } e) p.Ewma = e;
            report.Points.Add(p);
        }
        return report;
    }

    public static ForecastResponse ToProto(SmoothingResult r, RegularSeries series)
    {
        var response = new ForecastResponse
        {
            Method = r.Method switch
            {
                SmoothingMethod.Simple => ForecastMethod.Simple,
                SmoothingMethod.HoltLinear => ForecastMethod.Holt,
                _ => ForecastMethod.HoltWinters,
            },
            Alpha = r.Alpha,
        };
        var u = new FiniteFields(response.UndefinedStatistics);
        if (u.Value(r.Sse, "sse") is { } sse) response.Sse = sse;
        const string NoVariance = "fewer than two one-step residuals: there is no residual variance (and so no prediction interval)";
        if (double.IsNaN(r.ResidualVariance)) u.Add("residual_variance", NoVariance);
        else if (u.Value(r.ResidualVariance, "residual_variance") is { } variance) response.ResidualVariance = variance;
        if (r.Beta is { } b) response.Beta = b;
        if (r.Gamma is { } g) response.Gamma = g;
        if (r.GammaStatsmodels is { } gs) response.GammaStatsmodels = gs;
        if (u.Value(r.StartLevel, "start_level") is { } l0) response.StartLevel = l0;
        if (u.Value(r.StartTrend, "start_trend") is { } b0) response.StartTrend = b0;
        response.StartSeasonals.AddRange(r.StartSeasonals);
        if (u.Value(r.Level, "final_level") is { } level) response.FinalLevel = level;
        if (u.Value(r.Trend, "final_trend") is { } trend) response.FinalTrend = trend;
        response.FinalSeasonals.AddRange(r.Seasonals);
        for (var i = 0; i < r.Fitted.Count; i++)
        {
            var fitted = new FittedValue { PeriodStart = ToProto(series.PeriodStarts[i]) };
            if (u.Value(r.Fitted[i], $"fitted[{i}].value") is { } xhat) fitted.Value = xhat;
            response.Fitted.Add(fitted);
        }
        var start = series.PeriodStarts[^1];
        for (var i = 0; i < r.Forecast.Count; i++)
        {
            var f = r.Forecast[i];
            start = SeriesAggregator.NextPeriodStart(start, series.Granularity);
            var point = new V1.ForecastPoint
            {
                Step = f.Step, PeriodStart = ToProto(start),
                PredictionInterval = u.Interval(f.PredictionInterval, $"forecast[{i}].prediction_interval",
                    reason: double.IsNaN(r.ResidualVariance) ? NoVariance : null),
            };
            if (u.Value(f.Mean, $"forecast[{i}].mean") is { } mean) point.Mean = mean;
            response.Forecast.Add(point);
        }
        return response;
    }

    public static CorrelationTest ToProto(CorrelationResult c, FiniteFields u, string path)
    {
        var t = new CorrelationTest { N = c.N };
        if (u.Value(c.Coefficient, path + ".coefficient", c.Undefined) is { } coefficient) t.Coefficient = coefficient;
        if (u.Value(c.Statistic, path + ".statistic", c.Undefined) is { } statistic) t.Statistic = statistic;
        if (u.Value(c.PValue, path + ".p_value", c.Undefined) is { } p) t.PValue = p;
        if (c.DegreesOfFreedom is { } df) t.DegreesOfFreedom = df;
        if (c.Ci is { } ci) t.Ci = u.Interval(ci, path + ".ci", c.Undefined);
        if (u.Value(c.S, path + ".s", c.Undefined) is { } score) t.S = score;
        if (u.Value(c.VarianceS, path + ".variance_s", c.Undefined) is { } varS) t.VarianceS = varS;
        t.ContinuityCorrection = c.ContinuityCorrection;
        return t;
    }

    public static FitRegressionResponse ToProto(RegressionFit fit)
    {
        var r = fit.Result;
        var response = new FitRegressionResponse
        {
            N = r.N, DfRegression = r.DfRegression, DfResidual = r.DfResidual, ConfidenceLevel = r.ConfidenceLevel,
        };
        var u = new FiniteFields(response.UndefinedStatistics);
        for (var j = 0; j < r.Coefficients.Count; j++)
        {
            var path = $"coefficients[{j}]";
            var c = new RegressionCoefficient { Name = fit.Names[j] };
            var reasons = r.Undefined.Where(x => x.Field.StartsWith(path + ".", StringComparison.Ordinal))
                .Select(x => x with { Field = x.Field[(path.Length + 1)..] }).ToList();
            if (u.Value(r.Coefficients[j], path + ".estimate", reasons) is { } b) c.Estimate = b;
            if (u.Value(r.StandardErrors[j], path + ".standard_error", reasons) is { } se) c.StandardError = se;
            if (u.Value(r.TStatistics[j], path + ".t_statistic", reasons) is { } t) c.TStatistic = t;
            if (u.Value(r.PValues[j], path + ".p_value", reasons) is { } p) c.PValue = p;
            c.Ci = u.Interval(r.ConfidenceIntervals[j], path + ".ci", reasons);
            response.Coefficients.Add(c);
        }
        if (u.Value(r.RSquared, "r_squared", r.Undefined) is { } r2) response.RSquared = r2;
        if (u.Value(r.AdjustedRSquared, "adjusted_r_squared", r.Undefined) is { } adjusted) response.AdjustedRSquared = adjusted;
        if (u.Value(r.ResidualSd, "residual_standard_error", r.Undefined) is { } rse) response.ResidualStandardError = rse;
        if (u.Value(r.FStatistic, "f_statistic", r.Undefined) is { } f) response.FStatistic = f;
        if (u.Value(r.FPValue, "f_p_value", r.Undefined) is { } fp) response.FPValue = fp;
        if (u.Value(r.SsRegression, "ss_regression", r.Undefined) is { } ssReg) response.SsRegression = ssReg;
        if (u.Value(r.SsResidual, "ss_residual", r.Undefined) is { } ssRes) response.SsResidual = ssRes;
        return response;
    }

    public static NetworkComparison ToProto(NetworkRoi n, FiniteFields u, string path)
    {
        var c = new NetworkComparison
        {
            Network = ToProto(n.Network), Rank = n.Rank, ProfileCount = n.Profiles,
        };
        if (u.Value(n.Spend, path + ".spend") is { } spend) c.Spend = spend;
        if (u.Value(n.AttributedRevenue, path + ".attributed_revenue") is { } revenue) c.AttributedRevenue = revenue;
        if (u.Value(n.Engagements, path + ".engagements") is { } engagements) c.Engagements = engagements;
        if (u.Value(n.RoiPct, path + ".roi_pct") is { } roi) c.RoiPct = roi;
        if (u.Value(n.CostPerEngagement, path + ".cost_per_engagement") is { } cpe) c.CostPerEngagement = cpe;
        return c;
    }

    public static V1.ProfileBenchmark ToProto(CoeInsights.Kpis.BenchmarkingCompetitors.ProfileBenchmark b, FiniteFields u, string path)
    {
        var p = new V1.ProfileBenchmark
        {
            ProfileId = b.Profile.Id.ToString(), Handle = b.Profile.Handle, Network = ToProto(b.Profile.Network),
            Ownership = ToProto(b.Profile.Ownership), Metric = b.Metric, ObservedDays = b.ObservedDays, Rank = b.Rank,
        };
        if (u.Value(b.Value, path + ".value") is { } value) p.Value = value;
        if (u.Value(b.SharePct, path + ".share_pct") is { } share) p.SharePct = share;
        return p;
    }

    public static AlertDirection? FromProto(V1.AlertDirection d) => d switch
    {
        V1.AlertDirection.Unspecified or V1.AlertDirection.Both => AlertDirection.Both,
        V1.AlertDirection.Up => AlertDirection.Up,
        V1.AlertDirection.Down => AlertDirection.Down,
        _ => null,
    };

    public static V1.KpiAlert ToProto(CoeInsights.Kpis.WatchingAlerts.KpiAlert a)
    {
        var alert = DailyFields(a);
        if (a.Hour is { } hour) alert.Hour = hour;
        return alert;
    }

    private static V1.KpiAlert DailyFields(CoeInsights.Kpis.WatchingAlerts.KpiAlert a) => new()
    {
        ProfileId = a.Profile.Id.ToString(),
        Network = ToProto(a.Profile.Network),
        Handle = a.Profile.Handle,
        BusinessUnit = a.Profile.BusinessUnit,
        Metric = a.Metric,
        Date = ToProto(a.Date),
        Value = a.Verdict.Value,
        Expected = a.Verdict.Expected,
        Score = a.Verdict.Score,
        Direction = a.Verdict.Direction == AlertDirection.Up ? V1.AlertDirection.Up : V1.AlertDirection.Down,
        Severity = a.Verdict.Severity == AlertSeverity.Critical ? V1.AlertSeverity.Critical : V1.AlertSeverity.Warning,
        BatchId = a.BatchId?.ToString() ?? "",
        IdempotencyKey = a.IdempotencyKey ?? "",
        CorrectionReason = a.CorrectionReason ?? "",
        RecordTime = Timestamp.FromDateTimeOffset(a.RecordedAt),
        HistoryCount = a.Verdict.HistoryCount,
        Sequence = a.Sequence,
        ResumeToken = a.ResumeToken,
    };
}
