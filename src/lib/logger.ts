// The process logger: JSON lines on stderr (stdout belongs to the MCP protocol in stdio mode).
import { destination, pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env['TOOLGATE_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ level, base: { app: 'toolgate' } }, destination(2));
}

export const silentLogger: Logger = pino({ level: 'silent' });
