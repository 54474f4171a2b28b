// DNS-rebinding defence for the MCP endpoint: a browser's foreign Origin, or a Host that is not this
// gateway, is refused before anything else happens.
import type { IncomingHttpHeaders } from 'node:http';

export interface OriginPolicy {
  /** Extra origins allowed (exact match, e.g. "https://app.example.com"). */
  allowedOrigins: readonly string[];
  /** The host the gateway listens on; loopback names are interchangeable. */
  listenHost: string;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Returns why the request is refused, or undefined when it may proceed. */
export function checkOrigin(headers: IncomingHttpHeaders, policy: OriginPolicy): string | undefined {
  const hostHeader = headers.host;
  const hostName = hostHeader?.replace(/:\d+$/, '');
  if (hostName !== undefined && isLoopback(policy.listenHost) && !isLoopback(hostName)) {
    return `Host ${hostHeader} is not allowed on a loopback gateway`;
  }
  const origin = headers.origin;
  if (origin === undefined || policy.allowedOrigins.includes(origin)) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).hostname;
  } catch {
    return `Origin ${JSON.stringify(origin)} is not a valid origin`;
  }
  if (isLoopback(policy.listenHost) && isLoopback(originHost)) return undefined;
  if (hostName !== undefined && originHost === hostName) return undefined;
  return `Origin ${origin} is not allowed`;
}

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}
