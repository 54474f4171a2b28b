// The largest message the gateway accepts from an upstream server, over any transport: a stdio line,
// an HTTP JSON body, one SSE event. Past it the message is refused before it is held in memory whole.

/** The default bound, equal to the client side's (a request body, a stdio line). */
export const DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES = 4 * 1024 * 1024;

/** An upstream message that went past the bound; `where` says what carried it. */
export class UpstreamMessageTooLargeError extends Error {
  override readonly name = 'UpstreamMessageTooLargeError';

  constructor(
    readonly maxBytes: number,
    where: string,
  ) {
    super(`the upstream message exceeded ${maxBytes} bytes (${where})`);
  }
}
