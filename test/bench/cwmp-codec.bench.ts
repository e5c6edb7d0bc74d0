// CWMP codec throughput: `node test/bench/run.js cwmp-codec [seconds-per-case]`.
// Prints ops/s and µs/op for the messages of a typical session. Figures vary with the machine and its load; the
// gateway's budget is an Inform parse per session at >2,500 sessions/s on one core.
import { existsSync, readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { join } from 'node:path';
import {
  type GetParameterValuesResponse,
  type ParameterValueStruct,
  type SetParameterValues,
  buildEnvelope,
  parseEnvelope,
} from '@acs/cwmp';

const secondsPerCase = Number(process.argv[2] ?? 1);

const capture = join(__dirname, '..', '..', '..', 'shared', 'vectors', 'captures', 'inform-generic-nomorerequests.xml');
const informXml = existsSync(capture)
  ? readFileSync(capture, 'utf8')
  : buildEnvelope(
      {
        kind: 'Inform',
        deviceId: { manufacturer: 'The Company', oui: 'AA1234', productClass: 'IAD_001', serialNumber: 'S99998888' },
        events: [{ eventCode: '2 PERIODIC', commandKey: '' }],
        maxEnvelopes: 1,
        currentTime: '2015-01-19T23:08:24+00:00',
        retryCount: 0,
        parameterList: Array.from({ length: 8 }, (_, i) => ({
          name: `InternetGatewayDevice.DeviceInfo.Parameter${i}`,
          value: { type: 'string' as const, value: `value ${i}` },
        })),
      },
      { id: '100' },
      '1.0',
    );

function parameters(count: number): ParameterValueStruct[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Device.WiFi.SSID.${i + 1}.SSID`,
    value: i % 3 === 0 ? { type: 'unsignedInt', value: i * 1000 } : i % 3 === 1 ? { type: 'boolean', value: true } : { type: 'string', value: `Network & Co <${i}>` },
  }));
}

const gpvResponse: GetParameterValuesResponse = { kind: 'GetParameterValuesResponse', parameterList: parameters(100) };
const gpvResponseXml = buildEnvelope(gpvResponse, { id: 'gpv-1' }, '1.2');
const spv: SetParameterValues = { kind: 'SetParameterValues', parameterList: parameters(20), parameterKey: 'bench' };

let sink = 0;

function bench(name: string, run: () => unknown): void {
  // Warm up so the figures are for optimised code, then time whole batches to keep timer overhead out.
  for (let i = 0; i < 2000; i++) run();
  const batch = 500;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(secondsPerCase * 1e9));
  const started = process.hrtime.bigint();
  let ops = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < batch; i++) {
      const result = run();
      sink += typeof result === 'string' ? result.length : 1;
    }
    ops += batch;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const opsPerSecond = ops / seconds;
  console.log(
    `${name.padEnd(38)} ${Math.round(opsPerSecond).toLocaleString('en-US').padStart(10)} ops/s ` +
      `${((seconds / ops) * 1e6).toFixed(2).padStart(8)} µs/op`,
  );
}

console.log(`node ${process.version}, ${secondsPerCase}s per case, Inform of ${informXml.length} characters`);
bench('parse Inform (capture)', () => parseEnvelope(informXml));
bench('build InformResponse', () => buildEnvelope({ kind: 'InformResponse', maxEnvelopes: 1 }, { id: '100' }, '1.0'));
bench(`parse GPV response, 100 params (${gpvResponseXml.length} ch)`, () => parseEnvelope(gpvResponseXml));
bench('build SPV, 20 params', () => buildEnvelope(spv, { id: 'spv-1' }, '1.2'));
// The XML library's share of a parse: fast-xml-parser alone, with the options envelope-parser.ts sets.
const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '__cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: 64,
  jPath: false,
});
bench('  of which fast-xml-parser, Inform', () => xmlParser.parse(informXml));
bench('  of which fast-xml-parser, GPV 100', () => xmlParser.parse(gpvResponseXml));
if (sink === 0) console.log('');
