using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace CoeInsights.Exports.Common;

public enum ChartKind
{
    ClusteredColumn,
    ClusteredBar,
    Line,
    Radar,
}

/// <summary>One series: its name and an A1 reference to its values, e.g. <c>'Ranking'!$C$3:$C$9</c>.</summary>
public sealed record ChartSeries(string Name, string ValuesReference, string ColorHex);

/// <summary>A chart anchored over cells [FromColumn, FromRow) to [ToColumn, ToRow) (zero-based).</summary>
public sealed record ChartSpec(
    string Sheet, ChartKind Kind, string Title, string CategoriesReference, IReadOnlyList<ChartSeries> Series,
    int FromColumn, int FromRow, int ToColumn, int ToRow, bool CategoriesAreDates = false, string? ValueFormat = null);

/// <summary>
/// Native Excel charts (ClosedXML has none), written as chart parts with DocumentFormat.OpenXml and
/// bound to cell ranges, so they follow the data when a user edits or refreshes it. Titles and series
/// names are user text (a profile handle, a metric name): they go through <see cref="SafeText.Fit"/>.
/// </summary>
public static class NativeCharts
{
    /// <summary>An absolute A1 reference to rows firstRow..lastRow of one column (1-based), sheet name quoted.</summary>
    public static string Ref(string sheet, int column, int firstRow, int lastRow)
    {
        var letter = ClosedXML.Excel.XLHelper.GetColumnLetterFromNumber(column);
        return $"'{sheet.Replace("'", "''")}'!${letter}${firstRow}:${letter}${lastRow}";
    }

    public static void Add(SpreadsheetDocument document, IReadOnlyList<ChartSpec> charts)
    {
        var workbookPart = document.WorkbookPart!;
        foreach (var group in charts.GroupBy(c => c.Sheet))
        {
            var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == group.Key);
            var worksheetPart = (WorksheetPart)workbookPart.GetPartById(sheet.Id!);
            var drawingsPart = worksheetPart.DrawingsPart ?? AddDrawingsPart(worksheetPart);
            drawingsPart.WorksheetDrawing ??= new Xdr.WorksheetDrawing();
            var chartIndex = drawingsPart.ChartParts.Count();
            foreach (var spec in group)
            {
                var chartPart = drawingsPart.AddNewPart<ChartPart>();
                chartPart.ChartSpace = BuildChartSpace(spec);
                drawingsPart.WorksheetDrawing.Append(Anchor(spec, drawingsPart.GetIdOfPart(chartPart), ++chartIndex));
            }
            drawingsPart.WorksheetDrawing.Save();
        }
    }

    private static DrawingsPart AddDrawingsPart(WorksheetPart worksheetPart)
    {
        var drawingsPart = worksheetPart.AddNewPart<DrawingsPart>();
        drawingsPart.WorksheetDrawing = new Xdr.WorksheetDrawing();
        var drawing = new Drawing { Id = worksheetPart.GetIdOfPart(drawingsPart) };
        var worksheet = worksheetPart.Worksheet;
        // Schema order: drawing comes before legacyDrawing, tableParts and extLst.
        OpenXmlElement? before = worksheet.GetFirstChild<LegacyDrawing>() ?? (OpenXmlElement?)worksheet.GetFirstChild<TableParts>()
            ?? worksheet.GetFirstChild<WorksheetExtensionList>();
        if (before is null) worksheet.Append(drawing);
        else worksheet.InsertBefore(drawing, before);
        worksheet.Save();
        return drawingsPart;
    }

    private static Xdr.TwoCellAnchor Anchor(ChartSpec spec, string relationshipId, int id) => new(
        new Xdr.FromMarker(new Xdr.ColumnId(spec.FromColumn.ToString()), new Xdr.ColumnOffset("0"), new Xdr.RowId(spec.FromRow.ToString()), new Xdr.RowOffset("0")),
        new Xdr.ToMarker(new Xdr.ColumnId(spec.ToColumn.ToString()), new Xdr.ColumnOffset("0"), new Xdr.RowId(spec.ToRow.ToString()), new Xdr.RowOffset("0")),
        new Xdr.GraphicFrame(
            new Xdr.NonVisualGraphicFrameProperties(
                new Xdr.NonVisualDrawingProperties { Id = (uint)(id + 1), Name = $"Chart {id}" },
                new Xdr.NonVisualGraphicFrameDrawingProperties()),
            new Xdr.Transform(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = 0, Cy = 0 }),
            new A.Graphic(new A.GraphicData(new C.ChartReference { Id = relationshipId })
            {
                Uri = "http://schemas.openxmlformats.org/drawingml/2006/chart",
            })) { Macro = "" },
        new Xdr.ClientData());

    private static C.ChartSpace BuildChartSpace(ChartSpec spec)
    {
        const uint categoryAxis = 500_001, valueAxis = 500_002;
        OpenXmlCompositeElement plot = spec.Kind switch
        {
            ChartKind.Line => new C.LineChart(new C.Grouping { Val = C.GroupingValues.Standard }, new C.VaryColors { Val = false }),
            ChartKind.Radar => new C.RadarChart(new C.RadarStyle { Val = C.RadarStyleValues.Marker }, new C.VaryColors { Val = false }),
            _ => new C.BarChart(
                new C.BarDirection { Val = spec.Kind == ChartKind.ClusteredBar ? C.BarDirectionValues.Bar : C.BarDirectionValues.Column },
                new C.BarGrouping { Val = C.BarGroupingValues.Clustered },
                new C.VaryColors { Val = false }),
        };
        for (var i = 0; i < spec.Series.Count; i++) plot.Append(Series(spec, i));
        if (plot is C.BarChart) plot.Append(new C.GapWidth { Val = 80 });
        if (plot is C.LineChart) plot.Append(new C.ShowMarker { Val = true });
        plot.Append(new C.AxisId { Val = categoryAxis }, new C.AxisId { Val = valueAxis });

        var horizontal = spec.Kind == ChartKind.ClusteredBar;
        var chart = new C.Chart(
            new C.Title(
                new C.ChartText(new C.RichText(new A.BodyProperties(), new A.ListStyle(),
                    new A.Paragraph(new A.Run(new A.RunProperties { Language = "en-US", FontSize = 1200, Bold = true }, new A.Text(SafeText.Fit(spec.Title)))))),
                new C.Overlay { Val = false }),
            new C.AutoTitleDeleted { Val = false },
            new C.PlotArea(
                new C.Layout(),
                plot,
                new C.CategoryAxis(
                    new C.AxisId { Val = categoryAxis },
                    new C.Scaling(new C.Orientation { Val = horizontal ? C.OrientationValues.MaxMin : C.OrientationValues.MinMax }),
                    new C.Delete { Val = false },
                    new C.AxisPosition { Val = horizontal ? C.AxisPositionValues.Left : C.AxisPositionValues.Bottom },
                    // Date categories are cell serials: label them as dates, not numbers.
                    spec.CategoriesAreDates
                        ? new C.NumberingFormat { FormatCode = "yyyy-mm-dd", SourceLinked = false }
                        : new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
                    new C.TickLabelPosition { Val = C.TickLabelPositionValues.Low },
                    // 9 pt category labels: LibreOffice drops a label that would overlap its neighbour (tickLblSkip or
                    // not), so a 7-point scale in a small chart printed 1, 3, 5, 7 at the default 10 pt.
                    new C.TextProperties(new A.BodyProperties(), new A.ListStyle(),
                        new A.Paragraph(new A.ParagraphProperties(new A.DefaultRunProperties { FontSize = 900 }), new A.EndParagraphRunProperties { Language = "en-US" })),
                    new C.CrossingAxis { Val = valueAxis },
                    new C.Crosses { Val = C.CrossesValues.AutoZero },
                    new C.AutoLabeled { Val = true },
                    new C.LabelAlignment { Val = C.LabelAlignmentValues.Center },
                    new C.LabelOffset { Val = 100 },
                    // Every category labelled (Excel and LibreOffice otherwise drop every other label of a long list).
                    new C.TickLabelSkip { Val = 1 },
                    new C.TickMarkSkip { Val = 1 },
                    new C.NoMultiLevelLabels { Val = false }),
                new C.ValueAxis(
                    new C.AxisId { Val = valueAxis },
                    spec.ValueFormat is null
                        ? new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax })
                        : new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }, new C.MinAxisValue { Val = 0 }),
                    new C.Delete { Val = false },
                    new C.AxisPosition { Val = horizontal ? C.AxisPositionValues.Top : C.AxisPositionValues.Left },
                    new C.MajorGridlines(),
                    // The axis reads as the table does (e.g. 0%–100% where the cells show %), not as the cells' fractions.
                    spec.ValueFormat is null
                        ? new C.NumberingFormat { FormatCode = "General", SourceLinked = true }
                        : new C.NumberingFormat { FormatCode = spec.ValueFormat, SourceLinked = false },
                    new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                    new C.CrossingAxis { Val = categoryAxis },
                    new C.Crosses { Val = C.CrossesValues.AutoZero },
                    new C.CrossBetween { Val = C.CrossBetweenValues.Between })),
            new C.Legend(new C.LegendPosition { Val = C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }),
            new C.PlotVisibleOnly { Val = true },
            new C.DisplayBlanksAs { Val = C.DisplayBlanksAsValues.Gap });

        var space = new C.ChartSpace(new C.Date1904 { Val = false }, new C.RoundedCorners { Val = false }, chart);
        space.AddNamespaceDeclaration("c", "http://schemas.openxmlformats.org/drawingml/2006/chart");
        space.AddNamespaceDeclaration("a", "http://schemas.openxmlformats.org/drawingml/2006/main");
        space.AddNamespaceDeclaration("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
        return space;
    }

    private static OpenXmlCompositeElement Series(ChartSpec spec, int index)
    {
        var s = spec.Series[index];
        var fill = new C.ChartShapeProperties(
            spec.Kind is ChartKind.Line or ChartKind.Radar
                ? new A.Outline(new A.SolidFill(new A.RgbColorModelHex { Val = s.ColorHex })) { Width = 28575 }
                : new A.SolidFill(new A.RgbColorModelHex { Val = s.ColorHex }));
        var categories = spec.CategoriesAreDates
            ? new C.CategoryAxisData(new C.NumberReference(new C.Formula(spec.CategoriesReference)))
            : new C.CategoryAxisData(new C.StringReference(new C.Formula(spec.CategoriesReference)));
        var values = new C.Values(new C.NumberReference(new C.Formula(s.ValuesReference)));
        var name = new C.SeriesText(new C.NumericValue(SafeText.Fit(s.Name)));
        OpenXmlCompositeElement series = spec.Kind switch
        {
            ChartKind.Line => new C.LineChartSeries(new C.Index { Val = (uint)index }, new C.Order { Val = (uint)index }, name, fill,
                new C.Marker(new C.Symbol { Val = C.MarkerStyleValues.None }), categories, values, new C.Smooth { Val = false }),
            ChartKind.Radar => new C.RadarChartSeries(new C.Index { Val = (uint)index }, new C.Order { Val = (uint)index }, name, fill, categories, values),
            _ => new C.BarChartSeries(new C.Index { Val = (uint)index }, new C.Order { Val = (uint)index }, name, fill,
                new C.InvertIfNegative { Val = false }, categories, values),
        };
        return series;
    }
}
