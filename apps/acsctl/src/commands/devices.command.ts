import { acsV1 } from '@acs/contracts';
import type { CommandSpec, OptionSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import type { ParsedOptions } from '../cli/parsed-options';
import type { OutputWriter } from '../output/output-writer';
import { deviceColumns, deviceFields, PARAMETER_COLUMNS } from '../output/resource-views';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

/** The options that choose devices, shared by `devices list` and `devices count`. */
const SELECTION_OPTIONS: Record<string, OptionSpec> = {
  filter: { type: 'string', valueName: 'EXPR', description: 'filter expression (docs/filter-language.md); default every device' },
  serial: { type: 'string', valueName: 'SN', description: 'the device(s) with this serial number, exactly (with --filter: both must hold)' },
};

/** The filter `--filter` and `--serial` ask for together. */
export function selectionFilter(options: ParsedOptions): string {
  const filter = options.string('filter')?.trim() ?? '';
  const serial = options.string('serial');
  if (serial === undefined) return filter;
  if (serial === '') throw options.usage('--serial: give a serial number');
  const bySerial = `serialNumber = ${filterString(serial)}`;
  return filter === '' ? bySerial : `(${filter}) AND ${bySerial}`;
}

/** A text as a string of the filter language: quotes, backslashes and control characters escaped. */
function filterString(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** The server's hints on a filter (a parameter no device has, a LIKE without a wildcard), on standard error. */
function printWarnings(out: OutputWriter, warnings: readonly string[]): void {
  for (const warning of warnings) out.note(`warning: ${warning}`);
}

export const DEVICE_COMMANDS: CommandSpec[] = [
  {
    group: 'devices',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'devices matching a filter, with chosen parameters, online state and last contact',
    details: [
      'Example: acsctl devices list --filter \'productClass = "HG8245"\' --projection Device.DeviceInfo.SoftwareVersion --sort last_inform_time:desc',
      'ONLINE is the server\'s judgement (informed within its periodic interval plus a margin); LAST SEEN is the age of LAST INFORM.',
    ],
    options: {
      ...SELECTION_OPTIONS,
      projection: { type: 'string', multiple: true, valueName: 'P,...', description: 'parameter paths or subtree prefixes to show' },
      sort: { type: 'string', multiple: true, valueName: 'FIELD[:desc],...', description: 'sort keys, most significant first (default id)' },
      ...PAGE_OPTIONS,
    },
    async run({ io, options, out, connection }) {
      const sort = options.list('sort').map((key): acsV1.SortField => {
        const match = /^(.+?)(?::(asc|desc))?$/i.exec(key);
        if (!match) throw options.usage(`--sort: "${key}" is not FIELD[:desc]`);
        return { field: match[1], descending: match[2]?.toLowerCase() === 'desc' };
      });
      const projection = options.list('projection');
      const request = { filter: selectionFilter(options), projection, sort };
      const scope = pageScope(options);
      const c = connection();
      let totalSize = 0;
      let warnings: string[] = [];
      const { items, more } = await collectPages(scope, async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListDevicesResponse>((md, o, cb) => c.devices.listDevices({ ...request, pageSize, pageToken, omitTotal: false }, md, o, cb));
        totalSize = page.totalSize;
        warnings = page.warnings;
        return { items: page.devices, nextPageToken: page.nextPageToken };
      });
      printWarnings(out, warnings);
      if (out.json) {
        out.document(acsV1.ListDevicesResponse.toJSON({ devices: items, totalSize, nextPageToken: '', warnings }));
        return EXIT_OK;
      }
      out.table(items, deviceColumns(items, projection, (io.now ?? Date.now)()));
      out.note(`${items.length} of ${totalSize} device(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'devices',
    action: 'count',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'how many devices match a filter',
    details: ['Example: acsctl devices count --filter \'serialNumber LIKE "FLEET%"\''],
    options: SELECTION_OPTIONS,
    async run({ options, out, connection }) {
      const c = connection();
      // The total comes with any page: one device is the least a page can hold.
      const page = await c.unary<acsV1.ListDevicesResponse>((md, o, cb) => c.devices.listDevices({ filter: selectionFilter(options), projection: [], sort: [], pageSize: 1, pageToken: '', omitTotal: false }, md, o, cb));
      printWarnings(out, page.warnings);
      if (out.json) out.document({ totalSize: page.totalSize, warnings: page.warnings });
      else if (out.format === 'csv') out.table([page.totalSize], [{ header: 'count', cell: (n) => String(n) }]);
      else out.line(String(page.totalSize));
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
