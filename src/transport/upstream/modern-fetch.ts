// The fetch under the HTTP transport of a 2026-07-28 (modern) upstream link. It adds the headers
// that mirror each POSTed body (`MCP-Protocol-Version`, `Mcp-Method`, and `Mcp-Name` for
// `tools/call`, `prompts/get`, `resources/read`), `=?base64?…?=`-encoded when the value is not
// plain header text. And it lets a JSON-RPC error through as an answer: a modern server sends its
// errors with a 4xx status (`404` + `-32601`, `400` + `-32602`), which the SDK's 1.x transport would
// turn into a bare "HTTP 404" failure, losing the error the client should see.
import { MODERN_VERSION } from '../../protocol/modern-envelope.js';
import { encodeHeaderValue, NAME_SOURCE } from '../../protocol/modern-headers.js';

/** The mirrored headers for one JSON-RPC message as POSTed (its serialized body). */
export function mirroredHeaders(body: string): Record<string, string> {
  let message: { method?: unknown; params?: Record<string, unknown> };
  try {
    message = JSON.parse(body) as typeof message;
  } catch {
    return {};
  }
  if (typeof message.method !== 'string') return {};
  const headers: Record<string, string> = { 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': encodeHeaderValue(message.method) };
  const field = NAME_SOURCE[message.method];
  const name = field ? message.params?.[field] : undefined;
  if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
  return headers;
}

export function modernFetch(base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    let request = init;
    if (init?.method === 'POST' && typeof init.body === 'string') {
      const headers = new Headers(init.headers);
      for (const [name, value] of Object.entries(mirroredHeaders(init.body))) headers.set(name, value);
      // Stateless: a session id has no meaning to a modern server.
      headers.delete('mcp-session-id');
      request = { ...init, headers };
    }
    const response = await base(input, request);
    return response.ok ? response : errorAsAnswer(response);
  };
}

/** A 4xx whose body is one JSON-RPC error response, as a `200` with that body; anything else as is. */
async function errorAsAnswer(response: Response): Promise<Response> {
  if (response.status < 400 || response.status >= 500 || !(response.headers.get('content-type') ?? '').includes('application/json')) return response;
  const text = await response.text();
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  try {
    const parsed = JSON.parse(text) as { jsonrpc?: unknown; error?: { code?: unknown }; id?: unknown };
    if (parsed.jsonrpc === '2.0' && typeof parsed.error?.code === 'number' && (typeof parsed.id === 'string' || typeof parsed.id === 'number')) {
      return new Response(text, { status: 200, headers });
    }
  } catch {
    // Not JSON after all: the status stands.
  }
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}
