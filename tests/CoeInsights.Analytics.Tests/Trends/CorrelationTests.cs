using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class CorrelationTests
{
    private static readonly TrendVector V = TrendVector.Load("v09_correlation_pearson_spearman_kendall.json");
    private static readonly double PTol = V.Root.GetProperty("tolerance").GetProperty("p_values_rel").GetDouble();

    private static (double?[] X, double?[] Y) Input(string name)
        => (TrendVector.NullableDoubles(V.Inputs.GetProperty(name).GetProperty("x")),
            TrendVector.NullableDoubles(V.Inputs.GetProperty(name).GetProperty("y")));

    [Fact]
    public void ReturnsScipyPearsonGivenDocstringExample()
    {
        // Source: scipy 1.10.1 pearsonr docstring, R cor.test (vectors/trends/v09_correlation_pearson_spearman_kendall.json)
        var (x, y) = Input("pearson");
        var e = V.Expected.GetProperty("pearson");
        var r = Correlation.Pearson(x, y);
        Approx.Relative(e.GetProperty("r").GetDouble(), r.Coefficient, V.Tolerance, "r");
        Approx.Relative(e.GetProperty("t").GetDouble(), r.Statistic, V.Tolerance, "t");
        Approx.Relative(e.GetProperty("p").GetDouble(), r.PValue, PTol, "p");
        Assert.Equal(e.GetProperty("df").GetDouble(), r.DegreesOfFreedom);
        var ci = TrendVector.Doubles(e.GetProperty("ci95"));
        Approx.Relative(ci[0], r.Ci!.Value.Lower, V.Tolerance, "ci lower");
        Approx.Relative(ci[1], r.Ci!.Value.Upper, 1e-9, "ci upper (R and scipy differ at 1e-15)");
    }

    [Fact]
    public void ReturnsScipySpearmanGivenTies()
    {
        // Source: scipy 1.10.1 spearmanr docstring (t approximation, ties → mid-ranks) (v09)
        var (x, y) = Input("spearman");
        var e = V.Expected.GetProperty("spearman");
        var r = Correlation.Spearman(x, y);
        Approx.Relative(e.GetProperty("rho").GetDouble(), r.Coefficient, V.Tolerance, "rho");
        Approx.Relative(e.GetProperty("p").GetDouble(), r.PValue, PTol, "p");
    }

    [Fact]
    public void ReturnsScipyKendallTauBGivenTies()
    {
        // Source: scipy 1.10.1 kendalltau docstring; z from R cor.test(method = "kendall", exact = FALSE) (v09)
        var (x, y) = Input("kendall");
        var e = V.Expected.GetProperty("kendall_tau_b");
        var r = Correlation.KendallTauB(x, y);
        Approx.Relative(e.GetProperty("tau").GetDouble(), r.Coefficient, V.Tolerance, "tau");
        Approx.Relative(e.GetProperty("p").GetDouble(), r.PValue, PTol, "p");
        Approx.Relative(e.GetProperty("z_R").GetDouble(), r.Statistic, 1e-9, "z");
    }

    [Fact]
    public void DropsSlotsMissingInEitherSeriesGivenGaps()
    {
        double?[] x = [1, 2, null, 4, 5, 6];
        double?[] y = [2, 4, 100, null, 10, 12];
        var r = Correlation.Pearson(x, y);
        Assert.Equal(4, r.N);
        Assert.Equal(1.0, r.Coefficient, 12);
    }
}
