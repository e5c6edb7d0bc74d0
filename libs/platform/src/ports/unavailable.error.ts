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
