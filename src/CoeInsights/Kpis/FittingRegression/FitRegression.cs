using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.FittingRegression;

/// <summary>One regressor: a stored series (with a stored y) or explicit values (with explicit y values).</summary>
public sealed record RegressorInput(string? Name, SeriesSelection? Series, IReadOnlyList<double> Values);

/// <summary>
/// Multiple least squares of y on the regressors. Exactly one of <paramref name="Y"/> (stored) and
/// <paramref name="YValues"/> (explicit, non-empty); the regressors must be of the same kind as y.
/// </summary>
public sealed record FitRegression(SeriesSelection? Y, IReadOnlyList<double> YValues, IReadOnlyList<RegressorInput> Regressors, double? ConfidenceLevel);

/// <summary>The fit and the coefficients' names ("intercept", then the regressors').</summary>
public sealed record RegressionFit(MultipleRegressionResult Result, IReadOnlyList<string> Names);

public static class FitRegressionHandler
{
    public const int MaxRegressors = 20;
    public const double DefaultConfidenceLevel = 0.95;

    public static async Task<RegressionFit> Handle(IQuerySession session, FitRegression command, CancellationToken ct)
    {
        Validate(command);
        if (command.Y is null) return Decide(command.YValues, command.Regressors.Select(r => r.Values).ToList(), command, "y_values");
        var y = await QuerySeriesHandler.One(session, command.Y, ct);
        var xs = new List<KpiSeries>(command.Regressors.Count);
        foreach (var r in command.Regressors) xs.Add(await QuerySeriesHandler.One(session, r.Series!, ct));
        var (ys, columns) = Align(y, xs);
        return Decide(ys, columns, command, "y");
    }

    /// <summary>The request's shape: one kind of y, regressors of the same kind, lengths that match.</summary>
    public static void Validate(FitRegression command)
    {
        var v = new Validator();
        var stored = command.Y is not null;
        v.Require(stored != command.YValues.Count > 0, "y", "exactly one of y (a stored series) and y_values must be given");
        v.Require(command.Regressors.Count >= 1, "regressors", "needs at least one regressor");
        v.Require(command.Regressors.Count <= MaxRegressors, "regressors", $"at most {MaxRegressors} regressors");
        for (var i = 0; i < command.YValues.Count; i++) v.RequireFinite(command.YValues[i], $"y_values[{i}]");
        // without a y the regressors' kind cannot be judged: only y is named
        for (var j = 0; j < command.Regressors.Count && (stored || command.YValues.Count > 0); j++)
        {
            var r = command.Regressors[j];
            if (stored)
            {
                v.Require(r.Series is not null, $"regressors[{j}].series", "is required when y is a stored series");
                v.Require(r.Values.Count == 0, $"regressors[{j}].values", "must be empty when y is a stored series (give a series)");
                continue;
            }
            v.Require(r.Series is null, $"regressors[{j}].series", "must be unset when y_values are given (give values)");
            v.Require(r.Values.Count == command.YValues.Count, $"regressors[{j}].values",
                $"must have one value per y_values entry ({command.YValues.Count}), has {r.Values.Count}");
            for (var i = 0; i < r.Values.Count; i++) v.RequireFinite(r.Values[i], $"regressors[{j}].values[{i}]");
        }
        if (command.ConfidenceLevel is { } c)
            v.Require(double.IsFinite(c) && c > 0 && c < 1, "confidence_level", "must be strictly between 0 and 1");
        v.ThrowIfInvalid();
    }

    /// <summary>Fits y on the columns (columns[j][i] = regressor j at observation i); engine field names become the request's.</summary>
    public static RegressionFit Decide(IReadOnlyList<double> y, IReadOnlyList<IReadOnlyList<double>> columns, FitRegression command, string yField)
    {
        if (y.Count <= columns.Count + 1)
            throw new InvalidInputException(yField, $"needs more observations than coefficients ({columns.Count + 1}); has {y.Count}"
                + (yField == "y" ? " slots where y and every regressor have a value" : ""));
        var rows = new IReadOnlyList<double>[y.Count];
        for (var i = 0; i < y.Count; i++)
        {
            var row = new double[columns.Count];
            for (var j = 0; j < columns.Count; j++) row[j] = columns[j][i];
            rows[i] = row;
        }
        MultipleRegressionResult result;
        try
        {
            result = LinearRegression.FitMultiple(rows, y, command.ConfidenceLevel ?? DefaultConfidenceLevel);
        }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException(e.Violations.Select(x => x with
            {
                Field = x.Field switch
                {
                    "y" => yField,
                    var f when f.StartsWith("predictors", StringComparison.Ordinal) => "regressors",
                    _ => x.Field,
                },
            }).ToList());
        }
        var names = new List<string>(columns.Count + 1) { "intercept" };
        for (var j = 0; j < command.Regressors.Count; j++)
            names.Add(string.IsNullOrEmpty(command.Regressors[j].Name) ? $"x{j + 1}" : command.Regressors[j].Name!);
        return new RegressionFit(result, names);
    }

    /// <summary>Slots (by period start) where y and every regressor have a value; granularities must agree.</summary>
    private static (double[] Y, IReadOnlyList<IReadOnlyList<double>> Columns) Align(KpiSeries y, IReadOnlyList<KpiSeries> xs)
    {
        var v = new Validator();
        for (var j = 0; j < xs.Count; j++)
        {
            v.Require(xs[j].Series.Granularity == y.Series.Granularity, $"regressors[{j}].series.granularity", "must equal y.granularity");
            // as CorrelateMetrics: profile-level and post-level figures count different things and are not combined
            v.Require(xs[j].Metric.Scope == y.Metric.Scope, $"regressors[{j}].series.metric",
                $"'{xs[j].Metric.Name}' is a {xs[j].Metric.Scope.ToString().ToLowerInvariant()}-level figure and '{y.Metric.Name}' a " +
                $"{y.Metric.Scope.ToString().ToLowerInvariant()}-level one: they count different things and are not combined");
        }
        v.ThrowIfInvalid();
        var lookups = xs.Select(x => x.Series.PeriodStarts.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => x.Series.Values[p.i])).ToList();
        var ys = new List<double>();
        var columns = xs.Select(_ => new List<double>()).ToList();
        for (var i = 0; i < y.Series.Values.Count; i++)
        {
            if (y.Series.Values[i] is not { } yi) continue;
            var start = y.Series.PeriodStarts[i];
            var row = new double[xs.Count];
            var complete = true;
            for (var j = 0; j < xs.Count && complete; j++)
            {
                if (lookups[j].GetValueOrDefault(start) is { } xj) row[j] = xj;
                else complete = false;
            }
            if (!complete) continue;
            ys.Add(yi);
            for (var j = 0; j < xs.Count; j++) columns[j].Add(row[j]);
        }
        return (ys.ToArray(), columns);
    }
}
