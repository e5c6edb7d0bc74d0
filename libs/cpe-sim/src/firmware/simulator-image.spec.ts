import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  imageFitsModel,
  parseSimulatorImageHeader,
  simulatorImage,
  SimulatorImageError,
  SimulatorImageInspector,
  writeSimulatorImage,
} from './simulator-image';

function inspect(image: Buffer, chunkSize: number): ReturnType<SimulatorImageInspector['verdict']> {
  const inspector = new SimulatorImageInspector();
  for (let at = 0; at < image.length; at += chunkSize) inspector.update(image.subarray(at, at + chunkSize));
  expect(inspector.bytes).toBe(image.length);
  return inspector.verdict();
}

describe('simulator images', () => {
  it('has a one-line header naming version, models and the payload hash, padded to the exact size', () => {
    const image = simulatorImage({ version: '2.1.0', models: ['001122:SimGateway', { oui: '00D09E', productClass: 'Sim Box' }], size: 10_000 });
    expect(image).toHaveLength(10_000);
    const newline = image.indexOf(0x0a);
    const line = image.subarray(0, newline).toString('latin1');
    expect(line).toMatch(/^ACS-SIM-IMAGE version=2\.1\.0 models=001122:SimGateway,00D09E:Sim%20Box sha256=[0-9a-f]{64}$/);
    const header = parseSimulatorImageHeader(line)!;
    expect(header).toEqual({
      version: '2.1.0',
      models: [
        { oui: '001122', productClass: 'SimGateway' },
        { oui: '00D09E', productClass: 'Sim Box' },
      ],
      sha256: createHash('sha256').update(image.subarray(newline + 1)).digest('hex'),
    });
    // Equal options, equal bytes: a stable SHA-256 for tests that compare hashes.
    expect(simulatorImage({ version: '2.1.0', models: ['001122:SimGateway', '00D09E:Sim Box'], size: 10_000 }).equals(image)).toBe(true);
  });

  it('is verified as it streams in, whatever the chunking', () => {
    const image = simulatorImage({ version: '3.0', size: 200_000 });
    for (const chunk of [1, 7, 65_536, 1_000_000]) expect(inspect(image, chunk)).toEqual({ header: expect.objectContaining({ version: '3.0', models: [] }) });
  });

  it('refuses a damaged payload, a foreign file and a header that never ends', () => {
    const image = simulatorImage({ version: '3.0', size: 5_000 });
    const damaged = Buffer.from(image);
    damaged[4_000] ^= 0xff;
    expect(inspect(damaged, 512)).toEqual({ problem: expect.stringContaining('SHA-256') });
    expect(inspect(Buffer.from('\x7fELF binary of some vendor\n....'), 4)).toEqual({ problem: expect.stringContaining('no ACS-SIM-IMAGE header') });
    expect(inspect(Buffer.alloc(10_000, 0x41), 1000)).toEqual({ problem: expect.stringContaining('no ACS-SIM-IMAGE header') });
    expect(inspect(Buffer.alloc(0), 1)).toEqual({ problem: expect.stringContaining('no ACS-SIM-IMAGE header') });
  });

  it('starts over on reset (a download restarted from byte 0)', () => {
    const image = simulatorImage({ version: '4.0', size: 3_000 });
    const inspector = new SimulatorImageInspector();
    inspector.update(image.subarray(0, 1_500));
    inspector.reset();
    inspector.update(image);
    expect(inspector.verdict()).toEqual({ header: expect.objectContaining({ version: '4.0' }) });
  });

  it('reads malformed headers as foreign images', () => {
    expect(parseSimulatorImageHeader('ACS-SIM-IMAGE models=1:2')).toBeUndefined();
    expect(parseSimulatorImageHeader('ACS-SIM-IMAGE version=1 models=nocolon')).toBeUndefined();
    expect(parseSimulatorImageHeader('ACS-SIM-IMAGE version=1 sha256=xyz')).toBeUndefined();
    expect(parseSimulatorImageHeader('ACS-SIM-IMAGE version=%E0%A4%A')).toBeUndefined();
    expect(parseSimulatorImageHeader('OTHER version=1')).toBeUndefined();
    expect(parseSimulatorImageHeader('ACS-SIM-IMAGE version=1 junk')).toBeUndefined();
  });

  it('matches models by OUI (any case) and product class, with * for any', () => {
    const header = parseSimulatorImageHeader('ACS-SIM-IMAGE version=1 models=00d09e:Box%20A,*:Box%20B')!;
    expect(imageFitsModel(header, { oui: '00D09E', productClass: 'Box A' })).toBe(true);
    expect(imageFitsModel(header, { oui: '001122', productClass: 'Box B' })).toBe(true);
    expect(imageFitsModel(header, { oui: '001122', productClass: 'Box A' })).toBe(false);
    expect(imageFitsModel({ version: '1', models: [] }, { oui: 'X', productClass: 'Y' })).toBe(true);
  });

  it('refuses options it cannot honour', () => {
    expect(() => simulatorImage({ version: '1', size: 10 })).toThrow(SimulatorImageError);
    expect(() => simulatorImage({ version: 'a b' })).toThrow(SimulatorImageError);
    expect(() => simulatorImage({ version: '1', models: ['nocolon'] })).toThrow(SimulatorImageError);
  });

  it('writes a large image to a file, byte-identical to the in-memory one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-image-'));
    try {
      const path = join(dir, 'fw.bin');
      const size = 3 * 65_536 + 123;
      expect(await writeSimulatorImage(path, { version: '9.9', models: ['001122:SimGateway'], size })).toBe(size);
      expect(readFileSync(path).equals(simulatorImage({ version: '9.9', models: ['001122:SimGateway'], size }))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
