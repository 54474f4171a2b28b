// Everything the gateway keeps for one configured server: its config, live policy, sessions, and
// (for `shared: true` servers and 2026-07-28 clients) the upstream connection they share: one per
// era the server is spoken to in, so a dual-era server gives legacy sessions a legacy connection
// and 2026-07-28 clients a modern one, and any other server one for both (decision 021).
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../config/gateway-config.js';
import type { Logger } from '../lib/logger.js';
import { eraConnector, type ClientEra } from '../transport/upstream/era-connector.js';
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
  /** Opens a new upstream connection for a client of `client`'s era (the catalog lists as a 2025
   *  client would). */
  connect(client: ClientEra): Promise<UpstreamLink>;
  /** The connection the sessions of a `shared: true` server (legacy clients) or the stateless
   *  requests (2026-07-28 clients) go over; opened and initialized by the gateway on first use. */
  sharedUpstream(client: ClientEra): UpstreamChannel;
  /** Closes the shared connections, if any was opened. */
  close(): Promise<void>;
  /** The catalog's view of this server (classes, drift holds); absent: the policy alone decides. */
  catalog?: CatalogGate;
}


export function createServerRuntime(config: ServerConfig, policy: PolicyHolder, logger: Logger): ServerRuntime {
  /** By the client era each was opened for (it connects as that era's clients are served), and
   *  then also for the other era, once that era is known to be served over the same kind of link. */
  const shared = new Map<ClientEra, UpstreamChannel>();
  // The server's protocol eras, probed on first use and remembered (see era-connector.ts).
  const upstream = eraConnector(config.upstream, config.era, { serverName: config.name, logger });
  const openShared = (client: ClientEra): UpstreamChannel =>
    new UpstreamChannel({
      server: config.name,
      connect: () => upstream.connect(client),
      requestTimeoutMs: config.requestTimeoutMs,
      logger,
      onToolsChanged: () => runtime.catalog?.toolsChanged(),
      shared: {
        // No client capabilities: no one client could answer the server's requests.
        initializeParams: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: TOOLGATE_CLIENT_INFO },
      },
    });
  const runtime: ServerRuntime = {
    name: config.name,
    config,
    policy,
    sessionIds: new Set(),
    connect: (client) => upstream.connect(client),
    sharedUpstream: (client) => {
      const own = shared.get(client);
      if (own) return own;
      // A legacy-only (or modern-only) server: both eras' clients share the one connection.
      const other: ClientEra = client === 'legacy' ? 'modern' : 'legacy';
      const era = upstream.linkEra(client);
      const channel = era !== undefined && upstream.linkEra(other) === era ? (shared.get(other) ?? openShared(client)) : openShared(client);
      shared.set(client, channel);
      return channel;
    },
    close: async () => {
      await Promise.all([...new Set(shared.values())].map((channel) => channel.close()));
    },
  };
  return runtime;
}
