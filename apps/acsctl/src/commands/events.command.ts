import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { isServiceError } from '../output/grpc-error.format';
import { eventLine } from '../output/resource-views';

export const EVENT_COMMANDS: CommandSpec[] = [
  {
    group: 'events',
    action: 'tail',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'prints events as they are published, until Ctrl-C, --count N events or --timeout',
    details: ['Types are exact (acs.task.done) or prefixes ending with "." (acs.device.). With --output json, one event per line (NDJSON).'],
    options: {
      type: { type: 'string', multiple: true, valueName: 'T,...', description: 'only these event types or type prefixes' },
      device: { type: 'string', multiple: true, valueName: 'ID,...', description: 'only these devices\' events' },
      count: { type: 'string', valueName: 'N', description: 'stop after N events' },
    },
    async run({ options, out, connection, io }) {
      const request: acsV1.WatchEventsRequest = { types: options.list('type'), deviceIds: options.list('device') };
      const count = options.integer('count', 1);
      const timeoutMs = options.durationMs('timeout');
      const c = connection();
      let received = 0;
      try {
        for await (const message of c.stream<acsV1.WatchEventsResponse>((md, o) => c.events.watchEvents(request, md, o), timeoutMs)) {
          if (!message.event) continue;
          if (out.json) out.ndjson(acsV1.WatchEventsResponse.toJSON(message));
          else out.line(eventLine(message.event));
          received++;
          if (count !== undefined && received >= count) break;
        }
      } catch (error) {
        // The end the operator asked for (Ctrl-C, --timeout) is not a failure.
        const expected = isServiceError(error) && ((error.code === status.CANCELLED && io.signal?.aborted) || (error.code === status.DEADLINE_EXCEEDED && timeoutMs !== undefined));
        if (!expected) throw error;
      }
      return EXIT_OK;
    },
  },
];
