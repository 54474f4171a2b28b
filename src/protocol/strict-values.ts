// What JSON.parse accepts but two readers could understand differently, found in the parsed value:
// lone surrogates, numbers beyond a double, protocol keys spelled in another case, near-miss methods.

/** Methods the gateway treats by name (or that MCP defines): a look-alike of one is refused. */
const KNOWN_METHODS = [
  'initialize', 'ping', 'server/discover', 'tools/list', 'tools/call', 'resources/list', 'resources/read',
  'resources/templates/list', 'resources/subscribe', 'resources/unsubscribe', 'prompts/list', 'prompts/get',
  'completion/complete', 'logging/setLevel', 'subscriptions/listen', 'tasks/get', 'tasks/result', 'tasks/list',
  'tasks/cancel', 'sampling/createMessage', 'elicitation/create', 'roots/list', 'notifications/initialized',
  'notifications/cancelled', 'notifications/progress', 'notifications/roots/list_changed',
];

/** Keys the protocol defines at each level; another spelling of one (`"Method"`, `"ID"`) is refused. */
export const ENVELOPE_KEYS = ['jsonrpc', 'id', 'method', 'params', 'result', 'error'] as const;
export const PARAMS_KEYS = [
  'name', 'arguments', '_meta', 'uri', 'cursor', 'protocolVersion', 'capabilities', 'clientInfo', 'requestId',
  'reason', 'progressToken', 'progress', 'total', 'level', 'ref', 'argument', 'inputResponses', 'requestState', 'task',
] as const;
export const META_KEYS = [
  'progressToken',
  // The 2026-07-28 envelope: a case variant must not slip past the checks made on the exact key.
  'io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/clientInfo', 'io.modelcontextprotocol/logLevel',
] as const;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first lone surrogate (in a key or string) or non-finite number in `value`, or undefined.
 *  `value` comes from JSON.parse after the depth check, so recursion is bounded. */
export function valueProblem(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? `a lone UTF-16 surrogate in the string at ${where(path)}` : undefined;
  // 1e400 parses as Infinity and would go upstream as null: the message would change meaning.
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `a number too large for a double at ${where(path)}`;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = valueProblem(item, `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (LONE_SURROGATE.test(key)) return `a lone UTF-16 surrogate in a key in ${where(path)}`;
    const problem = valueProblem(item, path ? `${path}.${key}` : key);
    if (problem) return problem;
  }
  return undefined;
}

/** A key of `record` that spells one of `known` in another case (or two keys that differ only in case). */
export function caseVariantProblem(record: Record<string, unknown>, known: readonly string[], path: string): string | undefined {
  const seen = new Map<string, string>();
  for (const key of Object.keys(record)) {
    const folded = key.toLowerCase();
    const canonical = known.find((name) => name.toLowerCase() === folded);
    if (canonical !== undefined && canonical !== key) return `"${key}" in ${where(path)} is not the protocol key "${canonical}" (keys are case-sensitive)`;
    const other = seen.get(folded);
    if (other !== undefined) return `"${other}" and "${key}" in ${where(path)} differ only in case`;
    seen.set(folded, key);
  }
  return undefined;
}

/** A method that is not an MCP method but reads as one after case, width or invisible-character folding. */
export function nearMissMethod(method: string): string | undefined {
  if (KNOWN_METHODS.includes(method)) return undefined;
  const folded = fold(method);
  const target = KNOWN_METHODS.find((known) => fold(known) === folded);
  return target === undefined ? undefined : `method ${JSON.stringify(method)} is not "${target}" (methods are matched exactly)`;
}

function fold(text: string): string {
  return text.normalize('NFKC').replace(/[\s\p{Cf}\p{Cc}]/gu, '').toLowerCase();
}

function where(path: string): string {
  return path === '' ? 'the message' : path;
}
