using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using CsvHelper;
using CsvHelper.Configuration;

namespace CoeInsights.Cli.Csv;

/// <summary>One problem in an input file: its line (1 = the header) and, when it is about a cell, the column.</summary>
internal sealed record CsvProblem(int Line, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"line {Line}: {Message}" : $"line {Line}: column '{Column}': {Message}";
}

/// <summary>A row that parsed and validated, with the line it came from.</summary>
internal sealed record CsvRecord<T>(int Line, T Value);

/// <summary>Every row of a CSV file, read and validated before anything is sent.</summary>
internal sealed class CsvInput<T>
{
    public required FileInfo File { get; init; }
    public required IReadOnlyList<string> Header { get; init; }
    public required IReadOnlyList<CsvRecord<T>> Rows { get; init; }
    public required IReadOnlyList<CsvProblem> Problems { get; init; }
    /// <summary>Lines that were skipped (each has at least one problem).</summary>
    public int SkippedRows => Problems.Select(p => p.Line).Distinct().Count();
    /// <summary>A short fingerprint of the file's bytes: request ids and idempotency keys derived from it make a re-run safe.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>
    /// The all-or-nothing gate: with any problem and without --continue-on-error nothing may be sent, so this throws
    /// (exit code 1) listing every problem by line. With --continue-on-error the good rows go on and the problems are
    /// reported afterwards with <see cref="ReportSkipped"/>.
    /// </summary>
    public IReadOnlyList<CsvRecord<T>> Accept(bool continueOnError)
    {
        if (Problems.Count > 0 && !continueOnError)
            throw new UsageException($"{File.Name}: {SkippedRows} bad row(s), nothing was sent (fix them, or pass --continue-on-error to send the good rows):"
                + Environment.NewLine + CsvFile.List(Problems));
        if (Rows.Count == 0) throw new UsageException($"{File.Name}: no rows to send" + (Problems.Count > 0 ? ":" + Environment.NewLine + CsvFile.List(Problems) : "."));
        return Rows;
    }

    /// <summary>After a --continue-on-error import: what was skipped and why (stderr, so -o json stays parseable).</summary>
    public void ReportSkipped(TextWriter error)
    {
        if (Problems.Count == 0) return;
        error.WriteLine($"skipped {SkippedRows} row(s) of {File.Name}:");
        error.WriteLine(CsvFile.List(Problems));
    }
}

/// <summary>Reads one row's cells by column name, collecting line-numbered problems instead of throwing.</summary>
internal sealed class CsvRowReader(int line, IReadOnlyDictionary<string, string> cells, List<CsvProblem> problems)
{
    private bool _failed;

    public int Line { get; } = line;
    public bool Failed => _failed;
    public IReadOnlyDictionary<string, string> Cells { get; } = cells;

    public void Fail(string? column, string message)
    {
        problems.Add(new CsvProblem(Line, column, message));
        _failed = true;
    }

    /// <summary>The cell's trimmed text; "" when the column is absent or empty.</summary>
    public string Text(string column) => Cells.TryGetValue(column, out var v) ? v : "";

    public string Required(string column)
    {
        var text = Text(column);
        if (text.Length == 0) Fail(column, "is empty");
        return text;
    }

    /// <summary>An id as the server accepts it: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
    public string Id(string column)
    {
        var text = Required(column);
        if (text.Length > 0 && !CsvFile.IdPattern().IsMatch(text))
            Fail(column, $"'{text}' is not an id (1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        return text;
    }

    public double Number(string column)
    {
        var text = Required(column);
        if (text.Length == 0) return 0;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        Fail(column, $"'{text}' is not a number");
        return 0;
    }

    public double? OptionalNumber(string column)
    {
        var text = Text(column);
        if (text.Length == 0) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        Fail(column, $"'{text}' is not a number");
        return null;
    }

    public DateOnly Date(string column)
    {
        var text = Required(column);
        if (text.Length == 0) return default;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        Fail(column, $"'{text}' is not a date (yyyy-MM-dd)");
        return default;
    }

    /// <summary>An enum by name (case-insensitive, '-' and '_' ignored); <paramref name="fallback"/> when empty.</summary>
    public TEnum Choice<TEnum>(string column, TEnum fallback, params (string Name, TEnum Value)[] choices) where TEnum : struct
    {
        var text = Text(column);
        if (text.Length == 0) return fallback;
        var key = CsvFile.Normalise(text);
        foreach (var (name, value) in choices)
            if (CsvFile.Normalise(name) == key) return value;
        Fail(column, $"'{text}' is not one of {string.Join(", ", choices.Select(c => c.Name))}");
        return fallback;
    }
}

internal static partial class CsvFile
{
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial System.Text.RegularExpressions.Regex IdPattern();

    /// <summary>--continue-on-error, shared by every import command.</summary>
    public static Option<bool> ContinueOnErrorOption() => new("--continue-on-error")
    {
        Description = "Send the good rows and report the bad ones (default: any bad row stops the import before anything is sent).",
    };

    /// <summary>
    /// Reads every row (header names are case-insensitive). A missing required column stops at once; every other
    /// problem is collected per line by <paramref name="map"/> and the row is left out.
    /// </summary>
    public static CsvInput<T> Read<T>(FileInfo file, IReadOnlyCollection<string> required, Func<CsvRowReader, T> map,
        Func<string, bool>? allowExtraColumn = null, IReadOnlyCollection<string>? optional = null)
    {
        if (!file.Exists) throw new UsageException($"{file.FullName} does not exist");
        var bytes = System.IO.File.ReadAllBytes(file.FullName);
        using var reader = new StreamReader(new MemoryStream(bytes));
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim, DetectColumnCountChanges = false, BadDataFound = null, MissingFieldFound = null,
        });
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } raw)
            throw new UsageException($"{file.Name}: line 1 must be a header with the columns {string.Join(", ", required)}");
        var header = raw.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var missing = required.Where(r => !header.Contains(r)).ToList();
        var known = new HashSet<string>(required.Concat(optional ?? []));
        var problems = new List<CsvProblem>();
        problems.AddRange(missing.Select(m => new CsvProblem(1, m, "missing column")));
        foreach (var extra in header.Where(h => !known.Contains(h) && !(allowExtraColumn?.Invoke(h) ?? false)))
            problems.Add(new CsvProblem(1, extra, $"unknown column (expected {string.Join(", ", known)})"));
        foreach (var duplicate in header.GroupBy(h => h).Where(g => g.Count() > 1))
            problems.Add(new CsvProblem(1, duplicate.Key, "appears twice in the header"));
        if (problems.Count > 0)
            throw new UsageException($"{file.Name}: the header is wrong, nothing was sent:" + Environment.NewLine + List(problems));

        var rows = new List<CsvRecord<T>>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            var count = csv.Parser.Count;
            if (count == 1 && string.IsNullOrWhiteSpace(csv.GetField(0))) continue; // blank line
            if (count > header.Length)
            {
                problems.Add(new CsvProblem(line, null, $"{count} cells but the header has {header.Length} columns"));
                continue;
            }
            for (var j = 0; j < count; j++) cells[header[j]] = (csv.GetField(j) ?? "").Trim();
            var row = new CsvRowReader(line, cells, problems);
            var value = map(row);
            if (!row.Failed) rows.Add(new CsvRecord<T>(line, value));
        }
        return new CsvInput<T>
        {
            File = file, Header = header, Rows = rows, Problems = problems,
            Fingerprint = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16],
        };
    }

    public static string Normalise(string name) => name.Replace("-", "").Replace("_", "").Replace(" ", "").ToLowerInvariant();

    public static string List(IReadOnlyList<CsvProblem> problems)
    {
        const int shown = 100;
        var lines = problems.OrderBy(p => p.Line).Take(shown).Select(p => "  " + p);
        var text = string.Join(Environment.NewLine, lines);
        return problems.Count > shown ? text + Environment.NewLine + $"  … and {problems.Count - shown} more" : text;
    }
}
