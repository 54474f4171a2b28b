// Opens connections to one configured server in the protocol era it speaks, and remembers the
// verdict for the life of the process (PROTOCOL.md §2, "Era detection"). `era: legacy` never
// probes: the link is opened as always and the channel sends `initialize`. `modern` and `auto`
// send `server/discover` on every new connection of a server known or thought modern (it is that
// era's handshake: it gives the capabilities a restarted server has now); `auto` probes once, then
// opens legacy connections without a probe until one fails (the connection ends other than by the
// gateway, or the server answers with a modern error): the next connection probes again.
import type { UpstreamEra, UpstreamSpec } from '../../config/gateway-config.js';
import type { Logger } from '../../lib/logger.js';
import { isNotification, isRequest, type JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { MODERN_ERROR_CODES } from '../../protocol/wire-errors.js';
import { connectModernHttp, connectStdio, connectUpstream } from './connect-upstream.js';
import { probeHttp, probeStdio, type EraVerdict } from './era-probe.js';
import { DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES } from './message-bound.js';
import { modernUpstreamLink } from './modern-upstream-link.js';
import type { UpstreamLink } from './upstream-link.js';

/** A stdio server not known to be modern gets this long to answer the probe (a legacy one may
 *  ignore an unknown request); a known or configured modern one gets its start-up allowance. */
const STDIO_PROBE_MS = 2_000;
const MODERN_DISCOVER_MS = 30_000;
/** An HTTP server that does not answer the probe in this time is down, not legacy. */
const HTTP_PROBE_MS = 10_000;

export interface EraConnector {
  connect(): Promise<UpstreamLink>;
}

export interface EraConnectorOptions {
  serverName: string;
  logger: Logger;
}

export function eraConnector(spec: UpstreamSpec, era: UpstreamEra | undefined, options: EraConnectorOptions): EraConnector {
  const mode = era ?? 'auto';
  let known: 'legacy' | 'modern' | undefined;
  const max = spec.maxMessageBytes ?? DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES;
  const forget = (why: string): void => {
    if (known === undefined) return;
    options.logger.info({ server: options.serverName, era: known, why }, 'upstream era will be probed again');
    known = undefined;
  };
  const decided = (verdict: EraVerdict): void => {
    const era = verdict.era === 'modern' ? 'modern' : 'legacy';
    if (known !== era) options.logger.info({ server: options.serverName, era, ...(verdict.era === 'modern' ? {} : { why: verdict.reason }) }, 'upstream era detected');
    if (verdict.era === 'legacy' && verdict.tentative) return;
    known = era;
  };
  /** A link whose failure drops the verdict. */
  const watched = (link: UpstreamLink): UpstreamLink => watchVerdict(link, forget);
  const refuse = (verdict: Exclude<EraVerdict, { era: 'modern' }>): never => {
    forget(verdict.reason);
    throw new Error(mode === 'modern' ? `the server is configured "era: modern", but ${verdict.reason}` : verdict.reason);
  };

  async function connect(): Promise<UpstreamLink> {
    if (mode === 'legacy' || (spec.kind === 'http' && spec.transport === 'sse')) return connectUpstream(spec, options);
    if (mode === 'auto' && known === 'legacy') return watched(await connectUpstream(spec, options));
    const probeMs = mode === 'modern' || known === 'modern' ? MODERN_DISCOVER_MS : STDIO_PROBE_MS;
    if (spec.kind === 'stdio') {
      const link = await connectStdio(spec, options);
      const verdict = await probeStdio(link, probeMs);
      if (verdict.era === 'modern') {
        decided(verdict);
        return watched(modernUpstreamLink(link, { discover: verdict.discover, transport: 'stdio', serverName: options.serverName }));
      }
      if (verdict.era === 'modern-refused' || mode === 'modern') {
        await link.close();
        return refuse(verdict);
      }
      decided(verdict);
      // A legacy server that exited on the unknown request is started again, and told nothing new.
      if (verdict.exited) return watched(await connectUpstream(spec, options));
      return watched(link);
    }
    const verdict = await probeHttp(spec.url, spec.headers, HTTP_PROBE_MS, max);
    if (verdict.era === 'modern') {
      decided(verdict);
      const link = await connectModernHttp(spec.url, spec.headers, max);
      return watched(modernUpstreamLink(link, { discover: verdict.discover, transport: 'http', serverName: options.serverName }));
    }
    if (verdict.era === 'modern-refused' || mode === 'modern') return refuse(verdict);
    decided(verdict);
    return watched(await connectUpstream(spec, options));
  }

  return { connect };
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
