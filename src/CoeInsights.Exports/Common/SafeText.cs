using System.Text;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using CoeInsights.Analytics.Text;

namespace CoeInsights.Exports.Common;

/// <summary>
/// Excel's limits and the rules that keep user text inert. Text that users typed is always written
/// as a string cell: a vendor named <c>=HYPERLINK(…)</c> stays text in Excel and LibreOffice.
/// Every text that reaches a file (cells, headers, sheet and table names, chart titles and series names)
/// goes through <see cref="Clean"/>: characters XML cannot carry become U+FFFD, so text stored before the
/// door check existed (a handle with U+0001, a department with U+FFFE) cannot break a file.
/// </summary>
public static partial class SafeText
{
    public const int MaxCellCharacters = 32_767;
    public const int MaxRows = 1_048_576;
    public const int MaxSheetNameLength = 31;

    /// <summary>Writes user text as a text cell, truncating (with a visible marker) at Excel's cell limit.</summary>
    public static IXLCell SetText(this IXLCell cell, string? text)
    {
        var value = Fit(text);
        cell.SetValue(value);
        cell.DataType = XLDataType.Text;
        // A leading = + - @ or tab is what spreadsheet programs treat as a formula on re-entry (CSV
        // paste, LibreOffice's "detect special numbers"); the quote prefix keeps it inert there too.
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) cell.Style.IncludeQuotePrefix = true;
        return cell;
    }

    /// <summary>The text with every character XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE, U+FFFF, lone surrogates) as U+FFFD.</summary>
    public static string Clean(string? text) => PlainText.Clean(text);

    /// <summary>Clean text cut (with a visible marker) to Excel's cell limit; for cells written outside ClosedXML too.</summary>
    public static string Fit(string? text)
    {
        const string marker = " …[truncated]";
        var value = Clean(text);
        return value.Length > MaxCellCharacters ? Cut(value, MaxCellCharacters - marker.Length) + marker : value;
    }

    /// <summary>A number, or an empty cell for "no value": never a zero, never NaN.</summary>
    /// <summary>A p-value as a number, or the text "&lt; 0.0001" below what four decimals can show (never "0.0000").</summary>
    public static void SetPValue(IXLCell cell, double? p)
    {
        if (p is { } v && v < 0.0001) cell.SetText("< 0.0001").Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Right;
        else SetNumber(cell, p, "0.0000");
    }

    /// <summary>Money in whole currency units with thousands separators (the tenant's currency is not recorded, so no symbol); no value stays empty.</summary>
    public static void SetCurrency(IXLCell cell, double? value) => SetNumber(cell, value, DeckStyle.Money);

    public static void SetNumber(IXLCell cell, double? value, string format)
    {
        if (value is not { } v || !double.IsFinite(v)) return;
        cell.SetValue(v);
        cell.Style.NumberFormat.Format = format;
    }

    /// <summary>A valid, unique sheet name: no []:*?/\ , at most 31 characters, not blank.</summary>
    public static string SheetName(string wanted, ISet<string> taken)
    {
        var clean = Spaces().Replace(InvalidSheetCharacters().Replace(Clean(wanted), " "), " ").Trim('\'', ' ');
        if (clean.Length == 0) clean = "Sheet";
        if (clean.Length > MaxSheetNameLength) clean = Cut(clean, MaxSheetNameLength);
        var name = clean;
        for (var i = 2; taken.Contains(name); i++)
        {
            var suffix = $" ({i})";
            name = Cut(clean, MaxSheetNameLength - suffix.Length) + suffix;
        }
        taken.Add(name);
        return name;
    }

    /// <summary>At most <paramref name="length"/> UTF-16 units, never splitting a surrogate pair.</summary>
    private static string Cut(string text, int length)
    {
        if (text.Length <= length) return text;
        return char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];
    }

    /// <summary>
    /// A valid table name: starts with a letter or underscore, letters, digits, underscores only, and never something
    /// Excel reads as a cell reference (<c>A1</c>, <c>XFD10</c>, <c>R1C1</c>, <c>R</c>, <c>C</c>): those get a leading underscore.
    /// </summary>
    public static string TableName(string wanted)
    {
        var sb = new StringBuilder();
        foreach (var c in wanted) sb.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        if (sb.Length == 0 || !(char.IsLetter(sb[0]) || sb[0] == '_') || CellReference().IsMatch(sb.ToString())) sb.Insert(0, '_');
        return sb.Length > 255 ? sb.ToString(0, 255) : sb.ToString();
    }

    [GeneratedRegex(@"^([A-Za-z]{1,3}[0-9]+|([Rr][0-9]*)?([Cc][0-9]*)?)$")]
    private static partial Regex CellReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"[\[\]:*?/\\]")]
    private static partial Regex InvalidSheetCharacters();
}
