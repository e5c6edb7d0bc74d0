import { readFileSync } from 'node:fs';
import { buildEnvelope, type ParameterValueStruct, DEFAULT_XML_LIMITS, parseEnvelope } from '@acs/cwmp';
import { guardXml } from '../../libs/cwmp/src/xml-guard';
function parameters(count: number): ParameterValueStruct[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Device.WiFi.SSID.${i + 1}.SSID`,
    value: i % 3 === 0 ? { type: 'unsignedInt', value: i * 1000 } : i % 3 === 1 ? { type: 'boolean', value: true } : { type: 'string', value: `Network & Co <${i}>` },
  }));
}
const gpv = buildEnvelope({ kind: 'GetParameterValuesResponse', parameterList: parameters(100) }, { id: 'x' }, '1.2');
const inform = readFileSync('/work/shared/vectors/captures/inform-generic-nomorerequests.xml', 'utf8');
function b(name: string, f: () => unknown) { for (let i = 0; i < 300; i++) f(); const n = 3000; const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) f(); console.log(name, (Number(process.hrtime.bigint() - t) / 1e3 / n).toFixed(2)); }
b('guard gpv', () => guardXml(gpv, DEFAULT_XML_LIMITS));
b('guard inform', () => guardXml(inform, DEFAULT_XML_LIMITS));
b('parse inform', () => parseEnvelope(inform));
