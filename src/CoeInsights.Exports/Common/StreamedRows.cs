using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CoeInsights.Exports.Common;

/// <summary>
/// Rows appended to a sheet after ClosedXML has written it: large fact tables go here, so memory does
/// not grow with them (ClosedXML keeps every cell in memory). Values: string (written as an inline
/// string, so always text), double, int, DateOnly or null (an empty cell). The sheet's last row written
/// by ClosedXML lends its styles (number and date formats) to every streamed row.
/// </summary>
public sealed record StreamedRows(string Sheet, int Count, IEnumerable<object?[]> Rows);

internal static class StreamedRowWriter
{
    public static void Append(SpreadsheetDocument document, IReadOnlyList<StreamedRows> sheets)
    {
        var workbookPart = document.WorkbookPart!;
        foreach (var streamed in sheets)
        {
            var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == streamed.Sheet);
            var part = (WorksheetPart)workbookPart.GetPartById(sheet.Id!);
            // Parse a detached copy: a DOM loaded from the part would be saved back over the streamed data.
            Worksheet worksheet;
            using (var read = part.GetStream(FileMode.Open, FileAccess.Read))
                worksheet = new Worksheet(System.Xml.Linq.XDocument.Load(read).Root!.ToString(System.Xml.Linq.SaveOptions.DisableFormatting));

            var temp = Path.GetTempFileName();
            try
            {
                using (var file = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite))
                {
                    Write(worksheet, streamed, file);
                    file.Position = 0;
                    part.FeedData(file);
                }
            }
            finally
            {
                File.Delete(temp);
            }
        }
    }

    private static void Write(Worksheet worksheet, StreamedRows streamed, Stream output)
    {
        var data = worksheet.GetFirstChild<SheetData>()!;
        var existing = data.Elements<Row>().ToList();
        var lastIndex = existing.Count == 0 ? 0u : existing[^1].RowIndex!.Value;
        var styles = existing.Count == 0 ? [] : existing[^1].Elements<Cell>().Select(c => c.StyleIndex?.Value).ToArray();
        var columns = Math.Max(styles.Length, 1);

        using var writer = OpenXmlWriter.Create(output);
        writer.WriteStartDocument();
        writer.WriteStartElement(new Worksheet(), worksheet.GetAttributes(), worksheet.NamespaceDeclarations);
        foreach (var child in worksheet.ChildElements)
        {
            if (child is SheetDimension)
            {
                writer.WriteElement(new SheetDimension { Reference = $"A1:{ClosedXML.Excel.XLHelper.GetColumnLetterFromNumber(columns)}{lastIndex + (uint)streamed.Count}" });
                continue;
            }
            if (child is not SheetData)
            {
                writer.WriteElement(child);
                continue;
            }
            writer.WriteStartElement(new SheetData());
            foreach (var row in existing) writer.WriteElement(row);
            var index = lastIndex;
            foreach (var values in streamed.Rows)
            {
                index++;
                writer.WriteStartElement(new Row(), [new OpenXmlAttribute("r", "", index.ToString(CultureInfo.InvariantCulture))]);
                for (var c = 0; c < values.Length; c++) WriteCell(writer, values[c], c < styles.Length ? styles[c] : null);
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
        writer.Close();
    }

    private static void WriteCell(OpenXmlWriter writer, object? value, uint? style)
    {
        var attributes = new List<OpenXmlAttribute>(2);
        if (style is { } s) attributes.Add(new OpenXmlAttribute("s", "", s.ToString(CultureInfo.InvariantCulture)));
        switch (value)
        {
            case null:
                writer.WriteStartElement(new Cell(), attributes);
                writer.WriteEndElement();
                return;
            case string text:
                attributes.Add(new OpenXmlAttribute("t", "", "inlineStr"));
                writer.WriteStartElement(new Cell(), attributes);
                writer.WriteElement(new InlineString(new Text(text.Length > SafeText.MaxCellCharacters ? text[..SafeText.MaxCellCharacters] : text)
                {
                    Space = SpaceProcessingModeValues.Preserve,
                }));
                writer.WriteEndElement();
                return;
        }
        var number = value switch
        {
            double d when double.IsFinite(d) => d,
            int i => i,
            long l => l,
            DateOnly date => date.ToDateTime(TimeOnly.MinValue).ToOADate(),
            _ => (double?)null,
        };
        writer.WriteStartElement(new Cell(), attributes);
        if (number is { } n) writer.WriteElement(new CellValue(n.ToString("R", CultureInfo.InvariantCulture)));
        writer.WriteEndElement();
    }
}
