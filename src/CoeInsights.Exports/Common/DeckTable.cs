using ClosedXML.Excel;

namespace CoeInsights.Exports.Common;

/// <summary>One column of a <see cref="DeckTable"/>: its header and the number format of its numbers.</summary>
public sealed record DeckColumn(string Header, string? Format = null);

/// <summary>
/// A header and rows written as a styled Excel Table. Cell values: string (always a text cell, see
/// <see cref="SafeText.SetText"/>), double, int, long (a number in the column's format), bool (a boolean on a data-model sheet, "yes"/"no" on a report sheet),
/// or null (an empty cell, never a zero). Table names are sanitised and made unique in the workbook; header
/// names are made unique in the table (Excel requires both).
/// </summary>
public static class DeckTable
{
    public static IXLTable Write(IXLWorksheet sheet, int headerRow, int firstColumn, string name, IReadOnlyList<DeckColumn> columns,
        IReadOnlyList<object?[]> rows, ISet<string> tableNames)
    {
        var lastRow = headerRow + Math.Max(1, rows.Count);
        if (lastRow > SafeText.MaxRows)
            throw new ExcelLimitException(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "Table '{0}' needs {1:N0} rows from row {2}; an Excel sheet holds {3:N0}.", name, rows.Count, headerRow, SafeText.MaxRows));
        var headers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < columns.Count; c++)
        {
            var header = string.IsNullOrWhiteSpace(columns[c].Header) ? "(blank)" : columns[c].Header.Trim();
            var unique = header;
            for (var i = 2; !headers.Add(unique); i++) unique = $"{header} ({i})";
            sheet.Cell(headerRow, firstColumn + c).SetText(unique);
        }
        for (var r = 0; r < rows.Count; r++)
            for (var c = 0; c < columns.Count; c++)
                Set(sheet.Cell(headerRow + 1 + r, firstColumn + c), c < rows[r].Length ? rows[r][c] : null, columns[c].Format);
        return DeckStyle.Table(sheet.Range(headerRow, firstColumn, lastRow, firstColumn + columns.Count - 1), UniqueName(name, tableNames));
    }

    public static void Set(IXLCell cell, object? value, string? format)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                cell.SetText(text);
                return;
            // A data-model column is a real boolean (Power BI and Power Pivot type it so); a report cell reads yes/no.
            case bool flag when DeckStyle.IsDataModel(cell.Worksheet.Name):
                cell.SetValue(flag);
                return;
            case bool flag:
                cell.SetText(flag ? "yes" : "no");
                return;
            case double d:
                SafeText.SetNumber(cell, d, format ?? "General");
                return;
            case int i:
                SafeText.SetNumber(cell, i, format ?? "0");
                return;
            case long l:
                SafeText.SetNumber(cell, l, format ?? "0");
                return;
            default:
                throw new ArgumentException($"Unsupported cell value of type {value.GetType().Name}.", nameof(value));
        }
    }

    /// <summary>A valid table name not yet used in the workbook (Excel table names are workbook-wide and case-insensitive).</summary>
    public static string UniqueName(string wanted, ISet<string> taken)
    {
        var clean = SafeText.TableName(wanted);
        if (clean.Length > 240) clean = clean[..240];
        var name = clean;
        for (var i = 2; !taken.Add(name); i++) name = $"{clean}_{i}";
        return name;
    }
}
