// Everything the gateway keeps for one configured server: its config, live policy, and sessions.
import type { ServerConfig } from '../config/gateway-config.js';
import type { Logger } from '../lib/logger.js';
import { connectUpstream } from '../transport/upstream/connect-upstream.js';
import type { UpstreamLink } from '../transport/upstream/upstream-link.js';
import type { CatalogGate } from './catalog-gate.js';
import type { PolicyHolder } from './policy-holder.js';

export interface ServerRuntime {
  readonly name: string;
  readonly config: ServerConfig;
  readonly policy: PolicyHolder;
  /** Ids of the live client sessions of this server. */
  readonly sessionIds: Set<string>;
  /** Opens a new upstream connection for one client session. */
  connect(): Promise<UpstreamLink>;
  /** The catalog's view of this server (classes, drift holds); absent: the policy alone decides. */
  catalog?: CatalogGate;
}

export function createServerRuntime(config: ServerConfig, policy: PolicyHolder, logger: Logger): ServerRuntime {
  return {
    name: config.name,
    config,
    policy,
    sessionIds: new Set(),
    connect: () => connectUpstream(config.upstream, { serverName: config.name, logger }),
  };
}
