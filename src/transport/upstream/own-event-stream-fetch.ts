// Takes the GET event stream away from the SDK's StreamableHTTPClientTransport (decision 018): its
// GET is answered with a synthetic 405, which the SDK reads as "the server offers no GET stream",
// and toolgate opens its own (upstream-event-stream.ts; event-stream-gate.ts says when). A GET
// with Last-Event-ID is the SDK resuming a request's answer stream: that one goes to the server.

/** What the SDK sends on its requests, read from the transport at each (re)connection. */
export interface SessionState {
  readonly sessionId?: string | undefined;
  readonly protocolVersion?: string | undefined;
}

export function withOwnEventStream(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    if (init?.method === 'GET' && isStandaloneStream(init.headers)) {
      return new Response(null, { status: 405, statusText: 'GET event stream opened by toolgate' });
    }
    return base(input, init);
  };
}

/** The headers the SDK would send on its GET: session id and protocol version, then the config's. */
export function sessionHeaders(session: SessionState, configured: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (session.sessionId) headers['mcp-session-id'] = session.sessionId;
  if (session.protocolVersion) headers['mcp-protocol-version'] = session.protocolVersion;
  return { ...headers, ...configured };
}

/** The SDK's GET for the session's own stream; not one resuming an answer (Last-Event-ID). */
function isStandaloneStream(headers: HeadersInit | undefined): boolean {
  if (!headers) return false;
  const all = new Headers(headers);
  return (all.get('accept') ?? '').includes('text/event-stream') && !all.has('last-event-id');
}
