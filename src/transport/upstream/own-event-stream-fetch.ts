// The fetch wrapper that takes the GET event stream away from the SDK's StreamableHTTPClientTransport
// (decision 018): its GET is answered with a synthetic 405, which the SDK reads as "the server offers
// no GET stream", and the accepted POST of notifications/initialized (when the SDK would open the GET
// itself) tells the caller to open its own (upstream-event-stream.ts).

/** What the SDK sends on its requests, read from the transport at each (re)connection. */
export interface SessionState {
  readonly sessionId?: string | undefined;
  readonly protocolVersion?: string | undefined;
}

export function withOwnEventStream(base: typeof fetch, onInitialized: () => void): typeof fetch {
  return async (input, init) => {
    if (init?.method === 'GET' && acceptsEventStream(init.headers)) {
      return new Response(null, { status: 405, statusText: 'GET event stream opened by toolgate' });
    }
    const response = await base(input, init);
    // As the SDK: only an accepted (202) initialized notification starts the event stream.
    if (response.status === 202 && isInitializedNotification(init)) setImmediate(onInitialized);
    return response;
  };
}

/** The headers the SDK would send on its GET: session id and protocol version, then the config's. */
export function sessionHeaders(session: SessionState, configured: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (session.sessionId) headers['mcp-session-id'] = session.sessionId;
  if (session.protocolVersion) headers['mcp-protocol-version'] = session.protocolVersion;
  return { ...headers, ...configured };
}

function acceptsEventStream(headers: HeadersInit | undefined): boolean {
  if (!headers) return false;
  const accept = new Headers(headers).get('accept') ?? '';
  return accept.includes('text/event-stream');
}

function isInitializedNotification(init: RequestInit | undefined): boolean {
  if (init?.method !== 'POST' || typeof init.body !== 'string' || !init.body.includes('notifications/initialized')) return false;
  try {
    return (JSON.parse(init.body) as { method?: unknown }).method === 'notifications/initialized';
  } catch {
    return false;
  }
}
