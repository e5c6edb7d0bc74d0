import type { DeviceRecord, ParameterNode } from '../domain/device';
import type { Preset, PresetAction } from '../domain/preset';
import { sampleDevice } from '../filter/test-support/sample-devices';
import { planPresets, valuesEqual } from './preset-planner';

const WLAN = 'InternetGatewayDevice.LANDevice.1.WLANConfiguration';
const USERNAME = 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.Username';
const INTERVAL = 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval';

const p = (value?: ParameterNode['value']): ParameterNode => (value === undefined ? { learnedAt: 1, object: true } : { learnedAt: 1, value });

function device(overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return sampleDevice({
    id: '00259E-HG8245-ABC123',
    oui: '00259E',
    productClass: 'HG8245',
    serialNumber: 'ABC123',
    rootObject: 'InternetGatewayDevice',
    tags: ['new', 'lab'],
    parameters: {
      [USERNAME]: p('old'),
      [INTERVAL]: p(300),
      [WLAN]: p(),
      [`${WLAN}.1`]: p(),
      [`${WLAN}.1.SSID`]: p('home'),
      [`${WLAN}.1.Enable`]: p(true),
      [`${WLAN}.2.SSID`]: p('guest-ABC1'),
      [`${WLAN}.2.Enable`]: p('false'),
      [`${WLAN}.3.SSID`]: p('home'),
    },
    ...overrides,
  });
}

function preset(name: string, actions: PresetAction[], extra: Partial<Preset> = {}): Preset {
  return { name, weight: 0, channel: 'default', precondition: '', triggers: [{ anyInform: true }], actions, enabled: true, updatedAt: 0, ...extra };
}

const now = 1_714_521_600_000;

describe('planPresets', () => {
  it('sets only the values that differ from what is known (an unknown value differs)', () => {
    const plan = planPresets(
      [
        preset('pppoe', [
          {
            setValues: [
              { path: USERNAME, value: 'pppoe-{{lower serialNumber}}' },
              { path: INTERVAL, value: '300', type: 'unsignedInt' },
              { path: 'InternetGatewayDevice.X_ACME.Unknown', value: true },
            ],
          },
        ]),
      ],
      device(),
      { now },
    );
    expect(plan.tasks).toEqual([
      {
        spec: {
          kind: 'setParameterValues',
          values: [
            { path: USERNAME, value: 'pppoe-abc123' },
            { path: 'InternetGatewayDevice.X_ACME.Unknown', value: true },
          ],
        },
        channel: 'default',
        presets: ['pppoe'],
      },
    ]);
    expect(plan.presetsApplied).toEqual(['pppoe']);
    expect(plan.at).toBe(now);
    expect(plan.digest).toMatch(/^[0-9a-f]{32}$/);
  });

  it('produces nothing once the device has the desired state', () => {
    const presets = [preset('pppoe', [{ setValues: [{ path: USERNAME, value: 'pppoe-{{lower serialNumber}}' }] }, { addTags: ['lab'] }])];
    const d = device({ parameters: { ...device().parameters, [USERNAME]: p('pppoe-abc123') } });
    const plan = planPresets(presets, d, { now });
    expect(plan.tasks).toEqual([]);
    expect(plan.tags).toEqual({ add: [], remove: [] });
    expect(plan.digest).toBe('');
  });

  it('gives a value claimed twice to the higher weight, then to name order, and reports the conflict', () => {
    const x = 'InternetGatewayDevice.X.Y';
    const plan = planPresets(
      [
        preset('b-low', [{ setValues: [{ path: x, value: 2 }] }], { weight: 5 }),
        preset('m-high', [{ setValues: [{ path: x, value: 1 }] }], { weight: 10, channel: 'm' }),
        preset('a-high', [{ setValues: [{ path: x, value: 3 }] }], { weight: 10, channel: 'a' }),
        preset('same', [{ setValues: [{ path: x, value: '3' }] }], { weight: 1 }),
      ],
      device(),
      { now },
    );
    expect(plan.tasks).toEqual([{ spec: { kind: 'setParameterValues', values: [{ path: x, value: 3 }] }, channel: 'a', presets: ['a-high'] }]);
    expect(plan.conflicts).toEqual([
      {
        subject: 'value',
        name: x,
        winner: { preset: 'a-high', weight: 10, value: 3 },
        overruled: [
          { preset: 'm-high', weight: 10, value: 1 },
          { preset: 'b-low', weight: 5, value: 2 },
        ],
      },
    ]);
    expect(plan.presetsApplied).toEqual(['a-high', 'm-high', 'b-low', 'same']);
  });

  it('groups sets by channel, so a fault is charged to the right one', () => {
    const plan = planPresets(
      [preset('one', [{ setValues: [{ path: 'InternetGatewayDevice.A.B', value: 1 }] }], { channel: 'wan' }), preset('two', [{ setValues: [{ path: 'InternetGatewayDevice.A.C', value: 1 }] }], { channel: 'lan' })],
      device(),
      { now },
    );
    expect(plan.tasks.map((t) => [t.channel, t.presets])).toEqual([
      ['lan', ['two']],
      ['wan', ['one']],
    ]);
  });

  it('ensures instances by key: updates matches, adds the missing, deletes the others when asked', () => {
    const wish = (removeOthers: boolean): PresetAction => ({
      ensureInstances: { object: `${WLAN}.`, key: 'SSID', instances: [{ SSID: 'guest-{{substr serialNumber 0 4}}', Enable: true }, { SSID: 'iot', Enable: false }], removeOthers },
    });
    const plan = planPresets([preset('wifi', [wish(true)], { channel: 'wifi' })], device(), { now });
    expect(plan.tasks.map((t) => t.spec)).toEqual([
      { kind: 'deleteObject', path: `${WLAN}.1` },
      { kind: 'deleteObject', path: `${WLAN}.3` },
      { kind: 'addObject', path: WLAN, values: [{ name: 'SSID', value: 'iot' }, { name: 'Enable', value: false }] },
      { kind: 'setParameterValues', values: [{ path: `${WLAN}.2.Enable`, value: true }] },
    ]);
    expect(plan.tasks.every((t) => t.channel === 'wifi')).toBe(true);

    const keep = planPresets([preset('wifi', [wish(false)])], device(), { now });
    expect(keep.tasks.map((t) => t.spec.kind)).toEqual(['addObject', 'setParameterValues']);
  });

  it('keeps the lowest-numbered instance of a duplicated key and deletes the copies when asked', () => {
    const plan = planPresets([preset('wifi', [{ ensureInstances: { object: WLAN, key: 'SSID', instances: [{ SSID: 'home', Enable: true }, { SSID: 'guest-ABC1' }], removeOthers: true } }])], device(), {
      now,
    });
    expect(plan.tasks.map((t) => t.spec)).toEqual([{ kind: 'deleteObject', path: `${WLAN}.3` }]);
  });

  it('lets two presets share a table: an instance one wants is not deleted by the other', () => {
    const plan = planPresets(
      [
        preset('main', [{ ensureInstances: { object: WLAN, key: 'SSID', instances: [{ SSID: 'home' }], removeOthers: true } }], { weight: 5 }),
        preset('guest', [{ ensureInstances: { object: WLAN, key: 'SSID', instances: [{ SSID: 'guest-ABC1', Enable: 'true' }] } }]),
      ],
      device(),
      { now },
    );
    expect(plan.tasks.map((t) => t.spec)).toEqual([
      { kind: 'deleteObject', path: `${WLAN}.3` },
      { kind: 'setParameterValues', values: [{ path: `${WLAN}.2.Enable`, value: 'true' }] },
    ]);
    expect(plan.tasks[0].presets).toEqual(['main']);
  });

  it('refreshes a table it knows nothing about instead of adding to it', () => {
    const plan = planPresets(
      [preset('wifi', [{ ensureInstances: { object: 'InternetGatewayDevice.LANDevice.2.WLANConfiguration', key: 'SSID', instances: [{ SSID: 'x' }], removeOthers: true } }])],
      device(),
      { now },
    );
    expect(plan.tasks.map((t) => t.spec)).toEqual([{ kind: 'refreshObject', path: 'InternetGatewayDevice.LANDevice.2.WLANConfiguration' }]);
    expect(plan.unresolved).toMatchObject([{ preset: 'wifi', target: 'InternetGatewayDevice.LANDevice.2.WLANConfiguration', needs: ['InternetGatewayDevice.LANDevice.2.WLANConfiguration'] }]);
    expect(plan.digest).toBe('');

    const unknownKeys = device({ parameters: { ...device().parameters, [`${WLAN}.4.Enable`]: p(true) } });
    const partial = planPresets([preset('wifi', [{ ensureInstances: { object: WLAN, key: 'SSID', instances: [{ SSID: 'x' }] } }])], unknownKeys, { now });
    expect(partial.tasks.map((t) => t.spec)).toEqual([{ kind: 'refreshObject', path: WLAN }]);
    expect(partial.unresolved[0].needs).toEqual([`${WLAN}.4.SSID`]);
  });

  it('returns tag changes apart from tasks, only where they change something, weight deciding disputes', () => {
    const plan = planPresets(
      [
        preset('tagger', [{ addTags: ['provisioned', 'lab', 'vip'] }, { removeTags: ['new', 'absent'] }], { weight: 10 }),
        preset('untagger', [{ removeTags: ['vip'] }], { weight: 1 }),
      ],
      device(),
      { now },
    );
    expect(plan.tasks).toEqual([]);
    expect(plan.tags).toEqual({ add: ['provisioned', 'vip'], remove: ['new'] });
    expect(plan.conflicts).toEqual([{ subject: 'tag', name: 'vip', winner: { preset: 'tagger', weight: 10, value: true }, overruled: [{ preset: 'untagger', weight: 1, value: false }] }]);
    expect(plan.digest).not.toBe('');
  });

  it('skips presets whose precondition fails, and disabled ones', () => {
    const plan = planPresets(
      [
        preset('other-model', [{ addTags: ['a'] }], { precondition: 'productClass = "Other"' }),
        preset('this-model', [{ addTags: ['b'] }], { precondition: 'productClass = "HG8245" AND tag = "new"' }),
        preset('off', [{ addTags: ['c'] }], { enabled: false }),
        preset('broken', [{ addTags: ['d'] }], { precondition: 'productClass =' }),
      ],
      device(),
      { now },
    );
    expect(plan.presetsApplied).toEqual(['this-model']);
    expect(plan.tags.add).toEqual(['b']);
    expect(plan.unresolved).toMatchObject([{ preset: 'broken', target: 'precondition' }]);
  });

  it('plans refreshes (merged when nested), downloads and one reboot last', () => {
    const plan = planPresets(
      [
        preset('a', [{ refresh: 'InternetGatewayDevice.DeviceInfo.' }, { refresh: 'InternetGatewayDevice.LANDevice' }, { reboot: true }], { weight: 2, channel: 'ops' }),
        preset('b', [{ refresh: 'InternetGatewayDevice.LANDevice.1.Hosts' }, { reboot: true }, { download: { fileType: '1 Firmware Upgrade Image', url: 'http://f/{{productClass}}.bin', fileSize: 10 } }]),
        preset('c', [{ download: { fileType: '1 Firmware Upgrade Image', url: 'http://f/HG8245.bin', fileSize: 10 } }, { setValues: [{ path: USERNAME, value: 'u' }] }]),
      ],
      device(),
      { now },
    );
    expect(plan.tasks).toEqual([
      { spec: { kind: 'setParameterValues', values: [{ path: USERNAME, value: 'u' }] }, channel: 'default', presets: ['c'] },
      { spec: { kind: 'refreshObject', path: 'InternetGatewayDevice.DeviceInfo' }, channel: 'ops', presets: ['a'] },
      { spec: { kind: 'refreshObject', path: 'InternetGatewayDevice.LANDevice' }, channel: 'ops', presets: ['a'] },
      { spec: { kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://f/HG8245.bin', fileSize: 10 }, channel: 'default', presets: ['b', 'c'] },
      { spec: { kind: 'reboot' }, channel: 'ops', presets: ['a', 'b'] },
    ]);
  });

  it('reports values it cannot render with what they need, and plans the rest', () => {
    const plan = planPresets(
      [preset('copy', [{ setValues: [{ path: 'InternetGatewayDevice.A.B', value: '{{param "InternetGatewayDevice.DeviceInfo.ModelName"}}' }, { path: 'InternetGatewayDevice.A.C', value: 'x' }] }])],
      device(),
      { now },
    );
    expect(plan.tasks.map((t) => t.spec)).toEqual([{ kind: 'setParameterValues', values: [{ path: 'InternetGatewayDevice.A.C', value: 'x' }] }]);
    expect(plan.unresolved).toMatchObject([{ preset: 'copy', target: 'InternetGatewayDevice.A.B', needs: ['InternetGatewayDevice.DeviceInfo.ModelName'] }]);
  });

  it('is deterministic: the same input gives the same plan and digest, whatever the preset order', () => {
    const presets = [preset('a', [{ setValues: [{ path: USERNAME, value: 'x' }] }, { addTags: ['t'] }]), preset('b', [{ reboot: true }], { weight: 3 })];
    const one = planPresets(presets, device(), { now });
    const two = planPresets([...presets].reverse(), device(), { now });
    expect(two).toEqual(one);
    const refreshOnly = planPresets([preset('r', [{ refresh: 'InternetGatewayDevice.DeviceInfo' }])], device(), { now });
    expect(refreshOnly.digest).toBe('');
  });
});

describe('valuesEqual', () => {
  it('treats typed and text forms of the same value as equal', () => {
    expect(valuesEqual(300, '300')).toBe(true);
    expect(valuesEqual(true, 'true')).toBe(true);
    expect(valuesEqual('1', true)).toBe(true);
    expect(valuesEqual(false, 0)).toBe(true);
    expect(valuesEqual('0300', 300)).toBe(false);
    expect(valuesEqual(true, 'yes')).toBe(false);
    expect(valuesEqual('a', undefined)).toBe(false);
  });
});
