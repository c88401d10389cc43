using System.Diagnostics;
using Marten;

namespace CoeInsights.Store;

/// <summary>
/// Stamps every event (and document) a session saves with the call that wrote it: correlation id = the W3C trace id of
/// the current <see cref="Activity"/> (ASP.NET Core starts one per request; the server logs carry the same id), causation
/// id = the span that appended. A session that sets its own ids keeps them; with no activity the columns stay null.
/// </summary>
public sealed class CallMetadata : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            var (trace, span) = (activity.TraceId.ToHexString(), activity.SpanId.ToHexString());
            session.CorrelationId ??= trace;
            session.CausationId ??= span;
            // The events were wrapped when appended, before this runs: stamp them too.
            foreach (var stream in session.PendingChanges.Streams())
            foreach (var e in stream.Events)
            {
                e.CorrelationId ??= trace;
                e.CausationId ??= span;
            }
        }
        return Task.CompletedTask;
    }
}
