// Opens connections to one configured server in the protocol era the client in front of it should
// get, and remembers what the server speaks for the life of the process (PROTOCOL.md §2, "Era
// detection"; the rule for each pair is decision 021):
//
//   client \ server   legacy-only          dual-era              modern-only
//   legacy            legacy session       legacy session        modern link (bridged)
//   2026-07-28        legacy (bridged)     modern link           modern link
//
// `era: auto` probes: `server/discover` tells legacy from modern (a modern connection sends it
// every time: it is that era's handshake), and a legacy client's first connection to a modern
// server asks `initialize` to tell dual-era from modern-only. What was found is forgotten when a
// connection fails (it ends other than by the gateway, or the server answers with a modern error).
// `legacy`, `modern` and `dual` force the server's side of the table and never probe for it.
import type { UpstreamEra, UpstreamSpec } from '../../config/gateway-config.js';
import type { Logger } from '../../lib/logger.js';
import { isNotification, isRequest, type JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { MODERN_VERSION } from '../../protocol/modern-envelope.js';
import { MODERN_ERROR_CODES } from '../../protocol/wire-errors.js';
import { connectModernHttp, connectStdio, connectUpstream } from './connect-upstream.js';
import { probeHttp, probeStdio, type EraVerdict } from './era-probe.js';
import { probeLegacyHttp, probeLegacyStdio, type LegacySupport } from './legacy-probe.js';
import { DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES } from './message-bound.js';
import { modernUpstreamLink } from './modern-upstream-link.js';
import type { UpstreamLink } from './upstream-link.js';

/** A stdio server not known to be modern gets this long to answer the probe (a legacy one may
 *  ignore an unknown request); a known or configured modern one gets its start-up allowance. */
const STDIO_PROBE_MS = 2_000;
const MODERN_DISCOVER_MS = 30_000;
/** An HTTP server that does not answer the probe in this time is down, not legacy. */
const HTTP_PROBE_MS = 10_000;

/** The era a client speaks to the gateway, and so the one it would rather have upstream. */
export type ClientEra = 'legacy' | 'modern';

export interface EraConnector {
  /** A new connection for a client of `client`'s era, in the era the rule gives it. */
  connect(client: ClientEra): Promise<UpstreamLink>;
  /** The era such a connection speaks, when it is known without a probe. */
  linkEra(client: ClientEra): ClientEra | undefined;
}

export interface EraConnectorOptions {
  serverName: string;
  logger: Logger;
}

export function eraConnector(spec: UpstreamSpec, era: UpstreamEra | undefined, options: EraConnectorOptions): EraConnector {
  const legacyOnly = era === 'legacy' || (spec.kind === 'http' && spec.transport === 'sse');
  const mode = legacyOnly ? 'legacy' : (era ?? 'auto');
  const probing = mode === 'auto';
  /** What the server speaks: found by the probes (`auto`), or as the config says. */
  let known: 'legacy' | 'modern' | undefined = mode === 'auto' ? undefined : mode === 'legacy' ? 'legacy' : 'modern';
  /** For a modern server: whether it serves `initialize` too (dual-era). */
  let speaksLegacy: boolean | undefined = mode === 'dual' ? true : mode === 'modern' ? false : undefined;
  const max = spec.maxMessageBytes ?? DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES;
  const log = options.logger;

  const forget = (why: string): void => {
    if (!probing || known === undefined) return;
    log.info({ server: options.serverName, era: known, why }, 'upstream era will be probed again');
    known = undefined;
    speaksLegacy = undefined;
  };
  const decided = (verdict: EraVerdict): void => {
    const found = verdict.era === 'modern' ? 'modern' : 'legacy';
    if (known !== found) log.info({ server: options.serverName, era: found, ...(verdict.era === 'modern' ? {} : { why: verdict.reason }) }, 'upstream era detected');
    if (verdict.era === 'legacy' && verdict.tentative) return;
    known = found;
    // A server that names a legacy revision among its supported versions is dual-era as it says.
    if (verdict.era === 'modern' && speaksLegacy === undefined && listsLegacyVersion(verdict.discover)) speaksLegacy = true;
  };
  /** Records what the `initialize` probe found; says whether this connection may be a legacy one. */
  const legacySupport = (support: LegacySupport): boolean => {
    if (support.kind === 'undecided') log.warn({ server: options.serverName, why: support.reason }, 'upstream era undecided (dual-era or modern-only); this 2025 client is bridged, the next one asks again');
    else log.info({ server: options.serverName, era: support.kind, why: support.reason }, 'upstream era detected');
    if (support.kind !== 'undecided') speaksLegacy = support.kind === 'dual';
    return support.kind === 'dual';
  };
  /** A link whose failure drops what was found. */
  const watched = (link: UpstreamLink): UpstreamLink => (probing ? watchVerdict(link, forget) : link);
  const refuse = (verdict: Exclude<EraVerdict, { era: 'modern' }>): never => {
    forget(verdict.reason);
    throw new Error(probing ? verdict.reason : `the server is configured "era: ${mode}", but ${verdict.reason}`);
  };
  const legacySession = async (): Promise<UpstreamLink> => watched(await connectUpstream(spec, options));

  async function connectStdioEra(client: ClientEra): Promise<UpstreamLink> {
    if (spec.kind !== 'stdio') throw new Error('not a stdio server');
    const link = await connectStdio(spec, options);
    const probeMs = known === 'modern' ? MODERN_DISCOVER_MS : STDIO_PROBE_MS;
    const verdict = await probeStdio(link, probeMs);
    if (verdict.era === 'modern') {
      decided(verdict);
      if (client === 'legacy' && speaksLegacy === undefined) {
        const support = await probeLegacyStdio(link, STDIO_PROBE_MS);
        // A child that answered is initialized by toolgate now, and one that was silent may yet
        // be: the client gets a fresh one. A modern-only child that refused serves on.
        if (support.kind !== 'modern-only' || support.exited) {
          await link.close();
          return legacySupport(support) ? legacySession() : connectStdioEra('modern');
        }
        legacySupport(support);
      }
      if (client === 'legacy' && speaksLegacy === true) {
        await link.close();
        return legacySession();
      }
      return watched(modernUpstreamLink(link, { discover: verdict.discover, transport: 'stdio', serverName: options.serverName }));
    }
    if (verdict.era === 'modern-refused' || !probing) {
      await link.close();
      return refuse(verdict);
    }
    decided(verdict);
    // A legacy server that exited on the unknown request is started again, and told nothing new.
    if (verdict.exited) return legacySession();
    return watched(link);
  }

  async function connectHttpEra(client: ClientEra): Promise<UpstreamLink> {
    if (spec.kind !== 'http') throw new Error('not an HTTP server');
    const verdict = await probeHttp(spec.url, spec.headers, HTTP_PROBE_MS, max);
    if (verdict.era === 'modern') {
      decided(verdict);
      const asLegacy = client === 'legacy' && (speaksLegacy ?? legacySupport(await probeLegacyHttp(spec.url, spec.headers, HTTP_PROBE_MS, max)));
      if (asLegacy) return legacySession();
      const link = await connectModernHttp(spec.url, spec.headers, max);
      return watched(modernUpstreamLink(link, { discover: verdict.discover, transport: 'http', serverName: options.serverName }));
    }
    if (verdict.era === 'modern-refused' || !probing) return refuse(verdict);
    decided(verdict);
    return legacySession();
  }

  function linkEra(client: ClientEra): ClientEra | undefined {
    if (known === undefined) return undefined;
    if (known === 'legacy' || client === 'modern') return known;
    return speaksLegacy === undefined ? undefined : speaksLegacy ? 'legacy' : 'modern';
  }

  async function connect(client: ClientEra): Promise<UpstreamLink> {
    if (mode === 'legacy') return connectUpstream(spec, options);
    if (linkEra(client) === 'legacy') return legacySession();
    return spec.kind === 'stdio' ? connectStdioEra(client) : connectHttpEra(client);
  }

  return { connect, linkEra };
}

function listsLegacyVersion(discover: Record<string, unknown>): boolean {
  const versions = discover['supportedVersions'];
  return Array.isArray(versions) && versions.some((version) => typeof version === 'string' && version < MODERN_VERSION);
}

/** Passes everything through; calls `forget` when the link ends other than by the gateway, or the
 *  server answers with a code only a modern server sends (a legacy verdict that was wrong). */
function watchVerdict(link: UpstreamLink, forget: (why: string) => void): UpstreamLink {
  let closing = false;
  link.onClose((reason) => {
    if (!closing) forget(`the connection ended: ${reason}`);
  });
  const onMessage = link.onMessage.bind(link);
  return {
    get description() {
      return link.description;
    },
    send: (message) => link.send(message),
    onMessage: (handler) =>
      onMessage((message: JsonRpcMessage) => {
        if (!isRequest(message) && !isNotification(message) && 'error' in message && MODERN_ERROR_CODES.has(message.error.code)) forget(`the server answered ${message.error.code}`);
        handler(message);
      }),
    onClose: (handler) => link.onClose(handler),
    onLost: (handler) => link.onLost(handler),
    setProtocolVersion: (version) => link.setProtocolVersion(version),
    close: () => {
      closing = true;
      return link.close();
    },
  };
}
