using System.Collections;
using System.Globalization;
using ClosedXML.Excel;
using CoeInsights.Exports.Common;
using CoeInsights.Exports.Evaluations;
using CoeInsights.Exports.Kpis;
using CoeInsights.Exports.Surveys;

namespace CoeInsights.Exports.Tests;

/// <summary>
/// What every deck must do whatever its content: stop cleanly at Excel's row limit (an error before a byte is written,
/// never a corrupt file), write the same cells whatever the server's culture, print committee pages landscape and one
/// page wide, and keep the data tables' headers frozen.
/// </summary>
public sealed class DeckConventionTests
{
    /// <summary>The same item <paramref name="count"/> times, without holding a million of them in memory.</summary>
    private sealed class Repeated<T>(T item, int count) : IReadOnlyList<T>
    {
        public T this[int index] => (uint)index < (uint)count ? item : throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => count;
        public IEnumerator<T> GetEnumerator() => Enumerable.Repeat(item, count).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Counts what is written and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;
    }

    private static readonly Dictionary<string, Action<Stream>> Decks = new()
    {
        ["evaluation"] = s => EvaluationWorkbook.Write(SampleEvaluation.Build(), s),
        ["kpi"] = s => KpiDeck.Write(SampleKpis.Build(), s),
        ["survey"] = s => SurveyWorkbook.Write(SampleSurvey.Build(), s),
    };

    public static TheoryData<string> DeckNames => new(Decks.Keys);

    private static KpiDeckModel KpisWithFacts(int facts) => SampleKpis.Build() with
    {
        Observations = new Repeated<DeckObservation>(new DeckObservation("p-li", "impressions", SampleKpis.From, 1), facts),
    };

    [Fact]
    public void RefusesBeforeWritingGivenMoreKpiFactsThanASheetHolds()
    {
        var output = new CountingStream();

        // The header takes row 1: 1,048,576 facts need row 1,048,577.
        var e = Assert.Throws<ExcelLimitException>(() => KpiDeck.Write(KpisWithFacts(SafeText.MaxRows), output));

        Assert.Equal("Sheet 'FactKpi' would need 1,048,577 rows; an Excel sheet holds 1,048,576.", e.Message);
        Assert.Equal(0, output.Written);
    }

    [Fact]
    public void WritesEveryRowGivenKpiFactsFillingTheSheetExactly()
    {
        var output = new CountingStream();

        KpiDeck.Write(KpisWithFacts(SafeText.MaxRows - 1), output);

        Assert.True(output.Written > 1_000_000, $"{output.Written} bytes");
    }

    [Fact]
    public void RefusesBeforeWritingGivenMoreScoresThanASheetHolds()
    {
        var model = SampleEvaluation.Build();
        var output = new CountingStream();

        var e = Assert.Throws<ExcelLimitException>(() => EvaluationWorkbook.Write(model with
        {
            Scores = new Repeated<ScoreEntry>(model.Scores[0], SafeText.MaxRows + 10),
        }, output));

        // Header, then the first score through ClosedXML, then the rest streamed: 1 + 1,048,586.
        Assert.Equal("Sheet 'FactScore' would need 1,048,587 rows; an Excel sheet holds 1,048,576.", e.Message);
        Assert.Equal(0, output.Written);
    }

    /// <summary>Every used cell of every sheet: (sheet, address, type, value as invariant text, number format).</summary>
    private static List<string> Cells(byte[] bytes)
    {
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        return workbook.Worksheets.SelectMany(w => w.CellsUsed().Select(c =>
            $"{w.Name}!{c.Address}|{c.DataType}|{Convert.ToString(c.Value, CultureInfo.InvariantCulture)}|{c.Style.NumberFormat.Format}")).ToList();
    }

    /// <summary>
    /// The server runs with InvariantGlobalization (Directory.Build.props), where only the invariant culture exists; a
    /// process started without it would have the host's. This one writes numbers and dates the German way: 1.234,5 and
    /// 26.11.2026, a percent sign after a space, "Nein" for false.
    /// </summary>
    private static CultureInfo GermanLike()
    {
        var c = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        c.NumberFormat.NumberDecimalSeparator = c.NumberFormat.PercentDecimalSeparator = c.NumberFormat.CurrencyDecimalSeparator = ",";
        c.NumberFormat.NumberGroupSeparator = c.NumberFormat.PercentGroupSeparator = c.NumberFormat.CurrencyGroupSeparator = ".";
        c.NumberFormat.PercentPositivePattern = 0;
        c.NumberFormat.NegativeSign = "\u2212";
        c.DateTimeFormat.ShortDatePattern = "dd.MM.yyyy";
        c.DateTimeFormat.LongTimePattern = "HH:mm:ss";
        c.DateTimeFormat.DateSeparator = ".";
        return c;
    }

    [Theory]
    [MemberData(nameof(DeckNames))]
    public void WritesTheSameCellsGivenServerCultureWithOtherSeparators(string deck)
    {
        byte[] Written(CultureInfo culture)
        {
            var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            try
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
                using var stream = new MemoryStream();
                Decks[deck](stream);
                return stream.ToArray();
            }
            finally
            {
                (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, beforeUi);
            }
        }
        var invariant = Cells(Written(CultureInfo.InvariantCulture));

        var other = Cells(Written(GermanLike()));

        Assert.Equal(invariant.Count, other.Count);
        var first = invariant.Zip(other).FirstOrDefault(p => p.First != p.Second);
        Assert.True(first == default, $"{first.Second} instead of {first.First}");
        Assert.Contains(invariant, c => System.Text.RegularExpressions.Regex.IsMatch(c, @"\|Number\|-?[0-9]+\.[0-9]+\|")); // decimals to get wrong
    }

    private static bool IsDataSheet(IXLWorksheet sheet) =>
        sheet.Name.StartsWith("Fact", StringComparison.Ordinal) || sheet.Name.StartsWith("Dim", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(DeckNames))]
    public void PrintsReportSheetsLandscapeOnePageWideAndFreezesDataHeadersGivenSampleDeck(string deck)
    {
        using var stream = new MemoryStream();
        Decks[deck](stream);
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);

        var report = workbook.Worksheets.Where(w => !IsDataSheet(w)).ToList();
        var data = workbook.Worksheets.Where(IsDataSheet).ToList();
        Assert.NotEmpty(report);
        Assert.True(data.Count >= 4, $"{data.Count} data sheets");
        // One page wide; as tall as needed, or one page (the KPI report page, a short trend sheet).
        Assert.All(report, w => Assert.Equal((w.Name, XLPageOrientation.Landscape, 1, true),
            (w.Name, w.PageSetup.PageOrientation, w.PageSetup.PagesWide, w.PageSetup.PagesTall is 0 or 1)));
        if (deck == "kpi") Assert.Equal(1, report[0].PageSetup.PagesTall);
        Assert.All(report, w => Assert.Equal(XLWorksheetVisibility.Visible, w.Visibility));
        // The data model is hidden, so it is not printed, and keeps its header frozen for whoever unhides it.
        Assert.All(data, w => Assert.Equal((w.Name, 1, XLWorksheetVisibility.Hidden), (w.Name, w.SheetView.SplitRow, w.Visibility)));
    }
}
