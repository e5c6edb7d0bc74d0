import * as http from 'node:http';
import * as https from 'node:https';
import type { DataModel } from '../data-model/data-model';
import { HttpAuthenticator } from '../http/http-auth';
import {
  type CsvReportFormat,
  type JsonReportFormat,
  type ParameterReference,
  type TimestampFormat,
  csvReport,
  jsonReport,
  jsonReportEntry,
  selectParameters,
} from './bulk-data-report';

/** One report a CPE sent (or tried to send). */
export interface BulkDataDelivery {
  profile: string;
  url: string;
  at: number;
  encoding: 'JSON' | 'CSV';
  format: string;
  bytes: number;
  /** The collector's HTTP status; absent when the request failed. */
  status?: number;
  error?: string;
}

export interface BulkDataClock {
  /** Epoch ms. */
  now(): number;
  /** Calls `task` after `ms`; returns how to cancel it. */
  setTimer(ms: number, task: () => void): () => void;
}

export const SYSTEM_CLOCK: BulkDataClock = {
  now: () => Date.now(),
  setTimer: (ms, task) => {
    const timer = setTimeout(task, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

const UNKNOWN_TIME = '0001-01-01T00:00:00Z';

/**
 * TR-181 Device.BulkData over HTTP: each enabled profile (with BulkData.Enable) sends its report to HTTP.URL at the
 * end of every ReportingInterval, phased by TimeReference, encoded as its JSONEncoding or CSVEncoding says, with the
 * Content-Type and BBF-Report-Format headers of TR-069 Annex N. Timers run while the CPE is started; `reportNow`
 * sends at once (how tests avoid waiting for an interval).
 */
export class BulkDataReporter {
  readonly deliveries: BulkDataDelivery[] = [];
  private readonly timers = new Map<string, { cancel: () => void; signature: string }>();
  private readonly failed = new Map<string, Array<Record<string, unknown>>>();
  private running = false;
  private readonly base: string;

  constructor(
    private readonly model: DataModel,
    private readonly clock: BulkDataClock = SYSTEM_CLOCK,
    private readonly localAddress?: string,
  ) {
    this.base = `${model.root}.BulkData.`;
  }

  get supported(): boolean {
    return this.model.has(`${this.base}Profile.`) && this.model.value(`${this.base}Protocols`)?.split(',').includes('HTTP') === true;
  }

  /** The profiles that report now (enabled, HTTP, with a URL), by path. */
  activeProfiles(): string[] {
    if (!this.supported || this.model.value(`${this.base}Enable`) !== 'true') return [];
    return this.model
      .instances(`${this.base}Profile.`)
      .map((n) => `${this.base}Profile.${n}.`)
      .filter((p) => this.model.value(`${p}Enable`) === 'true' && this.model.value(`${p}Protocol`) === 'HTTP' && (this.model.value(`${p}HTTP.URL`) ?? '') !== '');
  }

  /** Starts interval reporting, and follows profile changes (call `reschedule` after each session). */
  start(): void {
    this.running = true;
    this.reschedule();
  }

  stop(): void {
    this.running = false;
    for (const { cancel } of this.timers.values()) cancel();
    this.timers.clear();
  }

  /** Re-reads the profiles: a changed interval or time reference starts a new first interval (spec). */
  reschedule(): void {
    if (this.supported) this.setIfPresent(`${this.base}Status`, this.model.value(`${this.base}Enable`) === 'true' ? 'Enabled' : 'Disabled');
    const active = new Set(this.running ? this.activeProfiles() : []);
    for (const [profile, timer] of this.timers) {
      if (!active.has(profile) || timer.signature !== this.signature(profile)) {
        timer.cancel();
        this.timers.delete(profile);
      }
    }
    for (const profile of active) if (!this.timers.has(profile)) this.schedule(profile);
  }

  /** Sends the report of every active profile (or of one) now, outside the interval. */
  async reportNow(profile?: string): Promise<BulkDataDelivery[]> {
    const profiles = profile ? [profile] : this.activeProfiles();
    return Promise.all(profiles.map((p) => this.report(p)));
  }

  private signature(profile: string): string {
    return `${this.model.value(`${profile}ReportingInterval`)}/${this.model.value(`${profile}TimeReference`)}`;
  }

  private schedule(profile: string): void {
    const intervalMs = Math.max(1, Number(this.model.value(`${profile}ReportingInterval`) ?? 86400)) * 1000;
    const reference = this.model.value(`${profile}TimeReference`) ?? UNKNOWN_TIME;
    const now = this.clock.now();
    // Intervals end at TimeReference ± k·ReportingInterval; with the unknown time, a full interval from now.
    const phase = reference.startsWith('0001-') ? now : Date.parse(reference);
    const untilEnd = (((phase - now) % intervalMs) + intervalMs) % intervalMs || intervalMs;
    const cancel = this.clock.setTimer(untilEnd, () => {
      this.timers.delete(profile);
      void this.report(profile).finally(() => this.running && this.reschedule());
    });
    this.timers.set(profile, { cancel, signature: this.signature(profile) });
  }

  private references(profile: string): ParameterReference[] {
    const table = `${profile}Parameter.`;
    return this.model.instances(table).map((n) => ({
      name: this.model.value(`${table}${n}.Name`) ?? '',
      reference: this.model.value(`${table}${n}.Reference`) ?? '',
      exclude: this.model.value(`${table}${n}.Exclude`) === 'true',
    }));
  }

  private async report(profile: string): Promise<BulkDataDelivery> {
    const m = this.model;
    const at = this.clock.now();
    const parameters = selectParameters(m, this.references(profile));
    const encoding = m.value(`${profile}EncodingType`) === 'CSV' ? 'CSV' : 'JSON';
    let body: string;
    let format: string;
    let retain = (): void => undefined;
    if (encoding === 'JSON') {
      format = (m.value(`${profile}JSONEncoding.ReportFormat`) as JsonReportFormat | undefined) ?? 'ObjectHierarchy';
      const entry = jsonReportEntry(parameters, format as JsonReportFormat, (m.value(`${profile}JSONEncoding.ReportTimestamp`) as TimestampFormat) ?? 'Unix-Epoch', at);
      // Failed reports kept per NumberOfRetainedFailedReports go out ahead of this one (TR-069 Annex N.2.2).
      body = jsonReport([...(this.failed.get(profile) ?? []), entry]);
      retain = (): void => this.retain(profile, entry);
    } else {
      const e = `${profile}CSVEncoding.`;
      format = (m.value(`${e}ReportFormat`) as CsvReportFormat | undefined) ?? 'ParameterPerColumn';
      body = csvReport(parameters, {
        format: format as CsvReportFormat,
        fieldSeparator: m.value(`${e}FieldSeparator`) || ',',
        rowSeparator: m.value(`${e}RowSeparator`) || '\n',
        escapeCharacter: m.value(`${e}EscapeCharacter`) ?? '"',
        rowTimestamp: (m.value(`${e}RowTimestamp`) as TimestampFormat) ?? 'Unix-Epoch',
      }, at);
    }
    const url = this.urlOf(profile);
    const delivery: BulkDataDelivery = { profile, url, at, encoding, format, bytes: Buffer.byteLength(body) };
    const headers: http.OutgoingHttpHeaders = {
      'content-type': encoding === 'JSON' ? 'application/json; charset=UTF-8' : 'text/csv; charset=UTF-8',
      // A quoted token, as TR-069 Annex N.2.1's examples write it.
      'bbf-report-format': `"${format}"`,
      'content-length': String(delivery.bytes),
    };
    if (m.value(`${profile}HTTP.UseDateHeader`) !== 'false') headers.date = new Date(at).toUTCString();
    try {
      delivery.status = await this.send(profile, url, headers, body);
      if (delivery.status < 200 || delivery.status > 299) {
        delivery.error = `HTTP ${delivery.status}`;
        retain();
      } else this.failed.delete(profile);
    } catch (error) {
      delivery.error = (error as Error).message;
      retain();
    }
    this.deliveries.push(delivery);
    return delivery;
  }

  private retain(profile: string, entry: Record<string, unknown>): void {
    const keep = Number(this.model.value(`${profile}NumberOfRetainedFailedReports`) ?? 0);
    if (keep === 0) return;
    const kept = [...(this.failed.get(profile) ?? []), entry];
    this.failed.set(profile, keep < 0 ? kept : kept.slice(-keep));
  }

  /** HTTP.URL plus the RequestURIParameter table's name=value (the referenced parameter's value). */
  private urlOf(profile: string): string {
    const url = new URL(this.model.value(`${profile}HTTP.URL`) ?? '');
    const table = `${profile}HTTP.RequestURIParameter.`;
    for (const n of this.model.instances(table)) {
      const name = this.model.value(`${table}${n}.Name`) ?? '';
      const reference = this.model.value(`${table}${n}.Reference`) ?? '';
      if (name !== '') url.searchParams.append(name, this.model.value(reference) ?? '');
    }
    return url.toString();
  }

  private async send(profile: string, url: string, headers: http.OutgoingHttpHeaders, body: string): Promise<number> {
    const method = this.model.value(`${profile}HTTP.Method`) === 'PUT' ? 'PUT' : 'POST';
    const username = this.model.value(`${profile}HTTP.Username`) ?? '';
    const auth = username !== '' ? new HttpAuthenticator({ username, password: this.model.value(`${profile}HTTP.Password`) ?? '' }) : undefined;
    const target = new URL(url);
    const once = (authorization?: string): Promise<{ status: number; challenge: string[] }> =>
      new Promise((resolve, reject) => {
        const client = target.protocol === 'https:' ? https : http;
        const request = client.request(target, {
          method,
          agent: false,
          localAddress: this.localAddress,
          rejectUnauthorized: false,
          headers: authorization ? { ...headers, authorization } : headers,
          timeout: 30_000,
        });
        request.on('timeout', () => request.destroy(new Error('the collector did not answer within 30 s')));
        request.on('error', reject);
        request.on('response', (response) => {
          response.resume();
          const challenge = response.headers['www-authenticate'];
          resolve({ status: response.statusCode ?? 0, challenge: challenge === undefined ? [] : Array.isArray(challenge) ? challenge : [challenge] });
        });
        request.end(body);
      });
    const first = await once();
    if (first.status !== 401 || !auth || !auth.accept(first.challenge)) return first.status;
    return (await once(auth.authorization(method, `${target.pathname}${target.search}`))).status;
  }

  private setIfPresent(name: string, value: string): void {
    if (this.model.has(name)) this.model.set(name, value);
  }
}
