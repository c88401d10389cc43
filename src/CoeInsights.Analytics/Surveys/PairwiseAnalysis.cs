using System.Globalization;
using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Surveys;

/// <summary>Pairwise-comparison questions: every respondent's AHP result and the group weights, all computed by
/// <see cref="ScoringEngine.ComputeAhpWeights"/> (no AHP of our own here).</summary>
public static class PairwiseAnalysis
{
    /// <summary>One respondent's judgements for a pairwise question.</summary>
    public sealed record Judgement(string RespondentId, string Department, IReadOnlyList<double> UpperTriangle);

    /// <summary>True when x or 1/x is an integer 1..9 (within 0.01, so a typed 0.333 passes for 1/3 and 0.33 does not).</summary>
    public static bool IsSaatyValue(double x)
    {
        if (!double.IsFinite(x) || x <= 0) return false;
        var r = x >= 1 ? x : 1 / x;
        return r <= 9 + 1e-2 && Math.Abs(r - Math.Round(r)) <= 1e-2;
    }

    /// <summary>The reciprocal matrix from a_ij (i &lt; j) in row order: a_ji = 1/a_ij, a_ii = 1.</summary>
    public static double[][] Matrix(int n, IReadOnlyList<double> upperTriangle)
    {
        if (upperTriangle.Count != n * (n - 1) / 2)
            throw new ArgumentException($"expected {n * (n - 1) / 2} judgements for {n} options, got {upperTriangle.Count}", nameof(upperTriangle));
        var a = Enumerable.Range(0, n).Select(_ => new double[n]).ToArray();
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            a[i][i] = 1;
            for (var j = i + 1; j < n; j++)
            {
                a[i][j] = upperTriangle[k++];
                a[j][i] = 1 / a[i][j];
            }
        }
        return a;
    }

    /// <summary>Individual AHP per respondent, flags CR &gt; <see cref="SurveyOptions.MaxConsistencyRatio"/>, and group weights over
    /// the used respondents (all, or only consistent ones when <see cref="SurveyOptions.ExcludeInconsistentRespondents"/>).
    /// Input must already be valid (see <see cref="SurveyAnalysis"/>).</summary>
    internal static PairwiseResult Analyze(IReadOnlyList<string> criteria, IReadOnlyList<Judgement> judgements, SurveyOptions options)
    {
        var ahp = options.Ahp with { AcceptableConsistencyRatio = options.MaxConsistencyRatio };
        var n = criteria.Count;
        var matrices = judgements.Select(j => (IReadOnlyList<IReadOnlyList<double>>)Matrix(n, j.UpperTriangle)).ToArray();
        var respondents = new List<RespondentAhp>();
        var used = new List<int>();
        var excluded = new List<ExcludedRespondent>();
        for (var i = 0; i < judgements.Count; i++)
        {
            var own = Ahp([matrices[i]], ahp);
            var inconsistent = own.ConsistencyRatio > options.MaxConsistencyRatio;
            var use = !inconsistent || !options.ExcludeInconsistentRespondents;
            if (use) used.Add(i);
            else excluded.Add(new ExcludedRespondent(judgements[i].RespondentId, judgements[i].Department,
                string.Create(CultureInfo.InvariantCulture, $"inconsistent pairwise judgements: CR {own.ConsistencyRatio:0.####} > {options.MaxConsistencyRatio:0.####}")));
            respondents.Add(new RespondentAhp
            {
                RespondentId = judgements[i].RespondentId, Department = judgements[i].Department, Weights = own.Weights,
                ConsistencyRatio = own.ConsistencyRatio, IsInconsistent = inconsistent, UsedInGroup = use,
            });
        }

        AhpResult? group = used.Count > 0 ? Ahp(used.Select(i => matrices[i]).ToArray(), ahp) : null;
        var departments = new List<DepartmentWeights>();
        var departmentMatrices = new List<IReadOnlyList<IReadOnlyList<double>>>();
        foreach (var g in used.GroupBy(i => judgements[i].Department, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var members = g.Select(i => matrices[i]).ToArray();
            var result = Ahp(members, ahp);
            departments.Add(new DepartmentWeights(g.Key, members.Length, result.Weights));
            departmentMatrices.Add(result.GroupMatrix ?? members[0]);
        }
        IReadOnlyList<double>? balanced = departmentMatrices.Count > 0 ? Ahp(departmentMatrices, ahp).Weights : null;

        return new PairwiseResult
        {
            Criteria = criteria, Respondents = respondents, Group = group, BalancedWeights = balanced, Departments = departments,
            UsedRespondents = used.Select(i => judgements[i].RespondentId).ToArray(), ExcludedRespondents = excluded,
        };
    }

    private static AhpResult Ahp(IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> matrices, AhpOptions options) =>
        ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = matrices, Options = options });
}
