// Builds the approval queue a gateway (serve or wrap) runs with, from the config's `approvals:`
// section: the store (and, when shared, its decision feed), the audit sink, the optional webhook,
// and grant names for approvers.
import type { AuditSink } from '../audit/audit-sink.js';
import type { ApprovalsConfig } from '../config/gateway-config.js';
import type { GrantStore } from '../grants/grant-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createApprovalQueue, type ApprovalQueue } from '../approvals/approval-queue.js';
import type { ApprovalStore, DecisionFeed } from '../approvals/approval-store.js';
import { createApprovalWebhook, type ApprovalWebhook } from '../approvals/approval-webhook.js';

export interface ApprovalSetup {
  queue: ApprovalQueue;
  webhook?: ApprovalWebhook;
  /** Releases held calls ("pending") and waits for webhook posts in flight. */
  close(): Promise<void>;
}

export function setUpApprovals(
  config: ApprovalsConfig,
  deps: { store: ApprovalStore; audit: AuditSink; grants?: GrantStore; decisions?: DecisionFeed; clock: Clock; logger: Logger },
): ApprovalSetup {
  const { logger } = deps;
  let webhook: ApprovalWebhook | undefined;
  if (config.webhook) {
    if (!config.webhookSecret) logger.warn('approvals.webhook is set without approvals.webhookSecret: webhook bodies are not signed');
    webhook = createApprovalWebhook({ url: config.webhook, ...(config.webhookSecret ? { secret: config.webhookSecret } : {}), logger });
  }
  const grants = deps.grants;
  const queue = createApprovalQueue({
    store: deps.store,
    audit: deps.audit,
    clock: deps.clock,
    logger,
    holdMs: config.holdSeconds * 1000,
    ...(webhook ? { webhook } : {}),
    ...(deps.decisions ? { decisions: deps.decisions } : {}),
    ...(grants ? { grantName: async (id: string) => (await grants.list()).find((grant) => grant.id === id)?.name } : {}),
  });
  return {
    queue,
    ...(webhook ? { webhook } : {}),
    close: async () => {
      queue.close();
      await webhook?.idle();
    },
  };
}
