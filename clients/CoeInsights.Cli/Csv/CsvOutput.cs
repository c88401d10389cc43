using System.Globalization;
using CsvHelper;

namespace CoeInsights.Cli.Csv;

/// <summary>
/// The one way the CLI writes CSV. Text cells are neutralised against formula injection (OWASP "CSV Injection"):
/// a cell that starts with = + - @ tab or carriage return gets a leading single quote, so a handle such as
/// <c>=HYPERLINK("http://evil","x")</c> stays text when the file is opened in a spreadsheet program. Numbers we
/// format ourselves (<see cref="Number(double?)"/>) are written as they are, so -3.5 stays a number.
/// </summary>
internal sealed class CsvOutput(TextWriter output) : IAsyncDisposable
{
    /// <summary>The first characters that make a spreadsheet read a cell as a formula.</summary>
    public const string FormulaTriggers = "=+-@\t\r";

    private readonly CsvWriter _writer = new(output, CultureInfo.InvariantCulture, leaveOpen: true);

    /// <summary>The text as a cell: prefixed with a single quote when it starts with a formula trigger.</summary>
    public static string Neutralise(string? text) =>
        text is { Length: > 0 } && FormulaTriggers.Contains(text[0]) ? "'" + text : text ?? "";

    public async Task HeaderAsync(params string[] names)
    {
        foreach (var name in names) Text(name);
        await EndRowAsync();
    }

    /// <summary>A text cell (user data, names, ids): neutralised.</summary>
    public CsvOutput Text(string? value)
    {
        _writer.WriteField(Neutralise(value));
        return this;
    }

    /// <summary>A number (round-trip format, invariant culture); empty for no value.</summary>
    public CsvOutput Number(double? value)
    {
        _writer.WriteField(value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
        return this;
    }

    public CsvOutput Number(long value)
    {
        _writer.WriteField(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public Task EndRowAsync() => _writer.NextRecordAsync();

    public async ValueTask DisposeAsync()
    {
        await _writer.FlushAsync();
        await _writer.DisposeAsync();
    }
}
