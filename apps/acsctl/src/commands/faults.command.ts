import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { FAULT_COLUMNS } from '../output/resource-views';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

export const FAULT_COMMANDS: CommandSpec[] = [
  {
    group: 'faults',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'what keeps presets or tasks from being applied, per device and channel',
    options: {
      device: { type: 'string', valueName: 'ID', description: 'only this device\'s faults' },
      channel: { type: 'string', valueName: 'C', description: 'only this channel\'s faults' },
      ...PAGE_OPTIONS,
    },
    async run({ options, out, connection }) {
      const request = { deviceId: options.string('device') ?? '', channel: options.string('channel') ?? '' };
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListFaultsResponse>((md, o, cb) => c.faults.listFaults({ ...request, pageSize, pageToken }, md, o, cb));
        return { items: page.faults, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListFaultsResponse.toJSON({ faults: items, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, FAULT_COLUMNS);
      out.note(`${items.length} fault(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'faults',
    action: 'clear',
    argsUsage: 'DEVICE_ID CHANNEL',
    minArgs: 2,
    maxArgs: 2,
    summary: 'clears a fault so the preset or task behind it is tried again',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      await c.unary<acsV1.ClearFaultResponse>((md, o, cb) => c.faults.clearFault({ deviceId: args[0], channel: args[1] }, md, o, cb));
      if (out.json) out.document({ cleared: { deviceId: args[0], channel: args[1] } });
      else out.line(`cleared ${args[0]} ${args[1]}`);
      return EXIT_OK;
    },
  },
];
