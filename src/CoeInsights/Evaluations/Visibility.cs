using CoeInsights.Access;

namespace CoeInsights.Evaluations;

/// <summary>
/// Blind scoring: until an evaluation is closed, only committee members and admins see every score;
/// anyone else (an evaluator, a viewer) sees only the scores they submitted themselves. Every read
/// path (details, history, watch, scoring) goes through here.
/// </summary>
public static class BlindScoring
{
    public static bool SeesAllScores(Caller caller, EvaluationState state) =>
        state != EvaluationState.Open || caller.Has(Role.Committee);

    public static bool SeesScoresOf(Caller caller, EvaluationState state, string evaluatorId) =>
        SeesAllScores(caller, state) || evaluatorId == caller.Principal;

    /// <summary>The evaluation as <paramref name="caller"/> may see it.</summary>
    public static Evaluation VisibleTo(this Evaluation evaluation, Caller caller) =>
        SeesAllScores(caller, evaluation.State)
            ? evaluation
            : evaluation with { Scores = evaluation.Scores.RemoveAll(s => s.EvaluatorId != caller.Principal), ScoresOnlyOf = caller.Principal };
}
