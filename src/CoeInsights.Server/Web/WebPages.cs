using CoeInsights.Access;
using CoeInsights.Invitations;
using CoeInsights.Server.Auth;
using Marten;
using Microsoft.AspNetCore.Antiforgery;

namespace CoeInsights.Server.Web;

/// <summary>
/// <c>GET /i/{token}</c> shows the page an invitation link opens (a survey, a score sheet or a committee member's decision room); <c>POST /i/{token}</c>
/// saves a draft or submits through the same deciders as the API. The link is the credential: anything it does not
/// open is the one 403 page. Every POST must carry the antiforgery token of a page this server rendered.
/// </summary>
public static class WebPages
{
    public static void MapWebPages(this WebApplication app)
    {
        app.MapGet("/i/{token}", (string token, HttpContext http, InvitationLinks links, IDocumentStore store, IAntiforgery af, TimeProvider clock, CancellationToken ct) =>
            Handle(token, http, links, store, af, clock, null, ct));
        app.MapPost("/i/{token}", async (string token, HttpContext http, InvitationLinks links, IDocumentStore store, IAntiforgery af, TimeProvider clock, CancellationToken ct) =>
        {
            try
            {
                await af.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Content(Html.FormExpired, "text/html; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status400BadRequest);
            }
            return await Handle(token, http, links, store, af, clock, await http.Request.ReadFormAsync(ct), ct);
        }).DisableAntiforgery(); // validated above, explicitly, so a bad token gets a page rather than a bare 400
    }

    private static async Task<IResult> Handle(string token, HttpContext http, InvitationLinks links, IDocumentStore store, IAntiforgery af, TimeProvider clock,
        IFormCollection? form, CancellationToken ct)
    {
        // Pages hold personal answers: never cached, never framed by another site.
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers.Pragma = "no-cache";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        http.Response.Headers["Content-Security-Policy"] = Html.ContentSecurityPolicy;
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (await links.Open(token, ct) is not { } opened)
            return Results.Content(Html.Refused, "text/html; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status403Forbidden);
        var context = new PageContext(opened.TenantId, opened.Invitation, store, clock, af.GetAndStoreTokens(http), http.Request.Path);
        var (status, html, redirect) = opened.Invitation.Kind switch
        {
            InvitationKind.Survey => await SurveyPage.Handle(context, form, http.Request.Query.ContainsKey("submitted"), ct),
            InvitationKind.Committee => await DecisionRoomPage.Handle(context, http.RequestServices.GetRequiredService<Reports.DownloadLinkIssuer>(), form,
                http.Request.Query.ContainsKey("submitted"), ct),
            _ => await ScoreSheetPage.Handle(context, form, http.Request.Query.ContainsKey("submitted"), ct),
        };
        if (redirect) return Results.Redirect($"{http.Request.Path}?submitted=1", permanent: false, preserveMethod: false);
        return Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}

/// <summary>What a page needs: the tenant and invitation the link opened, the store, and the antiforgery token to embed.</summary>
public sealed record PageContext(string TenantId, Invitation Invitation, IDocumentStore Store, TimeProvider Clock, AntiforgeryTokenSet Tokens, string Path)
{
    /// <summary>The person the link speaks for, as the API would see their own key: blind scoring and "answer for yourself" apply.</summary>
    public Caller Caller => new(TenantId, Guid.Empty, Invitation.PersonId, new HashSet<Role> { Role.Evaluator });

    /// <summary>Sessions bound to the link's tenant, as a call with the person's own key would get them.</summary>
    public ISessionFactory Sessions => TenantSessionFactory.For(Store, Caller);

    public string AntiforgeryField => $"""<input type="hidden" name="{Html.E(Tokens.FormFieldName)}" value="{Html.E(Tokens.RequestToken)}">""";

    public async Task<InvitationDraft?> LoadDraft(CancellationToken ct)
    {
        await using var session = Sessions.QuerySession();
        return await session.LoadAsync<InvitationDraft>(Invitation.Id, ct);
    }

    public async Task SaveDraft(IFormCollection form, CancellationToken ct)
    {
        await using var session = Sessions.OpenSession();
        session.Store(new InvitationDraft(Invitation.Id,
            form.Where(f => !f.Key.StartsWith("__", StringComparison.Ordinal) && f.Key is not ("action" or "request_id"))
                .ToDictionary(f => f.Key, f => f.Value.Select(x => x ?? "").ToArray()), Clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);
    }

    public async Task DeleteDraft(CancellationToken ct)
    {
        await using var session = Sessions.OpenSession();
        session.Delete<InvitationDraft>(Invitation.Id);
        await session.SaveChangesAsync(ct);
    }
}

/// <summary>The fields of a form as posted, saved as a draft, or built from what was submitted.</summary>
public sealed class FormValues(IReadOnlyDictionary<string, string[]> fields)
{
    public static FormValues From(IFormCollection form) => new(form.ToDictionary(f => f.Key, f => f.Value.Select(x => x ?? "").ToArray()));

    public string Get(string name) => fields.TryGetValue(name, out var v) && v.Length > 0 ? v[0].Trim() : "";

    public IReadOnlyList<string> All(string name) => fields.TryGetValue(name, out var v) ? v : [];
}
