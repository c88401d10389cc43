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
}
