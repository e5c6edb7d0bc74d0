import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConnectionRequestListener, type SimulatedCpe } from '@acs/cpe-sim';

import { REPO_ROOT, type RunningApp } from '../support/processes';
import { startStandaloneWithCpe } from './support/standalone-with-cpe';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Answers connection requests at once, like the CPE's own listener, but while held keeps the CPE from connecting
 * until released: a device slow to call back, so a test sees a task wait for it however fast this machine is.
 */
type ConnectionRequestTarget = Parameters<ConnectionRequestListener['register']>[1];

class HeldConnectionRequests extends ConnectionRequestListener {
  private held?: Promise<void>;

  /** Holds the sessions of the connection requests from now on; the function returned releases them. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  override register(path: string, target: ConnectionRequestTarget): void {
    super.register(path, {
      credentials: () => target.credentials(),
      onConnectionRequest: () => {
        if (this.held) void this.held.then(() => target.onConnectionRequest());
        else target.onConnectionRequest();
      },
    });
  }
}

/** Presets no device matches (so no session is disturbed), in two files, one of them with two documents. */
const PRESET_FILES = {
  'tags.yaml': [
    '- name: e2e-cli-tag',
    '  precondition: \'productClass = "NoSuchClass"\'',
    '  triggers: [1 BOOT]',
    '  actions: [{ addTags: [cli] }]',
    '---',
    'name: e2e-cli-refresh',
    'weight: 3',
    'channel: inventory',
    'precondition: \'productClass = "NoSuchClass"\'',
    'triggers:',
    '  - cron: "0 3 * * *"',
    'actions:',
    '  - refresh: Device.DeviceInfo',
  ].join('\n'),
  'wan.yml': [
    'name: e2e-cli-wan',
    'precondition: \'productClass = "NoSuchClass"\'',
    'triggers: [0 BOOTSTRAP]',
    'actions:',
    '  - setValues:',
    '      Device.ManagementServer.PeriodicInformInterval: { value: 600, type: unsignedInt }',
    '      Device.DeviceInfo.ProvisioningCode: "cli-{{lower serialNumber}}"',
  ].join('\n'),
};

/** The built CLI (`node dist/apps/acsctl/src/main.js`) against the standalone, with a simulated CPE. */
describe('acsctl (standalone)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acsctl-e2e-'));
  let acs: RunningApp;
  let tokenFile: string;
  let cpe: SimulatedCpe;
  const connectionRequests = new HeldConnectionRequests({ host: '127.0.0.1', port: 0 });

  /** `onStderr` sees standard error as it comes, for a test that acts on the CLI's progress. */
  function acsctl(args: string[], withToken = true, onStderr?: (text: string) => void): Promise<CliRun> {
    const env: NodeJS.ProcessEnv = { ...process.env, ACSCTL_SERVER: acs.nbiAddress };
    delete env.ACSCTL_TOKEN;
    delete env.ACSCTL_TOKEN_FILE;
    if (withToken) env.ACSCTL_TOKEN_FILE = tokenFile;
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [CLI, ...args], { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
      if (onStderr) {
        let seen = '';
        child.stderr!.on('data', (chunk: Buffer | string) => onStderr((seen += chunk.toString())));
      }
    });
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node tools/build.mjs\` first`);
    await connectionRequests.listen();
    ({ acs, tokenFile, cpe } = await startStandaloneWithCpe({
      oui: 'E2E0C1',
      productClass: 'CliRouter',
      serialPrefix: 'CLI',
      connectionRequestListener: connectionRequests,
    }));
  }, 90_000);

  afterAll(async () => {
    await cpe?.stop();
    await connectionRequests.close();
    await acs?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('runs a task with --wait: progress on stderr, the read value on stdout, exit 0', async () => {
    // The CPE calls back only once the CLI has shown the task on its way: it cannot be done before the watch starts.
    const release = connectionRequests.hold();
    const result = await acsctl(['tasks', 'create', cpe.deviceId, 'get', 'Device.DeviceInfo.SoftwareVersion', '--connection-request', '--wait', '--timeout', '30s'], true, (stderr) => {
      if (/^task \S+: (PENDING|DISPATCHED)\b/m.test(stderr)) release();
    });
    release();
    const context = `${JSON.stringify(result, null, 2)}\n${acs.output().slice(-3000)}`;
    expect({ code: result.code, context }).toEqual({ code: 0, context });
    const progress = result.stderr.trimEnd().split('\n');
    // The watch starts right after the create: the task is seen on its way (pending or dispatched), then done.
    expect(progress.slice(0, -1).some((l) => /^task \S+: (PENDING|DISPATCHED)\b/.test(l))).toBe(true);
    expect(progress.at(-1)).toMatch(/^task \S+: DONE\b/);
    expect(result.stdout).toMatch(/^status:\s+DONE$/m);
    const version = cpe.model.get('Device.DeviceInfo.SoftwareVersion')?.value;
    expect(version).toBeTruthy();
    expect(result.stdout).toMatch(new RegExp(`Device\\.DeviceInfo\\.SoftwareVersion\\s+${version!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }, 60_000);

  it('applies a presets directory, then finds nothing to change on a second apply', async () => {
    mkdirSync(join(dir, 'presets'));
    for (const [name, text] of Object.entries(PRESET_FILES)) writeFileSync(join(dir, 'presets', name), `${text}\n`);
    const first = await acsctl(['presets', 'apply', '-f', 'presets']);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^created\s+e2e-cli-tag \(presets\/tags\.yaml:1\)$/m);
    expect(first.stdout).toMatch(/^created\s+e2e-cli-refresh \(presets\/tags\.yaml:6\)$/m);
    expect(first.stdout).toMatch(/^created\s+e2e-cli-wan \(presets\/wan\.yml:1\)$/m);

    const second = await acsctl(['presets', 'apply', '-f', 'presets', '-o', 'json']);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.changes.map((c: { name: string; action: string }) => `${c.name} ${c.action}`)).toEqual([
      'e2e-cli-tag unchanged',
      'e2e-cli-refresh unchanged',
      'e2e-cli-wan unchanged',
    ]);

    writeFileSync(join(dir, 'presets', 'wan.yml'), `${PRESET_FILES['wan.yml'].replace('600', '900')}\n`);
    const changed = await acsctl(['presets', 'apply', '-f', 'presets', '--dry-run']);
    expect(changed.stdout).toMatch(/^would update e2e-cli-wan \[actions\]/m);
    const shown = await acsctl(['presets', 'get', 'e2e-cli-wan']);
    expect(shown.stdout).toContain('600');
  }, 60_000);

  it('lists devices as one JSON document', async () => {
    const result = await acsctl(['devices', 'list', '--output', 'json', '--projection', 'Device.DeviceInfo.SoftwareVersion']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    const device = doc.devices.find((d: { id: string }) => d.id === cpe.deviceId);
    expect(device).toMatchObject({ productClass: 'CliRouter', oui: 'E2E0C1' });
    expect(device.parameters.map((p: { path: string }) => p.path)).toContain('Device.DeviceInfo.SoftwareVersion');
  }, 30_000);

  it('finds the device by a SQL-style LIKE, by --serial and counts it, as CSV with its online state', async () => {
    const serial = cpe.deviceId.split('-').at(-1)!;
    const listed = await acsctl(['devices', 'list', '--filter', 'serialNumber LIKE "CLI%"', '--projection', 'Device.DeviceInfo.NoSuchParameter', '-o', 'csv']);
    expect(listed.code).toBe(0);
    const [header, row, end] = listed.stdout.split('\r\n');
    expect(header).toBe('ID,PRODUCT CLASS,SOFTWARE,IP,ONLINE,LAST INFORM,LAST SEEN,TAGS,Device.DeviceInfo.NoSuchParameter');
    // It informed when the standalone started, well within the default interval: online.
    expect(row).toMatch(new RegExp(`^${cpe.deviceId},CliRouter,[^,]*,[^,]*,yes,\\d{4}-\\d\\d-\\d\\dT[^,]+Z,\\d+[smh] ago,[^,]*,$`));
    expect(end).toBe('');
    expect(await acsctl(['devices', 'count', '--serial', serial])).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const typo = await acsctl(['devices', 'count', '--filter', 'Device.DeviceInfo.SoftwareVersio LIKE "1%"']);
    expect(typo).toEqual({ code: 0, stdout: '0\n', stderr: expect.stringMatching(/^warning: no device has the parameter Device\.DeviceInfo\.SoftwareVersio: a typo\?/) });
    const format = await acsctl(['devices', 'list', '-o', 'yaml']);
    expect(format).toEqual({ code: 2, stdout: '', stderr: 'error: --output: "yaml" is not an output format; use table, json, csv\n' });
  }, 30_000);

  it('prints refusals as `error: CODE: message` with exit 1', async () => {
    const unknown = await acsctl(['devices', 'get', 'NO-SUCH-DEVICE']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: NOT_FOUND: /);
    const anonymous = await acsctl(['devices', 'list'], false);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^error: UNAUTHENTICATED: /);
    expect(readFileSync(tokenFile, 'utf8').trim()).toMatch(/^acs_/);
  }, 30_000);
});
