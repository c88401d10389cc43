namespace CoeInsights.Analytics.Scoring.Methods;

/// <summary>Ranking of "higher is better" utilities.</summary>
internal static class Ranking
{
    /// <summary>Relative tolerance under which two scores count as tied (1e-12 · max(1, |a|, |b|)).</summary>
    public const double TieTolerance = 1e-12;

    public static bool Tied(double a, double b) =>
        Math.Abs(a - b) <= TieTolerance * Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(b)));

    /// <summary>Competition ranks: 1 + number of strictly better (beyond tolerance) alternatives.</summary>
    public static int[] CompetitionRanks(ReadOnlySpan<double> utility)
    {
        var ranks = new int[utility.Length];
        for (var i = 0; i < utility.Length; i++)
        {
            var better = 0;
            for (var k = 0; k < utility.Length; k++)
            {
                if (k != i && utility[k] > utility[i] && !Tied(utility[k], utility[i])) better++;
            }
            ranks[i] = better + 1;
        }
        return ranks;
    }

    /// <summary>
    /// Order of alternatives best first; ties (within tolerance) resolved by <paramref name="tieOrder"/>
    /// (lower key first), then by index.
    /// </summary>
    public static int[] Order(ReadOnlySpan<double> utility, IReadOnlyList<int> tieOrder)
    {
        var u = utility.ToArray();
        var order = Enumerable.Range(0, u.Length).ToArray();
        Array.Sort(order, (a, b) =>
        {
            if (!Tied(u[a], u[b])) return u[b].CompareTo(u[a]);
            var t = tieOrder[a].CompareTo(tieOrder[b]);
            return t != 0 ? t : a.CompareTo(b);
        });
        return order;
    }

    /// <summary>Winner with a strict index tie-break; for hot loops (no tolerance).</summary>
    public static int ArgMax(ReadOnlySpan<double> utility)
    {
        var best = 0;
        for (var i = 1; i < utility.Length; i++)
        {
            if (utility[i] > utility[best]) best = i;
        }
        return best;
    }

    /// <summary>Winner with tolerance and tie order, for sensitivity (consistent with <see cref="Order"/>).</summary>
    public static int Winner(ReadOnlySpan<double> utility, IReadOnlyList<int> tieOrder)
    {
        var best = 0;
        for (var i = 1; i < utility.Length; i++)
        {
            if (Tied(utility[i], utility[best]))
            {
                if (tieOrder[i] < tieOrder[best]) best = i;
            }
            else if (utility[i] > utility[best])
            {
                best = i;
            }
        }
        return best;
    }
}
