// The admin HTTP API (fastify): list, show, approve and deny approvals. Every request needs the
// admin token; decisions go through the approval queue, so a held call wakes at once.
import type { AddressInfo } from 'node:net';
import { fastify, type FastifyInstance, type FastifyReply } from 'fastify';
import type { ApprovalQueue } from '../approvals/approval-queue.js';
import { APPROVAL_STATUSES, type ApprovalStatus, type ApprovalVerdict } from '../approvals/approval-store.js';
import { describeUndecided } from '../approvals/decide-approval.js';
import type { ListenAddress } from '../config/gateway-config.js';
import type { Logger } from '../lib/logger.js';
import { createTokenCheck } from './admin-auth.js';

export interface AdminServerOptions {
  token: string;
  approvals: Pick<ApprovalQueue, 'store' | 'decide'>;
  logger: Logger;
}

export interface RunningAdminServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Every error the admin API answers with: `{"error": CODE, "message"}` (listed in docs/errors.md). */
export const ADMIN_ERRORS = {
  UNAUTHORIZED: 401,
  INVALID_REQUEST: 400,
  NOT_FOUND: 404,
  ALREADY_DECIDED: 409,
  INTERNAL: 500,
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

const BODY_LIMIT = 64 * 1024;
const NAME = /^[\p{L}\p{N}_.@:+ -]{1,64}$/u;
const MAX_REASON = 2_000;

export async function startAdminServer(options: AdminServerOptions, listen: ListenAddress): Promise<RunningAdminServer> {
  const app = buildAdminApp(options);
  await app.listen({ host: listen.host, port: listen.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, port: address.port, close: () => app.close() };
}

export function buildAdminApp(options: AdminServerOptions): FastifyInstance {
  const { approvals, logger } = options;
  const authorized = createTokenCheck(options.token);
  const app = fastify({ logger: false, bodyLimit: BODY_LIMIT });

  // An approve with no body at all is fine; a body that is not JSON is not.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, {});
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!authorized(request.headers.authorization)) {
      return sendError(reply.header('WWW-Authenticate', 'Bearer'), 'UNAUTHORIZED', 'send Authorization: Bearer <admin token>');
    }
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    // Fastify's own 4xx (a body that is not JSON, or too large) are the client's mistake.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return sendError(reply.code(error.statusCode), 'INVALID_REQUEST', error.message, false);
    logger.error({ err: error }, 'admin API request failed');
    return sendError(reply, 'INTERNAL', 'internal error; see the gateway log');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND', 'no such endpoint'));

  app.get('/api/approvals', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const status = query['status'];
    if (status !== undefined && !APPROVAL_STATUSES.includes(status as ApprovalStatus)) {
      return invalid(reply, `status must be one of ${APPROVAL_STATUSES.join(', ')}`);
    }
    const limit = query['limit'] === undefined ? undefined : Number(query['limit']);
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) return invalid(reply, 'limit must be a whole number, 1 or more');
    const list = await approvals.store.list({ ...(status ? { status: status as ApprovalStatus } : {}), ...(limit ? { limit } : {}) });
    return { approvals: list };
  });

  app.get('/api/approvals/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const approval = await approvals.store.get(id);
    if (!approval) return sendError(reply, 'NOT_FOUND', `no approval with id "${id}"`);
    return { approval };
  });

  for (const [action, verdict] of [['approve', 'approved'], ['deny', 'denied']] as const) {
    app.post(`/api/approvals/:id/${action}`, async (request, reply) => decide(request.params as { id: string }, request.body, verdict, reply));
  }

  async function decide(params: { id: string }, body: unknown, verdict: ApprovalVerdict, reply: FastifyReply): Promise<unknown> {
    const input = body === undefined || body === null ? {} : body;
    if (typeof input !== 'object' || Array.isArray(input)) return invalid(reply, 'the body must be a JSON object: {"reason"?: string, "by"?: string}');
    const { reason, by } = input as Record<string, unknown>;
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON)) return invalid(reply, `reason must be a string of at most ${MAX_REASON} characters`);
    if (by !== undefined && (typeof by !== 'string' || !NAME.test(by))) return invalid(reply, 'by must be a name of 1-64 letters, digits, spaces or "_.@:+-"');
    const decidedBy = typeof by === 'string' ? by : 'admin';
    const result = await approvals.decide(params.id, verdict, decidedBy, typeof reason === 'string' && reason !== '' ? reason : undefined);
    if (result.kind === 'decided') return { approval: result.approval };
    if (result.kind === 'not_found') return sendError(reply, 'NOT_FOUND', describeUndecided(params.id, result));
    return sendError(reply, 'ALREADY_DECIDED', describeUndecided(params.id, result), true, { approval: result.approval });
  }

  return app;
}

function invalid(reply: FastifyReply, message: string): FastifyReply {
  return sendError(reply, 'INVALID_REQUEST', message);
}

function sendError(reply: FastifyReply, code: AdminErrorCode, message: string, setStatus = true, extra: Record<string, unknown> = {}): FastifyReply {
  if (setStatus) reply.code(ADMIN_ERRORS[code]);
  return reply.send({ error: code, message, ...extra });
}
