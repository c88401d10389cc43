using ClosedXML.Excel;
using CoeInsights.Exports.Common;

namespace CoeInsights.Exports.Tests;

public sealed class SafeTextTests
{
    [Theory]
    [InlineData("Ranking", "Ranking")]
    [InlineData("Q3/Q4 [draft]: *final?*", "Q3 Q4 draft final")]
    [InlineData("'quoted'", "quoted")]
    [InlineData("   ", "Sheet")]
    [InlineData("A very long sheet name that Excel would refuse", "A very long sheet name that Exc")]
    public void CleansSheetNameGivenForbiddenCharacters(string wanted, string expected)
    {
        Assert.Equal(expected, SafeText.SheetName(wanted, new HashSet<string>()));
    }

    [Fact]
    public void NumbersDuplicateSheetNamesWithinLimitGivenCollisions()
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = Enumerable.Range(0, 3).Select(_ => SafeText.SheetName(new string('x', 40), taken)).ToList();

        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, n => Assert.True(n.Length <= 31));
        Assert.EndsWith("(3)", names[2]);
    }

    [Theory]
    [InlineData("Fact Score", "Fact_Score")]
    [InlineData("2026 KPIs", "_2026_KPIs")]
    [InlineData("", "_")]
    [InlineData("Q1", "_Q1")]
    [InlineData("xfd1048576", "_xfd1048576")]
    [InlineData("R1C1", "_R1C1")]
    [InlineData("rc", "_rc")]
    [InlineData("C", "_C")]
    [InlineData("R2D2", "R2D2")]
    [InlineData("Q_q1", "Q_q1")]
    public void MakesValidTableNameGivenSpacesAndDigits(string wanted, string expected)
    {
        Assert.Equal(expected, SafeText.TableName(wanted));
    }

    [Fact]
    public void TruncatesVisiblyGivenTextOverCellLimit()
    {
        using var workbook = new XLWorkbook();
        var cell = workbook.AddWorksheet("S").Cell(1, 1);

        cell.SetText(new string('a', 40_000));

        Assert.Equal(SafeText.MaxCellCharacters, cell.GetString().Length);
        Assert.EndsWith("[truncated]", cell.GetString());
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("+1")]
    [InlineData("-1")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tx")]
    public void KeepsFormulaLikeTextInertGivenLeadingOperator(string text)
    {
        using var workbook = new XLWorkbook();
        var cell = workbook.AddWorksheet("S").Cell(1, 1);

        cell.SetText(text);

        Assert.Equal((XLDataType.Text, text, false, true), (cell.DataType, cell.GetString(), cell.HasFormula, cell.Style.IncludeQuotePrefix));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\u0001b\u0000c\u001F", "a\uFFFDb\uFFFDc\uFFFD")]
    [InlineData("\uFFFE\uFFFF", "\uFFFD\uFFFD")]
    [InlineData("tab\tlf\ncr\r 😀 \uFFFD", "tab\tlf\ncr\r 😀 \uFFFD")]
    public void ReplacesCharactersXmlCannotCarryGivenControlsNoncharactersAndLoneSurrogates(string text, string expected)
    {
        Assert.Equal(expected, SafeText.Clean(text));
    }

    [Fact]
    public void ReplacesLoneSurrogatesGivenBrokenPairs()
    {
        Assert.Equal("lone \uFFFD and \uFFFD, pair 😀", SafeText.Clean("lone \uD800 and \uDC00, pair \uD83D\uDE00"));
    }

    [Fact]
    public void CleansSheetNameGivenControlCharacters()
    {
        Assert.Equal("Trend a\uFFFDb", SafeText.SheetName("Trend a\u0001b", new HashSet<string>()));
    }

    [Fact]
    public void KeepsSurrogatePairWholeGivenSheetNameCutAtLimit()
    {
        var name = SafeText.SheetName(new string('a', 30) + "😀", new HashSet<string>());

        Assert.Equal(new string('a', 30), name);
    }

    [Fact]
    public void KeepsSurrogatePairWholeGivenCellTextCutAtLimit()
    {
        const string marker = " …[truncated]";
        var text = new string('a', SafeText.MaxCellCharacters - marker.Length - 1) + string.Concat(Enumerable.Repeat("😀", 10));

        var fitted = SafeText.Fit(text);

        Assert.Equal(new string('a', SafeText.MaxCellCharacters - marker.Length - 1) + marker, fitted);
    }

    [Fact]
    public void WritesCleanTextCellGivenControlCharacter()
    {
        using var workbook = new XLWorkbook();
        var cell = workbook.AddWorksheet("S").Cell(1, 1);

        cell.SetText("=dept\u0001");

        Assert.Equal(("=dept\uFFFD", true), (cell.GetString(), cell.Style.IncludeQuotePrefix));
    }
}
