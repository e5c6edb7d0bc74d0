import type {
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
} from '@grpc/grpc-js';
import { isUnexpectedError, toGrpcError } from './grpc-error.mapper';

/** What unary and streaming server calls have in common. */
type ServerCall = ServerUnaryCall<unknown, unknown>;

/** Where handlers report errors that reach clients as INTERNAL (bugs), with the method they came from. */
export type UnexpectedErrorSink = (error: unknown, method: string) => void;

let reportUnexpected: UnexpectedErrorSink = (error, method) => {
  process.stderr.write(`grpc ${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
};

/** Routes bugs caught by `unary`/`serverStream` handlers to the app's logger (GrpcServerHost sets it). */
export function setUnexpectedErrorSink(sink: UnexpectedErrorSink): void {
  reportUnexpected = sink;
}

/**
 * Milliseconds left before the call's deadline (Infinity when the client set none; 0 when it has passed). Handlers
 * that wait (a task to finish, a lock) bound the wait by it: past the deadline the client has gone and the answer
 * is wasted.
 */
export function remainingMs(call: Pick<ServerCall, 'getDeadline'>): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return Infinity;
  return Math.max(0, at - Date.now());
}

/**
 * An AbortSignal that fires when the client cancels the call or its deadline passes (grpc-js reports both as
 * `cancelled`), for handlers to pass to whatever they await.
 */
export function abortSignalOf(call: { cancelled: boolean; once(event: 'cancelled', listener: () => void): unknown }): AbortSignal {
  const controller = new AbortController();
  if (call.cancelled) controller.abort();
  else call.once('cancelled', () => controller.abort());
  return controller.signal;
}

/**
 * A grpc-js unary handler from an async function: the resolved value is the response; a throw (typed domain errors
 * above all) becomes the mapped status with its details.
 */
export function unary<Req, Res>(handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    invoke(() => handle(call.request, call)).then(
      (response) => callback(null, response),
      (error: unknown) => {
        if (isUnexpectedError(error)) reportUnexpected(error, call.getPath());
        callback(toGrpcError(error));
      },
    );
  };
}

/**
 * A grpc-js server-streaming handler from an async function that writes to the call; the stream ends when the
 * function resolves, or fails with the mapped status when it throws.
 */
export function serverStream<Req, Res>(
  handle: (request: Req, call: ServerWritableStream<Req, Res>) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    invoke(() => handle(call.request, call)).then(
      () => {
        if (!call.cancelled) call.end();
      },
      (error: unknown) => {
        if (isUnexpectedError(error)) reportUnexpected(error, call.getPath());
        if (!call.cancelled) call.emit('error', toGrpcError(error));
      },
    );
  };
}

/**
 * A grpc-js client-streaming handler from an async function that reads the request messages (`for await` over the
 * call, which reads no faster than the function consumes: the stream's backpressure reaches the client) and resolves
 * with the one response; a throw becomes the mapped status. A call cancelled by its client ends the iteration with
 * an error, so the function's cleanup runs.
 */
export function clientStream<Req, Res>(
  handle: (messages: AsyncIterable<Req>, call: ServerReadableStream<Req, Res>) => Promise<Res>,
): handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    // A cancelled call stops the iteration (for await over a destroyed stream rejects) instead of waiting forever.
    call.once('cancelled', () => call.destroy(new Error('call cancelled by the client')));
    invoke(() => handle(call as AsyncIterable<Req>, call)).then(
      (response) => callback(null, response),
      (error: unknown) => {
        if (isUnexpectedError(error) && !call.cancelled) reportUnexpected(error, call.getPath());
        callback(toGrpcError(error));
      },
    );
  };
}

/** Runs a handler so that a synchronous throw rejects like an async one. */
function invoke<T>(handle: () => Promise<T>): Promise<T> {
  try {
    return handle();
  } catch (error) {
    return Promise.reject(error);
  }
}
