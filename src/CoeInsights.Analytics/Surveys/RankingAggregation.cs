namespace CoeInsights.Analytics.Surveys;

/// <summary>Borda count and mean rank over (possibly partial) rankings.</summary>
public static class RankingAggregation
{
    /// <summary>
    /// Aggregates <paramref name="rankings"/> (option ids, best first) of <paramref name="options"/>.
    /// An option ranked r-th of n options gets n − r points (n − 1 … 0). Partial ranking (m &lt; n options ranked): the
    /// n − m unranked options share the remaining positions equally, i.e. each gets the mid-rank (m + 1 + n)/2 and
    /// (n − m − 1)/2 points, so every ranking hands out the same n(n − 1)/2 points. Ties inside a ranking are not allowed.
    /// <paramref name="departments"/> (optional, aligned with rankings) gives the department-balanced means.
    /// </summary>
    public static RankingResult Borda(IReadOnlyList<string> options, IReadOnlyList<IReadOnlyList<string>> rankings, IReadOnlyList<string>? departments = null)
    {
        var v = new Validator();
        v.Require(options.Count >= 2, "options", $"needs at least 2 options, got {options.Count}");
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < options.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(options[j])) v.Add($"options[{j}]", "must not be empty");
            else if (!index.TryAdd(options[j], j)) v.Add($"options[{j}]", $"duplicate option '{options[j]}'");
        }
        if (departments is not null)
            v.Require(departments.Count == rankings.Count, "departments", $"needs one department per ranking ({rankings.Count}), got {departments.Count}");
        for (var i = 0; i < rankings.Count; i++) ValidateRanking(rankings[i], index, $"rankings[{i}]", v);
        v.ThrowIfInvalid();
        return Compute(options, rankings, departments ?? rankings.Select(_ => "").ToArray());
    }

    internal static void ValidateRanking(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> index, string field, Validator v)
    {
        if (ranking.Count == 0) v.Add(field, "a ranking must rank at least one option");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < ranking.Count; r++)
        {
            if (!index.ContainsKey(ranking[r] ?? "")) v.Add($"{field}[{r}]", $"unknown option '{ranking[r]}'");
            else if (!seen.Add(ranking[r])) v.Add($"{field}[{r}]", $"option '{ranking[r]}' is ranked twice");
        }
    }

    /// <summary>Rank (1 = best) of every option in one ranking, unranked options at the mid-rank of the remaining positions.</summary>
    internal static double[] Ranks(IReadOnlyList<string> options, IReadOnlyList<string> ranking)
    {
        var n = options.Count;
        var m = ranking.Count;
        var ranks = Enumerable.Repeat((m + 1 + n) / 2.0, n).ToArray();
        for (var r = 0; r < m; r++) ranks[IndexOf(options, ranking[r])] = r + 1;
        return ranks;
    }

    private static int IndexOf(IReadOnlyList<string> options, string id)
    {
        for (var j = 0; j < options.Count; j++)
            if (string.Equals(options[j], id, StringComparison.Ordinal)) return j;
        throw new InvalidOperationException($"unknown option {id}");
    }

    internal static RankingResult Compute(IReadOnlyList<string> options, IReadOnlyList<IReadOnlyList<string>> rankings, IReadOnlyList<string> departments)
    {
        var n = options.Count;
        var count = rankings.Count;
        var sumRank = new double[n];
        var times = new int[n];
        var perRanking = rankings.Select(r => Ranks(options, r)).ToArray();
        foreach (var ranking in rankings)
            foreach (var id in ranking) times[IndexOf(options, id)]++;
        foreach (var ranks in perRanking)
            for (var j = 0; j < n; j++) sumRank[j] += ranks[j];

        var groups = Enumerable.Range(0, count).GroupBy(i => departments[i], StringComparer.Ordinal).ToArray();
        var result = new RankedOption[n];
        for (var j = 0; j < n; j++)
        {
            var meanRank = count > 0 ? sumRank[j] / count : double.NaN;
            var balancedRank = groups.Length > 0 ? groups.Average(g => g.Average(i => perRanking[i][j])) : double.NaN;
            result[j] = new RankedOption
            {
                Option = options[j],
                BordaPoints = n * count - sumRank[j],
                MeanBordaPoints = n - meanRank,
                MeanRank = meanRank,
                BalancedMeanRank = balancedRank,
                BalancedMeanBordaPoints = n - balancedRank,
                TimesRanked = times[j],
            };
        }
        var order = Enumerable.Range(0, n).OrderByDescending(j => result[j].BordaPoints).ThenBy(j => j).Select(j => options[j]).ToArray();
        return new RankingResult { Options = result, Order = order, Rankings = count, PartialRankings = rankings.Count(r => r.Count < n) };
    }
}
