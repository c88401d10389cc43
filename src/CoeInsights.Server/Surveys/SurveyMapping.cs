using CoeInsights.Analytics;
using CoeInsights.Surveys;
using CoeInsights.Surveys.DerivingWeights;
using CoeInsights.Surveys.GettingDetails;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using A = CoeInsights.Analytics.Surveys;
using Etag = CoeInsights.Common.Etag;
using D = CoeInsights.Surveys;

namespace CoeInsights.Server.Surveys;

/// <summary>proto ⇄ Surveys domain. Field paths in violations follow the request's proto fields.</summary>
public static class SurveyMapping
{
    /// <summary>
    /// Survey requests carry confidence_level and max_consistency_ratio as top-level fields, while the analysis names them
    /// options.x: a refusal names the field of the request the caller sent.
    /// </summary>
    public static async Task<T> WithRequestFieldNames<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InvalidInputException e) when (e.Violations.Any(v => v.Field.StartsWith("options.", StringComparison.Ordinal)))
        {
            throw new InvalidInputException(e.Violations
                .Select(v => v.Field.StartsWith("options.", StringComparison.Ordinal) ? v with { Field = v.Field["options.".Length..] } : v).ToList());
        }
    }

    private static Timestamp Ts(DateTimeOffset t) => Timestamp.FromDateTimeOffset(t);

    public static A.SurveyQuestion ToDomain(V1.SurveyQuestion q, int index, Validator v)
    {
        var kind = ToDomain(q.Kind);
        if (kind is null) v.Add($"questions[{index}].kind", "is required");
        return new A.SurveyQuestion
        {
            Id = q.QuestionId, Kind = kind ?? A.QuestionKind.FreeText, ScalePoints = q.ScalePoints == 0 ? 5 : q.ScalePoints,
            ReverseKeyed = q.ReverseKeyed, Options = q.Options.ToList(), Minimum = q.HasMinimum ? q.Minimum : null,
            Maximum = q.HasMaximum ? q.Maximum : null, CriterionId = string.IsNullOrEmpty(q.CriterionId) ? null : q.CriterionId,
        };
    }

    public static EvaluationLink? ToDomain(SurveyEvaluationLink? link, Validator v)
    {
        if (link is null || (link.EvaluationId.Length == 0 && link.CriterionIds.Count == 0)) return null;
        if (!Guid.TryParse(link.EvaluationId, out var id)) v.Add("evaluation.evaluation_id", "must be an evaluation id as returned by CreateEvaluation");
        return new EvaluationLink(id, link.CriterionIds.ToList());
    }

    public static A.QuestionKind? ToDomain(V1.QuestionKind k) => k switch
    {
        V1.QuestionKind.Likert => A.QuestionKind.Likert,
        V1.QuestionKind.Nps => A.QuestionKind.Nps,
        V1.QuestionKind.SingleChoice => A.QuestionKind.SingleChoice,
        V1.QuestionKind.MultipleChoice => A.QuestionKind.MultipleChoice,
        V1.QuestionKind.Ranking => A.QuestionKind.Ranking,
        V1.QuestionKind.Pairwise => A.QuestionKind.Pairwise,
        V1.QuestionKind.Number => A.QuestionKind.Number,
        V1.QuestionKind.FreeText => A.QuestionKind.FreeText,
        _ => null,
    };

    public static V1.QuestionKind ToProto(A.QuestionKind k) => k switch
    {
        A.QuestionKind.Likert => V1.QuestionKind.Likert,
        A.QuestionKind.Nps => V1.QuestionKind.Nps,
        A.QuestionKind.SingleChoice => V1.QuestionKind.SingleChoice,
        A.QuestionKind.MultipleChoice => V1.QuestionKind.MultipleChoice,
        A.QuestionKind.Ranking => V1.QuestionKind.Ranking,
        A.QuestionKind.Pairwise => V1.QuestionKind.Pairwise,
        A.QuestionKind.Number => V1.QuestionKind.Number,
        _ => V1.QuestionKind.FreeText,
    };

    public static IReadOnlyDictionary<string, A.SurveyAnswer> ToDomain(IReadOnlyList<V1.SurveyAnswer> answers, Validator v)
    {
        var byId = new Dictionary<string, A.SurveyAnswer>(StringComparer.Ordinal);
        for (var i = 0; i < answers.Count; i++)
        {
            var a = answers[i];
            A.SurveyAnswer? answer = a.ValueCase switch
            {
                V1.SurveyAnswer.ValueOneofCase.Likert => A.SurveyAnswer.Likert(a.Likert),
                V1.SurveyAnswer.ValueOneofCase.Nps => A.SurveyAnswer.Nps(a.Nps),
                V1.SurveyAnswer.ValueOneofCase.Number => A.SurveyAnswer.Number(a.Number),
                V1.SurveyAnswer.ValueOneofCase.SingleChoice => A.SurveyAnswer.SingleChoice(a.SingleChoice),
                V1.SurveyAnswer.ValueOneofCase.MultipleChoice => A.SurveyAnswer.MultipleChoice([.. a.MultipleChoice.OptionIds]),
                V1.SurveyAnswer.ValueOneofCase.Ranking => A.SurveyAnswer.Ranking([.. a.Ranking.OptionIds]),
                V1.SurveyAnswer.ValueOneofCase.Pairwise => A.SurveyAnswer.Pairwise([.. a.Pairwise.Judgements]),
                V1.SurveyAnswer.ValueOneofCase.FreeText => A.SurveyAnswer.FreeText(a.FreeText),
                _ => null,
            };
            if (string.IsNullOrEmpty(a.QuestionId)) v.Add($"answers[{i}].question_id", "is required");
            else if (answer is null) v.Add($"answers[{a.QuestionId}]", "give a value");
            else if (!byId.TryAdd(a.QuestionId, answer)) v.Add($"answers[{a.QuestionId}]", "is answered twice");
        }
        return byId;
    }

    public static A.SurveyOptions ToOptions(double confidenceLevel, double maxConsistencyRatio, bool keepInconsistent = false) => new()
    {
        ConfidenceLevel = confidenceLevel == 0 ? 0.95 : confidenceLevel,
        MaxConsistencyRatio = maxConsistencyRatio == 0 ? 0.10 : maxConsistencyRatio,
        ExcludeInconsistentRespondents = !keepInconsistent,
    };

    public static DeriveSurveyWeights ToDomain(string surveyId, V1.WeightDerivationMethod method, IEnumerable<string> questionIds, bool plain, double maxCr,
        bool keepInconsistent = false)
    {
        var id = SurveyStream.ParseId(surveyId);
        var m = method switch
        {
            V1.WeightDerivationMethod.ImportanceRatings => A.WeightDerivationMethod.ImportanceRatings,
            V1.WeightDerivationMethod.PairwiseJudgements => A.WeightDerivationMethod.PairwiseJudgements,
            _ => throw new InvalidInputException("method", "choose importance ratings or pairwise judgements"),
        };
        return new DeriveSurveyWeights(id, m, questionIds.ToList(), !plain, ToOptions(0, maxCr, keepInconsistent));
    }

    public static V1.Survey ToProto(SurveyDetails details)
    {
        var s = details.Survey;
        var survey = new V1.Survey
        {
            SurveyId = s.Id.ToString(), Title = s.Title, State = s.State == D.SurveyState.Open ? V1.SurveyState.Open : V1.SurveyState.Closed,
            Audience =
            {
                s.Audience.Select(a => new V1.AudienceDepartment
                    { Department = a.Department, Invited = a.Invited, Responded = s.Responses.Count(r => r.Department == a.Department) }),
            },
            Questions = { s.Questions.Select(q => ToProto(q, s.QuestionTexts)) },
            Scales = { s.Scales.Select(x => new V1.SurveyScale { ScaleId = x.Id, QuestionIds = { x.QuestionIds } }) },
            Respondents = s.Responses.Count, CreatedBy = s.CreatedBy, CreateTime = Ts(s.CreatedAt), UpdateTime = Ts(s.UpdatedAt),
            Etag = Etag.Format(details.Version),
        };
        if (s.Evaluation is { } link)
            survey.Evaluation = new SurveyEvaluationLink { EvaluationId = link.EvaluationId.ToString(), CriterionIds = { link.CriterionIds } };
        return survey;
    }

    private static V1.SurveyQuestion ToProto(A.SurveyQuestion q, IReadOnlyDictionary<string, string> texts)
    {
        var p = new V1.SurveyQuestion
        {
            QuestionId = q.Id, Kind = ToProto(q.Kind), Text = texts.GetValueOrDefault(q.Id, ""), ScalePoints = q.Kind == A.QuestionKind.Likert ? q.ScalePoints : 0,
            ReverseKeyed = q.ReverseKeyed, Options = { q.Options }, CriterionId = q.CriterionId ?? "",
        };
        if (q.Minimum is { } min) p.Minimum = min;
        if (q.Maximum is { } max) p.Maximum = max;
        return p;
    }

    public static V1.SurveySummary ToProto(D.ListingSurveys.SurveySummary s) => new()
    {
        SurveyId = s.Id.ToString(), Title = s.Title, State = s.State == D.SurveyState.Open ? V1.SurveyState.Open : V1.SurveyState.Closed,
        QuestionCount = s.QuestionCount, Invited = s.Invited, Respondents = s.Respondents, EvaluationId = s.EvaluationId?.ToString() ?? "",
        CreateTime = Ts(s.CreatedAt), Etag = Etag.Format(s.Version),
    };

    public static V1.SurveyResults ToProto(A.SurveyResults r, long version)
    {
        var p = new V1.SurveyResults
        {
            Respondents = r.Respondents, Questions = { r.Questions.Select(ToProto) }, Scales = { r.Scales.Select(ToProto) },
            ResponseRates =
            {
                r.ResponseRates.Select(x =>
                {
                    var rate = new V1.DepartmentResponseRate { Department = x.Department, Invited = x.Invited, Responded = x.Responded };
                    if (x.Rate is { } value) rate.Rate = value;
                    return rate;
                }),
            },
            Decisions = { r.Decisions }, Etag = Etag.Format(version),
        };
        if (r.OverallResponseRate is { } overall) p.OverallResponseRate = overall;
        return p;
    }

    private static V1.QuestionResult ToProto(A.QuestionResult q)
    {
        var p = new V1.QuestionResult
        {
            QuestionId = q.QuestionId, Kind = ToProto(q.Kind), Answered = q.Answered, Missing = q.Missing,
            Distribution = { q.Distribution.Select(c => new V1.CategoryCount { Category = c.Category, Count = c.Count, Share = c.Share, BalancedShare = c.BalancedShare }) },
            Departments =
            {
                q.Departments.Select(d =>
                {
                    var x = new V1.DepartmentSummary { Department = d.Department, Answered = d.Answered, Mean = d.Mean };
                    if (d.TopTwoBox is { } t) x.TopTwoBox = t;
                    if (d.NpsScore is { } n) x.NpsScore = n;
                    return x;
                }),
            },
        };
        if (q.Numeric is { } num)
        {
            p.Numeric = new V1.NumericSummary
            {
                N = num.N, Mean = num.Mean, Median = num.Median, Minimum = num.Minimum, Maximum = num.Maximum, BalancedMean = num.BalancedMean,
                Departments = num.Departments,
            };
            if (num.StandardDeviation is { } sd) p.Numeric.StandardDeviation = sd;
        }
        if (q.Likert is { } l)
            p.Likert = new V1.LikertSummary
            {
                TopTwoBox = l.TopTwoBox, BottomTwoBox = l.BottomTwoBox, BalancedTopTwoBox = l.BalancedTopTwoBox, BalancedBottomTwoBox = l.BalancedBottomTwoBox,
                ScalePoints = l.ScalePoints, ReverseKeyed = l.ReverseKeyed,
            };
        if (q.Nps is { } nps)
        {
            p.Nps = new NpsSummary
            {
                N = nps.N, Promoters = nps.Promoters, Passives = nps.Passives, Detractors = nps.Detractors, Score = nps.Score,
                StandardError = nps.StandardError, ConfidenceLevel = nps.ConfidenceLevel, Lower = nps.Lower, Upper = nps.Upper,
                PromoterShare = nps.PromoterShare, PassiveShare = nps.PassiveShare, DetractorShare = nps.DetractorShare,
            };
            if (nps.BalancedScore is { } b) p.Nps.BalancedScore = b;
        }
        if (q.Ranking is { } rk)
            p.Ranking = new RankingSummary
            {
                Options =
                {
                    rk.Options.Select(o => new V1.RankedOption
                    {
                        Option = o.Option, BordaPoints = o.BordaPoints, MeanRank = o.MeanRank, BalancedMeanRank = o.BalancedMeanRank, TimesRanked = o.TimesRanked,
                        MeanBordaPoints = o.MeanBordaPoints, BalancedMeanBordaPoints = o.BalancedMeanBordaPoints,
                    }),
                },
                Order = { rk.Order }, Rankings = rk.Rankings, PartialRankings = rk.PartialRankings,
            };
        if (q.Pairwise is { } pw)
        {
            p.Pairwise = new PairwiseSummary
            {
                Criteria = { pw.Criteria }, GroupWeights = { pw.Group?.Weights ?? [] }, BalancedWeights = { pw.BalancedWeights ?? [] },
                Departments = { pw.Departments.Select(ToProto) }, ExcludedRespondents = { pw.ExcludedRespondents.Select(ToProto) },
                InconsistentRespondents = pw.Respondents.Count(x => x.IsInconsistent),
                Respondents =
                {
                    pw.Respondents.Select(x => new V1.RespondentAhp
                    {
                        RespondentId = x.RespondentId, Department = x.Department, Weights = { x.Weights }, ConsistencyRatio = x.ConsistencyRatio,
                        Inconsistent = x.IsInconsistent, Excluded = !x.UsedInGroup,
                    }),
                },
                UsedRespondents = { pw.UsedRespondents },
            };
            if (pw.Group is { } g)
            {
                p.Pairwise.GroupConsistencyRatio = g.ConsistencyRatio;
                p.Pairwise.GroupLambdaMax = g.LambdaMax;
            }
        }
        return p;
    }

    private static V1.DepartmentWeights ToProto(A.DepartmentWeights d) =>
        new() { Department = d.Department, Respondents = d.Respondents, Weights = { d.Weights } };

    private static V1.ExcludedRespondent ToProto(A.ExcludedRespondent x) =>
        new() { RespondentId = x.RespondentId, Department = x.Department, Reason = x.Reason };

    private static ScaleReliability ToProto(A.ReliabilityResult r)
    {
        var p = new ScaleReliability
        {
            ScaleId = r.ScaleId, CompleteRespondents = r.CompleteRespondents, ExcludedRespondents = r.ExcludedRespondents,
            Items =
            {
                r.ItemStatistics.Select(i =>
                {
                    var x = new V1.ItemStatistics
                    {
                        Item = i.Item, Mean = i.Mean, StandardDeviation = i.StandardDeviation, ScaleMeanIfDeleted = i.ScaleMeanIfDeleted,
                        ScaleVarianceIfDeleted = i.ScaleVarianceIfDeleted,
                    };
                    if (i.CorrectedItemTotalCorrelation is { } c) x.CorrectedItemTotalCorrelation = c;
                    if (i.AlphaIfDeleted is { } a) x.AlphaIfDeleted = a;
                    if (i.StandardizedAlphaIfDeleted is { } sa) x.StandardizedAlphaIfDeleted = sa;
                    return x;
                }),
            },
        };
        if (r.Alpha is { } alpha) p.Alpha = alpha;
        if (r.StandardizedAlpha is { } st) p.StandardizedAlpha = st;
        if (r.MeanInterItemCorrelation is { } rbar) p.MeanInterItemCorrelation = rbar;
        p.Note = r.Note ?? "";
        return p;
    }

    public static V1.DerivedWeights ToProto(A.DerivedWeights w, long version)
    {
        var p = new V1.DerivedWeights
        {
            Method = w.Method == A.WeightDerivationMethod.ImportanceRatings ? V1.WeightDerivationMethod.ImportanceRatings : V1.WeightDerivationMethod.PairwiseJudgements,
            Weights = { w.CriterionIds.Select((id, i) => new CriterionWeight { CriterionId = id, Weight = w.Weights[i] }) },
            PlainWeights = { w.PlainWeights }, BalancedWeights = { w.BalancedWeights }, DepartmentBalanced = w.IsDepartmentBalanced,
            Departments = { w.Departments.Select(ToProto) }, UsedRespondents = { w.UsedRespondents },
            ExcludedRespondents = { w.ExcludedRespondents.Select(ToProto) }, SourceQuestionIds = { w.SourceQuestionIds },
            Decisions = { w.Decisions }, Etag = Etag.Format(version),
        };
        if (w.GroupConsistencyRatio is { } cr) p.GroupConsistencyRatio = cr;
        return p;
    }
}
