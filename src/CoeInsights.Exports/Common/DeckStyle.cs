using ClosedXML.Excel;

namespace CoeInsights.Exports.Common;

/// <summary>One theme and one set of number formats for every deck (Power BI's default palette).</summary>
public static class DeckStyle
{
    public static readonly XLColor Primary = XLColor.FromHtml("#118DFF");
    public static readonly XLColor Dark = XLColor.FromHtml("#12239E");
    public static readonly XLColor Accent = XLColor.FromHtml("#E66C37");
    public static readonly XLColor Good = XLColor.FromHtml("#1AAB40");
    public static readonly XLColor Bad = XLColor.FromHtml("#D64550");
    public static readonly XLColor Neutral = XLColor.FromHtml("#F3F2F1");
    public static readonly XLColor Text = XLColor.FromHtml("#252423");
    public const string Font = "Segoe UI";

    /// <summary>Series colours (hex, no #) in order: Power BI's default theme.</summary>
    public static readonly IReadOnlyList<string> Palette = ["118DFF", "12239E", "E66C37", "6B007B", "E044A7", "744EC2", "D9B300", "D64550", "197278", "1AAB40"];

    public const string Score = "0.0000";
    public const string Percent = "0.0%";
    public const string Weight = "0.0%";
    public const string Count = "#,##0";
    public const string Money = "#,##0";
    public const string Date = "yyyy-mm-dd";
    public const string DateTime = "yyyy-mm-dd hh:mm";

    /// <summary>Title row, frozen header, landscape fit-to-width print setup.</summary>
    public static void Page(IXLWorksheet sheet, string title, int headerRow)
    {
        sheet.Style.Font.FontName = Font;
        sheet.Style.Font.FontColor = Text;
        var t = sheet.Cell(1, 1);
        t.SetText(title);
        t.Style.Font.FontSize = 16;
        t.Style.Font.Bold = true;
        t.Style.Font.FontColor = Dark;
        if (headerRow > 0)
        {
            sheet.SheetView.FreezeRows(headerRow);
            // A table that runs over pages repeats its header on each.
            sheet.PageSetup.SetRowsToRepeatAtTop(headerRow, headerRow);
        }
        sheet.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        sheet.PageSetup.FitToPages(1, 0);
        sheet.PageSetup.PaperSize = XLPaperSize.A4Paper;
        sheet.PageSetup.Margins.SetLeft(0.4).SetRight(0.4).SetTop(0.5).SetBottom(0.5);
    }

    /// <summary>Fact and dimension sheets: the data model Power BI and Power Pivot load, not pages to read.</summary>
    public static bool IsDataModel(string sheetName) =>
        sheetName.StartsWith("Fact", StringComparison.Ordinal) || sheetName.StartsWith("Dim", StringComparison.Ordinal);

    /// <summary>
    /// The data-model sheets are hidden, so printing the workbook (Excel's "entire workbook", LibreOffice's PDF export)
    /// gives the report sheets only; Power BI's Excel connector and Power Pivot list and load hidden sheets' tables as any
    /// other, and a reader can unhide them (right-click a sheet tab).
    /// </summary>
    public static void LeaveDataModelOutOfPrint(XLWorkbook workbook)
    {
        foreach (var sheet in workbook.Worksheets)
            if (IsDataModel(sheet.Name)) sheet.Visibility = XLWorksheetVisibility.Hidden;
    }

    /// <summary>Width of the one column a page of prose (Methodology) is written in: it prints within A4 landscape at 100 %.</summary>
    public const double ProseWidth = 105;

    /// <summary>
    /// Lines of prose from <paramref name="firstRow"/> down column A, one a row: wrapped within <see cref="ProseWidth"/>, each
    /// row as high as its lines (LibreOffice keeps a row one line high otherwise, and the lines of a long one print over
    /// the next rows), the page fitted to one sheet of paper.
    /// </summary>
    public static void Prose(IXLWorksheet sheet, int firstRow, IReadOnlyList<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var cell = sheet.Cell(firstRow + i, 1).SetText(lines[i]);
            cell.Style.Alignment.WrapText = true;
            cell.Style.Alignment.Vertical = XLAlignmentVerticalValues.Top;
            sheet.Row(firstRow + i).Height = 15 * Math.Max(1, (int)Math.Ceiling(lines[i].Length / (ProseWidth * 1.2)));
        }
        sheet.Column(1).Width = ProseWidth;
        sheet.PageSetup.FitToPages(1, 1); // one page of text: a line or two over shrinks it rather than starting a page
    }

    /// <summary>Column widths set explicitly: auto-fit would need libgdiplus (System.Drawing) on Linux.</summary>
    public static void Widths(IXLWorksheet sheet, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++) sheet.Column(i + 1).Width = widths[i];
    }

    /// <summary>Writes a header row (as text) starting at column A.</summary>
    public static void Header(IXLWorksheet sheet, int row, IReadOnlyList<string> headers)
    {
        for (var c = 0; c < headers.Count; c++) sheet.Cell(row, c + 1).SetText(headers[c]);
    }

    public static IXLTable Table(IXLRange range, string name)
    {
        var table = range.CreateTable(SafeText.TableName(name));
        table.Theme = XLTableTheme.TableStyleMedium2;
        table.ShowAutoFilter = true;
        return table;
    }
}
