import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { formatDuration } from '../cli/duration';
import { isServiceError } from '../output/grpc-error.format';
import { eventLine } from '../output/resource-views';

/** How a watch ended that is worth opening again: the server went (a pod stopping, a connection renewed) or hung up. */
const RECONNECT_CODES = new Set<number>([status.UNAVAILABLE, status.INTERNAL, status.UNKNOWN]);
const FIRST_RECONNECT_DELAY_MS = 500;
const MAX_RECONNECT_DELAY_MS = 10_000;

export const EVENT_COMMANDS: CommandSpec[] = [
  {
    group: 'events',
    action: 'tail',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'prints events as they are published, until Ctrl-C, --count N events or --timeout',
    details: [
      'Types are exact (acs.task.done) or prefixes ending with "." (acs.device.). With --output json, one event per line (NDJSON).',
      'When the server ends the watch (a pod stopping, its connection renewed), tail says so on stderr and opens it again, waiting 0.5 s doubling to 10 s; events published in between are not shown (read Kafka for a gapless record). --no-reconnect stops instead.',
    ],
    options: {
      type: { type: 'string', multiple: true, valueName: 'T,...', description: 'only these event types or type prefixes' },
      device: { type: 'string', multiple: true, valueName: 'ID,...', description: 'only these devices\' events' },
      count: { type: 'string', valueName: 'N', description: 'stop after N events' },
      'no-reconnect': { type: 'boolean', description: 'stop when the server ends the watch instead of opening it again' },
    },
    async run({ options, out, connection, io }) {
      const request: acsV1.WatchEventsRequest = { types: options.list('type'), deviceIds: options.list('device') };
      const count = options.integer('count', 1);
      const timeoutMs = options.durationMs('timeout');
      const reconnect = !options.flag('no-reconnect');
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      const c = connection();
      let received = 0;
      let delayMs = FIRST_RECONNECT_DELAY_MS;
      for (;;) {
        let ended = 'the server ended the stream';
        try {
          const remaining = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
          for await (const message of c.stream<acsV1.WatchEventsResponse>((md, o) => c.events.watchEvents(request, md, o), remaining)) {
            // A watch that delivers is healthy again: the next break starts the back-off afresh.
            delayMs = FIRST_RECONNECT_DELAY_MS;
            if (!message.event) continue;
            if (out.json) out.ndjson(acsV1.WatchEventsResponse.toJSON(message));
            else out.line(eventLine(message.event));
            received++;
            if (count !== undefined && received >= count) return EXIT_OK;
          }
        } catch (error) {
          // The end the operator asked for (Ctrl-C, --timeout) is not a failure.
          const expected = isServiceError(error) && ((error.code === status.CANCELLED && io.signal?.aborted) || (error.code === status.DEADLINE_EXCEEDED && timeoutMs !== undefined));
          if (expected) return EXIT_OK;
          if (!reconnect || !isServiceError(error) || !RECONNECT_CODES.has(error.code)) throw error;
          ended = `${status[error.code]}: ${error.details}`;
        }
        if (!reconnect || io.signal?.aborted || (deadline !== undefined && Date.now() >= deadline)) return EXIT_OK;
        out.note(`events tail: ${ended}; opening it again in ${formatDuration(delayMs)} (events published meanwhile are not shown)`);
        await sleep(delayMs, io.signal);
        delayMs = Math.min(delayMs * 2, MAX_RECONNECT_DELAY_MS);
        if (io.signal?.aborted) return EXIT_OK;
      }
    },
  },
];

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
