using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.Forecasting;

/// <summary>
/// A forecast of a stored series. A method left out is Holt's linear trend; a confidence level left out is 0.95.
/// <see cref="Beta"/> is Holt's and Holt-Winters'; <see cref="Gamma"/> and <see cref="SeasonLength"/> Holt-Winters' only.
/// </summary>
public sealed record Forecast(
    SeriesSelection Series, SmoothingMethod? Method, double Alpha, double Beta, double Gamma, GammaConvention Convention, int SeasonLength,
    int Horizon, double? ConfidenceLevel);

public static class ForecastHandler
{
    public const SmoothingMethod DefaultMethod = SmoothingMethod.HoltLinear;
    public const double DefaultConfidenceLevel = 0.95;

    public static async Task<(SmoothingResult Result, RegularSeries Series)> Handle(IQuerySession session, Forecast command, CancellationToken ct)
    {
        var stored = await QuerySeriesHandler.One(session, command.Series, ct);
        return (Decide(command, stored.Series.Values), stored.Series);
    }

    public static SmoothingResult Decide(Forecast c, IReadOnlyList<double?> values)
    {
        var confidence = c.ConfidenceLevel ?? DefaultConfidenceLevel;
        return (c.Method ?? DefaultMethod) switch
        {
            SmoothingMethod.Simple => ExponentialSmoothing.Simple(values, c.Alpha, c.Horizon, confidence),
            SmoothingMethod.HoltWintersAdditive => ExponentialSmoothing.HoltWinters(values, c.SeasonLength, c.Alpha, c.Beta, c.Gamma, c.Convention,
                c.Horizon, confidence),
            _ => ExponentialSmoothing.Holt(values, c.Alpha, c.Beta, c.Horizon, confidence),
        };
    }
}
