import { buildEnvelope, type ParameterValueStruct } from '@acs/cwmp';
import { XMLParser } from 'fast-xml-parser';
function parameters(count: number): ParameterValueStruct[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Device.WiFi.SSID.${i + 1}.SSID`,
    value: i % 3 === 0 ? { type: 'unsignedInt', value: i * 1000 } : i % 3 === 1 ? { type: 'boolean', value: true } : { type: 'string', value: `Network & Co <${i}>` },
  }));
}
const xml = buildEnvelope({ kind: 'GetParameterValuesResponse', parameterList: parameters(100) }, { id: 'x' }, '1.2');
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, processEntities: false, cdataPropName: '__cdata', ignoreDeclaration: true, ignorePiTags: true, trimValues: true, maxNestedTags: 64, jPath: false } as any);
for (let i = 0; i < 5000; i++) parser.parse(xml);
