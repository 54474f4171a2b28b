// Which server-to-client requests a session's client can be sent: those whose capability it
// declared when it initialized (sampling, elicitation and its modes, roots). A server that asks
// for something else is refused at once rather than left waiting for an answer that cannot come;
// the words of every refusal are here (docs/errors.md lists them, and a test holds the two together).
import type { JsonRpcRequest } from '../protocol/jsonrpc.js';
import { isObject } from '../lib/is-object.js';

const CAPABILITY_OF: Readonly<Record<string, string>> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
};

/** What the server is told when its request to the client is refused. */
export const REFUSALS = {
  undeclared: (capability: string, method: string): string => `the client did not declare the ${capability} capability, so toolgate does not send it ${method}`,
  shared: (method: string): string => `toolgate shares this server's connection among sessions, so it cannot route "${method}" to one client`,
  noStream: (): string => 'the client has no open stream to receive this request',
} as const;

/** The capability `request` needs that `declared` lacks (e.g. `sampling`, `elicitation.url`), or
 *  undefined when the client can be asked (or the method needs no capability: ping, extensions). */
export function missingCapability(request: JsonRpcRequest, declared: Record<string, unknown> | undefined): string | undefined {
  const needed = CAPABILITY_OF[request.method];
  if (needed === undefined) return undefined;
  const capability = declared?.[needed];
  if (!isObject(capability)) return needed;
  const params = request.params ?? {};
  if (needed === 'sampling' && params['tools'] !== undefined && !isObject(capability['tools'])) return 'sampling.tools';
  if (needed === 'elicitation') {
    // `elicitation: {}` means form mode only (2025-11-25); a client naming modes supports those.
    const mode = params['mode'] === 'url' ? 'url' : 'form';
    const namesModes = 'form' in capability || 'url' in capability;
    if (mode === 'url' ? !isObject(capability['url']) : namesModes && !isObject(capability['form'])) return `elicitation.${mode}`;
  }
  return undefined;
}
