// The flags that name an HTTP upstream on the command line (`--url`, `--header`, `--transport`),
// shared by `scan` and `wrap`, checked with an error that names the flag.
import type { UpstreamSpec } from '../config/gateway-config.js';

export interface HttpUpstreamFlags {
  url: string;
  header: readonly string[];
  transport: string;
}

const TRANSPORTS = ['auto', 'streamable-http', 'sse'] as const;

/** `--header` is repeatable: commander collects every value. */
export function collectHeader(value: string, all: string[]): string[] {
  return [...all, value];
}

/** `--transport`'s value, checked whether or not `--url` was given. */
export function transportFlag(value: string): (typeof TRANSPORTS)[number] {
  const transport = TRANSPORTS.find((kind) => kind === value);
  if (!transport) throw new Error(`--transport must be auto, streamable-http or sse; got ${JSON.stringify(value)}`);
  return transport;
}

export function httpUpstreamFromFlags(flags: HttpUpstreamFlags): Extract<UpstreamSpec, { kind: 'http' }> {
  return { kind: 'http', url: parseUrl(flags.url).toString(), headers: parseHeaders(flags.header), transport: transportFlag(flags.transport) };
}

function parseUrl(text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url;
  } catch {
    throw new Error(`--url: not an http(s) URL: ${text}`);
  }
}

function parseHeaders(headers: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const header of headers) {
    const colon = header.indexOf(':');
    const name = colon > 0 ? header.slice(0, colon).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw new Error(`--header: expected 'Name: value', got ${JSON.stringify(header)}`);
    result[name] = header.slice(colon + 1).trim();
  }
  return result;
}
