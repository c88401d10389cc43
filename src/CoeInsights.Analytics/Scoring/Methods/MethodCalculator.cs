namespace CoeInsights.Analytics.Scoring.Methods;

/// <summary>Runs one MCDA method on a raw decision matrix and returns scores, ranks and internals.</summary>
internal static class MethodCalculator
{
    public static MethodResult Run(
        MethodMatrix matrix, double vikorV, double[] x, int m, int n, bool[] isCost, double[] w, IReadOnlyList<string> vendorIds)
    {
        var method = matrix.Method;
        var normalisation = matrix.Normalisation;
        var r = new double[m * n];
        matrix.Build(x, m, n, isCost, r);

        var scores = new double[m];
        var utility = new double[m];
        var contributions = new double[m][];
        TopsisDetails? topsis = null;
        VikorDetails? vikor = null;
        PrometheeDetails? promethee = null;

        switch (method)
        {
            case ScoringMethod.Wsm:
                for (var i = 0; i < m; i++)
                {
                    contributions[i] = new double[n];
                    double s = 0;
                    for (var j = 0; j < n; j++)
                    {
                        var c = w[j] * r[i * n + j];
                        contributions[i][j] = c;
                        s += c;
                    }
                    scores[i] = s;
                    utility[i] = s;
                }
                break;

            case ScoringMethod.Wpm:
                for (var i = 0; i < m; i++)
                {
                    contributions[i] = new double[n];
                    double logSum = 0;
                    for (var j = 0; j < n; j++)
                    {
                        var c = w[j] * Math.Log(r[i * n + j]);
                        contributions[i][j] = c;
                        logSum += c;
                    }
                    utility[i] = logSum;
                    scores[i] = Math.Exp(logSum);
                }
                break;

            case ScoringMethod.Topsis:
            {
                var ideal = new double[n];
                var anti = new double[n];
                for (var j = 0; j < n; j++)
                {
                    double max = double.NegativeInfinity, min = double.PositiveInfinity;
                    for (var i = 0; i < m; i++)
                    {
                        var v = w[j] * r[i * n + j];
                        max = Math.Max(max, v);
                        min = Math.Min(min, v);
                    }
                    ideal[j] = max;
                    anti[j] = min;
                }
                var dPlus = new double[m];
                var dMinus = new double[m];
                for (var i = 0; i < m; i++)
                {
                    contributions[i] = new double[n];
                    double sp = 0, sm = 0;
                    for (var j = 0; j < n; j++)
                    {
                        var v = w[j] * r[i * n + j];
                        contributions[i][j] = v;
                        sp += (v - ideal[j]) * (v - ideal[j]);
                        sm += (v - anti[j]) * (v - anti[j]);
                    }
                    dPlus[i] = Math.Sqrt(sp);
                    dMinus[i] = Math.Sqrt(sm);
                    scores[i] = WeightScorer.Closeness(dPlus[i], dMinus[i]);
                    utility[i] = scores[i];
                }
                topsis = new TopsisDetails(dPlus, dMinus, ideal, anti);
                break;
            }

            case ScoringMethod.Vikor:
            {
                var sArr = new double[m];
                var rArr = new double[m];
                for (var i = 0; i < m; i++)
                {
                    contributions[i] = new double[n];
                    double s = 0, rr = 0;
                    for (var j = 0; j < n; j++)
                    {
                        var c = w[j] * (1.0 - r[i * n + j]);
                        contributions[i][j] = c;
                        s += c;
                        rr = Math.Max(rr, c);
                    }
                    sArr[i] = s;
                    rArr[i] = rr;
                }
                var q = new double[m];
                WeightScorer.Q(sArr, rArr, vikorV, q);
                for (var i = 0; i < m; i++)
                {
                    scores[i] = q[i];
                    utility[i] = -q[i];
                }
                vikor = VikorConditions(sArr, rArr, q, vikorV, vendorIds);
                break;
            }

            case ScoringMethod.PrometheeII:
                // φ(a) = Σ_j w_j·φ_j(a): r holds the unicriterion net flows.
                for (var i = 0; i < m; i++)
                {
                    contributions[i] = new double[n];
                    double s = 0;
                    for (var j = 0; j < n; j++)
                    {
                        var c = w[j] * r[i * n + j];
                        contributions[i][j] = c;
                        s += c;
                    }
                    scores[i] = s;
                    utility[i] = s;
                }
                var (leaving, entering) = Promethee.Flows(x, m, n, isCost, matrix.Preferences, w);
                promethee = new PrometheeDetails(leaving, entering, matrix.Preferences);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(matrix));
        }

        return new MethodResult
        {
            Method = method,
            Normalisation = normalisation,
            HigherIsBetter = method != ScoringMethod.Vikor,
            Scores = scores,
            Ranks = Ranking.CompetitionRanks(utility),
            NormalisedMatrix = ToRows(r, m, n),
            Contributions = contributions,
            Topsis = topsis,
            Vikor = vikor,
            Promethee = promethee,
        };
    }

    /// <summary>Utilities ("higher is better") of a method result: VIKOR's Q is negated, WPM's product logged.</summary>
    public static double[] Utilities(MethodResult result) => result.Method switch
    {
        ScoringMethod.Vikor => result.Scores.Select(q => -q).ToArray(),
        ScoringMethod.Wpm => result.Scores.Select(s => Math.Log(s)).ToArray(),
        _ => result.Scores.ToArray(),
    };

    /// <summary>
    /// Opricovic &amp; Tzeng: C1 acceptable advantage Q(a'') − Q(a') ≥ DQ = 1/(m − 1); C2 acceptable stability: a' is
    /// also best by S or by R. Compromise set: C1 fails → all a with Q(a) − Q(a') &lt; DQ; only C2 fails → {a', a''}.
    /// </summary>
    private static VikorDetails VikorConditions(double[] s, double[] r, double[] q, double v, IReadOnlyList<string> ids)
    {
        var m = q.Length;
        var order = Enumerable.Range(0, m).OrderBy(i => q[i]).ThenBy(i => i).ToArray();
        var first = order[0];
        var second = order[1];
        var dq = 1.0 / (m - 1);
        var advantage = q[second] - q[first] >= dq - 1e-12;
        var bestS = s.Min();
        var bestR = r.Min();
        var stability = Ranking.Tied(s[first], bestS) || Ranking.Tied(r[first], bestR);
        List<string> set;
        if (!advantage)
        {
            set = order.Where(i => q[i] - q[first] < dq - 1e-12).Select(i => ids[i]).ToList();
        }
        else if (!stability)
        {
            set = [ids[first], ids[second]];
        }
        else
        {
            set = [ids[first]];
        }
        return new VikorDetails(s, r, q, v, advantage, stability, set);
    }

    public static double[][] ToRows(ReadOnlySpan<double> flat, int m, int n)
    {
        var rows = new double[m][];
        for (var i = 0; i < m; i++) rows[i] = flat.Slice(i * n, n).ToArray();
        return rows;
    }
}
