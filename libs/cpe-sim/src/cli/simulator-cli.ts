import { isCwmpVersion, type CwmpVersion } from '@acs/cwmp';
import { readFileSync } from 'node:fs';
import { DataModel } from '../data-model/data-model';
import { CpeFleet } from '../fleet/cpe-fleet';
import { formatFleetReport, type FleetReport } from '../fleet/fleet-report';
import { FirmwareFailureSpecError, parseFirmwareFailures, type FirmwareFailureShares } from '../firmware/firmware-failures';
import { NetworkConditionsError, parseNetworkConditions, type NetworkConditions } from '../diagnostics/network-conditions';
import { LineLevelsError, parseLineLevels, type LineLevels } from '../monitoring/line-monitor';

export interface SimulatorArguments {
  acsUrls: string[];
  count: number;
  /** 'tr181', 'tr098' or a CSV path. */
  model: string;
  interval?: number;
  cwmpVersion: CwmpVersion;
  user?: string;
  password?: string;
  /** Run this many sessions per CPE, print the report and exit; absent: run as devices until stopped. */
  sessions?: number;
  crPort?: number;
  crHost: string;
  concurrency: number;
  serialPrefix: string;
  oui: string;
  productClass: string;
  dropCookies: boolean;
  /** Close each CPE's connection at the end of every session instead of keeping it for the next. */
  closeConnections: boolean;
  json: boolean;
  softwareVersion?: string;
  hardwareVersion?: string;
  /** Injected firmware failures (--fw-fail). */
  firmwareFailures: FirmwareFailureShares;
  firmwareSeed: number;
  installMs: number;
  rebootMs: number;
  downloadAttempts?: number;
  /** --net: what the CPEs' diagnostics measure. */
  network: Partial<NetworkConditions>;
  /** --line: traffic rates and line levels behind counters and gauges. */
  line: Partial<LineLevels>;
}

export const USAGE = `usage: cpe-sim --acs URL[,URL…] [options]
  --acs URL[,URL…]        ACS URL(s); requests alternate between several
  --count N               number of CPEs (default 1)
  --model M               tr181 | tr098 | path to a device-model CSV (default tr181)
  --interval S            periodic inform interval in seconds (default: the model's)
  --cwmp-version V        1.0 … 1.4 (default 1.0)
  --user U --password P   credentials for the ACS (Basic or Digest)
  --sessions K            run K sessions per CPE, print the report and exit
  --cr-port P             shared connection-request listener port (0: any free port)
  --cr-host H             address the listener binds to and CPEs advertise (default 127.0.0.1)
  --concurrency C         sessions at once (default 100)
  --serial-prefix S       serial numbers S000000, S000001, … (default SIM)
  --oui O --product-class P
  --drop-cookies          ignore Set-Cookie, like some firmware
  --close-connections     a new TCP connection per session (default: one kept-alive connection per CPE)
  --json                  print the report as JSON
firmware (a Download of "1 Firmware Upgrade Image" is fetched for real over HTTP(S) and installed):
  --software-version V    DeviceInfo.SoftwareVersion at start (default: the model's)
  --hardware-version V    DeviceInfo.HardwareVersion (default: the model's)
  --fw-install-ms MS      time an install takes before the reboot (default 0)
  --fw-reboot-ms MS       time a reboot takes before the BOOT Inform (default 0)
  --fw-attempts N         download attempts, resumed ones included, before TransferComplete 9010 (default 3)
  --fw-fail SPEC          share of the fleet that fails, e.g.
                          download=0.05,install=0.1,old-image=0.02,no-transfer-complete=0.01
                          download: 9010 after its attempts; install: 9018/9002; old-image: success reported but the
                          old SoftwareVersion booted; no-transfer-complete: new version, no TransferComplete
  --fw-seed N             which CPEs fail (same seed, same CPEs; default 0)
diagnostics, monitoring, BulkData (see libs/cpe-sim/README.md):
  --net SPEC              network the TR-143 tests measure, e.g. latency=20,jitter=2,loss=0.01,down=100e6,up=20e6,
                          hops=6,dns=name:192.0.2.1+192.0.2.2,host=name:ms,fail=ipPing:Error_Internal,never=download,
                          duration=MS,timeout=MS
  --line SPEC             traffic and line levels: down=8e6,up=1e6 (bits/s),rx=-18 (dBm),snr=9 (dB),assoc=3
  While running as devices, stdin takes "fw-fail SPEC" (e.g. "fw-fail install=0": fixes them), "net SPEC",
  "line SPEC", "degrade", "recover", "bulk-report" (every active BulkData profile reports now) and "status".`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseSimulatorArguments(argv: string[]): SimulatorArguments {
  const args: SimulatorArguments = {
    acsUrls: [],
    count: 1,
    model: 'tr181',
    cwmpVersion: '1.0',
    crHost: '127.0.0.1',
    concurrency: 100,
    serialPrefix: 'SIM',
    oui: '001122',
    productClass: 'SimGateway',
    dropCookies: false,
    closeConnections: false,
    json: false,
    firmwareFailures: {},
    firmwareSeed: 0,
    installMs: 0,
    rebootMs: 0,
    network: {},
    line: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    const count = (min: number): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} wants an integer ≥ ${min}, not "${text}"`);
      return n;
    };
    switch (flag) {
      case '--acs':
        args.acsUrls = value().split(',').map((u) => u.trim()).filter(Boolean);
        break;
      case '--count':
        args.count = count(1);
        break;
      case '--model':
        args.model = value();
        break;
      case '--interval':
        args.interval = count(1);
        break;
      case '--cwmp-version': {
        const version = value();
        if (!isCwmpVersion(version)) throw new UsageError(`--cwmp-version must be 1.0 … 1.4, not "${version}"`);
        args.cwmpVersion = version;
        break;
      }
      case '--user':
        args.user = value();
        break;
      case '--password':
        args.password = value();
        break;
      case '--sessions':
        args.sessions = count(1);
        break;
      case '--cr-port':
        args.crPort = count(0);
        break;
      case '--cr-host':
        args.crHost = value();
        break;
      case '--concurrency':
        args.concurrency = count(1);
        break;
      case '--serial-prefix':
        args.serialPrefix = value();
        break;
      case '--oui':
        args.oui = value();
        break;
      case '--product-class':
        args.productClass = value();
        break;
      case '--drop-cookies':
        args.dropCookies = true;
        break;
      case '--close-connections':
        args.closeConnections = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--software-version':
        args.softwareVersion = value();
        break;
      case '--hardware-version':
        args.hardwareVersion = value();
        break;
      case '--fw-install-ms':
        args.installMs = count(0);
        break;
      case '--fw-reboot-ms':
        args.rebootMs = count(0);
        break;
      case '--fw-attempts':
        args.downloadAttempts = count(1);
        break;
      case '--fw-fail':
        args.firmwareFailures = firmwareFailuresArgument(value());
        break;
      case '--fw-seed':
        args.firmwareSeed = count(0);
        break;
      case '--net':
        args.network = networkArgument(value());
        break;
      case '--line':
        args.line = lineArgument(value());
        break;
      default:
        throw new UsageError(`unknown argument "${flag}"`);
    }
  }
  if (args.acsUrls.length === 0) throw new UsageError('--acs is required');
  for (const url of args.acsUrls) {
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--acs wants http(s) URLs, not "${url}"`);
  }
  if ((args.user === undefined) !== (args.password === undefined)) throw new UsageError('--user and --password go together');
  return args;
}

/** `--fw-fail SPEC` (and the stdin command): the shares, or a UsageError saying what is wrong. */
export function firmwareFailuresArgument(spec: string): FirmwareFailureShares {
  try {
    return parseFirmwareFailures(spec);
  } catch (error) {
    if (error instanceof FirmwareFailureSpecError) throw new UsageError(`--fw-fail: ${error.message}`);
    throw error;
  }
}

/** `--net SPEC` (and the stdin command): the conditions, or a UsageError saying what is wrong. */
export function networkArgument(spec: string): Partial<NetworkConditions> {
  try {
    return parseNetworkConditions(spec);
  } catch (error) {
    if (error instanceof NetworkConditionsError) throw new UsageError(`--net: ${error.message}`);
    throw error;
  }
}

/** `--line SPEC` (and the stdin command). */
export function lineArgument(spec: string): Partial<LineLevels> {
  try {
    return parseLineLevels(spec);
  } catch (error) {
    if (error instanceof LineLevelsError) throw new UsageError(`--line: ${error.message}`);
    throw error;
  }
}

export function loadModel(spec: string): DataModel {
  if (spec === 'tr181' || spec === 'tr098') return DataModel.builtin(spec);
  return DataModel.fromCsv(readFileSync(spec, 'utf8'));
}

export function fleetFor(args: SimulatorArguments): CpeFleet {
  return new CpeFleet({
    count: args.count,
    acsUrl: args.acsUrls,
    model: loadModel(args.model),
    ouiPrefix: args.oui,
    productClass: args.productClass,
    serialPrefix: args.serialPrefix,
    cwmpVersion: args.cwmpVersion,
    auth: args.user !== undefined ? { username: args.user, password: args.password ?? '' } : undefined,
    concurrency: args.concurrency,
    periodicInformInterval: args.interval,
    connectionRequestPort: args.crPort,
    connectionRequestHost: args.crHost,
    dropCookies: args.dropCookies,
    reuseConnection: !args.closeConnections,
    softwareVersion: args.softwareVersion,
    hardwareVersion: args.hardwareVersion,
    rebootDelayMs: args.rebootMs,
    firmware: { installMs: args.installMs, downloadAttempts: args.downloadAttempts },
    firmwareFailures: args.firmwareFailures,
    firmwareFailureSeed: args.firmwareSeed,
    network: args.network,
    line: args.line,
  });
}

export function renderReport(report: FleetReport, json: boolean): string {
  return json ? JSON.stringify(report) : formatFleetReport(report);
}

/** --sessions K: K rounds of one session per CPE (the first bootstraps), then the report. */
export async function runSessionRounds(fleet: CpeFleet, rounds: number): Promise<FleetReport> {
  for (let round = 0; round < rounds; round++) await fleet.runSessions();
  await fleet.stop();
  return fleet.report();
}
