namespace CoeInsights.Primitives;

/// <summary>One bad field in a request: its path (e.g. <c>weights[2]</c>) and what is wrong with it.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// Thrown by pure code when its input is invalid: the <see cref="DomainException"/> kind for bad input. The server maps it
/// to INVALID_ARGUMENT with a google.rpc.BadRequest listing every violation, so a caller learns every bad field at once.
/// </summary>
public sealed class InvalidInputException : DomainException
{
    public InvalidInputException(IReadOnlyList<FieldViolation> violations)
        : base(ErrorReasons.InvalidArgument, string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
    {
        if (violations.Count == 0) throw new ArgumentException("At least one violation is required.", nameof(violations));
        Violations = violations;
    }

    public InvalidInputException(string field, string description)
        : this([new FieldViolation(field, description)]) { }

    public IReadOnlyList<FieldViolation> Violations { get; }
}

/// <summary>Collects violations and throws them together.</summary>
public sealed class Validator
{
    private readonly List<FieldViolation> _violations = [];

    public bool IsValid => _violations.Count == 0;

    public Validator Add(string field, string description)
    {
        _violations.Add(new FieldViolation(field, description));
        return this;
    }

    public Validator Require(bool condition, string field, string description)
    {
        if (!condition) Add(field, description);
        return this;
    }

    public Validator RequireFinite(double value, string field)
        => Require(double.IsFinite(value), field, "must be a finite number (not NaN or infinite)");

    /// <summary>
    /// Cap on the magnitude of every number a decision is computed from (scores, vendor facts such as costs, scales,
    /// weights, thresholds, survey numbers): |x| ≤ 10^15 (docs/limits.md). Far above any real cost or count, and
    /// far enough below 1.8·10^308 that sums, squares and products of the TOPSIS / WSM / survey arithmetic cannot
    /// overflow to ±∞ or NaN.
    /// </summary>
    public const double MaxMagnitude = 1e15;

    /// <summary>A finite number with |value| ≤ <see cref="MaxMagnitude"/>.</summary>
    public Validator RequireBounded(double value, string field)
    {
        if (!double.IsFinite(value)) return RequireFinite(value, field);
        return Require(Math.Abs(value) <= MaxMagnitude, field, "must be between -1e15 and 1e15");
    }

    public void ThrowIfInvalid()
    {
        if (_violations.Count > 0) throw new InvalidInputException(_violations.ToArray());
    }
}
