import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acsV1 } from '@acs/contracts';
import { run } from './acsctl';
import { TASK_COLUMNS } from './output/resource-views';
import { FAKE_TOKEN, FakeAcs } from './test-support/fake-acs.server';

/** The CLI run in-process against a real grpc-js server on loopback that plays the acs.v1 services. */
describe('acsctl against an acs.v1 server', () => {
  const acs = new FakeAcs();
  const dir = mkdtempSync(join(tmpdir(), 'acsctl-spec-'));
  let server: string;

  beforeAll(async () => {
    server = await acs.start();
    for (const id of ['OUI-PC-OK', 'OUI-PC-FAULT', 'OUI-PC-STUCK']) {
      acs.devices.push(
        acsV1.Device.fromPartial({
          id,
          productClass: 'PC',
          softwareVersion: '1.0',
          tags: ['lab'],
          parameters: [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0', type: 'xsd:string', object: false }],
        }),
      );
    }
  });

  afterAll(() => {
    acs.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a command line with the server and token in the environment, as an operator's shell would have them. */
  /** `onStdout` sees standard output as it grows, for a test that acts on what the CLI has printed. */
  async function acsctl(argv: string[], env: Record<string, string | undefined> = {}, signal?: AbortSignal, onStdout?: (stdout: string) => void) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: (t) => {
        stdout += t;
        onStdout?.(stdout);
      },
      stderr: (t) => (stderr += t),
      env: { ACSCTL_SERVER: server, ACSCTL_TOKEN: FAKE_TOKEN, ...env },
      cwd: dir,
      ...(signal ? { signal } : {}),
    });
    return { code, stdout, stderr };
  }

  describe('devices', () => {
    it('lists every device across pages as one JSON document, sending the bearer token', async () => {
      const before = acs.calls.length;
      const result = await acsctl(['devices', 'list', '--all', '--output', 'json', '--filter', 'tag = "lab"', '--projection', 'Device.DeviceInfo.', '--sort', 'last_inform_time:desc,id']);
      expect(result.code).toBe(0);
      const doc = JSON.parse(result.stdout);
      expect(doc.devices.map((d: { id: string }) => d.id)).toEqual(['OUI-PC-OK', 'OUI-PC-FAULT', 'OUI-PC-STUCK']);
      expect(doc.totalSize).toBe(3);
      const calls = acs.calls.slice(before);
      expect(calls.map((c) => c.method)).toEqual(['ListDevices', 'ListDevices']);
      expect(calls.every((c) => c.authorization === `Bearer ${FAKE_TOKEN}`)).toBe(true);
      expect(calls[0].request).toMatchObject({
        filter: 'tag = "lab"',
        projection: ['Device.DeviceInfo.'],
        sort: [
          { field: 'last_inform_time', descending: true },
          { field: 'id', descending: false },
        ],
        pageToken: '',
      });
      expect(calls[1].request).toMatchObject({ pageToken: '2' });
    });

    it('prints a table with a column per projected parameter, and says when there are more', async () => {
      const result = await acsctl(['devices', 'list', '--limit', '1']);
      expect(result.code).toBe(0);
      const [header, row, extra] = result.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^ID\s+PRODUCT CLASS\s+SOFTWARE\s+IP\s+ONLINE\s+LAST INFORM\s+LAST SEEN\s+TAGS\s+Device\.DeviceInfo\.SoftwareVersion$/);
      expect(row).toMatch(/^OUI-PC-OK\s+PC\s+1\.0\s+no\s+never\s+lab\s+1\.0$/);
      expect(extra).toBeUndefined();
      expect(result.stderr).toContain('1 of 3 device(s); --all or --limit N for more');
    });

    it('writes CSV with the table\'s columns, a projected parameter no device has included as an empty column', async () => {
      const result = await acsctl(['devices', 'list', '--all', '-o', 'csv', '--projection', 'Device.ManagementServer.PeriodicInformInterval']);
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\r\n');
      expect(lines[0]).toBe('ID,PRODUCT CLASS,SOFTWARE,IP,ONLINE,LAST INFORM,LAST SEEN,TAGS,Device.DeviceInfo.SoftwareVersion,Device.ManagementServer.PeriodicInformInterval');
      expect(lines.slice(1, 4)).toEqual(['OUI-PC-OK,PC,1.0,,no,,never,lab,1.0,', 'OUI-PC-FAULT,PC,1.0,,no,,never,lab,1.0,', 'OUI-PC-STUCK,PC,1.0,,no,,never,lab,1.0,']);
      expect(lines[4]).toBe('');
      expect(result.stderr).toBe('3 of 3 device(s)\n');
    });

    it('writes CSV for the other lists too (tasks, presets, faults)', async () => {
      const faults = await acsctl(['faults', 'list', '-o', 'csv']);
      expect(faults.stdout).toBe('DEVICE,CHANNEL,CODE,RETRIES,FIRST,LAST,MESSAGE\r\nOUI-PC-FAULT,wan,9002,2,,,Internal error\r\n');
      const tasks = await acsctl(['tasks', 'list', '-o', 'csv']);
      expect(tasks.code).toBe(0);
      // The table's columns, whatever they are.
      expect(tasks.stdout.split('\r\n')[0]).toBe(TASK_COLUMNS.map((c) => c.header).join(','));
      expect(tasks.stdout.split('\r\n')[0]).toMatch(/^ID,DEVICE,STATUS,/);
      const presets = await acsctl(['presets', 'list', '-o', 'csv']);
      expect(presets.stdout.split('\r\n')[0]).toBe('NAME,WEIGHT,CHANNEL,ENABLED,TRIGGERS,ACTIONS,UPDATED,PRECONDITION');
    });

    it('refuses an unknown output format in one line naming the valid ones, before calling', async () => {
      const calls = acs.calls.length;
      const result = await acsctl(['devices', 'list', '-o', 'xml']);
      expect(result).toEqual({ code: 2, stdout: '', stderr: 'error: --output: "xml" is not an output format; use table, json, csv\n' });
      expect(acs.calls.length).toBe(calls);
    });

    it('finds devices by serial number with --serial, alone or with --filter, the value quoted for the filter language', async () => {
      const before = acs.calls.length;
      await acsctl(['devices', 'list', '--serial', 'FLEET00001', '-o', 'json']);
      await acsctl(['devices', 'list', '--serial', 'A"B\\C', '--filter', 'tag = "lab" OR tag = "x"', '-o', 'json']);
      const filters = new Set(acs.calls.slice(before).map((c) => (c.request as acsV1.ListDevicesRequest).filter));
      expect([...filters]).toEqual(['serialNumber = "FLEET00001"', '(tag = "lab" OR tag = "x") AND serialNumber = "A\\"B\\\\C"']);
    });

    it('counts the devices a filter matches, and prints the server\'s warnings on standard error', async () => {
      acs.listDeviceWarnings = ['no device has the parameter Device.DeviceInfo.SoftwareVersio: a typo?'];
      try {
        const before = acs.calls.length;
        const result = await acsctl(['devices', 'count', '--filter', 'Device.DeviceInfo.SoftwareVersio = "1"']);
        expect(result).toEqual({ code: 0, stdout: '3\n', stderr: 'warning: no device has the parameter Device.DeviceInfo.SoftwareVersio: a typo?\n' });
        expect(acs.calls.slice(before).map((c) => c.request)).toEqual([expect.objectContaining({ filter: 'Device.DeviceInfo.SoftwareVersio = "1"', pageSize: 1 })]);
        const json = await acsctl(['devices', 'count', '-o', 'json']);
        expect(JSON.parse(json.stdout)).toEqual({ totalSize: 3, warnings: ['no device has the parameter Device.DeviceInfo.SoftwareVersio: a typo?'] });
        const listed = await acsctl(['devices', 'list', '-o', 'json']);
        expect(listed.stderr).toBe('warning: no device has the parameter Device.DeviceInfo.SoftwareVersio: a typo?\n');
        expect(JSON.parse(listed.stdout).warnings).toHaveLength(1);
      } finally {
        acs.listDeviceWarnings = [];
      }
    });

    it('tags and untags a device', async () => {
      expect((await acsctl(['devices', 'tag', 'OUI-PC-OK', 'vip', 'north'])).stdout).toBe('OUI-PC-OK tags: lab, vip, north\n');
      expect((await acsctl(['devices', 'untag', 'OUI-PC-OK', 'vip', 'north'])).stdout).toBe('OUI-PC-OK tags: lab\n');
    });

    it('prints a gRPC error with its decoded details and exits 1', async () => {
      const result = await acsctl(['devices', 'get', 'NOPE-X-1']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('error: NOT_FOUND: device NOPE-X-1 not found\n  resource: device NOPE-X-1\n');
      expect(result.stdout).toBe('');
    });
  });

  describe('authentication', () => {
    it('takes the token from --token-file, and says what to do when the server refuses the call', async () => {
      writeFileSync(join(dir, 'admin.token'), `${FAKE_TOKEN}\n`);
      expect((await acsctl(['devices', 'params', 'OUI-PC-OK', '--token-file', 'admin.token'], { ACSCTL_TOKEN: undefined })).code).toBe(0);
      expect(acs.calls.at(-1)?.authorization).toBe(`Bearer ${FAKE_TOKEN}`);
      const refused = await acsctl(['devices', 'list'], { ACSCTL_TOKEN: undefined });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('error: UNAUTHENTICATED: missing or unknown API token');
      expect(refused.stderr).toContain('hint: give a token');
      expect(acs.calls.at(-1)?.authorization).toBeUndefined();
    });

    it('refuses a token given twice and an unreadable token file before calling', async () => {
      const calls = acs.calls.length;
      const both = await acsctl(['devices', 'list', '--token', 'a', '--token-file', 'admin.token']);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give --token or --token-file, not both');
      const missing = await acsctl(['devices', 'list', '--token-file', 'nope.token']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('error: cannot read the token file nope.token: ENOENT\n');
      expect(acs.calls.length).toBe(calls);
    });
  });

  describe('tasks create --wait', () => {
    it('prints progress on stderr, then the task and its result, and exits 0 when DONE', async () => {
      const result = await acsctl(['tasks', 'create', 'OUI-PC-OK', 'get', 'Device.DeviceInfo.SoftwareVersion', '--connection-request', '--wait']);
      expect(result.code).toBe(0);
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^task task-\d+: PENDING, attempt 0\/3$/),
        expect.stringMatching(/^task task-\d+: DISPATCHED, attempt 1\/3$/),
        expect.stringMatching(/^task task-\d+: DONE, attempt 1\/3$/),
      ]);
      expect(result.stdout).toMatch(/^status:\s+DONE$/m);
      expect(result.stdout).toMatch(/Device\.DeviceInfo\.SoftwareVersion\s+2\.0\.1\s+xsd:string/);
      const create = acs.callsOf('CreateTask').at(-1)!;
      expect(create.request).toMatchObject({
        deviceId: 'OUI-PC-OK',
        connectionRequest: true,
        spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } } },
      });
      expect(acs.callsOf('WatchTask').at(-1)!.authorization).toBe(`Bearer ${FAKE_TOKEN}`);
    });

    it('exits 3 with the fault when the task ends FAULTED', async () => {
      const result = await acsctl(['tasks', 'create', 'OUI-PC-FAULT', 'set', 'Device.X=1:int', '--wait']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/FAULTED, attempt 1\/3, fault 9002: Internal error/);
      // A fault the device gave (not transient) is final, and the line says a retry would not help.
      expect(result.stdout).toMatch(/^fault:\s+9002: Internal error \(final: the device refused it, a retry would fail the same way\)$/m);
      expect((acs.callsOf('CreateTask').at(-1)!.request as any).spec.kind.setParameterValues.values).toEqual([{ path: 'Device.X', value: '1', type: 'xsd:int' }]);
    });

    it('exits 4 when the wait ends before the task does', async () => {
      const result = await acsctl(['tasks', 'create', 'OUI-PC-STUCK', 'reboot', '--wait', '--timeout', '300ms']);
      expect(result.code).toBe(4);
      expect(result.stdout).toMatch(/^status:\s+DISPATCHED$/m);
      expect(result.stderr).toMatch(/wait timed out after 300ms; the task goes on: acsctl tasks watch task-\d+/);
    });

    it('prints one JSON document and no progress with --output json', async () => {
      const result = await acsctl(['tasks', 'create', 'OUI-PC-OK', 'refresh', 'Device.WiFi.', '--wait', '-o', 'json']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const doc = JSON.parse(result.stdout);
      expect(doc).toMatchObject({ finished: true, task: { deviceId: 'OUI-PC-OK', status: 'TASK_STATUS_DONE', spec: { refreshObject: { path: 'Device.WiFi.' } } } });
    });

    it('exits 2 with the usage of tasks create for a bad task', async () => {
      const result = await acsctl(['tasks', 'create', 'OUI-PC-OK', 'set', 'Device.X']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: "Device.X" is not PATH=VALUE\[:TYPE\]\n\nusage: acsctl tasks create DEVICE_ID KIND/);
    });
  });

  describe('tasks', () => {
    it('lists tasks by status, watches one, and cancels', async () => {
      const listed = await acsctl(['tasks', 'list', '--status', 'done,faulted', '--device', 'OUI-PC-OK', '--all']);
      expect(listed.code).toBe(0);
      expect(acs.callsOf('ListTasks').at(-1)!.request).toMatchObject({ deviceId: 'OUI-PC-OK', statuses: [acsV1.TaskStatus.TASK_STATUS_DONE, acsV1.TaskStatus.TASK_STATUS_FAULTED] });
      expect(listed.stdout).toContain('DONE');
      const created = JSON.parse((await acsctl(['tasks', 'create', 'OUI-PC-OK', 'factory-reset', '-o', 'json'])).stdout);
      const watched = await acsctl(['tasks', 'watch', created.task.id, '-o', 'json']);
      expect(watched.code).toBe(0);
      const statuses = watched.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).task.status);
      expect(statuses).toEqual(['TASK_STATUS_PENDING', 'TASK_STATUS_DISPATCHED', 'TASK_STATUS_DONE']);
      const stuck = JSON.parse((await acsctl(['tasks', 'create', 'OUI-PC-STUCK', 'reboot', '-o', 'json'])).stdout);
      const cancelled = await acsctl(['tasks', 'cancel', stuck.task.id]);
      expect(cancelled.stdout).toMatch(/^status:\s+CANCELLED$/m);
      const refused = await acsctl(['tasks', 'cancel', created.task.id]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error: FAILED_PRECONDITION: task ${created.task.id} is already final\n`);
    });
  });

  describe('presets apply', () => {
    const files = join(dir, 'presets');

    function writePresets(text: string): void {
      rmSync(files, { recursive: true, force: true });
      mkdirSync(files);
      writeFileSync(join(files, 'site.yaml'), text);
    }

    it('creates, leaves unchanged, updates, prunes, and changes nothing on a dry run', async () => {
      acs.presets.set('legacy', acsV1.Preset.fromPartial({ name: 'legacy', channel: 'default', enabled: true, triggers: [{ kind: { $case: 'event', event: '1 BOOT' } }] }));
      writePresets('- name: boot-tag\n  triggers: [1 BOOT]\n  actions: [{ addTags: [booted] }]\n---\nname: wan\nweight: 5\ntriggers: [0 BOOTSTRAP]\n');
      const first = await acsctl(['presets', 'apply', '-f', 'presets']);
      expect(first.code).toBe(0);
      expect(first.stdout).toBe('created      boot-tag (presets/site.yaml:1)\ncreated      wan (presets/site.yaml:5)\n');
      expect(first.stderr).toBe('2 created, 0 updated, 0 unchanged, 0 deleted\n');
      expect(acs.callsOf('CreatePreset').map((c) => (c.request as any).source.$case)).toEqual(['yaml', 'yaml']);

      const again = await acsctl(['presets', 'apply', '-f', 'presets']);
      expect(again.stdout).toBe('unchanged    boot-tag (presets/site.yaml:1)\nunchanged    wan (presets/site.yaml:5)\n');

      writePresets('- name: boot-tag\n  triggers: [1 BOOT]\n  actions: [{ addTags: [booted] }]\n---\nname: wan\nweight: 7\ntriggers: [0 BOOTSTRAP]\n');
      const dry = await acsctl(['presets', 'apply', '-f', 'presets', '--prune', '--dry-run']);
      expect(dry.stdout).toBe('unchanged    boot-tag (presets/site.yaml:1)\nwould update wan [weight] (presets/site.yaml:5)\nwould delete legacy\n');
      expect(dry.stderr).toBe('0 would create, 1 would update, 1 unchanged, 1 would delete (dry run)\n');
      expect(acs.presets.get('wan')?.weight).toBe(5);
      expect(acs.presets.has('legacy')).toBe(true);

      const applied = await acsctl(['presets', 'apply', '-f', 'presets', '--prune', '-o', 'json']);
      expect(applied.code).toBe(0);
      expect(JSON.parse(applied.stdout)).toEqual({
        dryRun: false,
        changes: [
          { name: 'boot-tag', action: 'unchanged', source: 'presets/site.yaml:1' },
          { name: 'wan', action: 'updated', source: 'presets/site.yaml:5', fields: ['weight'] },
          { name: 'legacy', action: 'deleted' },
        ],
        summary: { created: 0, updated: 1, unchanged: 1, deleted: 1, failed: 0 },
      });
      expect(acs.presets.get('wan')?.weight).toBe(7);
      expect(acs.presets.has('legacy')).toBe(false);
    });

    it('applies nothing when a preset is invalid, printing each violation', async () => {
      writePresets('- name: fresh\n  triggers: [1 BOOT]\n- name: broken\n  actions: []\n');
      const result = await acsctl(['presets', 'apply', '-f', 'presets']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        // The server's line of the YAML it was sent, told as the line of the file.
        'invalid  broken (presets/site.yaml:3): INVALID_ARGUMENT\n  triggers: presets/site.yaml:4: at least one trigger [REQUIRED]\nnothing applied: fix the presets above first\n',
      );
      expect(acs.presets.has('fresh')).toBe(false);
    });

    it('validates files, and prints a stored preset back in the file format', async () => {
      writePresets('name: ok-one\ntriggers: [1 BOOT]\n');
      const validated = await acsctl(['presets', 'validate', '-f', 'presets/site.yaml']);
      expect(validated).toMatchObject({ code: 0, stdout: 'ok       ok-one (presets/site.yaml:1)\n' });
      const shown = await acsctl(['presets', 'get', 'boot-tag']);
      expect(shown.stdout).toBe('name: boot-tag\ntriggers:\n  - 1 BOOT\nactions:\n  - addTags:\n      - booted\n');
    });
  });

  describe('events tail', () => {
    const EVENT_TIME = new Date('2026-11-22T06:00:00Z');
    beforeAll(() => {
      const event = (type: string, subject: string): acsV1.Event =>
        acsV1.Event.fromPartial({ id: `${type}-${subject}`, type, subject, source: '/acs/provisioning', time: EVENT_TIME, data: { ok: true } });
      acs.events.push(event('acs.device.booted', 'OUI-PC-OK'), event('acs.task.done', 'OUI-PC-OK'), event('acs.task.faulted', 'OUI-PC-FAULT'));
    });

    it('streams NDJSON of the chosen types and stops after --count', async () => {
      const result = await acsctl(['events', 'tail', '--type', 'acs.task.', '--count', '2', '-o', 'json']);
      expect(result.code).toBe(0);
      expect(result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).event.type)).toEqual(['acs.task.done', 'acs.task.faulted']);
      expect(acs.callsOf('WatchEvents').at(-1)!.request).toEqual({ types: ['acs.task.'], deviceIds: [] });
    });

    it('opens the watch again when the server ends it, from the last event printed, printing none twice; --no-reconnect stops instead', async () => {
      acs.watchHangUps = 2;
      const result = await acsctl(['events', 'tail', '--device', 'OUI-PC-FAULT', '--timeout', '2s', '-o', 'json']);
      expect(result.code).toBe(0);
      // The one matching event: each reopened watch sends it again (it is within the margin), and it is printed once.
      expect(result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).event.id)).toEqual(['acs.task.faulted-OUI-PC-FAULT']);
      const resumeFrom = new Date(EVENT_TIME.getTime() - 5000);
      const note = `events tail: UNAVAILABLE: server shutting down; opening it again in 500ms (asking for the events since ${resumeFrom.toISOString()})`;
      // The watch is announced once, when the server first accepted it; the reopened ones are said by their own notes.
      expect(result.stderr.trimEnd().split('\n')).toEqual(['events tail: watching; Ctrl-C stops', note, note]);
      expect(acs.callsOf('WatchEvents').slice(-3).map((call) => (call.request as acsV1.WatchEventsRequest).since)).toEqual([undefined, resumeFrom, resumeFrom]);

      acs.watchHangUps = 1;
      const once = await acsctl(['events', 'tail', '--device', 'OUI-PC-FAULT', '--no-reconnect']);
      expect(once.code).toBe(1);
      expect(once.stderr).toContain('UNAVAILABLE');
    });

    it('starts from --since, a duration back or a time', async () => {
      const result = await acsctl(['events', 'tail', '--since', '2026-11-22T05:00:00Z', '--count', '1', '-o', 'json']);
      expect(result.code).toBe(0);
      expect(acs.callsOf('WatchEvents').at(-1)!.request).toMatchObject({ since: new Date('2026-11-22T05:00:00Z') });
      const before = Date.now();
      // Nothing that recent: the watch waits for live events until --timeout.
      expect((await acsctl(['events', 'tail', '--since', '5m', '--timeout', '500ms'])).code).toBe(0);
      const since = (acs.callsOf('WatchEvents').at(-1)!.request as acsV1.WatchEventsRequest).since!.getTime();
      expect(since).toBeGreaterThanOrEqual(before - 300_000 - 50);
      expect(since).toBeLessThanOrEqual(Date.now() - 300_000);
      expect((await acsctl(['events', 'tail', '--since', 'yesterday'])).code).toBe(2);
    });

    it('ends cleanly on Ctrl-C', async () => {
      const interrupt = new AbortController();
      const printed = /acs\.task\.faulted\s+OUI-PC-FAULT\s+\{"ok":true\}/;
      // The one matching event is printed; then the stream stays open until the operator stops it, once it is shown.
      const result = await acsctl(['events', 'tail', '--device', 'OUI-PC-FAULT'], {}, interrupt.signal, (stdout) => {
        if (printed.test(stdout)) setImmediate(() => interrupt.abort());
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(printed);
    });
  });

  describe('campaigns devices', () => {
    beforeAll(() => {
      acs.campaignDevices.set('c-1', [
        acsV1.CampaignDevice.fromPartial({ deviceId: 'OUI-GW-1', state: 'succeeded', stage: 'awaiting-boot', wave: 0, attempts: 1 }),
        acsV1.CampaignDevice.fromPartial({ deviceId: 'OUI-GW-2', state: 'failed', stage: 'downloading', wave: 0, attempts: 2, error: { code: '9018', message: 'File corrupted, "bad" header' } }),
        acsV1.CampaignDevice.fromPartial({ deviceId: 'OUI-GW-3', state: 'skipped', attempts: 0, skipReason: 'already on 2.0' }),
        acsV1.CampaignDevice.fromPartial({ deviceId: 'OUI-GW-4', state: 'failed', wave: 1, attempts: 1, error: { code: 'timeout', message: 'not verified within 30m' } }),
        acsV1.CampaignDevice.fromPartial({ deviceId: 'OUI-GW-5', state: 'pending', attempts: 0 }),
      ]);
    });

    it('prints a table of every device across pages with --all, why each failed or was skipped', async () => {
      const result = await acsctl(['campaigns', 'devices', 'c-1', '--all']);
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^DEVICE\s+STATE\s+STAGE\s+WAVE\s+ATTEMPTS\s+ERROR\s+MESSAGE$/);
      expect(lines.slice(1)).toHaveLength(5);
      expect(lines[2]).toMatch(/^OUI-GW-2\s+failed\s+downloading\s+0\s+2\s+9018\s+File corrupted, "bad" header$/);
      expect(lines[3]).toMatch(/^OUI-GW-3\s+skipped\s+0\s+already on 2.0$/);
      expect(result.stderr).toContain('5 device(s)');
      expect(acs.callsOf('ListCampaignDevices').length).toBeGreaterThanOrEqual(3);
    });

    it('sends the states (comma-separated or repeated) and the wave, and writes CSV or JSON', async () => {
      const csv = await acsctl(['campaigns', 'devices', 'c-1', '--state', 'failed,retry-wait', '--state', 'skipped', '--wave', '0', '-o', 'csv']);
      expect(acs.callsOf('ListCampaignDevices').at(-1)!.request).toMatchObject({ campaignId: 'c-1', states: ['failed', 'retry-wait', 'skipped'], wave: 0 });
      expect(csv.stdout.split('\r\n')).toEqual(['DEVICE,STATE,STAGE,WAVE,ATTEMPTS,ERROR,MESSAGE', 'OUI-GW-2,failed,downloading,0,2,9018,"File corrupted, ""bad"" header"', '']);
      const json = await acsctl(['campaigns', 'devices', 'c-1', '--state', 'failed', '--all', '-o', 'json']);
      expect((JSON.parse(json.stdout) as { devices: Array<{ deviceId: string; error: { code: string } }> }).devices.map((d) => [d.deviceId, d.error.code])).toEqual([
        ['OUI-GW-2', '9018'],
        ['OUI-GW-4', 'timeout'],
      ]);
      expect((acs.callsOf('ListCampaignDevices').at(-1)!.request as acsV1.ListCampaignDevicesRequest).wave).toBeUndefined();
    });

    it('refuses a wave that is not a number before calling, and reports an unknown campaign', async () => {
      expect(await acsctl(['campaigns', 'devices', 'c-1', '--wave', 'first'])).toMatchObject({ code: 2 });
      const unknown = await acsctl(['campaigns', 'devices', 'c-404']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('NOT_FOUND');
    });
  });

  describe('faults, audit, token, help', () => {
    it('lists and clears faults, lists the audit log', async () => {
      expect((await acsctl(['faults', 'list', '--device', 'OUI-PC-FAULT'])).stdout).toMatch(/OUI-PC-FAULT\s+wan\s+9002\s+2/);
      expect(await acsctl(['faults', 'clear', 'OUI-PC-FAULT', 'wan'])).toMatchObject({ code: 0, stdout: 'cleared OUI-PC-FAULT wan\n' });
      expect(acs.callsOf('ClearFault').at(-1)!.request).toEqual({ deviceId: 'OUI-PC-FAULT', channel: 'wan' });
      const audit = await acsctl(['audit', 'list', '--outcome', 'ok']);
      expect(acs.callsOf('ListAuditRecords').at(-1)!.request).toMatchObject({ outcome: 'OK' });
      expect(audit.stdout.split('\n')[0]).toMatch(/^TIME\s+CLIENT\s+CREDENTIAL\s+METHOD/);
      const before = Date.now();
      await acsctl(['audit', 'list', '--since', '2h', '--until', '2026-11-22T06:00:00Z']);
      const ranged = acs.callsOf('ListAuditRecords').at(-1)!.request as acsV1.ListAuditRecordsRequest;
      expect(ranged.endTime).toEqual(new Date('2026-11-22T06:00:00Z'));
      expect(ranged.startTime!.getTime()).toBeGreaterThanOrEqual(before - 7_200_000);
      expect(ranged.startTime!.getTime()).toBeLessThanOrEqual(Date.now() - 7_200_000);
    });

    it('makes tokens in the API format without a server', async () => {
      const result = await acsctl(['token', 'new', '-o', 'json'], { ACSCTL_SERVER: '127.0.0.1:1' });
      const { token, sha256 } = JSON.parse(result.stdout);
      expect(token).toMatch(/^acs_[A-Za-z0-9_-]{43}$/);
      expect(sha256).toBe(createHash('sha256').update(token).digest('hex'));
    });

    it('makes a token with a label and an expiry, and the line for the clients file', async () => {
      const result = await acsctl(['token', 'new', '--label', 'oss team, 2026-11', '--expires', '2099-03-01', '-o', 'json'], { ACSCTL_SERVER: '127.0.0.1:1' });
      const made = JSON.parse(result.stdout);
      expect(made).toMatchObject({ label: 'oss team, 2026-11', expires: '2099-03-01' });
      expect(made.clientsFileEntry).toBe(`- { sha256: ${made.sha256}, label: "oss team, 2026-11", expires: '2099-03-01' }`);
      // The line is what the clients file reads.
      const { parseClientRegistry } = await import('@acs/nbi');
      const registry = parseClientRegistry(`clients:\n  - name: oss\n    roles: [viewer]\n    tokens:\n      ${made.clientsFileEntry}\n`, 'clients.yaml');
      expect(registry.token(made.sha256)).toMatchObject({ label: 'oss team, 2026-11', expiresAt: Date.UTC(2099, 2, 1) });

      const inDays = JSON.parse((await acsctl(['token', 'new', '--expires', '30d', '-o', 'json'])).stdout);
      expect(Date.parse(inDays.expires) - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
      expect((await acsctl(['token', 'new', '--expires', '2001-01-01'])).stderr).toContain('--expires: 2001-01-01 is already past');
      expect((await acsctl(['token', 'new', '--expires', 'soon'])).code).toBe(2);
    });

    it('prints help on request (exit 0) and usage on a wrong command line (exit 2)', async () => {
      const help = await acsctl(['presets', 'apply', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('usage: acsctl presets apply [options]');
      expect(help.stdout).toContain('--prune');
      const none = await acsctl([]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('usage: acsctl [global options] COMMAND');
      const wrong = await acsctl(['devices', 'list', '--bogus']);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/^error: Unknown option '--bogus'/);
      expect(wrong.stderr).toContain('usage: acsctl devices list');
    });
  });
});
