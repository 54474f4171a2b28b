// Everything the gateway keeps for one configured server: its config, live policy, sessions, and
// (for `shared: true` servers and 2026-07-28 clients) the one upstream connection they share.
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../config/gateway-config.js';
import type { Logger } from '../lib/logger.js';
import { eraConnector } from '../transport/upstream/era-connector.js';
import { TOOLGATE_CLIENT_INFO } from '../transport/upstream/era-probe.js';
import type { UpstreamLink } from '../transport/upstream/upstream-link.js';
import type { CatalogGate } from './catalog-gate.js';
import type { PolicyHolder } from './policy-holder.js';
import { UpstreamChannel } from './upstream-channel.js';

export interface ServerRuntime {
  readonly name: string;
  readonly config: ServerConfig;
  readonly policy: PolicyHolder;
  /** Ids of the live client sessions of this server. */
  readonly sessionIds: Set<string>;
  /** Opens a new upstream connection for one client session. */
  connect(): Promise<UpstreamLink>;
  /** The one connection every session of a `shared: true` server, and every stateless request,
   *  goes over; opened and initialized by the gateway on first use. */
  sharedUpstream(): UpstreamChannel;
  /** Closes the shared connection, if one was opened. */
  close(): Promise<void>;
  /** The catalog's view of this server (classes, drift holds); absent: the policy alone decides. */
  catalog?: CatalogGate;
}


export function createServerRuntime(config: ServerConfig, policy: PolicyHolder, logger: Logger): ServerRuntime {
  let shared: UpstreamChannel | undefined;
  // The server's protocol era, probed on first use and remembered (see era-connector.ts).
  const upstream = eraConnector(config.upstream, config.era, { serverName: config.name, logger });
  const runtime: ServerRuntime = {
    name: config.name,
    config,
    policy,
    sessionIds: new Set(),
    connect: () => upstream.connect(),
    sharedUpstream: () => {
      shared ??= new UpstreamChannel({
        server: config.name,
        connect: runtime.connect,
        requestTimeoutMs: config.requestTimeoutMs,
        logger,
        onToolsChanged: () => runtime.catalog?.toolsChanged(),
        shared: {
          // No client capabilities: no one client could answer the server's requests.
          initializeParams: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: TOOLGATE_CLIENT_INFO },
        },
      });
      return shared;
    },
    close: async () => {
      await shared?.close();
    },
  };
  return runtime;
}
