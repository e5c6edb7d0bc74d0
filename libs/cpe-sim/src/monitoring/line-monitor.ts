import type { DataModel } from '../data-model/data-model';

/** What a CPE's monitored values follow: traffic rates and line levels, changeable while it runs. */
export interface LineLevels {
  /** WAN traffic towards the CPE (bits/s): the received-bytes counters grow at this rate. */
  downstreamBitsPerSecond: number;
  /** WAN traffic from the CPE (bits/s). */
  upstreamBitsPerSecond: number;
  /** Received optical power, dBm (TR-181 OpticalSignalLevel is in 0.001 dBm, 0.002 steps). */
  opticalRxDbm: number;
  /** DSL downstream SNR margin, dB (DownstreamNoiseMargin is in 0.1 dB). */
  downstreamSnrDb: number;
  /** Stations associated with each access point / WLAN. */
  associatedDevices: number;
}

export const DEFAULT_LINE_LEVELS: Readonly<LineLevels> = {
  downstreamBitsPerSecond: 8_000_000,
  upstreamBitsPerSecond: 1_000_000,
  opticalRxDbm: -18,
  downstreamSnrDb: 9,
  associatedDevices: 3,
};

/** `degrade()`: a failing line — weak optical signal, a poor SNR margin, stations gone, little traffic. */
export const DEGRADED_LINE_LEVELS: Readonly<LineLevels> = {
  downstreamBitsPerSecond: 64_000,
  upstreamBitsPerSecond: 16_000,
  opticalRxDbm: -29,
  downstreamSnrDb: 1.5,
  associatedDevices: 0,
};

export class LineLevelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineLevelsError';
  }
}

const MTU_BYTES = 1500;
const TWO_TO_32 = 2 ** 32;

/**
 * The counters and gauges of a CPE, computed on read from its line levels and an injected clock: bytes accumulate at
 * the current rates (a rate change only affects what follows), TR-098's 32-bit unsignedInt counters wrap at 2^32,
 * TR-181's StatsCounter64 do not, and a reboot starts every counter at 0.
 */
export class LineMonitor {
  private levels: LineLevels;
  private since: number;
  private downBytes = 0;
  private upBytes = 0;

  constructor(
    private readonly model: DataModel,
    levels: Partial<LineLevels> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.levels = validLevels({ ...DEFAULT_LINE_LEVELS, ...levels });
    this.since = now();
    this.define();
  }

  get current(): Readonly<LineLevels> {
    return this.levels;
  }

  /** New levels from now on; bytes so far are kept. */
  set(change: Partial<LineLevels>): void {
    const next = validLevels({ ...this.levels, ...change });
    this.fold();
    this.levels = next;
  }

  /** Counters start again at 0 (a reboot clears interface statistics). */
  reboot(): void {
    this.downBytes = 0;
    this.upBytes = 0;
    this.since = this.now();
  }

  /** Bytes received / sent since boot, unwrapped. */
  bytes(): { received: number; sent: number } {
    const seconds = Math.max(0, this.now() - this.since) / 1000;
    return {
      received: Math.floor(this.downBytes + (this.levels.downstreamBitsPerSecond / 8) * seconds),
      sent: Math.floor(this.upBytes + (this.levels.upstreamBitsPerSecond / 8) * seconds),
    };
  }

  private fold(): void {
    const { received, sent } = this.bytes();
    this.downBytes = received;
    this.upBytes = sent;
    this.since = this.now();
  }

  private define(): void {
    const m = this.model;
    const define = (name: string, value: () => number | string): void => {
      if (m.has(name)) m.defineDynamicValue(name, () => String(value()));
    };
    const received = (): number => this.bytes().received;
    const sent = (): number => this.bytes().sent;
    const packets = (bytes: number): number => Math.floor(bytes / MTU_BYTES);
    const wrap32 = (n: number): number => n % TWO_TO_32;
    for (const name of m.select(`${m.root}.`).map((p) => p.name)) {
      if (/^Device\.IP\.Interface\.1\.Stats\.BytesReceived$/.test(name)) define(name, received);
      else if (/^Device\.IP\.Interface\.1\.Stats\.BytesSent$/.test(name)) define(name, sent);
      else if (/^Device\.IP\.Interface\.1\.Stats\.PacketsReceived$/.test(name)) define(name, () => packets(received()));
      else if (/^Device\.IP\.Interface\.1\.Stats\.PacketsSent$/.test(name)) define(name, () => packets(sent()));
      else if (/\.WANCommonInterfaceConfig\.TotalBytesReceived$|\.WANIPConnection\.1\.Stats\.EthernetBytesReceived$/.test(name)) define(name, () => wrap32(received()));
      else if (/\.WANCommonInterfaceConfig\.TotalBytesSent$|\.WANIPConnection\.1\.Stats\.EthernetBytesSent$/.test(name)) define(name, () => wrap32(sent()));
      else if (/\.WANCommonInterfaceConfig\.TotalPacketsReceived$|\.WANIPConnection\.1\.Stats\.EthernetPacketsReceived$/.test(name)) define(name, () => wrap32(packets(received())));
      else if (/\.WANCommonInterfaceConfig\.TotalPacketsSent$|\.WANIPConnection\.1\.Stats\.EthernetPacketsSent$/.test(name)) define(name, () => wrap32(packets(sent())));
      // 0.001 dBm units in steps of 2 (tr-181 Dbm1000, OpticalSignalLevel range step 2).
      else if (/^Device\.Optical\.Interface\.\d+\.OpticalSignalLevel$/.test(name)) define(name, () => Math.round(this.levels.opticalRxDbm * 500) * 2);
      else if (/(^Device\.DSL\.Line\.\d+|\.WANDSLInterfaceConfig)\.DownstreamNoiseMargin$/.test(name)) define(name, () => Math.round(this.levels.downstreamSnrDb * 10));
      else if (/^Device\.WiFi\.AccessPoint\.\d+\.AssociatedDeviceNumberOfEntries$|\.WLANConfiguration\.\d+\.TotalAssociations$/.test(name)) {
        define(name, () => this.levels.associatedDevices);
      }
    }
  }
}

function validLevels(levels: LineLevels): LineLevels {
  for (const key of ['downstreamBitsPerSecond', 'upstreamBitsPerSecond', 'associatedDevices'] as const) {
    if (!Number.isFinite(levels[key]) || levels[key] < 0) throw new LineLevelsError(`${key} must be a number ≥ 0, not ${levels[key]}`);
  }
  if (!Number.isInteger(levels.associatedDevices)) throw new LineLevelsError(`associatedDevices must be an integer, not ${levels.associatedDevices}`);
  if (!(levels.opticalRxDbm >= -65.536 && levels.opticalRxDbm <= 65.534)) throw new LineLevelsError(`opticalRxDbm must be within -65.536…65.534, not ${levels.opticalRxDbm}`);
  if (!Number.isFinite(levels.downstreamSnrDb)) throw new LineLevelsError(`downstreamSnrDb must be a number, not ${levels.downstreamSnrDb}`);
  return levels;
}

/** `--line SPEC` / stdin `line SPEC`: `down=8e6,up=1e6,rx=-18,snr=9,assoc=3`. */
export function parseLineLevels(spec: string): Partial<LineLevels> {
  const keys: Record<string, keyof LineLevels> = { down: 'downstreamBitsPerSecond', up: 'upstreamBitsPerSecond', rx: 'opticalRxDbm', snr: 'downstreamSnrDb', assoc: 'associatedDevices' };
  const change: Partial<LineLevels> = {};
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key = '', text = ''] = item.split('=');
    const field = keys[key];
    const n = Number(text);
    if (!field) throw new LineLevelsError(`unknown key "${key}" (down, up, rx, snr, assoc)`);
    if (text.trim() === '' || !Number.isFinite(n)) throw new LineLevelsError(`${key}: "${text}" is no number`);
    change[field] = n;
  }
  validLevels({ ...DEFAULT_LINE_LEVELS, ...change });
  return change;
}
