// The audit contract: one event per decision, never raw argument values.

export type AuditDecision = 'allow' | 'deny' | 'rate_limited' | 'approval';

/** What became of a call after the decision. */
export type UpstreamStatus =
  | 'ok' /* the server answered with a result */
  | 'tool_error' /* the server answered with isError: true */
  | 'error' /* the server answered with a JSON-RPC error */
  | 'failed' /* the call could not be delivered or the connection broke */
  | 'not_sent'; /* the gateway answered itself */

export interface AuditEvent {
  time: number;
  server: string;
  grantId: string;
  sessionId?: string;
  tool: string;
  decision: AuditDecision;
  rule: string;
  reason?: string;
  argKeys: readonly string[];
  argHash: string;
  upstreamStatus: UpstreamStatus;
  latencyMs?: number;
  /** The approval this event belongs to: asked for, decided, or used by the call. */
  approvalId?: string;
  /** Who approved or denied (on the decision event, and on the call an approval let through). */
  decidedBy?: string;
}

export interface AuditFilter {
  server?: string;
  grantId?: string;
  tool?: string;
  decision?: AuditDecision;
  sinceMs?: number;
  limit?: number;
}

export interface AuditSink {
  /** Queues an event; never blocks the call. */
  record(event: AuditEvent): void;
  /** Writes every queued event. */
  flush(): Promise<void>;
  /** Flushes, then releases resources. */
  close(): Promise<void>;
}

export interface AuditReader {
  query(filter: AuditFilter): AuditEvent[];
}
