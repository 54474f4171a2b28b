// Tells an outside service (chat bot, pager) of every new approval: a JSON POST signed with
// HMAC-SHA256 over its timestamp and raw body (so a captured delivery cannot be replayed later).
// A failing webhook is logged and never holds up or denies the call.
import { createHmac } from 'node:crypto';
import type { Logger } from '../lib/logger.js';
import type { Approval } from './approval-store.js';

export interface ApprovalWebhookOptions {
  url: string;
  /** Signs `<timestamp>.<body>` (`X-Toolgate-Signature: sha256=<hex>`, `X-Toolgate-Timestamp: <ms>`);
   *  without it the body is unsigned. */
  secret?: string;
  logger: Logger;
  timeoutMs?: number;
}

export interface ApprovalWebhook {
  /** Posts in the background. */
  notify(approval: Approval): void;
  /** Resolves when every post started so far has finished (for shutdown and tests). */
  idle(): Promise<void>;
}

export const SIGNATURE_HEADER = 'X-Toolgate-Signature';
export const TIMESTAMP_HEADER = 'X-Toolgate-Timestamp';

/** The signature a receiver recomputes: HMAC-SHA256 of `<timestamp>.<raw body>`. */
export function signDelivery(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createApprovalWebhook(options: ApprovalWebhookOptions): ApprovalWebhook {
  const { url, secret, logger } = options;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const inflight = new Set<Promise<void>>();

  async function post(approval: Approval): Promise<void> {
    const body = JSON.stringify({ event: 'approval.requested', approval });
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'toolgate' };
    if (secret) {
      const timestamp = String(Date.now());
      headers[TIMESTAMP_HEADER] = timestamp;
      headers[SIGNATURE_HEADER] = signDelivery(secret, timestamp, body);
    }
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) logger.warn({ approval: approval.id, status: response.status }, 'approval webhook answered with an error status');
    } catch (error) {
      logger.warn({ approval: approval.id, err: (error as Error).message }, 'approval webhook failed');
    }
  }

  return {
    notify(approval) {
      const sent = post(approval);
      inflight.add(sent);
      void sent.finally(() => inflight.delete(sent));
    },
    async idle() {
      await Promise.allSettled([...inflight]);
    },
  };
}
