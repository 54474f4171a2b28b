// The tool results the gateway writes itself: denials the agent can read and reason about.

export interface DenialMeta {
  decision: 'deny' | 'rate_limited' | 'approval';
  rule: string;
  retryAfterMs?: number;
  approvalId?: string;
}

export function policyDeniedResult(reason: string, meta: DenialMeta): Record<string, unknown> {
  return gatewayResult(`[POLICY DENIED] ${reason}`, meta);
}

export function approvalDeniedResult(reason: string, meta: DenialMeta): Record<string, unknown> {
  return gatewayResult(`[APPROVAL DENIED] ${reason}`, meta);
}

function gatewayResult(text: string, meta: DenialMeta): Record<string, unknown> {
  return {
    content: [{ type: 'text', text }],
    isError: true,
    _meta: { toolgate: meta },
  };
}
