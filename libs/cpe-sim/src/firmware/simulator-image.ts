import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * A simulator firmware image. Real images are opaque to an ACS and to a simulator alike, so a simulated CPE learns
 * what an image installs from a one-line header of its own:
 *
 *   ACS-SIM-IMAGE version=2.1.0 models=001122:SimGateway,00D09E:Sim%20Box sha256=<64 hex>\n<payload>
 *
 * Fields are space-separated `key=value` with percent-encoded values; `models` is a comma-separated list of
 * `OUI:ProductClass` (`*` for any, in either part; absent: any model); `sha256` is the hash of the payload (every
 * byte after the newline), checked at install as a real CPE checks its image's signature. A file without the header
 * is a foreign image: installing it fails with 9018 (file corrupted).
 */
export const SIMULATOR_IMAGE_MAGIC = 'ACS-SIM-IMAGE';
/** The header must end within this many bytes; anything longer is not a simulator image. */
export const MAX_HEADER_BYTES = 4096;

export interface SimulatorImageModel {
  oui: string;
  productClass: string;
}

export interface SimulatorImageOptions {
  /** The SoftwareVersion a CPE reports after installing the image. */
  version: string;
  /** `OUI:ProductClass` strings or objects; `*` matches anything; empty or absent: every model. */
  models?: Array<string | SimulatorImageModel>;
  /** Total file size in bytes, header included (padded with a fixed pattern); default: the header plus 1 KiB. */
  size?: number;
}

export interface SimulatorImageHeader {
  version: string;
  models: SimulatorImageModel[];
  /** Hex SHA-256 of the payload, when the header names one. */
  sha256?: string;
}

export class SimulatorImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorImageError';
  }
}

const PAD_CHUNK = paddingChunk(64 * 1024);
const DEFAULT_PAYLOAD_BYTES = 1024;

/** A whole simulator image in memory (tests; use writeSimulatorImage for large files). */
export function simulatorImage(options: SimulatorImageOptions): Buffer {
  const { header, payloadBytes } = plan(options);
  const image = Buffer.allocUnsafe(header.length + payloadBytes);
  header.copy(image, 0);
  for (let at = 0; at < payloadBytes; at += PAD_CHUNK.length) {
    PAD_CHUNK.copy(image, header.length + at, 0, Math.min(PAD_CHUNK.length, payloadBytes - at));
  }
  return image;
}

/** Writes a simulator image of any size to `path` with bounded memory (benchmarks: a 64 MiB image). Returns its size. */
export async function writeSimulatorImage(path: string, options: SimulatorImageOptions): Promise<number> {
  const { header, payloadBytes } = plan(options);
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  const write = async (chunk: Buffer): Promise<void> => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
  };
  await write(header);
  for (let at = 0; at < payloadBytes; at += PAD_CHUNK.length) {
    await write(PAD_CHUNK.subarray(0, Math.min(PAD_CHUNK.length, payloadBytes - at)));
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return header.length + payloadBytes;
}

/** Reads a header line (without its newline); undefined when it is not a simulator image header. */
export function parseSimulatorImageHeader(line: string): SimulatorImageHeader | undefined {
  const [magic, ...fields] = line.trim().split(/ +/);
  if (magic !== SIMULATOR_IMAGE_MAGIC) return undefined;
  const values = new Map<string, string>();
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq <= 0) return undefined;
    values.set(field.slice(0, eq), field.slice(eq + 1));
  }
  // Each value is decoded once, model parts one by one (an encoded ',' or ':' in a product class stays data).
  const version = decodePart(values.get('version') ?? '');
  if (!version) return undefined;
  const models: SimulatorImageModel[] = [];
  for (const entry of (values.get('models') ?? '').split(',').filter(Boolean)) {
    const model = parseModel(entry);
    if (!model) return undefined;
    models.push(model);
  }
  const sha256 = values.get('sha256');
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) return undefined;
  return { version, models, sha256 };
}

/** Whether an image is meant for a device of this OUI and product class. */
export function imageFitsModel(header: SimulatorImageHeader, device: SimulatorImageModel): boolean {
  if (header.models.length === 0) return true;
  return header.models.some(
    (m) => (m.oui === '*' || m.oui.toUpperCase() === device.oui.toUpperCase()) && (m.productClass === '*' || m.productClass === device.productClass),
  );
}

/**
 * Reads an image as it arrives, keeping only its header and a running hash of the payload (a fleet of CPEs
 * downloading 64 MiB images holds none of them in memory). `reset()` starts over (a restarted download).
 */
export class SimulatorImageInspector {
  private headerBytes: Buffer[] = [];
  private headerLength = 0;
  private headerLine?: string;
  private foreign = false;
  private hash: Hash = createHash('sha256');
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  update(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headerLine !== undefined || this.foreign) {
      if (this.headerLine !== undefined) this.hash.update(chunk);
      return;
    }
    const newline = chunk.indexOf(0x0a);
    const headerPart = newline < 0 ? chunk : chunk.subarray(0, newline);
    this.headerBytes.push(headerPart);
    this.headerLength += headerPart.length;
    if (this.headerLength > MAX_HEADER_BYTES) {
      this.foreign = true;
      this.headerBytes = [];
      return;
    }
    if (newline < 0) return;
    this.headerLine = Buffer.concat(this.headerBytes).toString('latin1');
    this.headerBytes = [];
    this.hash.update(chunk.subarray(newline + 1));
  }

  reset(): void {
    this.headerBytes = [];
    this.headerLength = 0;
    this.headerLine = undefined;
    this.foreign = false;
    this.hash = createHash('sha256');
    this.total = 0;
  }

  /** After the last byte: the header, or why the file is not a good simulator image. */
  verdict(): { header: SimulatorImageHeader } | { problem: string } {
    const header = this.headerLine !== undefined ? parseSimulatorImageHeader(this.headerLine) : undefined;
    if (!header) return { problem: `not a simulator image (no ${SIMULATOR_IMAGE_MAGIC} header)` };
    if (header.sha256 !== undefined) {
      const actual = this.hash.digest('hex');
      if (actual !== header.sha256) return { problem: `payload SHA-256 ${actual} is not the header's ${header.sha256}` };
    }
    return { header };
  }
}

function plan(options: SimulatorImageOptions): { header: Buffer; payloadBytes: number } {
  if (!options.version || /\s/.test(options.version)) throw new SimulatorImageError(`version "${options.version}" must be non-empty without spaces`);
  const models = (options.models ?? []).map((m) => {
    const model = typeof m === 'string' ? parseModel(m) : m;
    if (!model || !model.oui || !model.productClass) throw new SimulatorImageError(`model "${String(m)}" is not OUI:ProductClass`);
    return model;
  });
  const headerWithHash = (sha256: string): Buffer => {
    const fields = [SIMULATOR_IMAGE_MAGIC, `version=${encodeURIComponent(options.version)}`];
    if (models.length > 0) fields.push(`models=${models.map((m) => `${encodeModelPart(m.oui)}:${encodeModelPart(m.productClass)}`).join(',')}`);
    fields.push(`sha256=${sha256}`);
    return Buffer.from(`${fields.join(' ')}\n`, 'latin1');
  };
  const headerLength = headerWithHash('0'.repeat(64)).length;
  const size = options.size ?? headerLength + DEFAULT_PAYLOAD_BYTES;
  if (!Number.isSafeInteger(size) || size < headerLength) {
    throw new SimulatorImageError(`size ${size} is smaller than the ${headerLength}-byte header`);
  }
  const payloadBytes = size - headerLength;
  const hash = createHash('sha256');
  for (let at = 0; at < payloadBytes; at += PAD_CHUNK.length) {
    hash.update(PAD_CHUNK.subarray(0, Math.min(PAD_CHUNK.length, payloadBytes - at)));
  }
  return { header: headerWithHash(hash.digest('hex')), payloadBytes };
}

function parseModel(entry: string): SimulatorImageModel | undefined {
  const colon = entry.indexOf(':');
  if (colon <= 0 || colon === entry.length - 1) return undefined;
  const oui = decodePart(entry.slice(0, colon));
  const productClass = decodePart(entry.slice(colon + 1));
  return oui && productClass ? { oui, productClass } : undefined;
}

function decodePart(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function encodeModelPart(part: string): string {
  return part === '*' ? part : encodeURIComponent(part);
}

// A fixed, not all-zero pattern: images of equal size and version are byte-identical (a stable SHA-256 across runs).
function paddingChunk(size: number): Buffer {
  const chunk = Buffer.allocUnsafe(size);
  let state = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    chunk[i] = state >>> 24;
  }
  return chunk;
}
