import { InvalidParameterPathError, normalizeParameterPath } from '@acs/cwmp';
import { FilterSyntaxError, compileFilterToMongo, parseFilter } from '@acs/filter';
import type { FieldViolation } from '@acs/platform';

import { API_DEVICE_FIELDS, DEVICE_QUERY_FIELDS } from '../domain/device-fields';
import { DEVICE_FILTER_SHAPE } from '../filter/storedDeviceShape';
import type { DeviceQuery, DeviceRepository, Page, Paged, ProjectedDevice } from '../repositories/ports';
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
]);

export interface QueryDevicesQuery {
  /** In the filter language (docs/filter-language.md); '' matches every device. */
  filter: string;
  /** Parameter path prefixes to return besides the device fields. */
  projection: readonly string[];
  /** Device fields (either spelling) or parameter paths (sorted by value). */
  sort: ReadonlyArray<{ field: string; descending: boolean }>;
  page: Page;
}

/** Devices matching a filter, with the API's fields and the projected parameters, sorted, a page with the total. */
export class QueryDevices {
  constructor(private readonly devices: Pick<DeviceRepository, 'query'>) {}

  async execute(query: QueryDevicesQuery): Promise<Paged<ProjectedDevice>> {
    const violations: FieldViolation[] = [];
    let filter: DeviceQuery['filter'] = {};
    try {
      filter = compileFilterToMongo(parseFilter(query.filter, DEVICE_FILTER_SHAPE), DEVICE_FILTER_SHAPE);
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
    if (violations.length > 0) throw invalid('invalid QueryDevices request', violations);
    return this.devices.query({ filter, projection: [...API_DEVICE_FIELDS, ...query.projection], sort, skip: query.page.skip, limit: query.page.limit });
  }
}
