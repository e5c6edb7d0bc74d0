import { InvalidParameterPathError, normalizeParameterPath } from '@acs/cwmp';
import { FilterSyntaxError, compileFilterToMongo, filterReferences, filterTextHints, parseFilter, type FilterExpr } from '@acs/filter';
import type { FieldViolation } from '@acs/platform';

import { API_DEVICE_FIELDS, DEVICE_QUERY_FIELDS } from '../domain/device-fields';
import { DEFAULT_PRESENCE_POLICY, isDeviceOnline, type DevicePresencePolicy } from '../domain/device-presence';
import { DEVICE_FILTER_SHAPE, storedFieldPath } from '../filter/storedDeviceShape';
import type { DeviceQuery, DeviceRepository, Page, ProjectedDevice } from '../repositories/ports';
import { storedParameterField } from '../repositories/stored-device';
import { invalid, pathProblem } from './violations';

/** Sort field names → device fields: the API's names (`last_inform_time`) and the filter language's (`lastInform`). */
const SORT_FIELDS: ReadonlyMap<string, string> = new Map([
  ...DEVICE_QUERY_FIELDS.map((f) => [f, f] as [string, string]),
  ['product_class', 'productClass'],
  ['serial_number', 'serialNumber'],
  ['root_object', 'rootObject'],
  ['software_version', 'softwareVersion'],
  ['hardware_version', 'hardwareVersion'],
  ['register_time', 'registeredAt'],
  ['last_inform_time', 'lastInform'],
  ['last_boot_time', 'lastBoot'],
  ['last_bootstrap_time', 'lastBootstrap'],
  ['periodic_inform_interval', 'periodicInformInterval'],
]);

export interface QueryDevicesQuery {
  /** In the filter language (docs/filter-language.md); '' matches every device. */
  filter: string;
  /** Parameter path prefixes to return besides the device fields. */
  projection: readonly string[];
  /** Device fields (either spelling) or parameter paths (sorted by value). */
  sort: ReadonlyArray<{ field: string; descending: boolean }>;
  page: Page;
  /** Do not count the matches (the answer has no total): a walk over many devices pays for its pages only. */
  withoutTotal?: boolean;
  /** Keyset paging (DeviceQuery.afterId): devices whose id sorts after this one; only with the sort by id alone. */
  afterId?: string;
}

/** A page of the matching devices, their count unless `withoutTotal`, and hints on the filter. */
export interface QueriedDevices {
  items: PresentedDevice[];
  total?: number;
  warnings: string[];
}

/** A device as the API presents it: its fields, and whether it is online when answered. */
export type PresentedDevice = ProjectedDevice & { online: boolean };

/** How presence is judged: the policy (ProvisioningConfig.presence) and the clock. */
export interface DevicePresence {
  policy: DevicePresencePolicy;
  now: () => number;
}

export const SYSTEM_PRESENCE: DevicePresence = { policy: DEFAULT_PRESENCE_POLICY, now: Date.now };

/** A device with `online` judged at `now`. */
export function presentDevice(device: ProjectedDevice, presence: DevicePresence, now = presence.now()): PresentedDevice {
  return { ...device, online: isDeviceOnline(device, now, presence.policy) };
}

/**
 * Devices matching a filter, with the API's fields and the projected parameters, sorted, a page with the total, and
 * hints when the filter may not say what was meant (`warnings`).
 */
export class QueryDevices {
  constructor(
    private readonly devices: Pick<DeviceRepository, 'query' | 'find' | 'count'>,
    private readonly presence: DevicePresence = SYSTEM_PRESENCE,
  ) {}

  async execute(query: QueryDevicesQuery): Promise<QueriedDevices> {
    const violations: FieldViolation[] = [];
    let expr: FilterExpr = { kind: 'all' };
    let filter: DeviceQuery['filter'] = {};
    try {
      expr = parseFilter(query.filter, DEVICE_FILTER_SHAPE);
      filter = compileFilterToMongo(expr, DEVICE_FILTER_SHAPE);
    } catch (error) {
      if (!(error instanceof FilterSyntaxError) && !(error instanceof InvalidParameterPathError)) throw error;
      violations.push({ field: 'filter', description: error.message, reason: 'BAD_FILTER' });
    }
    query.projection.forEach((path, i) => {
      const problem = pathProblem(path);
      if (problem) violations.push({ field: `projection[${i}]`, description: problem, reason: 'BAD_FORMAT' });
    });
    const sort: NonNullable<DeviceQuery['sort']> = [];
    query.sort.forEach((key, i) => {
      const field = SORT_FIELDS.get(key.field);
      const problem = field === undefined ? pathProblem(key.field) : undefined;
      if (problem) violations.push({ field: `sort[${i}].field`, description: `neither a device field (id, last_inform_time, software_version, …) nor a parameter path: ${problem}`, reason: 'BAD_FORMAT' });
      else sort.push([field ?? normalizeParameterPath(key.field), key.descending ? -1 : 1]);
    });
    if (query.afterId !== undefined && !sort.every(([field, direction]) => field === 'id' && direction === 1)) {
      violations.push({ field: 'sort', description: 'pages after an id are read in id order: sort by id alone, ascending', reason: 'BAD_VALUE' });
    }
    if (violations.length > 0) throw invalid('invalid QueryDevices request', violations);
    const deviceQuery: DeviceQuery = { filter, projection: [...API_DEVICE_FIELDS, ...query.projection], sort, skip: query.page.skip, limit: query.page.limit, ...(query.afterId !== undefined ? { afterId: query.afterId } : {}) };
    const page = query.withoutTotal ? { items: await this.devices.find(deviceQuery), total: undefined } : await this.devices.query(deviceQuery);
    const now = this.presence.now();
    // Nothing matches: the counted total says so, or an uncounted walk's first page is empty.
    const none = page.total === 0 || (page.total === undefined && page.items.length === 0 && query.page.skip === 0 && !query.afterId);
    const warnings = [...filterTextHints(expr), ...(none ? await this.missingReferences(expr) : [])];
    return { items: page.items.map((device) => presentDevice(device, this.presence, now)), ...(page.total !== undefined ? { total: page.total } : {}), warnings };
  }

  /**
   * The parameters and tags the filter names that no device has: the likely typos behind an empty answer. Asked only
   * when nothing matched, so a filter that selects devices costs nothing more; the parameter test is on a node's
   * learnt time, which every node has, so a parameter known but not yet read is not reported missing.
   */
  private async missingReferences(expr: FilterExpr): Promise<string[]> {
    const { parameterPaths, tags } = filterReferences(expr);
    const warnings: string[] = [];
    for (const path of parameterPaths) {
      const learnedAt = `${storedParameterField(path)}._at`;
      if ((await this.devices.count({ [learnedAt]: { $exists: true } })) === 0) {
        warnings.push(`no device has the parameter ${path}: a typo? (paths are case-sensitive; \`acsctl devices params ID\` lists a device's)`);
      }
    }
    for (const tag of tags) {
      if ((await this.devices.count({ [storedFieldPath({ kind: 'tag' })]: tag })) === 0) warnings.push(`no device has the tag "${tag}"`);
    }
    return warnings;
  }
}
