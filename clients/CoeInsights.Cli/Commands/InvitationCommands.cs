using System.CommandLine;
using System.Globalization;
using CoeInsights.V1;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe invitations …: per-person links to the web pages (survey answers, score sheets); who was invited, who answered.</summary>
internal static class InvitationCommands
{
    public static Command Build(CommandRunner run)
    {
        var invitations = new Command("invitations", "Per-person links to the survey page or the score sheet: create, list (invited, answered), revoke, resend (committee).");
        invitations.Add(Create(run));
        invitations.Add(List(run));
        invitations.Add(Revoke(run));
        invitations.Add(Resend(run));
        return invitations;
    }

    private static InvitationService.InvitationServiceClient Client(CliContext context) => new(context.Channel);

    private static readonly Argument<string> Kind = new("kind") { Description = "survey, evaluation (an evaluator's score sheet) or committee (a committee member's decision room)" };
    private static readonly Argument<string> Resource = new("resource-id") { Description = "The survey id or evaluation id." };
    private static readonly Argument<string> InvitationId = new("invitation-id");
    private static readonly Option<long> Ttl = new("--ttl-seconds") { Description = "How long the link works (default 14 days, at most 90)." };

    private static InvitationKind ParseKind(string kind) => kind.ToLowerInvariant() switch
    {
        "survey" => InvitationKind.Survey,
        "evaluation" or "evaluator" => InvitationKind.Evaluation,
        "committee" => InvitationKind.Committee,
        _ => throw new UsageException($"kind must be 'survey', 'evaluation' or 'committee', not '{kind}'"),
    };

    private static void Shown(CliContext context, Invitation i) => context.Write(i, console =>
    {
        console.WriteLine($"{i.InvitationId}  {i.PersonId} ({i.Department})  {i.State.ToString().ToLowerInvariant()}, expires {i.ExpireTime.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)}");
        // The link as one plain line (Spectre would wrap it at the console's width): it must survive copy and paste.
        if (i.Url.Length > 0) context.Output.WriteLine(i.Url);
    });

    private static Command Create(CommandRunner run)
    {
        var person = new Argument<string>("person-id") { Description = "Survey: the respondent id to store answers under. Evaluation: an invited evaluator's id. Committee: a committee member of the evaluation." };
        var department = new Option<string>("--department") { Description = "Survey: the respondent's department (one of the audience)." };
        var name = new Option<string>("--name") { Description = "How the page greets the person." };
        var command = new Command("create", "Sign a link for one person (prints it: the store keeps none).") { Kind, Resource, person, department, name, Ttl };
        command.SetAction((result, ct) => run(result, async context => Shown(context, await Client(context).CreateInvitationAsync(new CreateInvitationRequest
        {
            Kind = ParseKind(result.GetValue(Kind)!), ResourceId = result.GetValue(Resource)!, PersonId = result.GetValue(person)!,
            Department = result.GetValue(department) ?? "", DisplayName = result.GetValue(name) ?? "", TtlSeconds = result.GetValue(Ttl),
        }, cancellationToken: ct))));
        return command;
    }

    private static Command List(CommandRunner run)
    {
        var command = new Command("list", "Who was invited and who answered.") { Kind, Resource };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var r = await Client(context).ListInvitationsAsync(new ListInvitationsRequest { Kind = ParseKind(result.GetValue(Kind)!), ResourceId = result.GetValue(Resource)! },
                cancellationToken: ct);
            context.Write(r, console =>
            {
                console.WriteLine($"{r.Invited} invited, {r.Answered} answered");
                foreach (var i in r.Invitations)
                    console.WriteLine($"{i.InvitationId}  {i.PersonId} ({i.Department})  {i.State.ToString().ToLowerInvariant()}, sent {i.Sends}×");
            });
        }));
        return command;
    }

    private static Command Revoke(CommandRunner run)
    {
        var command = new Command("revoke", "The link stops working at once; answers already given stay.") { InvitationId };
        command.SetAction((result, ct) => run(result, async context =>
            Shown(context, await Client(context).RevokeInvitationAsync(new RevokeInvitationRequest { InvitationId = result.GetValue(InvitationId)! }, cancellationToken: ct))));
        return command;
    }

    private static Command Resend(CommandRunner run)
    {
        var command = new Command("resend", "A new link with a new expiry; the previous one stops working.") { InvitationId, Ttl };
        command.SetAction((result, ct) => run(result, async context => Shown(context, await Client(context).ResendInvitationAsync(new ResendInvitationRequest
        {
            InvitationId = result.GetValue(InvitationId)!, TtlSeconds = result.GetValue(Ttl),
        }, cancellationToken: ct))));
        return command;
    }
}
