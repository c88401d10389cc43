namespace CoeInsights.Analytics.Scoring.Methods;

/// <summary>
/// PROMETHEE II (Brans &amp; Vincke 1985). The net flow of a is linear in the weights,
/// φ(a) = Σ_j w_j·φ_j(a) with the unicriterion net flow φ_j(a) = 1/(m − 1)·Σ_b [P_j(a, b) − P_j(b, a)]
/// (Brans &amp; Mareschal, "PROMETHEE methods", 2005, §5.4), so the unicriterion flows are the matrix PROMETHEE scores
/// as a weighted sum: the robustness loops re-weight it like WSM's normalised matrix. Differences are taken on the
/// raw values (as pymcdm and R MCDA do); a cost criterion prefers the smaller value.
/// </summary>
internal static class Promethee
{
    /// <summary>Each column's preference function, in criterion order (usual where <paramref name="preferences"/> names none).</summary>
    public static CriterionPreference[] PerColumn(IReadOnlyList<CriterionPreference>? preferences, IReadOnlyList<string> criterionIds)
    {
        var byId = (preferences ?? []).ToDictionary(p => p.CriterionId, StringComparer.Ordinal);
        return criterionIds.Select(id => byId.TryGetValue(id, out var p) ? p : new CriterionPreference(id, PreferenceFunction.Usual)).ToArray();
    }

    /// <summary>P(d) for a difference d in favour of the first alternative (pymcdm's _PreferenceFunctions, R MCDA's PROMETHEE).</summary>
    public static double Preference(double d, CriterionPreference f) => f.Function switch
    {
        PreferenceFunction.Usual => d > 0 ? 1 : 0,
        PreferenceFunction.UShape => d > f.Q ? 1 : 0,
        PreferenceFunction.VShape => d <= 0 ? 0 : d <= f.P ? d / f.P : 1,
        PreferenceFunction.Level => d <= f.Q ? 0 : d <= f.P ? 0.5 : 1,
        PreferenceFunction.Linear => d <= f.Q ? 0 : d <= f.P ? (d - f.Q) / (f.P - f.Q) : 1,
        PreferenceFunction.Gaussian => d <= 0 ? 0 : 1 - Math.Exp(-(d * d) / (2 * f.S * f.S)),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>Unicriterion net flows φ_j(a_i) into <paramref name="r"/> (m × n, row-major). O(m²·n); m ≥ 2.</summary>
    public static void UnicriterionNetFlows(
        ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, IReadOnlyList<CriterionPreference> preferences, Span<double> r)
    {
        var scale = 1.0 / (m - 1);
        for (var j = 0; j < n; j++)
        {
            var f = preferences[j];
            var sign = isCost[j] ? -1.0 : 1.0;
            for (var i = 0; i < m; i++)
            {
                double flow = 0;
                var a = x[i * n + j];
                for (var k = 0; k < m; k++)
                {
                    if (k == i) continue;
                    var d = sign * (a - x[k * n + j]);
                    flow += Preference(d, f) - Preference(-d, f);
                }
                r[i * n + j] = flow * scale;
            }
        }
    }

    /// <summary>
    /// Leaving and entering flows φ⁺(a) = 1/(m − 1)·Σ_b π(a, b) and φ⁻(a) = 1/(m − 1)·Σ_b π(b, a) with the
    /// aggregated preference π(a, b) = Σ_j w_j·P_j(a, b) (PROMETHEE I's partial ranking reads them).
    /// </summary>
    public static (double[] Leaving, double[] Entering) Flows(
        ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, IReadOnlyList<CriterionPreference> preferences, ReadOnlySpan<double> w)
    {
        var leaving = new double[m];
        var entering = new double[m];
        var scale = 1.0 / (m - 1);
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                if (k == i) continue;
                double pi = 0;
                for (var j = 0; j < n; j++)
                {
                    var sign = isCost[j] ? -1.0 : 1.0;
                    pi += w[j] * Preference(sign * (x[i * n + j] - x[k * n + j]), preferences[j]);
                }
                leaving[i] += pi;
                entering[k] += pi;
            }
        }
        for (var i = 0; i < m; i++)
        {
            leaving[i] *= scale;
            entering[i] *= scale;
        }
        return (leaving, entering);
    }
}

/// <summary>
/// The matrix a method weights: the normalised decision matrix, or for PROMETHEE II the unicriterion net flows.
/// One place builds it for the method itself, the robustness loops and every bootstrap resample.
/// </summary>
internal sealed record MethodMatrix(ScoringMethod Method, NormalisationMethod Normalisation, CriterionPreference[] Preferences)
{
    public static MethodMatrix For(ScoringMethod method, ScoringOptions options, IReadOnlyList<string> criterionIds) =>
        new(method, Normaliser.Resolve(method, options.Normalisation),
            method == ScoringMethod.PrometheeII ? Promethee.PerColumn(options.Preferences, criterionIds) : []);

    public void Build(ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, Span<double> r)
    {
        if (Method == ScoringMethod.PrometheeII) Promethee.UnicriterionNetFlows(x, m, n, isCost, Preferences, r);
        else Normaliser.Normalise(x, m, n, isCost, Normalisation, r);
    }
}
