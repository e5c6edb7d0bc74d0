import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { isXsdType } from '@acs/cwmp';

import type { ParameterUpdate } from '../domain';

/** The shared test material, `../shared` from the repository root. */
export const SHARED_DIR = join(__dirname, '../../../../../shared');

export const TPLINK_EX220_DUMP = join(SHARED_DIR, 'vectors/device-models/tplink-ex220-tr181.csv');

export function sharedMaterialPresent(): boolean {
  return existsSync(TPLINK_EX220_DUMP);
}

/**
 * The parameter tree of a GenieACS device export (`Parameter,Object,…,Writable,…,Value,Value type,…`) as the
 * updates a full refresh would produce. A small reader of our own: provisioning may not depend on the simulator's
 * DataModel (module boundaries), and RFC 4180 quoting is all it takes.
 */
export function readDeviceModelCsv(file: string): ParameterUpdate[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index === -1) throw new Error(`${file}: no "${name}" column`);
    return index;
  };
  const [path, object, writable, value, type] = ['Parameter', 'Object', 'Writable', 'Value', 'Value type'].map(column);
  return rows
    // GenieACS exports also hold its own virtual parameters (DeviceID.*, Events.*, Tags.*): not the CPE's tree.
    .filter((row) => row.length > 1 && /^(Device|InternetGatewayDevice)(\.|$)/.test(row[path]))
    .map((row) => {
      const update: ParameterUpdate = { path: row[path], object: row[object] === 'true', writable: row[writable] === 'true' };
      if (update.object) return update;
      const xsd = row[type].replace(/^xsd:/, '');
      if (isXsdType(xsd)) update.type = xsd;
      update.value = typedValue(row[value], update.type);
      return update;
    });
}

function typedValue(text: string, type: ParameterUpdate['type']): string | number | boolean {
  if (type === 'boolean') return text === 'true' || text === '1';
  if (type === 'int' || type === 'unsignedInt') {
    const n = Number(text);
    return text !== '' && Number.isSafeInteger(n) ? n : text;
  }
  return text;
}

/** RFC 4180: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
