import { join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import { NBI_SET_FIELDS, RELAYED_MESSAGES } from './provisioning-relays';

interface FieldShape {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
}

const protoRoot = join(__dirname, '../../../contracts/proto');
const definitions = loadSync(['acs/v1/devices.proto', 'acs/v1/tasks.proto', 'acs/v1/presets.proto', 'acs/v1/faults.proto', 'acs/internal/provisioning/v1/provisioning.proto'], {
  includeDirs: [protoRoot],
  keepCase: true,
});

interface TypeShape {
  name: string;
  field?: FieldShape[];
  value?: Array<{ number: number }>;
  nestedType?: TypeShape[];
  enumType?: TypeShape[];
}

/** A message or enum by full name; proto-loader lists nested types only inside their parent. */
function typeOf(fullName: string): TypeShape | undefined {
  const top = definitions[fullName] as { type?: TypeShape } | undefined;
  if (top?.type) return top.type;
  const dot = fullName.lastIndexOf('.');
  if (dot < 0) return undefined;
  const parent = typeOf(fullName.slice(0, dot));
  const name = fullName.slice(dot + 1);
  return [...(parent?.nestedType ?? []), ...(parent?.enumType ?? [])].find((t) => t.name === name);
}

function fieldsOf(fullName: string): FieldShape[] {
  const type = typeOf(fullName);
  if (!type?.field) throw new Error(`${fullName} is not a message`);
  return type.field;
}

/** The full name a field's type name stands for, looked up from the message outwards as protobuf scoping does. */
function resolve(typeName: string, scope: string): string {
  if (typeName.startsWith('.')) return typeName.slice(1);
  for (let s = scope; s !== ''; s = s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : '') {
    const candidate = `${s}.${typeName}`;
    if (typeOf(candidate)) return candidate;
  }
  return typeName;
}

/** Every difference that would make the wire form of `publicName` mean something else as `internalName`. */
function differences(publicName: string, internalName: string, seen = new Set<string>()): string[] {
  const key = `${publicName}=${internalName}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const internalFields = new Map(fieldsOf(internalName).map((f) => [f.number, f]));
  const problems: string[] = [];
  for (const field of fieldsOf(publicName)) {
    const other = internalFields.get(field.number);
    const where = `${publicName}.${field.name} (#${field.number})`;
    if (!other) {
      problems.push(`${where} has no internal counterpart in ${internalName}`);
      continue;
    }
    if (other.type !== field.type || other.label !== field.label) problems.push(`${where}: ${field.label} ${field.type} vs ${other.label} ${other.type}`);
    if (field.type === 'TYPE_MESSAGE' || field.type === 'TYPE_ENUM') {
      const publicType = resolve(field.typeName, publicName);
      const internalType = resolve(other.typeName, internalName);
      if (publicType.startsWith('google.') || internalType.startsWith('google.')) {
        if (publicType !== internalType) problems.push(`${where}: ${publicType} vs ${internalType}`);
      } else if (field.type === 'TYPE_MESSAGE') {
        problems.push(...differences(publicType, internalType, seen));
      } else {
        const values = (name: string) => {
          const numbers = typeOf(name)?.value?.map((v) => v.number);
          if (!numbers) throw new Error(`${name} is not an enum`);
          return JSON.stringify(numbers);
        };
        if (values(publicType) !== values(internalType)) problems.push(`${where}: enum ${publicType} and ${internalType} differ`);
      }
    }
  }
  for (const other of internalFields.values()) {
    if (NBI_SET_FIELDS[internalName]?.includes(other.name)) continue;
    if (!fieldsOf(publicName).some((f) => f.number === other.number)) {
      problems.push(`${internalName}.${other.name} (#${other.number}) is not in ${publicName} (the NBI would drop it)`);
    }
  }
  return problems;
}

describe('acs.v1 messages relayed to the provisioning API', () => {
  it('covers every request and response the relays convert', () => {
    expect(RELAYED_MESSAGES.length).toBe(40);
  });

  it.each(RELAYED_MESSAGES.map(([p, i]) => [p, i]))('%s is wire-compatible with %s', (publicName, internalName) => {
    expect(differences(publicName, internalName)).toEqual([]);
  });

  it('lets only the NBI-set fields be internal-only, and none of them collides with a public field', () => {
    for (const [internalName, names] of Object.entries(NBI_SET_FIELDS)) {
      const pair = RELAYED_MESSAGES.find(([, i]) => i === internalName);
      expect(pair).toBeDefined();
      const publicNumbers = new Set(fieldsOf(pair![0]).map((f) => f.number));
      for (const name of names) {
        const field = fieldsOf(internalName).find((f) => f.name === name);
        expect(field).toBeDefined();
        expect(publicNumbers.has(field!.number)).toBe(false);
      }
    }
  });

  it('notices a field that does not match', () => {
    expect(differences('acs.v1.GetTaskRequest', 'acs.internal.provisioning.v1.ListTasksRequest')).not.toEqual([]);
  });
});
