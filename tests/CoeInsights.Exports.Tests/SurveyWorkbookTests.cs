using ClosedXML.Excel;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Exports.Surveys;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using C = DocumentFormat.OpenXml.Drawing.Charts;

namespace CoeInsights.Exports.Tests;

public sealed class SurveyWorkbookTests
{
    private static MemoryStream Written(SurveyWorkbookModel model, int rowsPerSheet = Common.SafeText.MaxRows)
    {
        var stream = new MemoryStream();
        SurveyWorkbook.Write(model, stream, rowsPerSheet);
        stream.Position = 0;
        return stream;
    }

    private static List<string> ValidationErrors(Stream stream)
    {
        using var document = SpreadsheetDocument.Open(stream, false);
        return new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
    }

    private static string Ref(IXLTable table, int column)
    {
        var data = table.DataRange;
        var letter = data.FirstColumn().ColumnNumber() + column - 1;
        var l = XLHelper.GetColumnLetterFromNumber(letter);
        return $"'{table.Worksheet.Name}'!${l}${data.FirstRow().RowNumber()}:${l}${data.LastRow().RowNumber()}";
    }

    /// <summary>Excel stores 15 significant digits.</summary>
    private static double R(double x) => Math.Round(x, 10);

    [Fact]
    public void PassesOpenXmlValidatorGivenSampleSurvey()
    {
        using var stream = Written(SampleSurvey.Build());

        var errors = ValidationErrors(stream);

        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(20)));
    }

    [Fact]
    public void ShowsRespondentsNpsAndAlphaOnOverviewGivenAnalysedSurvey()
    {
        var model = SampleSurvey.Build();
        using var workbook = new XLWorkbook(Written(model));

        var overview = workbook.Worksheet("Overview");
        var nps = model.Results.Questions.Single(q => q.Nps is not null).Nps!;
        var alpha = model.Results.Scales.Single().Alpha!.Value;
        Assert.Equal(30, overview.Cell(5, 1).GetDouble());
        Assert.Equal(30.0 / 45, overview.Cell(7, 1).GetDouble(), 12);
        Assert.Equal((R(nps.Score), R(nps.Lower), R(nps.Upper)), (R(overview.Cell(9, 1).GetDouble()), R(overview.Cell(9, 3).GetDouble()), R(overview.Cell(9, 5).GetDouble())));
        Assert.Equal(alpha, overview.Cell(11, 1).GetDouble(), 12);
        var rates = overview.Table("ResponseRates").DataRange.Rows().ToDictionary(r => r.Cell(1).GetString(), r => r.Cell(4).GetDouble());
        Assert.Equal(SampleSurvey.Departments.ToDictionary(d => d, _ => R(10.0 / 15)), rates.ToDictionary(r => r.Key, r => R(r.Value)));
    }

    [Fact]
    public void WritesDistributionTablesEqualToAnalyticsGivenEveryQuestionKind()
    {
        var model = SampleSurvey.Build();
        using var workbook = new XLWorkbook(Written(model));

        var questions = workbook.Worksheet("Questions");
        foreach (var q in model.Results.Questions.Where(q => q.Distribution.Count > 0))
        {
            var rows = questions.Table($"Q_{q.QuestionId}").DataRange.Rows().ToList();
            Assert.Equal(q.Distribution.Select(d => (d.Category, d.Count, R(d.Share))),
                rows.Select(r => (r.Cell(1).GetString(), (int)r.Cell(2).GetDouble(), R(r.Cell(3).GetDouble()))));
        }
        var likert = questions.Table("LikertTopTwoBox").DataRange.Rows().ToDictionary(r => r.Cell(1).GetString(), r => R(r.Cell(4).GetDouble()));
        Assert.Equal(model.Results.Questions.Where(q => q.Likert is not null).ToDictionary(q => SampleSurvey.LikertChartLabels[q.QuestionId], q => R(q.Likert!.TopTwoBox)), likert);
        var ranking = model.Results.Questions.Single(q => q.Ranking is not null).Ranking!;
        var borda = questions.Table("Q_priorities").DataRange.Rows().Select(r => (r.Cell(1).GetString(), R(r.Cell(2).GetDouble()))).ToList();
        Assert.Equal(ranking.Order.Select(o => (o, R(ranking.Options.Single(x => x.Option == o).BordaPoints))), borda);
        Assert.Equal(30, questions.Table("Q_comment").DataRange.RowCount()); // every free-text answer listed
    }

    [Fact]
    public void WritesDerivedWeightsAndFlagsInconsistentRespondentsGivenPairwiseQuestion()
    {
        var model = SampleSurvey.Build();
        using var workbook = new XLWorkbook(Written(model));

        var weights = workbook.Worksheet("Weights");
        foreach (var (w, key) in model.Weights.Zip(["Importance", "Pairwise"]))
        {
            var rows = weights.Table($"Weights{key}").DataRange.Rows().Select(r => (r.Cell(1).GetString(), R(r.Cell(2).GetDouble()))).ToList();
            // Heaviest first (ties by criterion id), so the bars beside the table read as a ranking.
            Assert.Equal(w.CriterionIds.Zip(w.Weights.Select(R)).OrderByDescending(x => x.Second).ThenBy(x => x.First, StringComparer.Ordinal), rows);
            var byDepartment = weights.Table($"WeightsByDepartment{key}");
            Assert.Equal(1 + w.Departments.Count, byDepartment.Fields.Count());
            Assert.Equal(rows.Select(r => r.Item1), byDepartment.DataRange.Rows().Select(r => r.Cell(1).GetString()));
        }
        var consistency = weights.Table("AhpConsistency_ahp").DataRange.Rows().ToList();
        Assert.Equal(30, consistency.Count);
        Assert.Equal(6, consistency.Count(r => r.Cell(4).GetString() == "yes")); // every fifth respondent
        Assert.All(consistency.Where(r => r.Cell(4).GetString() == "yes"), r => Assert.True(r.Cell(3).GetDouble() > 0.10));
    }

    [Fact]
    public void CarriesStarSchemaTablesGivenAnswers()
    {
        var model = SampleSurvey.Build();
        using var workbook = new XLWorkbook(Written(model));

        var tables = workbook.Worksheets.SelectMany(w => w.Tables).Select(t => t.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "FactAnswer", "DimQuestion", "DimRespondent", "DimDepartment" }, tables);
        var fact = workbook.Worksheet("FactAnswer").Table("FactAnswer").DataRange.Rows().ToList();
        Assert.Equal(SampleSurvey.FactRows(model), fact.Count);
        var nps = model.Responses.Sum(r => r.Answers["nps"].Value!.Value);
        Assert.Equal(nps, fact.Where(r => r.Cell(2).GetString() == "nps").Sum(r => r.Cell(4).GetDouble()), 9);
        // Reverse-keyed sat2 is recoded in Scored: value + scored = 8 on a 7-point scale.
        Assert.All(fact.Where(r => r.Cell(2).GetString() == "sat2"), r => Assert.Equal(8, r.Cell(4).GetDouble() + r.Cell(5).GetDouble()));
        Assert.Equal(SampleSurvey.Questions.Count, workbook.Worksheet("DimQuestion").Table("DimQuestion").DataRange.RowCount());
        Assert.Equal(30, workbook.Worksheet("DimRespondent").Table("DimRespondent").DataRange.RowCount());
        Assert.Equal(3, workbook.Worksheet("DimDepartment").Table("DimDepartment").DataRange.RowCount());
    }

    [Fact]
    public void LeavesFreeTextOutAndSaysSoGivenModelWithoutFreeText()
    {
        var model = SampleSurvey.Build() with { IncludeFreeText = false, RespondentIds = RespondentIdentity.Pseudonymised };
        using var stream = Written(model);

        using (var workbook = new XLWorkbook(stream))
        {
            var texts = workbook.Worksheets.SelectMany(w => w.CellsUsed()).Select(c => c.GetString()).ToList();
            Assert.DoesNotContain(texts, t => t == SampleSurvey.HostileAnswer || t == SampleSurvey.TabAnswer || t.StartsWith("Comment ", StringComparison.Ordinal));
            var fact = workbook.Worksheet("FactAnswer").Table("FactAnswer").DataRange.Rows().ToList();
            Assert.Equal(SampleSurvey.FactRows(model) - 30, fact.Count); // one free-text row per respondent left out
            Assert.DoesNotContain(fact, r => r.Cell(2).GetString() == "comment");
            Assert.Contains("30 free-text answers: shown to committee and admin only.", texts);
            Assert.DoesNotContain(workbook.Worksheet("Questions").Tables, t => t.Name == "Q_comment");
            Assert.Equal("Respondents are pseudonymised (R001, R002, …); free-text answers are left out (committee and admin only).",
                workbook.Worksheet("Overview").Cell(3, 1).GetString());
            Assert.Equal("Privacy: Respondents are pseudonymised (R001, R002, …); free-text answers are left out (committee and admin only).",
                workbook.Worksheet("Methodology").Cell(3, 1).GetString());
        }
        stream.Position = 0;
        Assert.Empty(ValidationErrors(stream));
    }

    [Fact]
    public void SplitsFactAnswerOverSheetsGivenMoreRowsThanASheetHolds()
    {
        var model = SampleSurvey.Build();
        using var stream = Written(model, rowsPerSheet: 200);

        using (var workbook = new XLWorkbook(stream))
        {
            var facts = workbook.Worksheets.Where(w => w.Name.StartsWith("FactAnswer", StringComparison.Ordinal)).ToList();
            Assert.Equal((SampleSurvey.FactRows(model) + 198) / 199, facts.Count);
            Assert.All(facts, f => Assert.True(f.LastRowUsed()!.RowNumber() <= 200));
            Assert.Equal(SampleSurvey.FactRows(model), facts.Sum(f => f.Tables.Single().DataRange.RowCount()));
        }
        stream.Position = 0;
        Assert.Empty(ValidationErrors(stream));
    }

    [Fact]
    public void WritesHostileTextsAsTextGivenFormulaLikeSurveyTexts()
    {
        using var stream = Written(SampleSurvey.Build());
        using var workbook = new XLWorkbook(stream);

        var cells = workbook.Worksheets.SelectMany(w => w.CellsUsed()).ToList();
        Assert.DoesNotContain(cells, c => c.HasFormula);
        foreach (var hostile in new[] { SampleSurvey.HostileTitle, SampleSurvey.HostileOption, SampleSurvey.HostileDepartment, SampleSurvey.HostileAnswer, SampleSurvey.TabAnswer })
            Assert.Contains(cells, c => c.GetString() == hostile && c.DataType == XLDataType.Text);
        Assert.Contains(cells, c => c.GetString() == $"tool: {SampleSurvey.HostileQuestionText}" && c.DataType == XLDataType.Text);
        Assert.True(workbook.Worksheet("Overview").Cell(1, 1).Style.IncludeQuotePrefix);
        stream.Position = 0;
        using var document = SpreadsheetDocument.Open(stream, false);
        var formulas = document.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.CellFormula>());
        Assert.Empty(formulas);
    }

    [Fact]
    public void BindsNativeChartsToTheirTablesGivenSampleSurvey()
    {
        var model = SampleSurvey.Build();
        using var stream = Written(model);
        List<string> formulas;
        List<(string Sheet, string Kind, int Series)> charts;
        List<(string Title, string? AxisFormat, bool EveryLabel)> axes;
        using (var document = SpreadsheetDocument.Open(stream, false))
        {
            var parts = document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>()
                .Select(s => (s.Name!.Value!, Part: (WorksheetPart)document.WorkbookPart.GetPartById(s.Id!)))
                .Where(s => s.Part.DrawingsPart is not null)
                .SelectMany(s => s.Part.DrawingsPart!.ChartParts.Select(c => (Sheet: s.Item1, c.ChartSpace))).ToList();
            formulas = parts.SelectMany(p => p.ChartSpace.Descendants<C.Formula>()).Select(f => f.Text).ToList();
            charts = parts.Select(p => (p.Sheet, p.ChartSpace.Descendants<C.PlotArea>().Single().ChildElements[1].LocalName,
                p.ChartSpace.Descendants<C.Values>().Count())).ToList();
            axes = parts.Select(p => (string.Concat(p.ChartSpace.Descendants<C.Title>().Single().Descendants<DocumentFormat.OpenXml.Drawing.Text>().Select(t => t.Text)),
                p.ChartSpace.Descendants<C.ValueAxis>().Single().GetFirstChild<C.NumberingFormat>()?.FormatCode?.Value,
                p.ChartSpace.Descendants<C.CategoryAxis>().Single().GetFirstChild<C.TickLabelSkip>()?.Val?.Value == 1)).ToList();
        }
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);
        var questions = workbook.Worksheet("Questions");

        Assert.Contains(Ref(questions.Table("Q_nps"), 3), formulas);
        Assert.Contains(Ref(questions.Table("Q_imp_security"), 3), formulas);
        Assert.Contains(Ref(questions.Table("Q_priorities"), 3), formulas);
        Assert.Contains(Ref(questions.Table("LikertTopTwoBox"), 4), formulas);
        Assert.Contains(Ref(workbook.Worksheet("Overview").Table("ResponseRates"), 4), formulas);
        Assert.Contains("'Departments'!$E$4:$E$8", formulas); // the five Likert items' means, not the NPS or the budget
        Assert.Equal(["Likert"], workbook.Worksheet("Departments").Table("PlainVsBalanced").DataRange.Rows().Take(5).Select(r => r.Cell(2).GetString()).Distinct());
        // Weights: plain vs balanced bars (the per-department weights are a heat-mapped table), no radar anywhere.
        Assert.Contains(("Weights", "barChart", 2), charts);
        Assert.DoesNotContain(charts, c => c.Kind == "radarChart");
        // Axes read as the tables do (%), and every item has its label.
        Assert.Equal("0%", axes.Single(a => a.Title == "Top-2-box by Likert item").AxisFormat);
        Assert.Equal("0%", axes.Single(a => a.Title == "Response rate by department").AxisFormat);
        Assert.All(axes, a => Assert.True(a.EveryLabel, a.Title));
        Assert.All(charts.Where(c => c.Sheet == "Questions"), c => Assert.Equal("barChart", c.Kind));
    }

    [Fact]
    public void CutsVisiblyAtCellLimitGivenFreeTextOverIt()
    {
        var model = SampleSurvey.Build();
        var longText = new string('x', 40_000);
        var responses = model.Responses.Select(r => r with
        {
            Answers = new Dictionary<string, SurveyAnswer>(r.Answers) { ["comment"] = SurveyAnswer.FreeText(longText) },
        }).ToList();
        using var stream = Written(model with { Responses = responses });

        using (var workbook = new XLWorkbook(stream))
        {
            var texts = workbook.Worksheet("FactAnswer").Table("FactAnswer").DataRange.Rows()
                .Where(r => r.Cell(2).GetString() == "comment").Select(r => r.Cell(6).GetString()).ToList();
            Assert.Equal(30, texts.Count);
            Assert.All(texts, t => Assert.Equal((Common.SafeText.MaxCellCharacters, true), (t.Length, t.EndsWith("[truncated]", StringComparison.Ordinal))));
        }
        stream.Position = 0;
        Assert.Empty(ValidationErrors(stream));
    }

    [Fact]
    public void WritesValidWorkbookGivenSurveyWithoutResponses()
    {
        var empty = SurveyAnalysis.Analyze(new SurveyResultsRequest { Questions = SampleSurvey.Questions, Responses = [] });
        var model = new SurveyWorkbookModel
        {
            Title = "Nobody answered yet", GeneratedAt = DateTimeOffset.UnixEpoch, Questions = SampleSurvey.Questions, Responses = [], Results = empty,
            WeightNotes = ["No weights: nobody has answered."],
        };
        using var stream = Written(model);

        Assert.Empty(ValidationErrors(stream));
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);
        Assert.Equal(0, workbook.Worksheet("Overview").Cell(5, 1).GetDouble());
        Assert.Equal("No weights: nobody has answered.", workbook.Worksheet("Weights").Cell(4, 1).GetString());
    }
}
