// Holds the live policy of one server; a reload swaps it atomically while calls keep running.
import type { CallFacts, Decision, Policy } from '../policy/types.js';

export interface PolicyDecider {
  decide(facts: CallFacts): Decision;
  isHidden(tool: string): boolean;
}

export interface PolicyHolder extends PolicyDecider {
  readonly policy: Policy;
  replace(policy: Policy): void;
}

export function createPolicyHolder(server: string, policy: Policy, compile: (policy: Policy, server: string) => PolicyDecider): PolicyHolder {
  let current = policy;
  let engine = compile(policy, server);
  return {
    get policy() {
      return current;
    },
    decide: (facts) => engine.decide(facts),
    isHidden: (tool) => engine.isHidden(tool),
    replace: (next) => {
      engine = compile(next, server);
      current = next;
    },
  };
}
