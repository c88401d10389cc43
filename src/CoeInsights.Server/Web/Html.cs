using System.Globalization;
using System.Text.Encodings.Web;

namespace CoeInsights.Server.Web;

/// <summary>
/// Minimal server-rendered HTML: every text that came from a person (titles, vendor names, questions, answers) goes
/// through <see cref="E"/>, so a vendor named <c>&lt;script&gt;</c> is shown as text. No script is needed to use a page
/// (the one script, <see cref="LiveConsistencyScript"/>, only adds live feedback).
/// </summary>
public static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>
    /// The one script (an enhancement: every page works without it). On a change in a pairwise question it posts the form
    /// with action "check" — the server computes the consistency, stores nothing — and copies the server-rendered
    /// (encoded) feedback into the question's <c>…-consistency</c> region. The CSP allows exactly this text by its hash.
    /// </summary>
    public const string LiveConsistencyScript = """
        document.querySelectorAll('fieldset[data-pairwise]').forEach(function (fs) {
          var id = fs.getAttribute('data-pairwise') + '-consistency', seq = 0;
          fs.addEventListener('change', function () {
            var form = fs.closest('form'), data = new FormData(form), mine = ++seq;
            data.set('action', 'check');
            fetch(form.getAttribute('action'), { method: 'POST', body: data, credentials: 'same-origin' })
              .then(function (r) { return r.text(); })
              .then(function (html) {
                var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(id), old = document.getElementById(id);
                if (mine === seq && fresh && old) old.innerHTML = fresh.innerHTML;
              })
              .catch(function () { });
          });
        });
        """;

    /// <summary>The pages' Content-Security-Policy: no script but <see cref="LiveConsistencyScript"/>, fetches only to this server.</summary>
    public static readonly string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(LiveConsistencyScript))) +
        "'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'";

    public static string N(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The one layout: readable at phone width (fluid, 16px+ text, big targets), visible focus for keyboard use.</summary>
    public static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}}</title>
        <style>
        body{overflow-wrap:anywhere;font-family:system-ui,sans-serif;font-size:1.05rem;line-height:1.5;color:#1a1a1a;background:#fff;margin:0}
        main{max-width:46rem;margin:0 auto;padding:1rem}
        main.wide{max-width:72rem}
        h1{font-size:1.6rem;margin:.5rem 0 1rem}
        fieldset{min-width:0;border:1px solid #999;border-radius:6px;margin:0 0 1.2rem;padding:.6rem 1rem 1rem}
        legend{font-weight:600;padding:0 .3rem}
        label{display:block;margin:.35rem 0}
        .choices label{display:inline-flex;align-items:center;gap:.3rem;margin:.2rem .9rem .2rem 0;min-height:2rem}
        input[type=number],input[type=text],select,textarea{font:inherit;padding:.35rem;border:1px solid #666;border-radius:4px;max-width:100%;box-sizing:border-box}
        textarea{width:100%;min-height:4rem}
        select{display:block;width:100%;max-width:32rem}
        input[type=radio],input[type=checkbox]{width:1.2rem;height:1.2rem}
        button{font:inherit;padding:.55rem 1.2rem;margin:.3rem .6rem .3rem 0;border-radius:4px;border:1px solid #0b4f9c;background:#0b4f9c;color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:#0b4f9c}
        :focus-visible{outline:3px solid #c25400;outline-offset:2px}
        .error{color:#a30000;font-weight:600;margin:.2rem 0}
        .notice{background:#e7f2e7;border-left:4px solid #2d7a2d;padding:.5rem .8rem;margin:0 0 1rem}
        .warning{background:#fff4e0;border-left:4px solid #b36b00;padding:.5rem .8rem;margin:.5rem 0}
        .errors{background:#fde8e8;border-left:4px solid #a30000;padding:.5rem .8rem;margin:0 0 1rem}
        .hint{color:#444;font-size:.95rem;margin:.1rem 0 .4rem}
        dl.submitted dt{font-weight:600}
        dl.submitted dd{margin:0 0 .6rem 1rem}
        dl.levels{display:grid;grid-template-columns:auto 1fr;gap:.1rem .6rem;margin:.2rem 0 .5rem;font-size:.95rem;color:#333}
        dl.levels dt{font-weight:600;text-align:right}
        dl.levels dd{margin:0}
        .cell{border-top:1px solid #ccc;padding:.6rem 0}
        table{border-collapse:collapse;width:100%}
        th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}
        .table-wrap{overflow-x:auto}
        </style></head>
        <body>{{body}}</body></html>
        """;

    public static string Error(string? message, string id) =>
        string.IsNullOrEmpty(message) ? "" : $"""<p class="error" id="{id}">{E(message)}</p>""";

    /// <summary>aria-describedby and aria-invalid for a field with an error, so a screen reader says it with the field.</summary>
    public static string Described(string? message, string id) =>
        string.IsNullOrEmpty(message) ? "" : $""" aria-describedby="{id}" aria-invalid="true" """;

    /// <summary>What any refused link shows, whatever the reason: a refusal tells a forged link nothing.</summary>
    public static readonly string Refused = Page("Link no longer valid", """
        <main><h1>This invitation link is no longer valid</h1>
        <p>Invitation links expire, stop working when the committee sends a new one or withdraws the invitation, and
        stop working when changed. Ask the committee for a new link.</p></main>
        """);

    public static readonly string FormExpired = Page("Please try again", """
        <main><h1>The form could not be accepted</h1>
        <p>The page was open too long or was sent from somewhere else. Go back, reload the page and send it again:
        nothing was saved.</p></main>
        """);
}
