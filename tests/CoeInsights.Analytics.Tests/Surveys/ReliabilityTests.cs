using CoeInsights.Analytics.Surveys;
using CoeInsights.Analytics.Tests.Scoring;

namespace CoeInsights.Analytics.Tests.Surveys;

public sealed class ReliabilityTests
{
    private static readonly string[] DenisItems = ["Item_1", "Item_2", "Item_3", "Item_4", "Item_5"];

    /// <summary>Denis, D. J. (2016). Applied Univariate, Bivariate, and Multivariate Statistics. Wiley. The Cronbach's alpha
    /// example ("a test having only five items"): ten cases of printed raw data, the SPSS syntax
    /// RELIABILITY /VARIABLES=Item_1 … Item_5 /MODEL=ALPHA /STATISTICS=DESCRIPTIVE SCALE CORR /SUMMARY=TOTAL, and its output
    /// tables "Reliability Statistics", "Item Statistics", "Item-Total Statistics" (read in the copy at
    /// livelib.biz/read_928329, reader pages 38–39; the chapter number is not shown there).</summary>
    internal static readonly double[][] DenisData =
    [
        [10, 12, 15, 11, 12],
        [12, 18, 12, 12, 1],
        [8, 16, 14, 14, 4],
        [6, 8, 16, 8, 6],
        [4, 7, 8, 7, 5],
        [6, 6, 3, 7, 3],
        [3, 4, 6, 5, 8],
        [7, 3, 7, 9, 9],
        [8, 9, 4, 10, 10],
        [9, 5, 6, 11, 12],
    ];

    private static IReadOnlyList<double?>[] Rows(double[][] data) => data.Select(r => (IReadOnlyList<double?>)r.Select(x => (double?)x).ToArray()).ToArray();

    /// <summary>Denis (2016), SPSS output "Reliability Statistics": alpha 0.633, standardized 0.691; "Item Statistics" means and sds.</summary>
    [Fact]
    public void ReturnsSpssAlphaGivenDenisFiveItemExample()
    {
        var result = Reliability.CronbachAlpha(DenisItems, Rows(DenisData));

        Vectors.Near(0.633, result.Alpha!.Value, 0.0005, "alpha");
        Vectors.Near(0.691, result.StandardizedAlpha!.Value, 0.0005, "standardized alpha");
        Assert.Equal(10, result.CompleteRespondents);
        Vectors.AllNear([7.3, 8.8, 9.1, 9.4, 7.0], result.ItemStatistics.Select(s => s.Mean).ToArray(), 1e-12, "item means");
        Vectors.AllNear([2.71006, 5.05085, 4.74810, 2.71621, 3.80058], result.ItemStatistics.Select(s => s.StandardDeviation).ToArray(), 0.000005, "item sds");
    }

    /// <summary>Denis (2016), SPSS "Item-Total Statistics": scale mean and variance if item deleted, corrected item-total
    /// correlation, and Cronbach's alpha if item deleted (item 5 raises alpha to 0.824).</summary>
    [Fact]
    public void ReturnsSpssItemTotalStatisticsGivenDenisFiveItemExample()
    {
        var stats = Reliability.CronbachAlpha(DenisItems, Rows(DenisData)).ItemStatistics;

        Vectors.AllNear([34.3, 32.8, 32.5, 32.2, 34.6], stats.Select(s => s.ScaleMeanIfDeleted).ToArray(), 0.00005, "scale mean if deleted");
        Vectors.AllNear([108.900, 80.400, 88.278, 104.844, 164.267], stats.Select(s => s.ScaleVarianceIfDeleted).ToArray(), 0.0005, "scale variance if deleted");
        Vectors.AllNear([0.712, 0.558, 0.512, 0.796, -0.228], stats.Select(s => s.CorrectedItemTotalCorrelation!.Value).ToArray(), 0.0005, "corrected item-total r");
        Vectors.AllNear([0.478, 0.476, 0.507, 0.445, 0.824], stats.Select(s => s.AlphaIfDeleted!.Value).ToArray(), 0.0005, "alpha if deleted");
    }

    /// <summary>Denis (2016): after removing item 5, SPSS reports alpha 0.824 and standardized alpha 0.863 for four items.</summary>
    [Fact]
    public void ReturnsSpssAlphaGivenDenisExampleWithoutItemFive()
    {
        var four = DenisData.Select(r => r.Take(4).ToArray()).ToArray();
        var result = Reliability.CronbachAlpha(DenisItems.Take(4).ToArray(), Rows(four));

        Vectors.Near(0.824, result.Alpha!.Value, 0.0005, "alpha");
        Vectors.Near(0.863, result.StandardizedAlpha!.Value, 0.0005, "standardized alpha");
        Vectors.Near(result.Alpha.Value, Reliability.CronbachAlpha(DenisItems, Rows(DenisData)).ItemStatistics[4].AlphaIfDeleted!.Value, 1e-12, "= alpha if item 5 deleted");
        Vectors.Near(0.863, Reliability.CronbachAlpha(DenisItems, Rows(DenisData)).ItemStatistics[4].StandardizedAlphaIfDeleted!.Value, 0.0005, "standardized alpha if item 5 deleted");
    }

    /// <summary>thinkdeeply.cc, "Survey reliability" (CC BY 4.0 blog post): 4 Likert items X1..X4, 10 respondents, printed
    /// data; hand computation and R ltm::cronbach.alpha both print alpha 0.674.</summary>
    [Fact]
    public void ReturnsLtmAlphaGivenFourItemLikertExample()
    {
        double[][] data = [[3, 3, 3, 3], [3, 3, 4, 3], [3, 3, 3, 1], [5, 4, 4, 5], [2, 1, 4, 4], [4, 4, 4, 5], [3, 2, 3, 3], [3, 4, 3, 3], [4, 2, 2, 3], [3, 3, 2, 3]];

        var result = Reliability.CronbachAlpha(["X1", "X2", "X3", "X4"], Rows(data));

        Vectors.Near(0.674, result.Alpha!.Value, 0.0005, "alpha");
    }

    /// <summary>Listwise deletion: a respondent with a missing item is dropped from every variance, so alpha equals the
    /// published value on the complete rows (Denis 2016 data plus two incomplete rows).</summary>
    [Fact]
    public void DropsIncompleteRespondentsGivenMissingItems()
    {
        var rows = Rows(DenisData).Concat([[1, null, 1, 1, 1], [null, null, null, null, 20]]).ToArray();

        var result = Reliability.CronbachAlpha(DenisItems, rows);

        Assert.Equal(10, result.CompleteRespondents);
        Assert.Equal(2, result.ExcludedRespondents);
        Vectors.Near(0.633, result.Alpha!.Value, 0.0005, "alpha");
    }

    /// <summary>The survey path: Denis (2016) items as Number questions in a survey scale, plus a respondent who skipped Item_3
    /// (dropped listwise), gives the published SPSS alpha and alpha-if-deleted.</summary>
    [Fact]
    public void ReturnsSpssAlphaGivenDenisItemsAsSurveyScale()
    {
        var questions = DenisItems.Select(id => new SurveyQuestion { Id = id, Kind = QuestionKind.Number }).ToArray();
        var responses = DenisData.Select((row, i) => new SurveyResponse
        {
            RespondentId = $"r{i}", Department = i % 2 == 0 ? "Social" : "BI",
            Answers = DenisItems.Select((id, j) => (id, j)).ToDictionary(t => t.id, t => SurveyAnswer.Number(row[t.j])),
        }).Append(new SurveyResponse
        {
            RespondentId = "partial", Department = "HR",
            Answers = new Dictionary<string, SurveyAnswer> { ["Item_1"] = SurveyAnswer.Number(1), ["Item_2"] = SurveyAnswer.Number(30) },
        }).ToArray();

        var scale = SurveyAnalysis.Analyze(new SurveyResultsRequest
        {
            Questions = questions, Responses = responses, Scales = [new SurveyScale { Id = "test", QuestionIds = DenisItems }],
        }).Scales.Single();

        Assert.Equal((10, 1), (scale.CompleteRespondents, scale.ExcludedRespondents));
        Vectors.Near(0.633, scale.Alpha!.Value, 0.0005, "alpha");
        Vectors.Near(0.691, scale.StandardizedAlpha!.Value, 0.0005, "standardized alpha");
        Vectors.AllNear([0.478, 0.476, 0.507, 0.445, 0.824], scale.ItemStatistics.Select(s => s.AlphaIfDeleted!.Value).ToArray(), 0.0005, "alpha if deleted");
    }

    [Fact]
    public void ReturnsUndefinedAlphaGivenConstantAnswers()
    {
        var result = Reliability.CronbachAlpha(["a", "b"], [[3, 3], [3, 3], [3, 3]]);

        Assert.Null(result.Alpha);
        Assert.Null(result.StandardizedAlpha);
        Assert.NotNull(result.Note);
    }

    [Fact]
    public void ReturnsUndefinedAlphaGivenOneCompleteRespondent()
    {
        var result = Reliability.CronbachAlpha(["a", "b"], [[3, 4], [null, 2]]);

        Assert.Null(result.Alpha);
        Assert.Equal(1, result.CompleteRespondents);
        Assert.Contains("at least 2 complete", result.Note);
    }

    [Fact]
    public void ThrowsInvalidInputGivenOneItem()
    {
        var e = Assert.Throws<InvalidInputException>(() => Reliability.CronbachAlpha(["a"], [[1], [2]]));
        Assert.Contains(e.Violations, x => x.Field == "items");
    }

    [Fact]
    public void ThrowsInvalidInputGivenNaNRaggedRowOrDuplicateItem()
    {
        var e = Assert.Throws<InvalidInputException>(() => Reliability.CronbachAlpha(["a", "b", "a"], [[1, double.NaN, 2], [1, 2]]));
        Assert.Contains(e.Violations, x => x.Field == "items[2]");
        Assert.Contains(e.Violations, x => x.Field == "rows[0][1]");
        Assert.Contains(e.Violations, x => x.Field == "rows[1]");
    }
}
