using CoeInsights.Analytics.Surveys;
using CoeInsights.Exports.Surveys;

namespace CoeInsights.Exports.Tests;

/// <summary>A survey of every question kind answered by 30 people in three departments, analysed by the real analytics,
/// with hostile user texts in the title, a question's wording, an option, a department and free-text answers.</summary>
internal static class SampleSurvey
{
    public const string HostileTitle = "=HYPERLINK(\"http://evil.example\",\"Open\")";
    public const string HostileQuestionText = "+cmd|' /C calc'!A0";
    public const string HostileOption = "@SUM(1+1)";
    public const string HostileDepartment = "-2+3 Sales";
    public const string HostileAnswer = "=1+2";
    public const string TabAnswer = "\t=WEBSERVICE(\"http://evil.example\")";
    public static readonly string[] Departments = ["Marketing", HostileDepartment, "Support"];
    public static readonly string[] Criteria = ["security", "cost", "usability"];

    public static IReadOnlyList<SurveyQuestion> Questions { get; } =
    [
        new() { Id = "imp_security", Kind = QuestionKind.Likert, CriterionId = "security" },
        new() { Id = "imp_cost", Kind = QuestionKind.Likert, CriterionId = "cost" },
        new() { Id = "imp_usability", Kind = QuestionKind.Likert, CriterionId = "usability" },
        new() { Id = "sat1", Kind = QuestionKind.Likert, ScalePoints = 7 },
        new() { Id = "sat2", Kind = QuestionKind.Likert, ScalePoints = 7, ReverseKeyed = true },
        new() { Id = "nps", Kind = QuestionKind.Nps },
        new() { Id = "tool", Kind = QuestionKind.SingleChoice, Options = ["hoot", HostileOption] },
        new() { Id = "channels", Kind = QuestionKind.MultipleChoice, Options = ["linkedin", "instagram", "x"] },
        new() { Id = "priorities", Kind = QuestionKind.Ranking, Options = ["listening", "publishing", "reporting"] },
        new() { Id = "ahp", Kind = QuestionKind.Pairwise, Options = Criteria },
        new() { Id = "budget", Kind = QuestionKind.Number, Minimum = 0 },
        new() { Id = "comment", Kind = QuestionKind.FreeText },
    ];

    /// <summary>The wording of every question but sat2 (whose id stands in): one long, with a remark in brackets.</summary>
    public static IReadOnlyDictionary<string, string> QuestionTexts { get; } = new Dictionary<string, string>
    {
        ["imp_security"] = "How important are security and compliance (single sign-on, audit trail, data residency) for your team?",
        ["imp_cost"] = "How important is cost?",
        ["imp_usability"] = "How important is ease of use?",
        ["sat1"] = "Overall, I am satisfied with the tools we use today",
        ["nps"] = "How likely are you to recommend the CoE?",
        ["tool"] = HostileQuestionText,
    };

    /// <summary>What a reader should see where a chart names a Likert item: the wording shortened at a word, or the id.</summary>
    public static IReadOnlyDictionary<string, string> LikertChartLabels { get; } = new Dictionary<string, string>
    {
        ["imp_security"] = "How important are security and compliance…",
        ["imp_cost"] = "How important is cost?",
        ["imp_usability"] = "How important is ease of use?",
        ["sat1"] = "Overall, I am satisfied with the tools we use…",
        ["sat2"] = "sat2",
    };

    public static SurveyWorkbookModel Build(int respondents = 30)
    {
        var random = new Random(11);
        var responses = new List<SurveyResponse>();
        for (var i = 0; i < respondents; i++)
        {
            var answers = new Dictionary<string, SurveyAnswer>
            {
                ["imp_security"] = SurveyAnswer.Likert(random.Next(3, 6)),
                ["imp_cost"] = SurveyAnswer.Likert(random.Next(1, 6)),
                ["sat1"] = SurveyAnswer.Likert(random.Next(1, 8)),
                ["sat2"] = SurveyAnswer.Likert(random.Next(1, 8)),
                ["nps"] = SurveyAnswer.Nps(random.Next(0, 11)),
                ["tool"] = SurveyAnswer.SingleChoice(i % 3 == 0 ? HostileOption : "hoot"),
                ["channels"] = SurveyAnswer.MultipleChoice(i % 2 == 0 ? ["linkedin", "x"] : ["instagram"]),
                ["priorities"] = i % 4 == 0 ? SurveyAnswer.Ranking("reporting") : SurveyAnswer.Ranking("listening", "reporting", "publishing"),
                // Every fifth respondent contradicts themselves (security ≫ cost ≫ usability ≫ security).
                ["ahp"] = i % 5 == 0 ? SurveyAnswer.Pairwise(9, 1.0 / 9, 9) : SurveyAnswer.Pairwise(3, 5, 2),
                ["budget"] = SurveyAnswer.Number(1000 * random.Next(1, 20)),
                ["comment"] = SurveyAnswer.FreeText(i switch { 0 => HostileAnswer, 1 => TabAnswer, _ => $"Comment {i}" }),
            };
            if (i % 6 != 5) answers["imp_usability"] = SurveyAnswer.Likert(random.Next(2, 6)); // some missing answers
            responses.Add(new SurveyResponse { RespondentId = $"r{i + 1:00}", Department = Departments[i % 3], Answers = answers });
        }
        var audience = Departments.Select(d => new DepartmentInvitation(d, 15)).ToList();
        var scales = new[] { new SurveyScale { Id = "satisfaction", QuestionIds = ["sat1", "sat2"] } };
        var results = SurveyAnalysis.Analyze(new SurveyResultsRequest { Questions = Questions, Responses = responses, Invitations = audience, Scales = scales });
        var importance = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
            { Questions = Questions, Responses = responses, Method = WeightDerivationMethod.ImportanceRatings });
        var pairwise = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
            { Questions = Questions, Responses = responses, Method = WeightDerivationMethod.PairwiseJudgements });
        return new SurveyWorkbookModel
        {
            Title = HostileTitle,
            Status = "Closed",
            GeneratedAt = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero),
            Questions = Questions,
            QuestionTexts = QuestionTexts,
            Audience = audience,
            Responses = responses,
            Results = results,
            Weights = [importance, pairwise],
            RespondentIds = RespondentIdentity.Identified,
            IncludeFreeText = true,
        };
    }

    /// <summary>How many FactAnswer rows the sample makes: one per value, choice, ranked option, judgement and text.</summary>
    public static int FactRows(SurveyWorkbookModel model) => model.Responses.Sum(r => r.Answers.Sum(a => a.Value.Kind switch
    {
        QuestionKind.SingleChoice or QuestionKind.MultipleChoice or QuestionKind.Ranking => a.Value.Choices.Count,
        QuestionKind.Pairwise => a.Value.Judgements.Count,
        _ => 1,
    }));
}
