/**
 * A dependency behind a port (Redis, Kafka, a database) cannot be reached right now. Adapters throw subclasses of
 * it for outages — not for bugs or refused requests — so the edge can answer "try again later" (HTTP 503 with
 * Retry-After, gRPC UNAVAILABLE) without knowing which adapter is behind the port.
 */
export class UnavailableError extends Error {
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}

/**
 * A message the bus will never carry: it is larger than the bus's message limit. Not an outage — retrying or parking
 * it would only block what comes after it — so callers handle it as a permanent failure of that message.
 */
export class MessageTooLargeError extends Error {
  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(`a ${topic} message of ${bytes} bytes is larger than the event bus carries (${limitBytes} bytes)`);
    this.name = 'MessageTooLargeError';
  }
}
