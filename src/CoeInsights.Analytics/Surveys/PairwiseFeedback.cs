using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics.Scoring.Ahp;

namespace CoeInsights.Analytics.Surveys;

/// <summary>What a respondent is told about their own pairwise judgements while answering.</summary>
/// <param name="WorstPair">The (i, j), i &lt; j, of the judgement furthest from what the weights imply; null when every judgement agrees.</param>
/// <param name="ImpliedRatio">w_i / w_j: the judgement that would agree with the respondent's other judgements.</param>
public sealed record PairwiseFeedback(double ConsistencyRatio, bool IsAcceptable, IReadOnlyList<double> Weights, (int I, int J)? WorstPair, double ImpliedRatio);

public static class PairwiseConsistency
{
    /// <summary>
    /// CR by the scoring engine's AHP, and the most inconsistent judgement: the a_ij with the largest
    /// |ln(a_ij · w_j / w_i)| (Saaty's ε_ij = a_ij w_j / w_i, which is 1 for every pair of a consistent matrix;
    /// Saaty 2003, "Decision-making with the AHP: why is the principal eigenvector necessary", EJOR 145).
    /// </summary>
    public static PairwiseFeedback Feedback(int n, IReadOnlyList<double> upperTriangle, double maxConsistencyRatio = 0.10)
    {
        var a = PairwiseAnalysis.Matrix(n, upperTriangle);
        var ahp = AhpCalculator.Compute([a.Select(r => (IReadOnlyList<double>)r).ToArray()], new AhpOptions { AcceptableConsistencyRatio = maxConsistencyRatio });
        var w = ahp.Weights;
        (int, int)? worst = null;
        var worstError = 1e-9;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
            {
                var error = Math.Abs(Math.Log(a[i][j] * w[j] / w[i]));
                if (error > worstError) (worst, worstError) = ((i, j), error);
            }
        var implied = worst is { } p ? w[p.Item1] / w[p.Item2] : 1;
        return new PairwiseFeedback(ahp.ConsistencyRatio, ahp.ConsistencyRatio <= maxConsistencyRatio, w, worst, implied);
    }
}
