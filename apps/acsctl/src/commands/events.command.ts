import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { isServiceError } from '@acs/platform';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { formatDuration, parseTimeOrAgo } from '../cli/duration';
import { eventLine } from '../output/resource-views';

/** How a watch ended that is worth opening again: the server went (a pod stopping, a connection renewed) or hung up. */
const RECONNECT_CODES = new Set<number>([status.UNAVAILABLE, status.INTERNAL, status.UNKNOWN]);
const FIRST_RECONNECT_DELAY_MS = 500;
const MAX_RECONNECT_DELAY_MS = 10_000;
/**
 * A reopened watch asks for the events from this long before the last one printed: events of other devices can
 * reach a server a little out of time order (partitions, publishers' clocks). What comes twice is not printed twice.
 */
const RESUME_MARGIN_MS = 5_000;
/** Ids of events printed, remembered to drop the repeats of a resumed watch. */
const REMEMBERED_IDS = 50_000;

/** The ids of the last `max` events seen, to skip repeats. */
class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly max: number) {}

  /** False when the id was seen already; otherwise remembers it. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

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
      '--since 5m (or an ISO time) starts with the events the server still holds from then (by default it holds 10 minutes).',
      'When the server ends the watch (a pod stopping, its connection renewed), tail says so on stderr and opens it again (0.5 s, doubling to 10 s), asking for the events since the last one printed, so none is missed or printed twice while the server still holds them; when it does not, tail says events may be missing and goes on live. --no-reconnect stops instead.',
    ],
    options: {
      type: { type: 'string', multiple: true, valueName: 'T,...', description: 'only these event types or type prefixes' },
      device: { type: 'string', multiple: true, valueName: 'ID,...', description: 'only these devices\' events' },
      count: { type: 'string', valueName: 'N', description: 'stop after N events' },
      since: { type: 'string', valueName: '5m|TIME', description: 'start with the held events from then (a duration back from now, or an ISO time)' },
      'no-reconnect': { type: 'boolean', description: 'stop when the server ends the watch instead of opening it again' },
    },
    async run({ options, out, connection, io }) {
      const filter = { types: options.list('type'), deviceIds: options.list('device') };
      const count = options.integer('count', 1);
      const timeoutMs = options.durationMs('timeout');
      const reconnect = !options.flag('no-reconnect');
      const sinceText = options.string('since');
      let since = sinceText === undefined ? undefined : parseTimeOrAgo(sinceText, '--since', Date.now());
      const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
      const c = connection();
      const printed = new RecentIds(REMEMBERED_IDS);
      let received = 0;
      let delayMs = FIRST_RECONNECT_DELAY_MS;
      let announced = false;
      for (;;) {
        let ended = 'the server ended the stream';
        try {
          const remaining = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
          const request: acsV1.WatchEventsRequest = { ...filter, ...(since ? { since } : {}) };
          // Said once, on stderr: whoever started tail in the background knows when events from now on will be shown.
          const announce = received === 0 && delayMs === FIRST_RECONNECT_DELAY_MS && !announced ? () => {
            announced = true;
            out.note(`events tail: watching${since ? ` from ${since.toISOString()}` : ''}; Ctrl-C stops`);
          } : undefined;
          for await (const message of c.stream<acsV1.WatchEventsResponse>((md, o) => c.events.watchEvents(request, md, o), remaining, announce)) {
            // A watch that delivers is healthy again: the next break starts the back-off afresh.
            delayMs = FIRST_RECONNECT_DELAY_MS;
            const { event } = message;
            if (!event || !printed.add(event.id)) continue;
            if (event.time) since = new Date(event.time.getTime() - RESUME_MARGIN_MS);
            if (out.json) out.ndjson(acsV1.WatchEventsResponse.toJSON(message));
            else out.line(eventLine(event));
            received++;
            if (count !== undefined && received >= count) return EXIT_OK;
          }
        } catch (error) {
          // The end the operator asked for (Ctrl-C, --timeout) is not a failure.
          const expected = isServiceError(error) && ((error.code === status.CANCELLED && io.signal?.aborted) || (error.code === status.DEADLINE_EXCEEDED && timeoutMs !== undefined));
          if (expected) return EXIT_OK;
          if (reconnect && since && isServiceError(error) && error.code === status.OUT_OF_RANGE && received > 0) {
            // The server no longer holds everything since the last event printed (a new pod, or a long break).
            out.note(`events tail: ${error.details}; going on with live events — some may be missing`);
            since = undefined;
            continue;
          }
          if (!reconnect || !isServiceError(error) || !RECONNECT_CODES.has(error.code)) throw error;
          ended = `${status[error.code]}: ${error.details}`;
        }
        if (!reconnect || io.signal?.aborted || (deadline !== undefined && Date.now() >= deadline)) return EXIT_OK;
        const resume = since ? `asking for the events since ${since.toISOString()}` : 'events published meanwhile are not shown';
        out.note(`events tail: ${ended}; opening it again in ${formatDuration(delayMs)} (${resume})`);
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
