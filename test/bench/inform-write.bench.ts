/**
 * What the embedded store costs per periodic Inform: the one write an Inform makes (DeviceRepository.applyInform),
 * alone, in this process, so the store's share of a session can be read without the gateway around it.
 *
 *   node test/bench/run.js inform-write [--store sqlite|nedb] [--devices 20000] [--informs 100000]
 *       [--concurrency 64] [--profile]
 *
 * `--devices` Inform-only devices register first (`0 BOOTSTRAP`); then `--informs` periodic Informs (`2 PERIODIC`,
 * one parameter changed, the others as before) go to the devices in turn, `--concurrency` at a time, as a busy
 * gateway's sessions overlap (which is what lets the SQLite store commit several Informs at once). Prints Informs/s
 * and CPU µs per Inform; `--profile` prints where the Informs' CPU time goes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadProvisioningConfig, openConfiguredEmbeddedStore, type InformFacts } from '@acs/provisioning';
import { summarizeCpuProfile } from './cpu-profile-summary';

interface Options {
  store: 'sqlite' | 'nedb';
  devices: number;
  informs: number;
  concurrency: number;
  profile: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { store: 'sqlite', devices: 20_000, informs: 100_000, concurrency: 64, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--profile') {
      options.profile = true;
      continue;
    }
    const text = argv[++i];
    const n = Number(text);
    if (flag === '--store' && (text === 'sqlite' || text === 'nedb')) options.store = text;
    else if (flag === '--devices' && Number.isInteger(n) && n > 0) options.devices = n;
    else if (flag === '--informs' && Number.isInteger(n) && n > 0) options.informs = n;
    else if (flag === '--concurrency' && Number.isInteger(n) && n > 0) options.concurrency = n;
    else throw new Error(`unknown flag or bad value: ${flag} ${text ?? ''}`);
  }
  return options;
}

const T0 = Date.parse('2026-12-01T00:00:00Z');
const serialOf = (k: number) => `BENCH${String(k).padStart(8, '0')}`;

function informOf(k: number, at: number, eventCodes: string[], uptime: number): InformFacts {
  const text = (path: string, value: string) => ({ path, value, type: 'string' as const });
  return {
    id: `00259E-EX220-${serialOf(k)}`,
    oui: '00259E',
    productClass: 'EX220',
    serialNumber: serialOf(k),
    manufacturer: 'TP-Link',
    rootObject: 'Device',
    at,
    eventCodes,
    remoteAddress: `10.0.${(k >> 8) & 255}.${k & 255}`,
    parameters: [
      text('Device.DeviceInfo.SoftwareVersion', '1.1.0 2.0.0 v605f.0 Build 240115'),
      text('Device.DeviceInfo.HardwareVersion', 'EX220 v1.20 00000000'),
      text('Device.DeviceInfo.ProvisioningCode', ''),
      { path: 'Device.DeviceInfo.UpTime', value: uptime, type: 'unsignedInt' },
      text('Device.ManagementServer.ConnectionRequestURL', `http://10.0.${(k >> 8) & 255}.${k & 255}:7547/tr069`),
      text('Device.ManagementServer.ParameterKey', ''),
      text('Device.DeviceInfo.ModelName', 'EX220'),
      text('Device.WiFi.SSID.1.SSID', `home-${k}`),
    ],
  };
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-inform-write-'));
  const store = await openConfiguredEmbeddedStore(dataDir, { ...loadProvisioningConfig().store, kind: options.store });
  try {
    const register = performance.now();
    for (let k = 0; k < options.devices; k++) await store.devices.applyInform(informOf(k, T0, ['0 BOOTSTRAP', '1 BOOT'], 10));
    const registerMs = performance.now() - register;

    let profiler: Session | undefined;
    if (options.profile) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    let next = 0;
    const started = performance.now();
    const cpuStarted = cpuMicros();
    const worker = async () => {
      for (let i = next++; i < options.informs; i = next++) {
        const k = i % options.devices;
        const round = Math.floor(i / options.devices) + 1;
        await store.devices.applyInform(informOf(k, T0 + round * 300_000, ['2 PERIODIC'], 10 + round * 300));
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const cpu = cpuMicros() - cpuStarted;
    const wallMs = performance.now() - started;
    let profilePath: string | undefined;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profilePath = join(tmpdir(), `acs-inform-write-${process.pid}.cpuprofile`);
      writeFileSync(profilePath, JSON.stringify(profile));
    }

    const out = (label: string, value: string) => process.stdout.write(`${label.padEnd(22)}${value}\n`);
    out('store', `${options.store}, ${options.devices.toLocaleString('en')} devices registered in ${(registerMs / 1000).toFixed(1)} s`);
    out('periodic Informs', `${options.informs.toLocaleString('en')} at concurrency ${options.concurrency} in ${(wallMs / 1000).toFixed(1)} s`);
    out('Informs/s', (options.informs / (wallMs / 1000)).toFixed(0));
    out('CPU per Inform', `${(cpu / options.informs).toFixed(0)} µs`);
    if (profilePath) process.stdout.write(`${summarizeCpuProfile(profilePath)}\n(profile: ${profilePath})\n`);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
