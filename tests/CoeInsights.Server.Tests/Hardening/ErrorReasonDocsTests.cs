using System.Reflection;
using System.Text.RegularExpressions;
using CoeInsights.Common;

namespace CoeInsights.Server.Tests.Hardening;

/// <summary>
/// docs/errors.md lists every ErrorInfo reason the server can send: the constants of <see cref="ErrorReasons"/>, and the
/// NOT_FOUND / ALREADY_EXISTS reasons made from the resource types src/ names. A reason written as a bare literal
/// anywhere else in src/ fails too, so a new one cannot bypass the list.
/// </summary>
public sealed partial class ErrorReasonDocsTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CoeInsights.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("CoeInsights.sln not found above the test's folder");
    }

    private static IEnumerable<(string File, string Text)> Sources() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(Root, f), File.ReadAllText(f)));

    private static string Docs => File.ReadAllText(Path.Combine(Root, "docs", "errors.md"));

    public static IEnumerable<string> Constants() => typeof(ErrorReasons)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!);

    /// <summary>Resource types given to NotFoundException / AlreadyExistsException, as the reason they make (ApiKey → API_KEY_NOT_FOUND).</summary>
    public static IEnumerable<string> ResourceReasons() => Sources()
        .SelectMany(s => ResourceType().Matches(s.Text).Select(m => (m.Groups["kind"].Value, m.Groups["type"].Value)))
        .Select(x => $"{Snake(x.Item2)}_{(x.Item1 is "NotFound" ? "NOT_FOUND" : "ALREADY_EXISTS")}")
        .Distinct();

    private static string Snake(string s) => string.Concat(s.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    // new NotFoundException("Tenant", …), and the target-typed form in a NotFoundException-returning member: NotFoundException NotFound(…) => new("Evaluation", …).
    [GeneratedRegex("""(?:new\s+(?<kind>NotFound|AlreadyExists)Exception\s*\(\s*"(?<type>[A-Za-z]+)"|(?<kind>NotFound|AlreadyExists)Exception\s+\w+\([^)]*\)\s*=>\s*new\s*\(\s*"(?<type>[A-Za-z]+)")""")]
    private static partial Regex ResourceType();

    [GeneratedRegex("\"(?<reason>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"")]
    private static partial Regex UpperSnakeLiteral();

    [Fact]
    public void ListsEveryReasonConstant()
    {
        var missing = Constants().Where(r => !Docs.Contains($"`{r}`", StringComparison.Ordinal)).ToList();

        Assert.Contains("CANNOT_REVOKE_OWN_KEY", Constants());
        Assert.True(missing.Count == 0, $"docs/errors.md does not list: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ListsEveryResourceReason()
    {
        var reasons = ResourceReasons().ToList();
        var missing = reasons.Where(r => !Docs.Contains($"`{r}`", StringComparison.Ordinal)).ToList();

        Assert.Contains("EVALUATION_NOT_FOUND", reasons);
        Assert.Contains("API_KEY_NOT_FOUND", reasons);
        Assert.Contains("PROFILE_ALREADY_EXISTS", reasons);
        Assert.True(missing.Count == 0, $"docs/errors.md does not list: {string.Join(", ", missing)}");
    }

    [Fact]
    public void KeepsReasonsInTheOneClassOnly()
    {
        // Upper-snake literals that are not reasons: environment variable names (ours and OpenTelemetry's) and a PostgreSQL file name.
        static bool NotAReason(string s) => s.StartsWith("COE_", StringComparison.Ordinal) || s.StartsWith("OTEL_", StringComparison.Ordinal) || s == "PG_VERSION";
        var stray = Sources()
            .Where(s => !s.File.EndsWith("ErrorReasons.cs", StringComparison.Ordinal))
            .SelectMany(s => UpperSnakeLiteral().Matches(s.Text).Select(m => $"{s.File}: {m.Groups["reason"].Value}"))
            .Where(x => !NotAReason(x[(x.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
            .ToList();

        Assert.True(stray.Count == 0, $"put these reasons in src/CoeInsights.Primitives/ErrorReasons.cs and docs/errors.md:\n{string.Join("\n", stray)}");
    }
}
