import type { XsdType } from '@acs/cwmp';
import { builtinParameters, type BuiltinModelKind } from './builtin-models';
import { readCsvRecords } from './csv-reader';
import { normaliseValue, xsdTypeOf } from './parameter-value';

/** One node of a CPE's parameter tree. Object names end with '.', as CWMP writes partial paths. */
export interface DataModelParameter {
  name: string;
  object: boolean;
  writable: boolean;
  value: string;
  type: XsdType;
  notification: number;
  accessList: string[];
}

export type DataModelRoot = 'Device' | 'InternetGatewayDevice';

/**
 * Who changed a value. Notification (`4 VALUE CHANGE`) reports changes made by anyone but the ACS itself:
 * a SetParameterValues from the ACS is not echoed back to it.
 */
export type ChangeSource = 'acs' | 'device';

export type ChangeListener = (parameter: Readonly<DataModelParameter>, source: ChangeSource) => void;

/** A data model operation the CPE refuses; `faultCode` is the CWMP fault it answers with. */
export class DataModelError extends Error {
  constructor(
    readonly faultCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'DataModelError';
  }
}

const INVALID_NAME = 9005;
const INVALID_VALUE = 9007;
const NOT_WRITABLE = 9008;

type ParameterMap = Map<string, Readonly<DataModelParameter>>;

/**
 * An ordered parameter tree.
 *
 * Thousands of simulated CPEs hold a clone of one model each, so clones share the tree they were made from
 * (`base`, never mutated once shared) and keep their own value and attribute changes in a small `overrides`
 * map. Structural changes (AddObject, DeleteObject) are rare: they build a new base for this model only.
 */
export class DataModel {
  readonly root: DataModelRoot;
  private base: ParameterMap;
  private overrides: ParameterMap = new Map();
  private factoryBase: ParameterMap;
  private factoryOverrides: ParameterMap = new Map();
  /** Instance numbers handed out per table, so a deleted instance's number is not reused (as devices do). */
  private lastInstance = new Map<string, number>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly dynamicValues = new Map<string, () => string>();
  private structureRevision = 0;

  private constructor(
    root: DataModelRoot,
    base: ParameterMap,
    /** The shape of a new instance per table, from `{i}` rows (the table's path with `{i}` for instance numbers). */
    private readonly templates: ReadonlyMap<string, ReadonlyArray<Readonly<DataModelParameter>>> = new Map(),
  ) {
    this.root = root;
    this.base = base;
    this.factoryBase = base;
  }

  /**
   * Builds a model from parameters in tree order; missing ancestor objects are added. Names with `{i}` (as the
   * spec writes them: `Device.BulkData.Profile.{i}.Enable`) are not parameters but the shape of the instances
   * AddObject creates in that table, which may have none yet.
   */
  static fromParameters(parameters: Iterable<DataModelParameter>): DataModel {
    const map: ParameterMap = new Map();
    const templates = new Map<string, DataModelParameter[]>();
    let root: DataModelRoot | undefined;
    for (const parameter of parameters) {
      const first = parameter.name.slice(0, parameter.name.indexOf('.') === -1 ? undefined : parameter.name.indexOf('.'));
      if (first !== 'Device' && first !== 'InternetGatewayDevice') continue;
      root ??= first;
      if (first !== root) throw new DataModelError(INVALID_NAME, `parameter ${parameter.name} is outside root ${root}`);
      const placeholder = parameter.name.lastIndexOf('.{i}.');
      if (placeholder !== -1) {
        const table = parameter.name.slice(0, placeholder + 1);
        const relative = parameter.name.slice(placeholder + '.{i}.'.length);
        if (relative !== '') templates.set(table, [...(templates.get(table) ?? []), { ...parameter, name: relative }]);
        continue;
      }
      addAncestors(map, parameter.name);
      map.set(parameter.name, parameter);
    }
    if (!root) throw new DataModelError(INVALID_NAME, 'no parameter under Device. or InternetGatewayDevice.');
    return new DataModel(root, map, templates);
  }

  /**
   * Reads the CSV an ACS inventory exports (the columns of /work/shared/vectors/device-models: Parameter, Object,
   * Writable, Value, Value type, Notification, Access list, each with a timestamp column we ignore). Rows outside
   * the data model root (the ACS's own DeviceID.*, Events.*, Tags.*) are skipped.
   */
  static fromCsv(text: string): DataModel {
    const [header, ...rows] = readCsvRecords(text);
    if (!header) throw new DataModelError(INVALID_NAME, 'empty CSV');
    const column = (label: string, required: boolean): number => {
      const index = header.findIndex((h) => h.trim().toLowerCase() === label.toLowerCase());
      if (index === -1 && required) throw new DataModelError(INVALID_NAME, `CSV has no "${label}" column`);
      return index;
    };
    const nameAt = column('Parameter', true);
    const objectAt = column('Object', false);
    const writableAt = column('Writable', false);
    const valueAt = column('Value', false);
    const typeAt = column('Value type', false);
    const notificationAt = column('Notification', false);
    const accessAt = column('Access list', false);
    const field = (row: string[], at: number): string => (at === -1 ? '' : (row[at] ?? ''));
    function* parameters(): Generator<DataModelParameter> {
      for (const row of rows) {
        const rawName = field(row, nameAt).trim();
        if (!rawName) continue;
        const object = field(row, objectAt).trim() === 'true';
        const name = object && !rawName.endsWith('.') ? `${rawName}.` : rawName;
        const type = object ? 'string' : xsdTypeOf(field(row, typeAt));
        const access = field(row, accessAt).trim();
        yield {
          name,
          object,
          writable: field(row, writableAt).trim() === 'true',
          value: object ? '' : field(row, valueAt),
          type,
          notification: Number(field(row, notificationAt)) || 0,
          accessList: access ? access.split(',').map((s) => s.trim()) : [],
        };
      }
    }
    return DataModel.fromParameters(parameters());
  }

  /** A small model written for the simulator (TR-181 Device:2 or TR-098 InternetGatewayDevice:1). */
  static builtin(kind: BuiltinModelKind): DataModel {
    return DataModel.fromParameters(builtinParameters(kind));
  }

  /** An independent copy; its factory state (FactoryReset) is this model's current state. */
  clone(): DataModel {
    const copy = new DataModel(this.root, this.base, this.templates);
    copy.overrides = new Map(this.overrides);
    copy.factoryBase = this.base;
    copy.factoryOverrides = new Map(this.overrides);
    copy.lastInstance = new Map(this.lastInstance);
    return copy;
  }

  /** Makes the current state the one FactoryReset returns to (identity and addresses set at manufacture). */
  markFactoryState(): void {
    this.factoryBase = this.base;
    this.factoryOverrides = new Map(this.overrides);
  }

  /** Back to the factory state; no value change is reported for it. */
  reset(): void {
    this.base = this.factoryBase;
    this.overrides = new Map(this.factoryOverrides);
    this.lastInstance = new Map();
    this.structureRevision++;
  }

  /** Changes whenever objects are added or removed (or the model is reset), for caches of paths. */
  get revision(): number {
    return this.structureRevision;
  }

  get size(): number {
    return this.base.size;
  }

  has(name: string): boolean {
    return this.base.has(name);
  }

  get(name: string): Readonly<DataModelParameter> | undefined {
    const parameter = this.overrides.get(name) ?? this.base.get(name);
    if (!parameter || this.dynamicValues.size === 0) return parameter;
    const provider = this.dynamicValues.get(name);
    return provider ? { ...parameter, value: provider() } : parameter;
  }

  /** The value of a leaf parameter, or undefined when it does not exist. */
  value(name: string): string | undefined {
    const parameter = this.get(name);
    return parameter && !parameter.object ? parameter.value : undefined;
  }

  /**
   * Sets a leaf's value. The value is checked against the parameter's type (9007) and stored in canonical form.
   * Writability is the ACS's concern (the device itself, or a test, may set any leaf).
   */
  set(name: string, value: string, source: ChangeSource = 'device'): void {
    const current = this.leaf(name);
    const canonical = normaliseValue(current.type, value);
    if (canonical === undefined) {
      throw new DataModelError(INVALID_VALUE, `"${value}" is not a valid ${current.type} for ${name}`);
    }
    if (canonical === current.value) return;
    const next = { ...current, value: canonical };
    this.overrides.set(name, next);
    for (const listener of this.listeners) listener(next, source);
  }

  /** Changes a parameter's notification and/or access list (SetParameterAttributes). */
  setAttributes(name: string, change: { notification?: number; accessList?: string[] }): void {
    const current = this.overrides.get(name) ?? this.base.get(name);
    if (!current) throw new DataModelError(INVALID_NAME, `no parameter ${name}`);
    this.overrides.set(name, {
      ...current,
      notification: change.notification ?? current.notification,
      accessList: change.accessList ?? current.accessList,
    });
  }

  /** A leaf whose value is computed on read (UpTime, CurrentLocalTime), not stored. */
  defineDynamicValue(name: string, provider: () => string): void {
    this.leaf(name);
    this.dynamicValues.set(name, provider);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every parameter and object in tree order. */
  *parameters(): Generator<Readonly<DataModelParameter>> {
    for (const name of this.base.keys()) yield this.get(name)!;
  }

  /**
   * What a GetParameterValues/GetParameterNames path names: '' is the whole tree, a path ending in '.' the object
   * and everything below it, otherwise the one parameter. Throws 9005 for a path that does not exist.
   */
  select(path: string): Array<Readonly<DataModelParameter>> {
    if (path === '') return [...this.parameters()];
    if (!path.endsWith('.')) return [this.get(this.leaf(path).name)!];
    if (!this.base.get(path)?.object) throw new DataModelError(INVALID_NAME, `no object ${path}`);
    const found: Array<Readonly<DataModelParameter>> = [];
    for (const name of this.base.keys()) if (name.startsWith(path)) found.push(this.get(name)!);
    return found;
  }

  /** The direct children of an object (GetParameterNames with NextLevel true); '' lists the root object. */
  children(path: string): Array<Readonly<DataModelParameter>> {
    if (path === '') return [this.get(`${this.root}.`)!];
    if (!path.endsWith('.') || !this.base.get(path)?.object) {
      throw new DataModelError(INVALID_NAME, `no object ${path}`);
    }
    const found: Array<Readonly<DataModelParameter>> = [];
    for (const name of this.base.keys()) {
      if (name.length > path.length && name.startsWith(path) && isDirectChild(path, name)) found.push(this.get(name)!);
    }
    return found;
  }

  /**
   * AddObject: a new instance of a table, shaped as the model's `{i}` rows say, or like an existing (or factory)
   * instance. Returns its number. The device itself (`source` 'device') also adds to read-only tables (results).
   */
  addObject(table: string, source: ChangeSource = 'acs'): number {
    const tableParameter = this.base.get(table);
    if (!table.endsWith('.') || !tableParameter?.object) throw new DataModelError(INVALID_NAME, `no object ${table}`);
    const shape = this.templateShape(table) ?? this.instanceShape(table) ?? this.instanceShape(table, this.factoryBase);
    if (!tableParameter.writable && source === 'acs') {
      // A read-only table (Hosts.Host.) refuses with 9008; an object that is no table at all is an invalid name.
      if (shape) throw new DataModelError(NOT_WRITABLE, `${table} does not accept new instances`);
      throw new DataModelError(INVALID_NAME, `${table} is not a multi-instance object`);
    }
    const instanceNumber = Math.max(this.lastInstance.get(table) ?? 0, this.highestInstance(table)) + 1;
    this.lastInstance.set(table, instanceNumber);
    const prefix = `${table}${instanceNumber}.`;
    const added: Array<Readonly<DataModelParameter>> = [
      { name: prefix, object: true, writable: tableParameter.writable, value: '', type: 'string', notification: 0, accessList: [] },
    ];
    for (const parameter of shape?.parameters ?? []) {
      added.push({
        ...parameter,
        name: prefix + parameter.name.slice(shape!.prefix.length),
        value: parameter.object ? '' : shape!.keepValues ? parameter.value : defaultValue(parameter.type),
        notification: 0,
      });
    }
    // The new instance goes after the table's last descendant, so the tree stays in order.
    const next: ParameterMap = new Map();
    let inserted = false;
    let inTable = false;
    for (const [name, parameter] of this.base) {
      const below = name.startsWith(table);
      if (inTable && !below && !inserted) {
        for (const p of added) next.set(p.name, p);
        inserted = true;
      }
      inTable = below;
      next.set(name, this.overrides.get(name) ?? parameter);
    }
    if (!inserted) for (const p of added) next.set(p.name, p);
    this.base = next;
    this.overrides = new Map();
    this.structureRevision++;
    this.countEntries(table, source);
    return instanceNumber;
  }

  /** DeleteObject: removes an instance and everything below it (the device itself may remove read-only ones). */
  deleteObject(instance: string, source: ChangeSource = 'acs'): void {
    const parameter = this.base.get(instance);
    if (!instance.endsWith('.') || !parameter?.object || !/\.\d+\.$/.test(instance)) {
      throw new DataModelError(INVALID_NAME, `no object instance ${instance}`);
    }
    if (!parameter.writable && source === 'acs') throw new DataModelError(NOT_WRITABLE, `${instance} cannot be deleted`);
    const table = instance.slice(0, instance.lastIndexOf('.', instance.length - 2) + 1);
    const number = Number(instance.slice(table.length, -1));
    this.lastInstance.set(table, Math.max(this.lastInstance.get(table) ?? 0, number));
    const next: ParameterMap = new Map();
    for (const [name, p] of this.base) {
      if (!name.startsWith(instance)) next.set(name, this.overrides.get(name) ?? p);
    }
    this.base = next;
    this.overrides = new Map();
    this.structureRevision++;
    this.countEntries(table, source);
  }

  /** The device empties a table of results: every instance goes, and the next one is numbered 1 again. */
  clearTable(table: string): void {
    for (const n of this.instances(table)) this.deleteObject(`${table}${n}.`, 'device');
    this.lastInstance.delete(table);
  }

  /** The instance numbers a table has now, in order. */
  instances(table: string): number[] {
    const found: number[] = [];
    for (const name of this.base.keys()) {
      if (name.startsWith(table)) {
        const match = /^(\d+)\.$/.exec(name.slice(table.length));
        if (match) found.push(Number(match[1]));
      }
    }
    return found;
  }

  /** A table's `<Name>NumberOfEntries` follows its instances, as on a device. */
  private countEntries(table: string, source: ChangeSource): void {
    const parent = table.slice(0, table.lastIndexOf('.', table.length - 2) + 1);
    const counter = `${parent}${table.slice(parent.length, -1)}NumberOfEntries`;
    const current = this.overrides.get(counter) ?? this.base.get(counter);
    if (current && !current.object) this.set(counter, String(this.instances(table).length), source);
  }

  private templateShape(table: string): { prefix: string; parameters: Array<Readonly<DataModelParameter>>; keepValues: boolean } | undefined {
    const parameters = this.templates.get(table.replace(/\.\d+\./g, '.{i}.'));
    return parameters ? { prefix: '', parameters: [...parameters], keepValues: true } : undefined;
  }

  private leaf(name: string): Readonly<DataModelParameter> {
    const parameter = this.overrides.get(name) ?? this.base.get(name);
    if (!parameter || parameter.object) throw new DataModelError(INVALID_NAME, `no parameter ${name}`);
    return parameter;
  }

  private highestInstance(table: string): number {
    let highest = 0;
    for (const name of this.base.keys()) {
      if (name.startsWith(table)) {
        const match = /^(\d+)\.$/.exec(name.slice(table.length));
        if (match) highest = Math.max(highest, Number(match[1]));
      }
    }
    return highest;
  }

  /**
   * The parameters below the first instance of `table` (e.g. Device.WiFi.SSID.1.), without the instances of tables
   * nested in it: a new instance starts with empty sub-tables, as on a real device.
   */
  private instanceShape(
    table: string,
    from: ParameterMap = this.base,
  ): { prefix: string; parameters: Array<Readonly<DataModelParameter>>; keepValues: boolean } | undefined {
    let prefix: string | undefined;
    const parameters: Array<Readonly<DataModelParameter>> = [];
    for (const [name, parameter] of from) {
      if (!prefix) {
        if (name.startsWith(table) && /^\d+\.$/.test(name.slice(table.length))) prefix = name;
        continue;
      }
      if (!name.startsWith(prefix)) break;
      if (!/\.\d+\./.test(name.slice(prefix.length - 1))) parameters.push(parameter);
    }
    return prefix ? { prefix, parameters, keepValues: false } : undefined;
  }
}

function isDirectChild(path: string, name: string): boolean {
  const rest = name.slice(path.length);
  const dot = rest.indexOf('.');
  return dot === -1 || dot === rest.length - 1;
}

function addAncestors(map: ParameterMap, name: string): void {
  let end = name.indexOf('.');
  while (end !== -1 && end < name.length - 1) {
    const ancestor = name.slice(0, end + 1);
    if (!map.has(ancestor)) {
      map.set(ancestor, {
        name: ancestor,
        object: true,
        writable: false,
        value: '',
        type: 'string',
        notification: 0,
        accessList: [],
      });
    }
    end = name.indexOf('.', end + 1);
  }
}

function defaultValue(type: XsdType): string {
  switch (type) {
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong':
      return '0';
    case 'boolean':
      return 'false';
    case 'dateTime':
      return '0001-01-01T00:00:00Z';
    case 'string':
    case 'base64':
    case 'hexBinary':
      return '';
  }
}
