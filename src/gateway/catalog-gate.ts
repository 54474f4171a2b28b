// Puts the catalog between a server's sessions and its policy: calls are judged with the tool's
// class, tools that drift holds or whose names are refused (invalid, colliding) are hidden and
// refused as unknown, and every listing a session receives (or a list_changed it hears) keeps the
// catalog current.
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Logger } from '../lib/logger.js';
import type { Decision, Policy } from '../policy/types.js';
import type { CatalogRefresher } from './catalog-refresh.js';
import type { PolicyDecider, PolicyHolder } from './policy-holder.js';

export interface CatalogGate {
  /** The server's policy, with classes from the catalog and drift holds applied. */
  readonly decider: PolicyDecider;
  /** A `tools/list` answer a session received, before hidden tools are removed from it. */
  observeListing(params: Record<string, unknown> | undefined, result: Record<string, unknown>): void;
  /** The server sent `notifications/tools/list_changed`. */
  toolsChanged(): void;
}

export interface CatalogGateOptions {
  server: string;
  policy: PolicyHolder;
  catalog: CatalogService;
  refresher: CatalogRefresher;
  logger: Logger;
}

export function createCatalogGate(options: CatalogGateOptions): CatalogGate {
  const { server, policy, catalog, refresher, logger } = options;
  /** A hold that cannot be checked (the store failed) hides the tool: fail closed. */
  const held = (tool: string): boolean => {
    try {
      return catalog.holdOf(server, tool) !== undefined;
    } catch (error) {
      logger.error({ err: error, server, tool }, 'catalog: cannot read a tool\'s hold; hiding it');
      return true;
    }
  };
  const decider: PolicyDecider = {
    decide(facts) {
      if (policy.isHidden(facts.tool)) return policy.decide(facts);
      const hold = catalog.holdOf(server, facts.tool);
      if (hold) return { kind: 'hidden', rule: hold.rule, reason: hold.reason } satisfies Decision;
      const toolClass = catalog.classOf(server, facts.tool);
      if (toolClass === undefined) {
        // Not catalogued yet (the server just added it?): listed soon. Until then a policy that
        // governs by class or holds new tools cannot judge it, and refuses it (fail closed).
        refresher.schedule(server, 'unknown_tool');
        const unjudgeable = needsCatalog(policy.policy, facts.tool);
        if (unjudgeable) return { kind: 'deny', rule: 'catalog.unknown', reason: `tool "${facts.tool}" is not in the catalog yet, so ${unjudgeable}; try again in a few seconds` };
        return policy.decide(facts);
      }
      return policy.decide({ ...facts, toolClass });
    },
    isHidden: (tool) => policy.isHidden(tool) || held(tool),
  };
  return {
    decider,
    observeListing(params, result) {
      const tools = result['tools'];
      if (!Array.isArray(tools)) return;
      // Only a whole listing is recorded (a page could make the rest look removed or new); a
      // paginated one asks for a listing of our own instead.
      const whole = params?.['cursor'] === undefined && result['nextCursor'] === undefined;
      if (!whole) return refresher.schedule(server, 'retry');
      try {
        catalog.observe(server, tools);
      } catch (error) {
        logger.error({ err: error, server }, 'catalog: cannot record a listing');
      }
    },
    toolsChanged: () => refresher.schedule(server, 'list_changed'),
  };
}

/** Why a tool the catalog has not seen cannot be judged by this policy, or undefined when it can. */
function needsCatalog(current: Policy, tool: string): string | undefined {
  if (current.onNew === 'block') return 'whether it is new (on_new: block) is unknown';
  const ownEntry = Object.hasOwn(current.tools, tool);
  if (!ownEntry && current.classes !== undefined && Object.keys(current.classes).length > 0) return 'its class (for the policy\'s classes) is unknown';
  return undefined;
}
