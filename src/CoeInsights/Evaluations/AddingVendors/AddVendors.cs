using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.AddingVendors;

public sealed record AddVendors(Guid EvaluationId, long? ExpectedVersion, IReadOnlyList<VendorDefinition> Vendors, string By, DateTimeOffset Now);

public static class AddVendorsHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, AddVendors command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(AddVendors c, Evaluation e)
    {
        var v = new Validator().RequireList(c.Vendors, "vendors", 100);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < c.Vendors.Count; i++)
        {
            var x = c.Vendors[i];
            var f = $"vendors[{i}]";
            v.RequireId(x.Id, $"{f}.vendor_id").RequireName(x.Name, $"{f}.display_name").OptionalText(x.Product, $"{f}.product", Inputs.NameMax);
            if (x.Id is not null && !seen.Add(x.Id)) v.Add($"{f}.vendor_id", $"'{x.Id}' is given twice");
            var facts = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < x.Facts.Count; j++)
            {
                var fact = x.Facts[j];
                var ff = $"{f}.facts[{j}]";
                var criterion = e.Criteria.FirstOrDefault(cr => cr.Id == fact.CriterionId);
                v.Require(criterion is { Source: CriterionSource.VendorFact }, $"{ff}.criterion_id",
                    "must name a criterion of this evaluation whose source is a vendor fact")
                    .RequireBounded(fact.Value, $"{ff}.value");
                if (!facts.Add(fact.CriterionId ?? "")) v.Add($"{ff}.criterion_id", "is given twice");
            }
        }
        v.ThrowIfInvalid();

        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.ConfigurationAfterClose, e.Subject, "Vendors can be added only while the evaluation is open: reopen it first.");
        if (c.Vendors.FirstOrDefault(x => e.Vendors.Any(y => y.Id == x.Id)) is { } dup)
            throw new AlreadyExistsException("Vendor", dup.Id);

        return [new VendorsAdded(c.Vendors.Select(x => x with { Name = x.Name.Trim(), Product = Inputs.Clean(x.Product) }).ToList(), c.By, c.Now)];
    }
}
