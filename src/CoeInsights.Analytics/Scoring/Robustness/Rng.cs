using System.Runtime.CompilerServices;

namespace CoeInsights.Analytics.Scoring.Robustness;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna 2018) seeded by SplitMix64: a small, allocation-free, platform-independent
/// generator so a seed gives bit-identical samples on every machine and .NET version. Each block of work gets
/// its own stream derived from (seed, block), so results do not depend on the number of threads.
/// </summary>
internal struct Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    public Rng(ulong seed, ulong stream)
    {
        var sm = seed ^ (0x9E3779B97F4A7C15UL * (stream + 1));
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
        _spareNormal = 0;
        _hasSpare = false;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextULong() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform in (0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((NextULong() >> 11) + 1) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, bound) (Lemire's multiply-shift; bias &lt; 2⁻³² for small bounds).</summary>
    public int NextInt(int bound) => (int)(((NextULong() >> 32) * (ulong)bound) >> 32);

    /// <summary>Standard normal by the Marsaglia polar method.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>
    /// Gamma(shape, 1) by Marsaglia &amp; Tsang (2000); shape &lt; 1 via Gamma(shape + 1)·U^(1/shape).
    /// </summary>
    public double NextGamma(double shape)
    {
        if (shape < 1)
        {
            var g = NextGamma(shape + 1);
            return g * Math.Pow(NextOpenDouble(), 1.0 / shape);
        }
        var d = shape - 1.0 / 3.0;
        return NextGammaPrepared(d, 1.0 / Math.Sqrt(9 * d), 0);
    }

    /// <summary>
    /// Marsaglia–Tsang with precomputed d = a' − 1/3 and c = 1/√(9d) for a' = max(a, a + 1 if a &lt; 1);
    /// <paramref name="inverseBoostShape"/> = 1/a when a &lt; 1 (multiply by U^(1/a)), else 0.
    /// </summary>
    public double NextGammaPrepared(double d, double c, double inverseBoostShape)
    {
        var g = MarsagliaTsang(d, c);
        return inverseBoostShape > 0 ? g * Math.Exp(Math.Log(NextOpenDouble()) * inverseBoostShape) : g;
    }

    /// <summary>Gamma(a') for precomputed d = a' − 1/3, c = 1/√(9d) (a' ≥ 1), without the shape &lt; 1 boost.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double MarsagliaTsang(double d, double c)
    {
        while (true)
        {
            double x, v;
            do
            {
                x = NextNormal();
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = NextOpenDouble();
            var x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2) return d * v;
            if (Math.Log(u) < 0.5 * x2 + d * (1 - v + Math.Log(v))) return d * v;
        }
    }
}
