using System.Text.Json;

namespace CoeInsights.Analytics.Tests.Trends;

/// <summary>Loads a published worked example from vectors/trends (copied from shared/vectors).</summary>
internal sealed class TrendVector
{
    private TrendVector(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public JsonElement Inputs => Root.GetProperty("inputs");

    public JsonElement Expected => Root.GetProperty("expected");

    public string Source => Root.GetProperty("source").GetString()!;

    public double Tolerance => Root.GetProperty("tolerance").GetProperty("value").GetDouble();

    public static TrendVector Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "trends", fileName);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new TrendVector(doc.RootElement.Clone());
    }

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static double?[] NullableDoubles(JsonElement array)
        => array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble()).ToArray();
}

internal static class Approx
{
    public static void Relative(double expected, double actual, double tolerance, string what)
    {
        var err = Math.Abs(actual - expected);
        var bound = tolerance * Math.Abs(expected);
        Assert.True(err <= bound || (expected == 0 && err <= tolerance),
            $"{what}: expected {expected:R}, got {actual:R} (relative error {err / Math.Max(Math.Abs(expected), double.Epsilon):E2} > {tolerance:E1})");
    }

    public static void Absolute(double expected, double actual, double tolerance, string what)
        => Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (abs tolerance {tolerance:E1})");

    public static void Relative(IReadOnlyList<double?> expected, IReadOnlyList<double?> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i] is null) Assert.True(actual[i] is null, $"{what}[{i}]: expected no value, got {actual[i]:R}");
            else
            {
                Assert.True(actual[i] is not null, $"{what}[{i}]: expected {expected[i]:R}, got no value");
                Relative(expected[i]!.Value, actual[i]!.Value, tolerance, $"{what}[{i}]");
            }
        }
    }
}
