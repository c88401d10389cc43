namespace CoeInsights.Analytics.Scoring.Methods;

/// <summary>
/// Weights read from the decision matrix alone, to set beside the stakeholders' weights: criteria on which the vendors
/// differ more (entropy) or differ more and agree less with the other criteria (CRITIC) weigh more. Cost criteria are
/// inverted as in the normalisations (Sum: (1/x)/Σ(1/x); MinMax: (max − x)/(max − min)).
/// </summary>
internal static class ObjectiveWeights
{
    /// <summary>
    /// Shannon entropy weights (Zeleny 1982; pymcdm entropy_weights): p_ij = r_ij/Σ_i r_ij (Sum normalisation),
    /// E_j = −Σ_i p_ij ln p_ij / ln m with 0·ln 0 = 0, w_j = (1 − E_j)/Σ(1 − E). Null when a column cannot be
    /// sum-normalised (a negative value, or a zero on a cost criterion) or every column is constant.
    /// pymcdm sets E_j = 0 for a column holding a zero; Shannon's 0·ln 0 = 0 is used here (no difference without zeros).
    /// </summary>
    public static double[]? Entropy(double[] x, int m, int n, bool[] isCost)
    {
        for (var k = 0; k < x.Length; k++)
        {
            if (x[k] < 0 || (x[k] == 0 && isCost[k % n])) return null;
        }
        var r = new double[m * n];
        Normaliser.Normalise(x, m, n, isCost, NormalisationMethod.Sum, r);
        var d = new double[n];
        var logM = Math.Log(m);
        for (var j = 0; j < n; j++)
        {
            double sum = 0, h = 0;
            for (var i = 0; i < m; i++) sum += r[i * n + j];
            // a constant column is the uniform distribution (E = 1 exactly, not 1 − ulp) and an all-zero one none
            if (sum <= 0 || Normaliser.IsConstant(x, m, n, j)) continue;
            for (var i = 0; i < m; i++)
            {
                var p = r[i * n + j] / sum;
                if (p > 0) h -= p * Math.Log(p);
            }
            d[j] = Math.Max(0, 1 - h / logM);
        }
        return Normalised(d);
    }

    /// <summary>
    /// CRITIC (Diakoulaki, Mavrotas &amp; Papayannakis 1995; pymcdm critic_weights): min-max normalise, σ_j the sample
    /// standard deviation (n − 1) of column j, r_jk Pearson's correlation, C_j = σ_j·Σ_k (1 − r_jk), w_j = C_j/ΣC.
    /// A constant column has σ = 0 and its correlations (0/0) count as 0. Null when every column is constant.
    /// </summary>
    public static double[]? Critic(double[] x, int m, int n, bool[] isCost)
    {
        var r = new double[m * n];
        Normaliser.Normalise(x, m, n, isCost, NormalisationMethod.MinMax, r);
        var mean = new double[n];
        var sd = new double[n];
        for (var j = 0; j < n; j++)
        {
            double s = 0;
            for (var i = 0; i < m; i++) s += r[i * n + j];
            mean[j] = s / m;
            double ss = 0;
            for (var i = 0; i < m; i++) ss += (r[i * n + j] - mean[j]) * (r[i * n + j] - mean[j]);
            sd[j] = Math.Sqrt(ss / (m - 1));
        }
        var c = new double[n];
        for (var j = 0; j < n; j++)
        {
            double conflict = 0;
            for (var k = 0; k < n; k++)
            {
                double correlation = 0;
                if (k == j && sd[j] > 0) correlation = 1;
                else if (sd[j] > 0 && sd[k] > 0)
                {
                    double cov = 0;
                    for (var i = 0; i < m; i++) cov += (r[i * n + j] - mean[j]) * (r[i * n + k] - mean[k]);
                    correlation = cov / (m - 1) / (sd[j] * sd[k]);
                }
                conflict += 1 - correlation;
            }
            c[j] = sd[j] * conflict;
        }
        return Normalised(c);
    }

    private static double[]? Normalised(double[] v)
    {
        var total = v.Sum();
        if (!(total > 0) || !double.IsFinite(total)) return null;
        return v.Select(x => x / total).ToArray();
    }
}
