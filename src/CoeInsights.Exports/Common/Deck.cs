using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;

namespace CoeInsights.Exports.Common;

/// <summary>
/// Builds a deck in steps: ClosedXML for cells, tables and conditional formats; <see cref="OpenXmlFixups"/>
/// for the markup ClosedXML 0.95.4 gets wrong; streamed rows for large fact tables; OpenXml for native charts.
/// </summary>
public static class Deck
{
    public static void Write(Stream output, Action<XLWorkbook> build, IReadOnlyList<ChartSpec> charts, IReadOnlyList<StreamedRows>? streamed = null)
    {
        using var buffer = new MemoryStream();
        using (var workbook = new XLWorkbook())
        {
            workbook.Style.Font.FontName = DeckStyle.Font;
            build(workbook);
            workbook.SaveAs(buffer);
        }
        buffer.Position = 0;
        using (var document = SpreadsheetDocument.Open(buffer, isEditable: true))
        {
            // Fixups rewrite part streams: run them before anything loads a part's DOM (which would be saved over them).
            OpenXmlFixups.Apply(document);
            StreamedRowWriter.Append(document, streamed ?? []);
            NativeCharts.Add(document, charts);
        }
        buffer.Position = 0;
        buffer.CopyTo(output);
    }
}
