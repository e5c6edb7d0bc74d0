import type { CwmpVersion, EventStruct } from '@acs/cwmp';
import type { DataModel } from '../data-model/data-model';
import { ConnectionRequestListener } from '../http/connection-request-listener';
import type { Credentials } from '../http/http-auth';
import { fleetFailureDraws, validFirmwareFailures, type FirmwareFailureShares } from '../firmware/firmware-failures';
import type { FirmwareBehaviour } from '../firmware/firmware-upgrade';
import type { BulkDataClock, BulkDataDelivery } from '../bulkdata/bulk-data-reporter';
import { type NetworkConditions, withNetworkConditions, DEFAULT_NETWORK_CONDITIONS } from '../diagnostics/network-conditions';
import { type LineLevels } from '../monitoring/line-monitor';
import type { SessionReport } from '../session/session-report';
import { type CpeOptions, SimulatedCpe } from '../session/simulated-cpe';
import { type FleetFirmwareSummary, type FleetReport, summariseSessions } from './fleet-report';

export interface CpeFleetOptions {
  count: number;
  acsUrl: string | string[];
  model: DataModel;
  /** The OUI of every CPE. Default '001122'. */
  ouiPrefix?: string;
  /** Default 'SimGateway'. */
  productClass?: string;
  /** Serial numbers are the prefix plus the index, zero-padded to 6 digits. Default 'SIM'. */
  serialPrefix?: string;
  manufacturer?: string;
  cwmpVersion?: CwmpVersion;
  auth?: Credentials;
  /** Sessions at once in runSessions() and start(). Default 100. */
  concurrency?: number;
  periodicInformInterval?: number;
  /** One shared connection-request listener for the fleet (each CPE at its own path); 0 picks a free port. */
  connectionRequestPort?: number;
  /** Host the listener binds to and CPEs advertise. Default '127.0.0.1'. */
  connectionRequestHost?: string;
  /** Connection-request credentials of every CPE. Default cpe / cpe. */
  connectionRequestAuth?: Credentials;
  dropCookies?: boolean;
  keepAlive?: boolean;
  reuseConnection?: boolean;
  rebootDelayMs?: number;
  transferDelayMs?: number;
  requestTimeoutMs?: number;
  sessionHistoryLimit?: number;
  /** DeviceInfo.SoftwareVersion / HardwareVersion of every CPE (default: the model's). */
  softwareVersion?: string;
  hardwareVersion?: string;
  firmware?: FirmwareBehaviour;
  /** Injected firmware failures, spread evenly over the fleet; changeable with setFirmwareFailures(). */
  firmwareFailures?: FirmwareFailureShares;
  /** Picks which CPEs fail (same seed, same CPEs). Default 0. */
  firmwareFailureSeed?: number;
  /** The network every CPE's diagnostics measure (see SimulatedCpe.setNetworkConditions). */
  network?: Partial<NetworkConditions>;
  /** Traffic rates and line levels of every CPE. */
  line?: Partial<LineLevels>;
  /** BulkData and counter clock of every CPE. */
  clock?: BulkDataClock;
}

/** Thousands of simulated CPEs in one process, sharing one data model tree and one connection-request port. */
export class CpeFleet {
  readonly cpes: SimulatedCpe[];
  private readonly concurrency: number;
  private readonly listener?: ConnectionRequestListener;

  constructor(options: CpeFleetOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 100);
    if (options.connectionRequestPort !== undefined) {
      this.listener = new ConnectionRequestListener({
        host: options.connectionRequestHost ?? '127.0.0.1',
        port: options.connectionRequestPort,
      });
    }
    const auth = options.connectionRequestAuth ?? { username: 'cpe', password: 'cpe' };
    this.cpes = Array.from({ length: options.count }, (_, index) => {
      const cpeOptions: CpeOptions = {
        acsUrl: options.acsUrl,
        model: options.model,
        oui: options.ouiPrefix ?? '001122',
        productClass: options.productClass ?? 'SimGateway',
        serialNumber: `${options.serialPrefix ?? 'SIM'}${String(index).padStart(6, '0')}`,
        manufacturer: options.manufacturer,
        cwmpVersion: options.cwmpVersion,
        auth: options.auth,
        periodicInformInterval: options.periodicInformInterval,
        dropCookies: options.dropCookies,
        keepAlive: options.keepAlive,
        reuseConnection: options.reuseConnection,
        rebootDelayMs: options.rebootDelayMs,
        transferDelayMs: options.transferDelayMs,
        requestTimeoutMs: options.requestTimeoutMs,
        sessionHistoryLimit: options.sessionHistoryLimit,
        softwareVersion: options.softwareVersion,
        hardwareVersion: options.hardwareVersion,
        firmware: options.firmware,
        firmwareFailures: options.firmwareFailures,
        firmwareFailureDraws: fleetFailureDraws(index, options.firmwareFailureSeed ?? 0),
        network: options.network,
        line: options.line,
        clock: options.clock,
      };
      if (this.listener) {
        cpeOptions.connectionRequestListener = this.listener;
        cpeOptions.connectionRequest = { host: options.connectionRequestHost ?? '127.0.0.1', port: 0, ...auth };
      }
      return new SimulatedCpe(cpeOptions);
    });
  }

  /** The shared connection-request listener's port (after start()). */
  get connectionRequestPort(): number | undefined {
    return this.listener?.port;
  }

  /** One session per CPE, at most `concurrency` at once; the reports in CPE order. */
  async runSessions(events?: Array<string | EventStruct>, concurrency = this.concurrency): Promise<SessionReport[]> {
    const reports: SessionReport[] = new Array(this.cpes.length);
    await this.eachCpe(concurrency, async (cpe, index) => {
      reports[index] = await cpe.runSession(events);
    });
    return reports;
  }

  /** Starts every CPE (first sessions at most `concurrency` at once); each then informs on its own. */
  async start(): Promise<void> {
    await this.listener?.listen();
    await this.eachCpe(this.concurrency, (cpe) => cpe.start());
  }

  async stop(): Promise<void> {
    await Promise.all(this.cpes.map((cpe) => cpe.stop()));
    await this.listener?.close();
  }

  /** Changes the injected firmware failures of every CPE from now on (see SimulatedCpe.setFirmwareFailures). */
  setFirmwareFailures(shares: FirmwareFailureShares): void {
    const valid = validFirmwareFailures(shares);
    for (const cpe of this.cpes) cpe.setFirmwareFailures(valid);
  }

  /** Changes the network conditions of these CPEs (default all), checked once: a bad figure changes none. */
  setNetworkConditions(change: Partial<NetworkConditions>, cpes: readonly SimulatedCpe[] = this.cpes): void {
    withNetworkConditions(DEFAULT_NETWORK_CONDITIONS, change);
    for (const cpe of cpes) cpe.setNetworkConditions(change);
  }

  /** New traffic rates / line levels for these CPEs (default all). */
  setLineLevels(change: Partial<LineLevels>, cpes: readonly SimulatedCpe[] = this.cpes): void {
    for (const cpe of cpes) cpe.setLineLevels(change);
  }

  /** A failing line on these CPEs (default all): see SimulatedCpe.degradeLine. */
  degradeLines(cpes: readonly SimulatedCpe[] = this.cpes): void {
    for (const cpe of cpes) cpe.degradeLine();
  }

  recoverLines(cpes: readonly SimulatedCpe[] = this.cpes): void {
    for (const cpe of cpes) cpe.recoverLine();
  }

  /** Every active BulkData profile of every CPE reports now. */
  async reportBulkDataNow(): Promise<BulkDataDelivery[]> {
    return (await Promise.all(this.cpes.map((cpe) => cpe.reportBulkDataNow()))).flat();
  }

  firmwareSummary(): FleetFirmwareSummary {
    const summary: FleetFirmwareSummary = { downloads: 0, underWay: 0, succeeded: 0, faults: {}, unreported: 0, bytes: 0, versions: {} };
    for (const cpe of this.cpes) {
      summary.versions[cpe.softwareVersion] = (summary.versions[cpe.softwareVersion] ?? 0) + 1;
      for (const download of cpe.firmwareDownloads) {
        summary.downloads++;
        summary.bytes += download.bytes;
        if (download.state !== 'done') summary.underWay++;
        else if (download.faultCode === 0) summary.succeeded++;
        else if (download.faultCode !== undefined) summary.faults[download.faultCode] = (summary.faults[download.faultCode] ?? 0) + 1;
        else summary.unreported++;
      }
    }
    return summary;
  }

  /** Every session every CPE has run (as far as their history goes). */
  report(): FleetReport {
    return summariseSessions(
      this.cpes.length,
      this.cpes.flatMap((cpe) => cpe.sessions),
    );
  }

  private async eachCpe(concurrency: number, task: (cpe: SimulatedCpe, index: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.cpes.length) {
        const index = next++;
        await task(this.cpes[index]!, index);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.cpes.length) }, worker));
  }
}
