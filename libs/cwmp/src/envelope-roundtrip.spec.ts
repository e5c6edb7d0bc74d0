import { buildEnvelope } from './envelope-builder';
import { parseEnvelope } from './envelope-parser';
import type { CwmpHeader, CwmpMessage, CwmpVersion } from './messages';
import { SAMPLE_MESSAGES } from './test-support/sample-messages';

const VERSIONS: CwmpVersion[] = ['1.0', '1.1', '1.2', '1.3', '1.4'];
const samples = Object.values(SAMPLE_MESSAGES) as CwmpMessage[];

// Rewrites our strict output the way sloppy firmware writes the same message, to check the parser reads both.
const sloppyStyles: Record<string, (xml: string, version: CwmpVersion) => string> = {
  'SOAP-ENV / SOAP-ENC prefixes, pretty-printed': (xml) =>
    xml
      .replace(/soap-env/g, 'SOAP-ENV')
      .replace(/soap-enc/g, 'SOAP-ENC')
      .replace(/></g, '>\n    <'),
  'soapenv prefix, cwmp as default namespace on the body element': (xml) => {
    const ns = /xmlns:cwmp="([^"]+)"/.exec(xml)![1]!;
    return xml
      .replace(/soap-env:/g, 'soapenv:')
      .replace(/xmlns:soap-env=/g, 'xmlns:soapenv=')
      .replace(` xmlns:cwmp="${ns}"`, '')
      .replace(/cwmp:(ID|HoldRequests|NoMoreRequests|SessionTimeout|SupportedCWMPVersions|UseCWMPVersion)/g, '$1')
      .replace(/<soapenv:Header>/, `<soapenv:Header xmlns="${ns}">`)
      .replace(/<cwmp:(\w+)/, `<$1 xmlns="${ns}"`)
      .replace(/<\/cwmp:(\w+)>/, '</$1>');
  },
  's prefix, cwmp namespace declared on the Body, arrayType counts that lie': (xml) => {
    const ns = /xmlns:cwmp="([^"]+)"/.exec(xml)![1]!;
    return xml
      .replace(/soap-env:/g, 's:')
      .replace(/xmlns:soap-env=/g, 'xmlns:s=')
      .replace(` xmlns:cwmp="${ns}"`, '')
      .replace('<s:Header>', `<s:Header xmlns:cwmp="${ns}">`)
      .replace('<s:Body>', `<s:Body xmlns:cwmp="${ns}">`)
      .replace(/\[\d+\]"/g, '[999]"');
  },
  'no XML declaration, BOM, CRLF line ends, xs: prefix for xsi:type values': (xml) =>
    '\ufeff' + xml.replace(/^<\?xml[^>]*\?>/, '').replace(/xsi:type="xsd:/g, 'xsi:type="xs:').replace(/></g, '>\r\n<'),
};

function headerFor(message: CwmpMessage, version: CwmpVersion): CwmpHeader {
  const header: CwmpHeader = { id: `id-${message.kind}` };
  if (message.kind === 'Inform') {
    if (version === '1.0') header.noMoreRequests = true;
    if (version === '1.3' || version === '1.4') header.sessionTimeout = 60;
    if (version === '1.4') header.supportedCWMPVersions = '1.0,1.1,1.2,1.3,1.4';
  }
  if (message.kind === 'InformResponse' && version === '1.4') header.useCWMPVersion = '1.4';
  if (message.kind === 'GetParameterValues') header.holdRequests = false;
  if (message.kind === 'Reboot') header.holdRequests = true;
  return header;
}

/** The version a parsed envelope reports: 1.3 and 1.4 travel in the cwmp-1-2 namespace. */
function wireVersion(version: CwmpVersion): CwmpVersion {
  return version === '1.3' || version === '1.4' ? '1.2' : version;
}

describe('build → parse round trip', () => {
  describe.each(VERSIONS)('CWMP %s', (version) => {
    it.each(samples.map((m) => [m.kind, m] as const))('%s', (_kind, message) => {
      const header = headerFor(message, version);
      const xml = buildEnvelope(message, header, version);
      const parsed = parseEnvelope(xml);
      expect(parsed).toEqual({ version: wireVersion(version), header, body: message });
    });
  });

  describe.each(Object.entries(sloppyStyles))('as written by devices: %s', (_style, rewrite) => {
    it.each(samples.map((m) => [m.kind, m] as const))('%s', (_kind, message) => {
      for (const version of ['1.0', '1.4'] as const) {
        const header = headerFor(message, version);
        const xml = rewrite(buildEnvelope(message, header, version), version);
        expect(parseEnvelope(xml)).toEqual({ version: wireVersion(version), header, body: message });
      }
    });
  });
});

describe('buildEnvelope output', () => {
  it('declares the five prefixes on the Envelope, with the version namespace', () => {
    const xml = buildEnvelope(SAMPLE_MESSAGES.InformResponse, { id: '1' }, '1.1');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><soap-env:Envelope /);
    for (const declaration of [
      'xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"',
      'xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/"',
      'xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
      'xmlns:cwmp="urn:dslforum-org:cwmp-1-1"',
    ]) {
      expect(xml).toContain(declaration);
    }
    expect(buildEnvelope(SAMPLE_MESSAGES.InformResponse, {}, '1.4')).toContain(
      'xmlns:cwmp="urn:dslforum-org:cwmp-1-2"',
    );
  });

  it('writes cwmp:ID and HoldRequests with mustUnderstand="1"', () => {
    const xml = buildEnvelope(SAMPLE_MESSAGES.Reboot, { id: 'a<b', holdRequests: true }, '1.0');
    expect(xml).toContain(
      '<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">a&lt;b</cwmp:ID>' +
        '<cwmp:HoldRequests soap-env:mustUnderstand="1">1</cwmp:HoldRequests></soap-env:Header>',
    );
  });

  it('omits the Header when there is nothing to put in it', () => {
    expect(buildEnvelope(SAMPLE_MESSAGES.InformResponse, {}, '1.0')).not.toContain('Header');
  });

  it('writes each header entry only for the versions whose schema defines it', () => {
    const header: CwmpHeader = {
      id: '1',
      noMoreRequests: true,
      sessionTimeout: 30,
      supportedCWMPVersions: '1.0,1.4',
      useCWMPVersion: '1.4',
    };
    const present = (version: CwmpVersion) => {
      const xml = buildEnvelope(SAMPLE_MESSAGES.InformResponse, header, version);
      return ['NoMoreRequests', 'SessionTimeout', 'SupportedCWMPVersions', 'UseCWMPVersion'].filter((h) =>
        xml.includes(`<cwmp:${h}`),
      );
    };
    expect(present('1.0')).toEqual(['NoMoreRequests']);
    expect(present('1.1')).toEqual([]);
    expect(present('1.2')).toEqual([]);
    expect(present('1.3')).toEqual(['SessionTimeout']);
    expect(present('1.4')).toEqual(['SessionTimeout', 'SupportedCWMPVersions', 'UseCWMPVersion']);
    const xml = buildEnvelope(SAMPLE_MESSAGES.InformResponse, header, '1.4');
    expect(xml).toContain('<cwmp:UseCWMPVersion soap-env:mustUnderstand="1">1.4</cwmp:UseCWMPVersion>');
    expect(xml).toContain('<cwmp:SupportedCWMPVersions soap-env:mustUnderstand="0">1.0,1.4</cwmp:SupportedCWMPVersions>');
  });

  it('puts a soap-enc:arrayType with the right count on every array', () => {
    const cases: [CwmpMessage, string[]][] = [
      [SAMPLE_MESSAGES.SetParameterValues, ['cwmp:ParameterValueStruct[12]']],
      [SAMPLE_MESSAGES.GetParameterValues, ['xsd:string[2]']],
      [SAMPLE_MESSAGES.SetParameterAttributes, ['cwmp:SetParameterAttributesStruct[2]', 'xsd:string[0]', 'xsd:string[1]']],
      [SAMPLE_MESSAGES.SetVouchers, ['soap-enc:base64[2]']],
      [SAMPLE_MESSAGES.ScheduleDownload, ['cwmp:TimeWindowStruct[2]']],
      [SAMPLE_MESSAGES.GetRPCMethodsResponse, ['xsd:string[4]']],
      [SAMPLE_MESSAGES.GetParameterNamesResponse, ['cwmp:ParameterInfoStruct[2]']],
      [SAMPLE_MESSAGES.GetParameterAttributesResponse, ['cwmp:ParameterAttributeStruct[1]', 'xsd:string[1]']],
      [SAMPLE_MESSAGES.GetQueuedTransfersResponse, ['cwmp:QueuedTransferStruct[2]']],
      [SAMPLE_MESSAGES.GetAllQueuedTransfersResponse, ['cwmp:AllQueuedTransferStruct[1]']],
      [SAMPLE_MESSAGES.GetOptionsResponse, ['cwmp:OptionStruct[2]']],
      [SAMPLE_MESSAGES.Inform, ['cwmp:EventStruct[2]', 'cwmp:ParameterValueStruct[12]']],
      [SAMPLE_MESSAGES.RequestDownload, ['cwmp:ArgStruct[1]']],
    ];
    for (const [message, arrayTypes] of cases) {
      const xml = buildEnvelope(message, {}, '1.2');
      const found = [...xml.matchAll(/soap-enc:arrayType="([^"]+)"/g)].map((m) => m[1]);
      expect(found.sort()).toEqual([...arrayTypes].sort());
    }
  });

  it('types every Value with xsi:type and escapes text', () => {
    const xml = buildEnvelope(SAMPLE_MESSAGES.SetParameterValues, {}, '1.0');
    const values = [...xml.matchAll(/<Value( [^>]*)?>/g)];
    expect(values).toHaveLength(12);
    for (const v of values) expect(v[1]).toMatch(/^ xsi:type="xsd:\w+"$/);
    expect(xml).toContain('<Value xsi:type="xsd:string">V1.2.3 &lt;beta&gt; &amp; &quot;rc&quot; &apos;1&apos;</Value>');
    expect(xml).toContain('<Value xsi:type="xsd:unsignedInt">86400</Value>');
    expect(xml).toContain('<Value xsi:type="xsd:boolean">true</Value>');
    expect(xml).toContain('<Value xsi:type="xsd:unsignedByte">7</Value>');
  });

  it('writes elements in schema order', () => {
    const xml = buildEnvelope(SAMPLE_MESSAGES.Download, {}, '1.0');
    const order = [...xml.matchAll(/<(\w+)>/g)].map((m) => m[1]);
    expect(order).toEqual([
      'CommandKey',
      'FileType',
      'URL',
      'Username',
      'Password',
      'FileSize',
      'TargetFileName',
      'DelaySeconds',
      'SuccessURL',
      'FailureURL',
    ]);
  });

  it('writes a SOAP Fault with faultcode, "CWMP fault" and a cwmp:Fault detail', () => {
    const xml = buildEnvelope(SAMPLE_MESSAGES.Fault, { id: '9' }, '1.0');
    expect(xml).toContain(
      '<soap-env:Body><soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring>' +
        '<detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>' +
        '<SetParameterValuesFault><ParameterName>Device.WiFi.SSID.1.SSID</ParameterName><FaultCode>9007</FaultCode>',
    );
  });

  it('writes ChangeDUState operations with their xsi:type', () => {
    const xml = buildEnvelope(SAMPLE_MESSAGES.ChangeDUState, {}, '1.2');
    expect([...xml.matchAll(/<Operations xsi:type="(cwmp:\w+)">/g)].map((m) => m[1])).toEqual([
      'cwmp:InstallOpStruct',
      'cwmp:UpdateOpStruct',
      'cwmp:UninstallOpStruct',
    ]);
  });

  it('sends an empty dateTime as the unknown time', () => {
    const xml = buildEnvelope({ ...SAMPLE_MESSAGES.UploadResponse, startTime: '' }, {}, '1.0');
    expect(xml).toContain('<StartTime>0001-01-01T00:00:00Z</StartTime>');
  });
});
