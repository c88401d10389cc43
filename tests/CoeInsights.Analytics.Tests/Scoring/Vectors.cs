using System.Text.Json;

namespace CoeInsights.Analytics.Tests.Scoring;

/// <summary>Loads a published worked example from tests/vectors (copied to the output folder under vectors/).</summary>
internal static class Vectors
{
    public static JsonElement Load(string relativePath)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", relativePath);
        using var stream = File.OpenRead(path);
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    public static double[] Doubles(this JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    public static int[] Ints(this JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static string[] Strings(this JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    public static double[][] Matrix(this JsonElement e) => e.EnumerateArray().Select(Doubles).ToArray();

    public static double[] Transposed(double[][] rows, int column) => rows.Select(r => r[column]).ToArray();

    public static void Near(double expected, double actual, double tolerance, string what)
    {
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:R} ± {tolerance:R}, got {actual:R} (diff {Math.Abs(expected - actual):R})");
    }

    public static void AllNear(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Near(expected[i], actual[i], tolerance, $"{what}[{i}]");
    }
}
