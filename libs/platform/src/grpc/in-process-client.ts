import { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { Metadata, status, type ServiceDefinition, type ServiceError, type UntypedServiceImplementation } from '@grpc/grpc-js';

type Callback = (error: ServiceError | null, response?: unknown) => void;
interface CallOptions {
  deadline?: Date | number;
}
interface StatusLike {
  code?: number;
  details?: string;
  metadata?: Metadata;
}

/**
 * A client of a service served in this same process, with the surface of the generated grpc-js client (the methods
 * our code calls: unary with metadata, options and a callback; server streams returning a readable with `cancel()`;
 * client streams returning a writable with `cancel()` and answering through the callback), calling the service's
 * handlers directly. The architecture's rule for the standalone: internal calls are direct
 * in-process calls behind the same interface as between pods.
 *
 * What a real channel does and this keeps: requests and responses go through the definition's serializers (no object
 * is shared between caller and handler, and a message that cannot be encoded fails as it would on the wire); a
 * deadline cancels the call and fails it with DEADLINE_EXCEEDED; `cancel()` cancels a stream; errors reach the
 * caller as ServiceErrors with code, details and metadata; stream messages arrive asynchronously and in order.
 * What it leaves out: the network, HTTP/2, message size limits and server interceptors.
 */
export function inProcessClient<C>(definition: ServiceDefinition, implementation: UntypedServiceImplementation): C {
  const client: Record<string, unknown> = { close: () => undefined };
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name] as ((call: unknown, callback?: (error: StatusLike | null, value?: unknown) => void) => void) | undefined;
    if (!handler) throw new Error(`in-process client: ${method.path} has no handler`);
    const copyRequest = (request: unknown) => method.requestDeserialize(method.requestSerialize(request));
    const copyResponse = (response: unknown) => method.responseDeserialize(method.responseSerialize(response));
    if (method.requestStream) {
      if (method.responseStream) {
        client[name] = () => {
          throw new Error(`in-process client: ${method.path} streams both ways, which no service of ours does`);
        };
        continue;
      }
      client[name] = (...rest: unknown[]) => clientStreamCall(method.path, handler, rest, copyRequest, copyResponse);
      continue;
    }
    if (!method.responseStream) {
      client[name] = (request: unknown, ...rest: unknown[]) => {
        const callback = rest.find((r): r is Callback => typeof r === 'function');
        if (!callback) throw new Error(`in-process client: ${method.path} needs a callback`);
        const { metadata, options } = metadataAndOptions(rest);
        const call = new ServerSideCall(method.path, copyRequest(request), metadata, options.deadline);
        let settled = false;
        const settle = (error: ServiceError | null, response?: unknown) => {
          if (settled) return;
          settled = true;
          call.deadline.stop();
          callback(error, response);
        };
        call.deadline.onExpiry(() => settle(deadlineExceeded()));
        answerThrough(handler, call, copyResponse, settle);
        return { cancel: () => call.cancel() };
      };
      continue;
    }
    client[name] = (request: unknown, ...rest: unknown[]) => {
      const { metadata, options } = metadataAndOptions(rest);
      const stream = new ClientSideStream();
      const call = new ServerSideCall(method.path, copyRequest(request), metadata, options.deadline);
      let ended = false;
      // Everything the handler does reaches the caller in order, each in its own turn of the event loop.
      const deliver = (emit: () => void) => setImmediate(emit);
      const finish = (emit: () => void) => {
        if (ended) return;
        ended = true;
        call.deadline.stop();
        deliver(emit);
      };
      call.writeHandler = (message) => {
        if (ended) return;
        const copy = copyResponse(message);
        deliver(() => stream.emit('data', copy));
      };
      call.endHandler = () => finish(() => stream.emit('end'));
      call.on('error', (error: StatusLike) => finish(() => stream.emit('error', serviceError(error))));
      call.deadline.onExpiry(() => finish(() => stream.emit('error', deadlineExceeded())));
      stream.cancelHandler = () => {
        call.cancel();
        finish(() => stream.emit('error', serviceError({ code: status.CANCELLED, details: 'Cancelled on client' })));
      };
      setImmediate(() => {
        try {
          handler(call);
        } catch (thrown) {
          finish(() => stream.emit('error', serviceError({ code: status.UNKNOWN, details: String(thrown) })));
        }
      });
      return stream;
    };
  }
  return client as C;
}

/**
 * A client-streaming call in process: the caller writes to a Writable (the generated client's ClientWritableStream
 * surface: write, end, cancel), the handler reads a Readable; a write completes only when the handler has room for
 * the message, so a slow handler slows the writer as a real channel's flow control would.
 */
function clientStreamCall(
  path: string,
  handler: (call: unknown, callback?: (error: StatusLike | null, value?: unknown) => void) => void,
  rest: unknown[],
  copyRequest: (request: unknown) => unknown,
  copyResponse: (response: unknown) => unknown,
): Writable & { cancel(): void } {
  const callback = rest.find((r): r is Callback => typeof r === 'function');
  if (!callback) throw new Error(`in-process client: ${path} needs a callback`);
  const { metadata, options } = metadataAndOptions(rest);
  const call = new ServerSideReadableCall(path, metadata, options.deadline);
  let settled = false;
  const settle = (error: ServiceError | null, response?: unknown) => {
    if (settled) return;
    settled = true;
    call.deadline.stop();
    // A write waiting for the handler to read completes now (and later ones at once): the call is over.
    call.releaseWriter();
    setImmediate(() => callback(error, response));
  };
  const writer = Object.assign(
    new Writable({
      objectMode: true,
      highWaterMark: 1,
      write: (message: unknown, _encoding, done) => {
        if (settled || call.cancelled) {
          done();
          return;
        }
        let copy: unknown;
        try {
          copy = copyRequest(message);
        } catch (encodeError) {
          done(encodeError as Error);
          return;
        }
        call.deliver(copy, () => done());
      },
      final: (done) => {
        call.push(null);
        done();
      },
    }),
    {
      cancel: () => {
        call.cancel();
        settle(serviceError({ code: status.CANCELLED, details: 'Cancelled on client' }));
      },
    },
  );
  call.deadline.onExpiry(() => settle(deadlineExceeded()));
  answerThrough(handler, call, copyResponse, settle);
  return writer;
}

/**
 * Runs the handler of a call answered once (unary, client stream) and settles the call with its answer, copied
 * through the serializers. Asynchronous like a real call: the caller's code after the call runs first.
 */
function answerThrough(
  handler: (call: unknown, callback?: (error: StatusLike | null, value?: unknown) => void) => void,
  call: unknown,
  copyResponse: (response: unknown) => unknown,
  settle: (error: ServiceError | null, response?: unknown) => void,
): void {
  setImmediate(() => {
    try {
      handler(call, (error, response) => {
        if (error) {
          settle(serviceError(error));
          return;
        }
        let copy: unknown;
        try {
          copy = copyResponse(response);
        } catch (encodeError) {
          settle(serviceError({ code: status.INTERNAL, details: `response not serializable: ${String(encodeError)}` }));
          return;
        }
        settle(null, copy);
      });
    } catch (thrown) {
      settle(serviceError({ code: status.UNKNOWN, details: String(thrown) }));
    }
  });
}

function metadataAndOptions(rest: unknown[]): { metadata: Metadata; options: CallOptions } {
  const metadata = rest.find((r): r is Metadata => r instanceof Metadata) ?? new Metadata();
  const options = (rest.find((r) => typeof r === 'object' && r !== null && !(r instanceof Metadata)) as CallOptions | undefined) ?? {};
  return { metadata, options };
}

function deadlineExceeded(): ServiceError {
  return serviceError({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' });
}

function serviceError(error: StatusLike): ServiceError {
  const code = error.code ?? status.UNKNOWN;
  const details = error.details ?? '';
  return Object.assign(new Error(`${code} ${status[code] ?? 'UNKNOWN'}: ${details}`), { code, details, metadata: error.metadata ?? new Metadata() });
}

/**
 * A call's deadline and cancellation, alike for every kind of call: a cancel (the caller's, or the deadline's) happens
 * once and tells the handler; the deadline passing cancels the call, then `expired` fails it for the caller.
 */
class CallDeadline {
  cancelled = false;
  /** Epoch milliseconds; Infinity for a call without a deadline. */
  readonly at: number;
  private timer?: NodeJS.Timeout;

  constructor(
    deadline: Date | number | undefined,
    private readonly onCancel: () => void,
  ) {
    this.at = deadline instanceof Date ? deadline.getTime() : (deadline ?? Infinity);
  }

  onExpiry(expired: () => void): void {
    if (!Number.isFinite(this.at)) return;
    this.timer = setTimeout(() => {
      this.cancel();
      expired();
    }, Math.max(0, this.at - Date.now()));
  }

  /** The call is over: its deadline no longer matters. */
  stop(): void {
    clearTimeout(this.timer);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stop();
    this.onCancel();
  }
}

// TypeScript's mixin pattern takes exactly this constructor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EmitterClass = abstract new (...args: any[]) => EventEmitter;

/**
 * What every in-process call shows its handler besides its messages (path, peer, deadline, cancellation), over the
 * call's base: an EventEmitter for unary and server-stream calls, a Readable of the requests for client streams.
 */
function inProcessCall<Base extends EmitterClass>(base: Base) {
  abstract class InProcessCall extends base {
    protected abstract readonly path: string;
    abstract readonly deadline: CallDeadline;

    get cancelled(): boolean {
      return this.deadline.cancelled;
    }

    cancel(): void {
      this.deadline.cancel();
    }

    getDeadline(): number {
      return this.deadline.at;
    }

    getPath(): string {
      return this.path;
    }

    getPeer(): string {
      return 'in-process';
    }

    getHost(): string {
      return 'in-process';
    }

    sendMetadata(): void {
      // Nothing travels: there are no response headers in process.
    }
  }
  return InProcessCall;
}

/** The server side of an in-process call: what handlers read (request, metadata, deadline, cancellation) and write. */
class ServerSideCall extends inProcessCall(EventEmitter) {
  writeHandler: (message: unknown) => void = () => undefined;
  endHandler: () => void = () => undefined;
  readonly deadline: CallDeadline;

  constructor(
    protected readonly path: string,
    readonly request: unknown,
    readonly metadata: Metadata,
    deadline: Date | number | undefined,
  ) {
    super();
    this.deadline = new CallDeadline(deadline, () => this.emit('cancelled', 'cancelled'));
  }

  write(message: unknown, callback?: () => void): boolean {
    if (!this.cancelled) this.writeHandler(message);
    callback?.();
    return true;
  }

  end(): void {
    this.endHandler();
  }
}

/** The server side of an in-process client stream: a Readable of the request messages, with the call's surface. */
class ServerSideReadableCall extends inProcessCall(Readable) {
  readonly deadline: CallDeadline;
  /** The writer's completion, held while the handler has not read what it was given. */
  private waiting?: () => void;

  constructor(
    protected readonly path: string,
    readonly metadata: Metadata,
    deadline: Date | number | undefined,
  ) {
    super({ objectMode: true, highWaterMark: 1 });
    this.deadline = new CallDeadline(deadline, () => {
      this.emit('cancelled', 'cancelled');
      this.releaseWriter();
    });
  }

  /** Hands a message to the handler; `written` runs once the handler has room for the next one. */
  deliver(message: unknown, written: () => void): void {
    if (this.push(message)) written();
    else this.waiting = written;
  }

  override _read(): void {
    this.releaseWriter();
  }

  releaseWriter(): void {
    const written = this.waiting;
    this.waiting = undefined;
    written?.();
  }
}

/** The caller's side of an in-process server stream: 'data', 'end', 'error' events and cancel(). */
class ClientSideStream extends EventEmitter {
  cancelHandler: () => void = () => undefined;

  cancel(): void {
    this.cancelHandler();
  }
}
