// The per-request `_meta` envelope of 2026-07-28 (stateless, "modern") clients: which requests claim
// it, whether it is complete, and the copy of a request that goes to a legacy upstream without it.
import type { JsonRpcRequest } from './jsonrpc.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayErrorCode } from './wire-errors.js';
import { isObject } from '../lib/is-object.js';

export const MODERN_VERSION = '2026-07-28';
/** Modern revisions toolgate serves (each request names one). */
const MODERN_VERSIONS: readonly string[] = [MODERN_VERSION];
/** What `server/discover` and `-32022` name, newest first: the modern revision, then the legacy
 *  ones `initialize` negotiates (the SDK's list, as shared-routing.ts uses it). */
export const SUPPORTED_VERSIONS: readonly string[] = [...MODERN_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS];

export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/** The envelope keys a legacy server has no use for; `progressToken` and trace keys stay. */
const ENVELOPE_ONLY_KEYS: readonly string[] = [META.protocolVersion, META.clientInfo, META.clientCapabilities, META.logLevel];

export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ModernEnvelope {
  version: string;
  clientCapabilities: Record<string, unknown>;
  logLevel?: LogLevel;
  progressToken?: string | number;
}

export type EnvelopeCheck =
  | { kind: 'valid'; envelope: ModernEnvelope }
  | { kind: 'invalid'; code: GatewayErrorCode; message: string; data?: unknown };

const DATE_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** A version string of the stateless era (a revision dated 2026-07-28 or later). */
export function isModernVersion(version: string | undefined): boolean {
  return version !== undefined && DATE_VERSION.test(version) && version >= MODERN_VERSION;
}

/** The request's `params._meta`, when it is an object. */
export function metaOf(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const meta = params?.['_meta'];
  return isObject(meta) ? meta : undefined;
}

/** Whether a message claims the modern envelope: its `_meta` names a protocol version key. */
export function claimsModernEnvelope(params: Record<string, unknown> | undefined): boolean {
  const meta = metaOf(params);
  return meta !== undefined && Object.prototype.hasOwnProperty.call(meta, META.protocolVersion);
}

/**
 * Checks a modern request's envelope: its shape first (-32602), then whether toolgate speaks the
 * version it names (-32022, with the versions it does). Over HTTP the mirrored headers are checked
 * between the two, as the SDK's servers do: a header that disagrees is -32020 whatever it names.
 */
export function checkEnvelope(params: Record<string, unknown> | undefined): EnvelopeCheck {
  const meta = metaOf(params);
  const version = meta?.[META.protocolVersion];
  if (version === undefined) return invalidEnvelope(`params._meta["${META.protocolVersion}"] is required on every 2026-07-28 request`);
  if (typeof version !== 'string') return invalidEnvelope(`params._meta["${META.protocolVersion}"] must be a string`);
  const capabilities = meta![META.clientCapabilities];
  if (capabilities === undefined) return invalidEnvelope(`params._meta["${META.clientCapabilities}"] is required on every 2026-07-28 request ({} declares none)`);
  if (!isObject(capabilities)) return invalidEnvelope(`params._meta["${META.clientCapabilities}"] must be an object`);
  const clientInfo = meta![META.clientInfo];
  if (clientInfo !== undefined && !(isObject(clientInfo) && typeof clientInfo['name'] === 'string' && typeof clientInfo['version'] === 'string')) {
    return invalidEnvelope(`params._meta["${META.clientInfo}"] must be an object with a string "name" and "version"`);
  }
  const logLevel = meta![META.logLevel];
  if (logLevel !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(logLevel)) {
    return invalidEnvelope(`params._meta["${META.logLevel}"] must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (!MODERN_VERSIONS.includes(version)) {
    return {
      kind: 'invalid',
      code: 'UNSUPPORTED_VERSION',
      message: `Unsupported protocol version: ${JSON.stringify(version)}; without a session this endpoint serves ${MODERN_VERSIONS.join(', ')} (legacy revisions open with initialize)`,
      data: { supported: [...SUPPORTED_VERSIONS], requested: version },
    };
  }
  const progressToken = meta!['progressToken'];
  return {
    kind: 'valid',
    envelope: {
      version,
      clientCapabilities: capabilities,
      ...(logLevel !== undefined ? { logLevel: logLevel as LogLevel } : {}),
      ...(typeof progressToken === 'string' || typeof progressToken === 'number' ? { progressToken } : {}),
    },
  };
}

/** The request as a legacy server expects it: the envelope keys removed (an emptied `_meta` too). */
export function withoutEnvelope(request: JsonRpcRequest): JsonRpcRequest {
  const meta = metaOf(request.params);
  if (!meta) return request;
  const kept = Object.fromEntries(Object.entries(meta).filter(([key]) => !ENVELOPE_ONLY_KEYS.includes(key)));
  const { _meta: _dropped, ...rest } = request.params!;
  const params = Object.keys(kept).length > 0 ? { ...rest, _meta: kept } : rest;
  return { ...request, params };
}

/** Whether a `notifications/message` at `level` passes the request's `logLevel` (none: nothing passes). */
export function logLevelAdmits(wanted: LogLevel | undefined, level: unknown): boolean {
  if (wanted === undefined) return false;
  const rank = LOG_LEVELS.indexOf(level as LogLevel);
  return rank >= 0 && rank >= LOG_LEVELS.indexOf(wanted);
}

function invalidEnvelope(message: string): EnvelopeCheck {
  return { kind: 'invalid', code: 'INVALID_ENVELOPE', message: `Invalid params: ${message}` };
}

