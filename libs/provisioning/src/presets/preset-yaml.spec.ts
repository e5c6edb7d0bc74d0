import { readFileSync } from 'node:fs';

import { PresetValidationError, parsePresetSources, parsePresetYaml } from './preset-yaml';

function issuesOf(text: string, source = 'presets/x.yaml') {
  try {
    parsePresetYaml(text, source);
  } catch (error) {
    if (error instanceof PresetValidationError) return error.issues;
    throw error;
  }
  throw new Error('parsed');
}

const FULL = `
name: pppoe-from-serial
weight: 10
channel: bootstrap
precondition: 'productClass = "HG8245" AND tag != "manual"'
triggers:
  - event: 0 BOOTSTRAP
  - "1  boot"
  - cron: "0 3 * * *"
actions:
  - setValues:
      InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.Username: "pppoe-{{lower serialNumber}}"
      InternetGatewayDevice.ManagementServer.PeriodicInformInterval: { value: 300, type: xsd:unsignedInt }
  - ensureInstances:
      object: InternetGatewayDevice.LANDevice.1.WLANConfiguration.
      key: SSID
      instances:
        - { SSID: "guest-{{substr serialNumber 0 4}}", Enable: true }
      removeOthers: true
  - addTags: [provisioned]
  - removeTags: [new]
  - refresh: InternetGatewayDevice.DeviceInfo.
  - download: { fileType: 1 Firmware Upgrade Image, url: "http://files.example/{{productClass}}.bin", fileSize: 1024 }
  - reboot: true
`;

describe('parsePresetYaml', () => {
  it('reads a full preset with defaults and normalised paths and triggers', () => {
    const [preset] = parsePresetYaml(FULL, 'full.yaml', { updatedAt: 5 });
    expect(preset).toEqual({
      name: 'pppoe-from-serial',
      weight: 10,
      channel: 'bootstrap',
      precondition: 'productClass = "HG8245" AND tag != "manual"',
      enabled: true,
      updatedAt: 5,
      triggers: [{ event: '0 BOOTSTRAP' }, { event: '1 boot' }, { cron: '0 3 * * *' }],
      actions: [
        {
          setValues: [
            { path: 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.Username', value: 'pppoe-{{lower serialNumber}}' },
            { path: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval', value: 300, type: 'unsignedInt' },
          ],
        },
        {
          ensureInstances: {
            object: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration',
            key: 'SSID',
            instances: [{ SSID: 'guest-{{substr serialNumber 0 4}}', Enable: true }],
            removeOthers: true,
          },
        },
        { addTags: ['provisioned'] },
        { removeTags: ['new'] },
        { refresh: 'InternetGatewayDevice.DeviceInfo' },
        { download: { fileType: '1 Firmware Upgrade Image', url: 'http://files.example/{{productClass}}.bin', fileSize: 1024 } },
        { reboot: true },
      ],
    });
  });

  it('reads a list of presets, several documents, the list form of setValues, and applies defaults', () => {
    const presets = parsePresetYaml(
      `- name: a\n  triggers: [{ anyInform: true }]\n  actions: [{ addTags: [x] }]\n- name: b\n  enabled: false\n  triggers: [2 PERIODIC]\n  actions:\n    - setValues: [{ path: Device.X.Y, value: "1" }]\n---\nname: c\ntriggers: [M Reboot]\nactions: [{ reboot: true }]\n`,
      'many.yaml',
    );
    expect(presets.map((p) => [p.name, p.weight, p.channel, p.precondition, p.enabled])).toEqual([
      ['a', 0, 'default', '', true],
      ['b', 0, 'default', '', false],
      ['c', 0, 'default', '', true],
    ]);
    expect(presets[1].actions).toEqual([{ setValues: [{ path: 'Device.X.Y', value: '1' }] }]);
  });

  it('accepts an empty file', () => {
    expect(parsePresetYaml('# nothing yet\n', 'empty.yaml')).toEqual([]);
  });

  it('names the file, the preset, the field and the line of each problem, all at once', () => {
    const issues = issuesOf(
      [
        'name: wifi', // 1
        'weight: heavy', // 2
        'colour: blue', // 3
        "precondition: 'serialNumber = '", // 4
        'triggers:', // 5
        '  - cron: "61 * * * *"', // 6
        '  - event: BOOT', // 7
        'actions:', // 8
        '  - setValues:', // 9
        '      Device.WiFi.SSID.1.SSID: "{{serial}}"', // 10
        '      Device.WiFi.: x', // 11
        '  - ensureInstances: { object: Device.WiFi.SSID, key: SSID, instances: [{ Enable: true }] }', // 12
        '  - rebooot: true', // 13
        '  - download: { fileType: firmware, url: "file:///etc/passwd" }', // 14
      ].join('\n'),
    );
    const summary = issues.map((i) => [i.line, i.field, i.preset, i.source]);
    expect(summary).toEqual([
      [2, 'weight', 'wifi', 'presets/x.yaml'],
      [3, 'colour', 'wifi', 'presets/x.yaml'],
      [4, 'precondition', 'wifi', 'presets/x.yaml'],
      [6, 'triggers[0].cron', 'wifi', 'presets/x.yaml'],
      [7, 'triggers[1].event', 'wifi', 'presets/x.yaml'],
      [10, 'actions[0].setValues.Device.WiFi.SSID.1.SSID', 'wifi', 'presets/x.yaml'],
      [11, 'actions[0].setValues.Device.WiFi.', 'wifi', 'presets/x.yaml'],
      [12, 'actions[1].ensureInstances.instances[0]', 'wifi', 'presets/x.yaml'],
      [13, 'actions[2].rebooot', 'wifi', 'presets/x.yaml'],
      [14, 'actions[3].download.fileType', 'wifi', 'presets/x.yaml'],
      [14, 'actions[3].download.url', 'wifi', 'presets/x.yaml'],
    ]);
    const text = new PresetValidationError(issues).message;
    expect(text).toContain('presets/x.yaml:3, preset wifi, colour: unknown key "colour"');
    expect(text).toContain('expected a number, found "heavy"');
    expect(text).toContain('invalid filter: Expected a value');
    expect(text).toContain('Constraint error');
    expect(text).toContain('"BOOT" is not an event code');
    expect(text).toContain('Unknown name "serial"');
    expect(text).toContain('each instance needs its key SSID');
    expect(text).toContain('unknown action "rebooot"');
  });

  it.each([
    ['triggers: [{ anyInform: true }]\nactions: [{ reboot: true }]', 'name', 'is required'],
    ['name: "bad name"\ntriggers: [{ anyInform: true }]\nactions: [{ reboot: true }]', 'name', 'must be 1–100 letters'],
    ['name: a\nactions: [{ reboot: true }]', 'triggers', 'triggers is required'],
    ['name: a\ntriggers: []\nactions: [{ reboot: true }]', 'triggers', 'at least one'],
    ['name: a\ntriggers: [{ cron: "* * *" }]\nactions: [{ reboot: true }]', 'triggers[0].cron', '5 fields'],
    ['name: a\ntriggers: [{ event: 1 BOOT, cron: "* * * * *" }]\nactions: [{ reboot: true }]', 'triggers[0]', 'exactly one key'],
    ['name: a\ntriggers: [{ anyInform: true }]\nactions: [{ reboot: false }]', 'actions[0].reboot', 'reboot takes true'],
    ['name: a\ntriggers: [{ anyInform: true }]\nactions: [{ setValues: { Device.X.Y: [1] } }]', 'actions[0].setValues.Device.X.Y', 'a value must be'],
    ['name: a\ntriggers: [{ anyInform: true }]\nactions: [{ setValues: { Device.X.Y: { value: 1, type: float } } }]', 'actions[0].setValues.Device.X.Y.type', 'not a CWMP type'],
    ['name: a\ntriggers: [{ anyInform: true }]\nactions: [{ setValues: { Other.X: 1 } }]', 'actions[0].setValues.Other.X', 'not a parameter path'],
    ['name: a\ntriggers: [{ anyInform: true }]\nactions: [{ addTags: [""] }]', 'actions[0].addTags[0]', 'cannot be empty'],
    [
      'name: a\ntriggers: [{ anyInform: true }]\nactions: [{ ensureInstances: { object: Device.WiFi.SSID, key: SSID, instances: [{ SSID: x }, { SSID: x }] } }]',
      'actions[0].ensureInstances.instances[1].SSID',
      'two instances have the key',
    ],
    ['name: a\nname: b\ntriggers: [{ anyInform: true }]\nactions: [{ reboot: true }]', '', 'Map keys must be unique'],
    ['name: [a\n', '', ''],
  ])('rejects %j', (text, field, message) => {
    const issues = issuesOf(text);
    expect(issues.some((i) => i.field === field && i.message.includes(message))).toBe(true);
  });

  it('refuses a name used twice, in one file or across files', () => {
    const one = 'name: a\ntriggers: [{ anyInform: true }]\nactions: [{ reboot: true }]\n';
    expect(issuesOf(`- ${one.replace(/\n(?=.)/g, '\n  ')}- ${one.replace(/\n(?=.)/g, '\n  ')}`)[0].message).toContain('already used');
    expect(() => parsePresetSources([{ sourceName: 'a.yaml', text: one }, { sourceName: 'b.yaml', text: one }])).toThrow(
      'b.yaml, preset a, name: the name is already used by a preset in a.yaml',
    );
    expect(parsePresetSources([{ sourceName: 'a.yaml', text: one, updatedAt: 7 }])[0].updatedAt).toBe(7);
  });
});

describe('the example in docs/presets.md', () => {
  it('parses and plans as documented', () => {
    const doc = readFileSync(`${__dirname}/../../../../docs/presets.md`, 'utf8');
    const yaml = /## Full example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(yaml).toBeDefined();
    const presets = parsePresetYaml(yaml!, 'docs/presets.md');
    expect(presets.map((p) => p.name)).toEqual(['pppoe-from-serial', 'guest-wifi', 'mark-booted', 'nightly-inventory']);
  });
});
