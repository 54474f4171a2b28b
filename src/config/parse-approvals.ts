// The `approvals:` and `admin:` sections of the gateway config: how long calls are held, the
// webhook told of new approvals, and the admin API (always behind a token).
import { parseListen, type AdminConfig, type ApprovalsConfig, type ListenAddress } from './gateway-config.js';
import { isObject } from '../lib/is-object.js';
import { LONGEST_TIMER_MS } from './duration-setting.js';

export interface SectionIssue {
  path: string;
  message: string;
}

export const DEFAULT_HOLD_SECONDS = 30;
export const DEFAULT_ADMIN_LISTEN: ListenAddress = { host: '127.0.0.1', port: 8421 };
export const MIN_ADMIN_TOKEN_LENGTH = 16;
const APPROVAL_KEYS = new Set(['holdSeconds', 'webhook', 'webhookSecret']);
const ADMIN_KEYS = new Set(['listen', 'token']);

export function parseApprovals(raw: unknown, issues: SectionIssue[]): ApprovalsConfig {
  const fallback = { holdSeconds: DEFAULT_HOLD_SECONDS };
  if (raw === undefined) return fallback;
  if (!isObject(raw)) {
    issues.push({ path: 'approvals', message: 'must be a mapping' });
    return fallback;
  }
  for (const key of Object.keys(raw)) if (!APPROVAL_KEYS.has(key)) issues.push({ path: `approvals.${key}`, message: 'unknown setting' });
  const hold = raw['holdSeconds'] ?? DEFAULT_HOLD_SECONDS;
  const holdOk = typeof hold === 'number' && Number.isFinite(hold) && hold >= 0 && hold * 1000 <= LONGEST_TIMER_MS;
  if (!holdOk) {
    const tooLong = typeof hold === 'number' && hold * 1000 > LONGEST_TIMER_MS;
    issues.push({ path: 'approvals.holdSeconds', message: tooLong ? 'must be at most 2073600 (24 days, the longest timer Node keeps)' : 'must be a non-negative number of seconds' });
  }
  const webhook = raw['webhook'];
  if (webhook !== undefined && (typeof webhook !== 'string' || !/^https?:\/\//.test(webhook) || !URL.canParse(webhook))) {
    issues.push({ path: 'approvals.webhook', message: 'must be an http:// or https:// URL' });
  }
  const secret = raw['webhookSecret'];
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < MIN_ADMIN_TOKEN_LENGTH)) {
    issues.push({ path: 'approvals.webhookSecret', message: `must be a string of at least ${MIN_ADMIN_TOKEN_LENGTH} characters` });
  }
  if (secret !== undefined && webhook === undefined) issues.push({ path: 'approvals.webhookSecret', message: 'needs approvals.webhook' });
  return {
    holdSeconds: holdOk ? hold : DEFAULT_HOLD_SECONDS,
    ...(typeof webhook === 'string' ? { webhook } : {}),
    ...(typeof secret === 'string' ? { webhookSecret: secret } : {}),
  };
}

export function parseAdmin(raw: unknown, issues: SectionIssue[]): AdminConfig | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    issues.push({ path: 'admin', message: 'must be a mapping with "token" (and optionally "listen")' });
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!ADMIN_KEYS.has(key)) issues.push({ path: `admin.${key}`, message: 'unknown setting' });
  let listen = DEFAULT_ADMIN_LISTEN;
  if (raw['listen'] !== undefined) {
    const parsed = typeof raw['listen'] === 'string' ? parseListen(raw['listen']) : undefined;
    if (parsed) listen = parsed;
    else issues.push({ path: 'admin.listen', message: 'must be "host:port", e.g. "127.0.0.1:8421" (port 0 picks a free port)' });
  }
  const token = raw['token'];
  if (typeof token !== 'string' || token.length < MIN_ADMIN_TOKEN_LENGTH) {
    issues.push({
      path: 'admin.token',
      message: `must be a secret of at least ${MIN_ADMIN_TOKEN_LENGTH} characters, e.g. token: "\${TOOLGATE_ADMIN_TOKEN}" (the admin API is never served without one)`,
    });
    return undefined;
  }
  return { listen, token };
}

