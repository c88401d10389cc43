using System.Globalization;
using System.Text;

namespace CoeInsights.Cli.Sample;

/// <summary>
/// The labelled set the crisis detector is measured on (docs/alerts.md, "Detector"): six months of daily mentions and
/// negative mentions for the sample CoE's 11 profiles (with its planted negative-mention spike on Instagram
/// northwind.home, 2026-03-17) and 64 synthetic profiles, some with crises (sudden spikes, 2–3 day ramps, shifts of
/// the negative share) and all with what must not page anyone (weekly seasonality, holiday dips, steady and fast
/// growth, launch days, noisy low volume). Every profile is in the tune or the test half; each synthetic background
/// and crisis kind is drawn once per half. Pure and seeded: the same text on every run. The shipped copy is
/// src/CoeInsights.Analytics/Trends/Backtest/backtest-set.csv; a test checks it is this output
/// (COE_WRITE_BACKTEST_SET=1 rewrites it).
/// </summary>
/// <remarks>
/// CSV columns: profile, background, half (tune|test), day (ISO), mentions, negative_mentions, crisis (the crisis kind
/// on each of its elevated days, empty otherwise; a crisis is a run of labelled days and starts on the first).
/// </remarks>
internal static class BacktestSetGenerator
{
    public const int Seed = 20260317;
    public static readonly DateOnly FirstDay = new(2025, 11, 1);
    public static readonly DateOnly LastDay = new(2026, 4, 30);
    public static int Days => LastDay.DayNumber - FirstDay.DayNumber + 1;

    /// <summary>No crisis starts before this day index (the backtest's 28 warm-up days plus a margin).</summary>
    public const int EarliestCrisis = 40;

    public const string Header = "profile,background,half,day,mentions,negative_mentions,crisis";

    private static readonly string[] Backgrounds =
        ["plain", "weekly-b2b", "weekly-consumer", "holiday-dip", "steady-growth", "fast-growth", "launch-days", "low-volume-noise"];

    /// <summary>The four variants of each background: no crisis, a sudden spike (on odd backgrounds followed by a ramp), a ramp, a share shift.</summary>
    private static readonly string?[] Variants = [null, "sudden-spike", "ramp", "share-shift"];

    public static string Csv()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in Rows()) text.Append(row).Append('\n');
        return text.ToString();
    }

    private static IEnumerable<string> Rows()
    {
        foreach (var row in SampleRows()) yield return row;
        var index = 0;
        for (var b = 0; b < Backgrounds.Length; b++)
            for (var v = 0; v < Variants.Length; v++)
                for (var half = 0; half < 2; half++)
                {
                    var random = new Random(Seed + 7919 * index);
                    var crisis = Variants[v];
                    var id = $"synthetic-{index + 1:00}";
                    foreach (var row in Synthetic(id, Backgrounds[b], half == 0 ? "tune" : "test", crisis, second: crisis == "sudden-spike" && b % 2 == 1, random))
                        yield return row;
                    index++;
                }
    }

    /// <summary>The sample's own profiles, as `coe sample load` records them; odd indexes (the planted spike's among them) are test.</summary>
    private static IEnumerable<string> SampleRows()
    {
        var wanted = SampleData.Kpis()
            .Where(o => o.Day >= FirstDay && o.Day <= LastDay && o.Metric is "mentions" or "negative_mentions")
            .ToLookup(o => o.Profile);
        for (var p = 0; p < SampleData.Profiles.Length; p++)
        {
            var profile = SampleData.Profiles[p];
            var id = "sample:" + SampleData.ProfileKey(profile);
            var half = p % 2 == 1 ? "test" : "tune";
            var byDay = wanted[p].ToLookup(o => o.Day);
            for (var day = FirstDay; day <= LastDay; day = day.AddDays(1))
            {
                var mentions = byDay[day].Single(o => o.Metric == "mentions").Value;
                var negative = byDay[day].Single(o => o.Metric == "negative_mentions").Value;
                var planted = profile.Handle == SampleData.Anomaly.Handle && profile.Network == SampleData.Anomaly.Network && day == SampleData.Anomaly.Day;
                yield return Row(id, "sample", half, day, mentions, negative, planted ? "sample-spike" : "");
            }
        }
    }

    private static IEnumerable<string> Synthetic(string id, string background, string half, string? crisisKind, bool second, Random random)
    {
        var days = Days;
        var lowVolume = background == "low-volume-noise";
        var negativeBase = lowVolume ? Uniform(random, 0.8, 2.0) : Math.Exp(Uniform(random, Math.Log(4), Math.Log(60)));
        var share = Uniform(random, 0.07, 0.18);
        double[] weekly = background switch
        {
            "weekly-b2b" => [1.18, 1.22, 1.2, 1.14, 1.0, 0.45, 0.4],
            "weekly-consumer" => [0.82, 0.85, 0.88, 0.95, 1.1, 1.38, 1.45],
            _ => random.Next(3) switch
            {
                0 => [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                1 => [1.1, 1.12, 1.1, 1.08, 1.0, 0.8, 0.75],
                _ => [0.94, 0.95, 0.96, 0.98, 1.04, 1.1, 1.12],
            },
        };
        var growth = background switch
        {
            "steady-growth" => Uniform(random, 1.5, 3.0), // linear: up to 4× by the last day
            _ => Uniform(random, -0.2, 0.4),
        };
        var doublingDays = background == "fast-growth" ? Uniform(random, 45, 75) : double.PositiveInfinity;

        // Launch days: mentions jump 3–6× (the negative share barely moves), half that the day after.
        var launches = new Dictionary<int, double>();
        if (background == "launch-days")
            for (var k = 0; k < 3; k++)
            {
                var day = EarliestCrisis - 10 + 45 * k + random.Next(20);
                var jump = Uniform(random, 3, 6);
                launches[day] = jump;
                launches[day + 1] = 1 + (jump - 1) / 2;
            }

        // Crises: negative mentions multiplied by a profile of factors from the start day on.
        var crises = new List<(int Start, double[] Negative, double[] Others, string Kind)>();
        if (crisisKind is not null)
        {
            var first = EarliestCrisis + random.Next(second ? 50 : 120);
            crises.Add(Crisis(crisisKind, first, negativeBase, random));
            // the second crisis 60–120 days later, ending before the last week
            if (second) crises.Add(Crisis("ramp", first + 60 + random.Next(Math.Min(60, days - 7 - (first + 60))), negativeBase, random));
        }
        // A launch day never falls in a crisis (the labels say what the day is).
        foreach (var (start, negative, _, _) in crises)
            foreach (var day in launches.Keys.Where(d => d >= start - 3 && d < start + negative.Length + 3).ToList()) launches.Remove(day);

        for (var d = 0; d < days; d++)
        {
            var day = FirstDay.AddDays(d);
            var t = (double)d / (days - 1);
            var level = weekly[((int)day.DayOfWeek + 6) % 7] * (1 + growth * t) * Math.Pow(2, d / doublingDays) * Holiday(background, day)
                * Math.Exp(Normal(random) * 0.08); // a busy or quiet news day moves everything
            var others = negativeBase * (1 - share) / share * level;
            var negative = negativeBase * level;
            if (launches.TryGetValue(d, out var jump))
            {
                others *= jump;
                negative *= jump * Uniform(random, 0.9, 1.25);
            }
            var label = "";
            foreach (var (start, factors, otherFactors, kind) in crises)
                if (d >= start && d < start + factors.Length)
                {
                    negative *= factors[d - start];
                    others *= otherFactors[d - start];
                    label = kind;
                }
            var negativeCount = Poisson(random, negative * Math.Exp(Normal(random) * 0.12));
            var otherCount = Poisson(random, others * Math.Exp(Normal(random) * 0.08));
            yield return Row(id, background, half, day, negativeCount + otherCount, negativeCount, label);
        }
    }

    /// <summary>
    /// One crisis's day-by-day factors on negative and on other mentions. Sudden spike: ×3–8 on the day, decaying over
    /// two more. Ramp: building over three days to ×3–6, then easing. Share shift: the negative share more than doubles
    /// for 4–6 days while volume barely moves. On a quiet profile the peak is at least 12 negative mentions.
    /// </summary>
    private static (int, double[], double[], string) Crisis(string kind, int start, double negativeBase, Random random)
    {
        double[] shape;
        double peak;
        double[] others;
        switch (kind)
        {
            case "sudden-spike":
                peak = Uniform(random, 3, 8);
                shape = [1.0, 0.45, 0.2];
                others = [1.3, 1.1, 1.0];
                break;
            case "ramp":
                peak = Uniform(random, 3, 6);
                shape = [0.25, 0.6, 1.0, 0.8, 0.5];
                others = [1.05, 1.15, 1.3, 1.2, 1.1];
                break;
            default: // share-shift
                peak = Uniform(random, 2.2, 3.5);
                var length = 4 + random.Next(3);
                shape = [.. Enumerable.Range(0, length).Select(i => i == 0 ? 0.5 : 1.0)];
                others = [.. Enumerable.Range(0, length).Select(_ => 0.9)];
                break;
        }
        peak = Math.Max(peak, 12 / negativeBase);
        return (start, [.. shape.Select(s => 1 + (peak - 1) * s)], others, kind);
    }

    /// <summary>Christmas to New Year and Easter weekend (2026-04-03…06) on the holiday-dip profiles.</summary>
    private static double Holiday(string background, DateOnly day)
    {
        if (background != "holiday-dip") return 1;
        if (day >= new DateOnly(2025, 12, 22) && day <= new DateOnly(2026, 1, 2)) return day.Day is 24 or 25 or 26 or 31 || day.Month == 1 ? 0.35 : 0.55;
        return day >= new DateOnly(2026, 4, 3) && day <= new DateOnly(2026, 4, 6) ? 0.6 : 1;
    }

    private static string Row(string id, string background, string half, DateOnly day, double mentions, double negative, string crisis) =>
        string.Create(CultureInfo.InvariantCulture, $"{id},{background},{half},{day:yyyy-MM-dd},{mentions},{negative},{crisis}");

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A Poisson count: Knuth's product of uniforms below a mean of 30, the rounded normal approximation above.</summary>
    private static double Poisson(Random random, double mean)
    {
        if (mean <= 0) return 0;
        if (mean >= 30) return Math.Max(0, Math.Round(mean + Math.Sqrt(mean) * Normal(random)));
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }
        return k;
    }
}
