import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { deviceColumns, deviceFields, PARAMETER_COLUMNS } from '../output/resource-views';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

export const DEVICE_COMMANDS: CommandSpec[] = [
  {
    group: 'devices',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'devices matching a filter, with chosen parameters',
    details: ['Example: acsctl devices list --filter \'productClass = "HG8245"\' --projection Device.DeviceInfo.SoftwareVersion --sort last_inform_time:desc'],
    options: {
      filter: { type: 'string', valueName: 'EXPR', description: 'filter expression (docs/filter-language.md); default every device' },
      projection: { type: 'string', multiple: true, valueName: 'P,...', description: 'parameter paths or subtree prefixes to show' },
      sort: { type: 'string', multiple: true, valueName: 'FIELD[:desc],...', description: 'sort keys, most significant first (default id)' },
      ...PAGE_OPTIONS,
    },
    async run({ options, out, connection }) {
      const sort = options.list('sort').map((key): acsV1.SortField => {
        const match = /^(.+?)(?::(asc|desc))?$/i.exec(key);
        if (!match) throw options.usage(`--sort: "${key}" is not FIELD[:desc]`);
        return { field: match[1], descending: match[2]?.toLowerCase() === 'desc' };
      });
      const request = { filter: options.string('filter') ?? '', projection: options.list('projection'), sort };
      const scope = pageScope(options);
      const c = connection();
      let totalSize = 0;
      const { items, more } = await collectPages(scope, async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListDevicesResponse>((md, o, cb) => c.devices.listDevices({ ...request, pageSize, pageToken }, md, o, cb));
        totalSize = page.totalSize;
        return { items: page.devices, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListDevicesResponse.toJSON({ devices: items, totalSize, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, deviceColumns(items));
      out.note(`${items.length} of ${totalSize} device(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'devices',
    action: 'get',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one device, with its parameters (all, or one subtree)',
    options: { prefix: { type: 'string', valueName: 'P', description: 'only the parameters of this subtree, e.g. Device.WiFi.' } },
    async run({ args, options, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.GetDeviceResponse>((md, o, cb) =>
        c.devices.getDevice({ deviceId: args[0], parameterPrefix: options.string('prefix') ?? '' }, md, o, cb),
      );
      if (out.json) {
        out.document(acsV1.GetDeviceResponse.toJSON(response));
        return EXIT_OK;
      }
      const device = response.device;
      if (!device) return EXIT_OK;
      out.fields(deviceFields(device));
      if (device.parameters.length > 0) {
        out.line();
        out.table(device.parameters, PARAMETER_COLUMNS);
      }
      return EXIT_OK;
    },
  },
  {
    group: 'devices',
    action: 'params',
    argsUsage: 'ID [PATH]',
    minArgs: 1,
    maxArgs: 2,
    summary: 'the known parameters of a device (a parameter, or an object\'s subtree)',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.GetDeviceParametersResponse>((md, o, cb) =>
        c.devices.getDeviceParameters({ deviceId: args[0], path: args[1] ?? '' }, md, o, cb),
      );
      if (out.json) out.document(acsV1.GetDeviceParametersResponse.toJSON(response));
      else out.table(response.parameters, PARAMETER_COLUMNS);
      return EXIT_OK;
    },
  },
  {
    group: 'devices',
    action: 'tag',
    argsUsage: 'ID TAG...',
    minArgs: 2,
    maxArgs: Infinity,
    summary: 'adds tags to a device',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.TagDeviceResponse>((md, o, cb) => c.devices.tagDevice({ deviceId: args[0], tags: args.slice(1) }, md, o, cb));
      if (out.json) out.document(acsV1.TagDeviceResponse.toJSON(response));
      else out.line(`${args[0]} tags: ${response.tags.join(', ') || '(none)'}`);
      return EXIT_OK;
    },
  },
  {
    group: 'devices',
    action: 'untag',
    argsUsage: 'ID TAG...',
    minArgs: 2,
    maxArgs: Infinity,
    summary: 'removes tags from a device',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.UntagDeviceResponse>((md, o, cb) => c.devices.untagDevice({ deviceId: args[0], tags: args.slice(1) }, md, o, cb));
      if (out.json) out.document(acsV1.UntagDeviceResponse.toJSON(response));
      else out.line(`${args[0]} tags: ${response.tags.join(', ') || '(none)'}`);
      return EXIT_OK;
    },
  },
  {
    group: 'devices',
    action: 'delete',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'forgets a device (inventory, pending tasks, faults); it registers again at its next Inform',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      await c.unary<acsV1.DeleteDeviceResponse>((md, o, cb) => c.devices.deleteDevice({ deviceId: args[0] }, md, o, cb));
      if (out.json) out.document({ deleted: args[0] });
      else out.line(`deleted ${args[0]}`);
      return EXIT_OK;
    },
  },
];
