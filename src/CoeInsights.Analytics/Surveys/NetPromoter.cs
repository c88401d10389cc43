using MathNet.Numerics.Distributions;

namespace CoeInsights.Analytics.Surveys;

/// <summary>Net Promoter Score (Reichheld 2003): promoters 9–10, passives 7–8, detractors 0–6.</summary>
public static class NetPromoter
{
    public enum Category { Detractor, Passive, Promoter }

    /// <summary>The NPS group of one 0..10 answer.</summary>
    public static Category Classify(double score) => score >= 9 ? Category.Promoter : score >= 7 ? Category.Passive : Category.Detractor;

    /// <summary>NPS of integer answers 0..10 (field paths <c>scores[i]</c>).</summary>
    public static NpsResult FromScores(IReadOnlyList<double> scores, double confidenceLevel = 0.95)
    {
        var v = new Validator();
        for (var i = 0; i < scores.Count; i++)
            v.Require(IsNpsValue(scores[i]), $"scores[{i}]", $"must be an integer from 0 to 10, got {scores[i]}");
        v.Require(scores.Count > 0, "scores", "needs at least one answer");
        ValidateLevel(confidenceLevel, v);
        v.ThrowIfInvalid();
        var groups = scores.Select(Classify).ToArray();
        return Compute(groups.Count(g => g == Category.Promoter), groups.Count(g => g == Category.Passive),
            groups.Count(g => g == Category.Detractor), confidenceLevel);
    }

    /// <summary>NPS from group counts.</summary>
    public static NpsResult FromCounts(int promoters, int passives, int detractors, double confidenceLevel = 0.95)
    {
        var v = new Validator()
            .Require(promoters >= 0, "promoters", "must not be negative")
            .Require(passives >= 0, "passives", "must not be negative")
            .Require(detractors >= 0, "detractors", "must not be negative");
        if (v.IsValid) v.Require(promoters + passives + detractors > 0, "counts", "needs at least one answer");
        ValidateLevel(confidenceLevel, v);
        v.ThrowIfInvalid();
        return Compute(promoters, passives, detractors, confidenceLevel);
    }

    internal static bool IsNpsValue(double x) => double.IsFinite(x) && x >= 0 && x <= 10 && x == Math.Floor(x);

    internal static void ValidateLevel(double level, Validator v, string field = "confidence_level") =>
        v.Require(double.IsFinite(level) && level > 0 && level < 1, field, $"must be in (0, 1), got {level}");

    /// <summary>
    /// Score = 100 (p − d). Var of one answer coded +1/0/−1 is p + d − (p − d)², so
    /// SE = 100 √((p + d − (p − d)²) / n) (multinomial plug-in, no finite-population correction), and the Wald interval
    /// Score ± z SE is clipped to [−100, 100].
    /// </summary>
    internal static NpsResult Compute(int promoters, int passives, int detractors, double confidenceLevel, double? balancedScore = null)
    {
        var n = promoters + passives + detractors;
        var p = (double)promoters / n;
        var d = (double)detractors / n;
        var variance = Math.Max(0, p + d - (p - d) * (p - d));
        var se = 100 * Math.Sqrt(variance / n);
        var z = Normal.InvCDF(0, 1, 1 - (1 - confidenceLevel) / 2);
        var score = 100 * (p - d);
        return new NpsResult
        {
            N = n, Promoters = promoters, Passives = passives, Detractors = detractors,
            PromoterShare = p, PassiveShare = (double)passives / n, DetractorShare = d,
            Score = score, StandardError = se, ConfidenceLevel = confidenceLevel,
            Lower = Math.Max(-100, score - z * se), Upper = Math.Min(100, score + z * se),
            BalancedScore = balancedScore,
        };
    }
}
