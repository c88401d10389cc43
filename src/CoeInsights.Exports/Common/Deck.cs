using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;

namespace CoeInsights.Exports.Common;

/// <summary>
/// Builds a deck in steps: ClosedXML for cells, tables and conditional formats; <see cref="OpenXmlFixups"/>
/// for the markup ClosedXML 0.95.4 gets wrong; OpenXml for native charts; then a copy of the package into
/// the output that streams the large fact tables' rows (and writes their tables) on the way.
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
            DeckStyle.LeaveDataModelOutOfPrint(workbook);
            workbook.SaveAs(buffer);
        }
        buffer.Position = 0;
        IReadOnlyList<PreparedSheet> sheets;
        using (var document = SpreadsheetDocument.Open(buffer, isEditable: true))
        {
            // Fixups rewrite part streams: run them before anything loads a part's DOM (which would be saved over them).
            OpenXmlFixups.Apply(document);
            NativeCharts.Add(document, charts);
            sheets = StreamedRowWriter.Prepare(document, streamed ?? []);
        }
        // The package is small until here: the streamed rows go straight into the output's compressed entries.
        buffer.Position = 0;
        StreamedRowWriter.CopyWithRows(buffer, output, sheets);
    }
}
