import { CwmpParseError, type CwmpParseErrorCode } from './cwmp-parse-error';
import { parseEnvelope } from './envelope-parser';
import type { CwmpMessage, GetParameterValuesResponse, Inform } from './messages';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';

/** An envelope the way many CPEs write it: SOAP-ENV prefixes, all namespaces on the Envelope, pretty-printed. */
function envelope(body: string, header = '', cwmp = 'urn:dslforum-org:cwmp-1-0'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP}" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:cwmp="${cwmp}">
  <SOAP-ENV:Header>${header}</SOAP-ENV:Header>
  <SOAP-ENV:Body>
    ${body}
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;
}

function bodyOf(xml: string): CwmpMessage {
  const parsed = parseEnvelope(xml);
  if (parsed === null) throw new Error('expected a message');
  return parsed.body;
}

function parseError(xml: string, limits?: Parameters<typeof parseEnvelope>[1]): CwmpParseError {
  try {
    parseEnvelope(xml, limits);
  } catch (error) {
    if (error instanceof CwmpParseError) return error;
    throw new Error(`expected a CwmpParseError, got ${String(error)}`);
  }
  throw new Error('expected parseEnvelope to throw');
}

function expectError(xml: string, code: CwmpParseErrorCode, message?: RegExp): CwmpParseError {
  const error = parseError(xml);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
  return error;
}

describe('parseEnvelope: empty messages', () => {
  it.each([[''], ['   '], ['\r\n\t \n'], ['\ufeff'], ['\ufeff  \n']])('returns null for %j', (xml) => {
    expect(parseEnvelope(xml)).toBeNull();
  });

  it('returns null for an Envelope whose Body is empty', () => {
    expect(parseEnvelope(envelope('', '<cwmp:ID SOAP-ENV:mustUnderstand="1">5</cwmp:ID>'))).toBeNull();
    expect(parseEnvelope(`<s:Envelope xmlns:s="${SOAP}"><s:Body/></s:Envelope>`)).toBeNull();
  });
});

describe('parseEnvelope: namespaces and prefixes', () => {
  const inform = '<DeviceId><OUI>00D09E</OUI><SerialNumber>1</SerialNumber></DeviceId>';

  it.each([
    ['SOAP-ENV', 'SOAP-ENV'],
    ['soap', 'soap'],
    ['soapenv', 'soapenv'],
    ['s', 's'],
    ['env', 'env'],
  ])('reads the SOAP envelope with prefix %s', (prefix) => {
    const xml =
      `<${prefix}:Envelope xmlns:${prefix}="${SOAP}" xmlns:cwmp="urn:dslforum-org:cwmp-1-1">` +
      `<${prefix}:Body><cwmp:Inform>${inform}</cwmp:Inform></${prefix}:Body></${prefix}:Envelope>`;
    const parsed = parseEnvelope(xml)!;
    expect(parsed.version).toBe('1.1');
    expect((parsed.body as Inform).deviceId.oui).toBe('00D09E');
  });

  it('reads an envelope with no prefixes at all (default namespaces)', () => {
    const xml =
      `<Envelope xmlns="${SOAP}"><Header><ID xmlns="urn:dslforum-org:cwmp-1-2">7</ID></Header>` +
      `<Body><Inform xmlns="urn:dslforum-org:cwmp-1-2">${inform}</Inform></Body></Envelope>`;
    expect(parseEnvelope(xml)).toMatchObject({ version: '1.2', header: { id: '7' }, body: { kind: 'Inform' } });
  });

  it('takes the cwmp namespace from the body element itself', () => {
    const xml = `<e:Envelope xmlns:e="${SOAP}"><e:Body><c:Inform xmlns:c="urn:dslforum-org:cwmp-1-4">${inform}</c:Inform></e:Body></e:Envelope>`;
    expect(parseEnvelope(xml)!.version).toBe('1.4');
  });

  it('takes the cwmp namespace inherited from the Body', () => {
    const xml = `<e:Envelope xmlns:e="${SOAP}"><e:Body xmlns:cwmp="urn:dslforum-org:cwmp-1-3"><cwmp:Inform>${inform}</cwmp:Inform></e:Body></e:Envelope>`;
    expect(parseEnvelope(xml)!.version).toBe('1.3');
  });

  it('tolerates an unprefixed body element when the envelope declares a cwmp namespace', () => {
    const xml = envelope(`<Inform>${inform}</Inform>`);
    expect(parseEnvelope(xml)).toMatchObject({ version: '1.0', body: { kind: 'Inform' } });
  });

  it('rejects an unknown cwmp namespace with bad-namespace', () => {
    expectError(envelope(`<cwmp:Inform>${inform}</cwmp:Inform>`, '', 'urn:dslforum-org:cwmp-1-9'), 'bad-namespace', /cwmp-1-9/);
  });

  it('rejects a body element in a foreign namespace with bad-namespace', () => {
    const xml = `<s:Envelope xmlns:s="${SOAP}"><s:Body><x:Inform xmlns:x="urn:example:other">${inform}</x:Inform></s:Body></s:Envelope>`;
    expectError(xml, 'bad-namespace', /urn:example:other/);
  });

  it('rejects a message with no cwmp namespace anywhere with bad-namespace', () => {
    const xml = `<s:Envelope xmlns:s="${SOAP}"><s:Body><Inform>${inform}</Inform></s:Body></s:Envelope>`;
    expectError(xml, 'bad-namespace', /no cwmp namespace/);
  });

  it('rejects an unknown body element in a cwmp namespace with unknown-rpc and its name', () => {
    const error = expectError(envelope('<cwmp:X_ACME_Frobnicate><A>1</A></cwmp:X_ACME_Frobnicate>'), 'unknown-rpc');
    expect(error.rpcName).toBe('X_ACME_Frobnicate');
  });

  it('rejects a document that is not a SOAP envelope', () => {
    expectError('<html><body>hello</body></html>', 'malformed', /not a SOAP Envelope/);
    expectError(`<s:Envelope xmlns:s="${SOAP}"><s:Header/></s:Envelope>`, 'malformed', /without a Body/);
  });
});

describe('parseEnvelope: header', () => {
  it('reads header entries in any order, with NoMoreRequests, HoldRequests and booleans as 1/0/true/false', () => {
    const header =
      '<cwmp:NoMoreRequests>true</cwmp:NoMoreRequests>' +
      '<cwmp:HoldRequests SOAP-ENV:mustUnderstand="1">0</cwmp:HoldRequests>' +
      '<cwmp:SessionTimeout> 45 </cwmp:SessionTimeout>' +
      '<cwmp:X_VENDOR_Thing SOAP-ENV:mustUnderstand="1">ignored</cwmp:X_VENDOR_Thing>' +
      '<cwmp:SupportedCWMPVersions>1.0,1.1,1.2,1.3,1.4</cwmp:SupportedCWMPVersions>' +
      '<cwmp:ID SOAP-ENV:mustUnderstand="1">abc&amp;1</cwmp:ID>';
    expect(parseEnvelope(envelope('<cwmp:GetRPCMethods/>', header))!.header).toEqual({
      id: 'abc&1',
      noMoreRequests: true,
      holdRequests: false,
      sessionTimeout: 45,
      supportedCWMPVersions: '1.0,1.1,1.2,1.3,1.4',
    });
  });

  it('reads UseCWMPVersion and HoldRequests=1', () => {
    const header = '<cwmp:UseCWMPVersion>1.4</cwmp:UseCWMPVersion><cwmp:HoldRequests>1</cwmp:HoldRequests>';
    expect(parseEnvelope(envelope('<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>', header))).toEqual({
      version: '1.0',
      header: { useCWMPVersion: '1.4', holdRequests: true },
      body: { kind: 'InformResponse', maxEnvelopes: 1 },
    });
  });

  it('accepts an envelope without a Header', () => {
    const xml = `<s:Envelope xmlns:s="${SOAP}" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><s:Body><cwmp:RebootResponse/></s:Body></s:Envelope>`;
    expect(parseEnvelope(xml)).toEqual({ version: '1.0', header: {}, body: { kind: 'RebootResponse' } });
  });
});

describe('parseEnvelope: values as devices send them', () => {
  function gpv(structs: string, arrayType = 'cwmp:ParameterValueStruct[1]'): GetParameterValuesResponse {
    return bodyOf(
      envelope(
        `<cwmp:GetParameterValuesResponse><ParameterList SOAP-ENC:arrayType="${arrayType}">${structs}</ParameterList></cwmp:GetParameterValuesResponse>`,
      ),
    ) as GetParameterValuesResponse;
  }
  const pvs = (name: string, value: string) => `<ParameterValueStruct><Name>${name}</Name>${value}</ParameterValueStruct>`;

  it('falls back to string without xsi:type', () => {
    expect(gpv(pvs('A', '<Value>12</Value>')).parameterList).toEqual([{ name: 'A', value: { type: 'string', value: '12' } }]);
  });

  it('keeps an unknown xsi:type as declaredType', () => {
    expect(gpv(pvs('A', '<Value xsi:type="xsd:unsignedByte">12</Value>')).parameterList[0]!.value).toEqual({
      type: 'string',
      value: '12',
      declaredType: 'unsignedByte',
    });
  });

  it('keeps a value that does not fit its xsi:type as a string', () => {
    expect(gpv(pvs('A', '<Value xsi:type="xsd:int">twelve</Value>')).parameterList[0]!.value).toEqual({
      type: 'string',
      value: 'twelve',
      declaredType: 'int',
    });
  });

  it('reads typed values, booleans as 1/0/true/false', () => {
    const list = gpv(
      pvs('a', '<Value xsi:type="xsd:boolean">1</Value>') +
        pvs('b', '<Value xsi:type="xsd:boolean">false</Value>') +
        pvs('c', '<Value xsi:type="xsd:unsignedInt">4294967295</Value>') +
        pvs('d', '<Value xsi:type="xsd:int">-5</Value>') +
        pvs('e', '<Value xsi:type="xsd:dateTime">0001-01-01T00:00:00Z</Value>'),
      'cwmp:ParameterValueStruct[5]',
    ).parameterList.map((p) => p.value);
    expect(list).toEqual([
      { type: 'boolean', value: true },
      { type: 'boolean', value: false },
      { type: 'unsignedInt', value: 4294967295 },
      { type: 'int', value: -5 },
      { type: 'dateTime', value: '0001-01-01T00:00:00Z' },
    ]);
  });

  it('uses the elements present, not the arrayType count', () => {
    expect(gpv(pvs('a', '<Value>1</Value>') + pvs('b', '<Value>2</Value>'), 'cwmp:ParameterValueStruct[7]').parameterList).toHaveLength(2);
    expect(gpv('', 'cwmp:ParameterValueStruct[3]').parameterList).toEqual([]);
  });

  it('decodes standard and character entities, CDATA verbatim, never a custom entity', () => {
    const list = gpv(
      pvs('a', '<Value xsi:type="xsd:string">&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#x41;&#66;&#x1F600;</Value>') +
        pvs('b', '<Value xsi:type="xsd:string"><![CDATA[<raw> &amp; kept]]></Value>') +
        pvs('c', '<Value xsi:type="xsd:string">a &custom; b &#0; c & d</Value>') +
        pvs('d', '<Value>x <![CDATA[<y>]]> z</Value>'),
      'cwmp:ParameterValueStruct[4]',
    ).parameterList.map((p) => p.value.value);
    expect(list).toEqual(['<b> & "c" \'d\' AB😀', '<raw> &amp; kept', 'a &custom; b &#0; c & d', 'x <y> z']);
  });

  it('tolerates whitespace and newlines around values and names', () => {
    const list = gpv(
      `<ParameterValueStruct>
         <Name>
           Device.DeviceInfo.UpTime
         </Name>
         <Value xsi:type="xsd:unsignedInt">
           42
         </Value>
       </ParameterValueStruct>`,
    ).parameterList;
    expect(list).toEqual([{ name: 'Device.DeviceInfo.UpTime', value: { type: 'unsignedInt', value: 42 } }]);
  });
});

describe('parseEnvelope: structures as devices send them', () => {
  it('defaults missing fields to empty string, 0, false and []', () => {
    expect(bodyOf(envelope('<cwmp:Inform></cwmp:Inform>'))).toEqual({
      kind: 'Inform',
      deviceId: { manufacturer: '', oui: '', productClass: '', serialNumber: '' },
      events: [],
      maxEnvelopes: 0,
      currentTime: '',
      retryCount: 0,
      parameterList: [],
    });
    expect(bodyOf(envelope('<cwmp:GetParameterNames/>'))).toEqual({
      kind: 'GetParameterNames',
      parameterPath: '',
      nextLevel: false,
    });
    expect(bodyOf(envelope('<cwmp:TransferComplete><CommandKey>k</CommandKey></cwmp:TransferComplete>'))).toEqual({
      kind: 'TransferComplete',
      commandKey: 'k',
      fault: { faultCode: 0, faultString: '' },
      startTime: '',
      completeTime: '',
    });
  });

  it('reads children in any order and ignores unknown ones', () => {
    expect(
      bodyOf(
        envelope(
          '<cwmp:AddObjectResponse><X_Vendor>1</X_Vendor><Status>0</Status><InstanceNumber> 3 </InstanceNumber></cwmp:AddObjectResponse>',
        ),
      ),
    ).toEqual({ kind: 'AddObjectResponse', instanceNumber: 3, status: 0 });
  });

  it('reads Writable as 1/0/true/false in any case', () => {
    const info = (w: string) => `<ParameterInfoStruct><Name>N</Name><Writable>${w}</Writable></ParameterInfoStruct>`;
    const body = bodyOf(
      envelope(
        `<cwmp:GetParameterNamesResponse><ParameterList>${info('1')}${info('0')}${info('TRUE')}${info('false')}</ParameterList></cwmp:GetParameterNamesResponse>`,
      ),
    );
    expect((body as { parameterList: { writable: boolean }[] }).parameterList.map((p) => p.writable)).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('rejects an unreadable protocol number or boolean with invalid-value', () => {
    expectError(envelope('<cwmp:SetParameterValuesResponse><Status>ok</Status></cwmp:SetParameterValuesResponse>'), 'invalid-value', /<Status>/);
    expectError(
      envelope('<cwmp:GetParameterNames><ParameterPath>Device.</ParameterPath><NextLevel>maybe</NextLevel></cwmp:GetParameterNames>'),
      'invalid-value',
      /<NextLevel>/,
    );
  });

  it('reads ChangeDUState operations by xsi:type, by wrapper element, or by their fields', () => {
    const body = bodyOf(
      envelope(`<cwmp:ChangeDUState>
        <Operations xsi:type="cwmp:UninstallOpStruct"><UUID>u1</UUID></Operations>
        <Operations><InstallOpStruct><URL>http://x/a</URL><UUID>u2</UUID></InstallOpStruct></Operations>
        <Operations><URL>http://x/b</URL><UUID>u3</UUID><Version>2</Version></Operations>
        <CommandKey>ck</CommandKey>
      </cwmp:ChangeDUState>`),
    );
    expect(body).toEqual({
      kind: 'ChangeDUState',
      operations: [
        { operation: 'Uninstall', uuid: 'u1', version: '', executionEnvRef: '' },
        { operation: 'Install', url: 'http://x/a', uuid: 'u2', username: '', password: '', executionEnvRef: '' },
        { operation: 'Update', uuid: 'u3', version: '2', url: 'http://x/b', username: '', password: '' },
      ],
      commandKey: 'ck',
    });
  });

  it('reads DUStateChangeComplete results wrapped in OpResultStruct elements', () => {
    const body = bodyOf(
      envelope(
        '<cwmp:DUStateChangeComplete><Results><OpResultStruct><UUID>a</UUID><Resolved>1</Resolved></OpResultStruct>' +
          '<OpResultStruct><UUID>b</UUID></OpResultStruct></Results></cwmp:DUStateChangeComplete>',
      ),
    ) as { results: { uuid: string; resolved: boolean }[] };
    expect(body.results.map((r) => [r.uuid, r.resolved])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

describe('parseEnvelope: SOAP faults', () => {
  it('reads a cwmp:Fault with SetParameterValuesFault entries', () => {
    const xml = envelope(`<SOAP-ENV:Fault>
      <faultcode>SOAP-ENV:Client</faultcode>
      <faultstring>CWMP fault</faultstring>
      <detail>
        <cwmp:Fault>
          <FaultCode>9003</FaultCode>
          <FaultString>Invalid arguments</FaultString>
          <SetParameterValuesFault>
            <ParameterName>Device.WiFi.SSID.1.SSID</ParameterName>
            <FaultCode>9007</FaultCode>
            <FaultString>Invalid parameter value</FaultString>
          </SetParameterValuesFault>
          <SetParameterValuesFault>
            <ParameterName>Device.X</ParameterName>
            <FaultCode>9005</FaultCode>
          </SetParameterValuesFault>
        </cwmp:Fault>
      </detail>
    </SOAP-ENV:Fault>`);
    expect(parseEnvelope(xml)).toEqual({
      version: '1.0',
      header: {},
      body: {
        kind: 'Fault',
        soapFaultCode: 'Client',
        faultCode: 9003,
        faultString: 'Invalid arguments',
        setParameterValuesFault: [
          { parameterName: 'Device.WiFi.SSID.1.SSID', faultCode: 9007, faultString: 'Invalid parameter value' },
          { parameterName: 'Device.X', faultCode: 9005, faultString: '' },
        ],
      },
    });
  });

  it('takes the version from the cwmp:Fault namespace and derives a missing faultcode from the fault code', () => {
    const xml =
      `<s:Envelope xmlns:s="${SOAP}"><s:Body><s:Fault><faultstring>x</faultstring><detail>` +
      '<c:Fault xmlns:c="urn:dslforum-org:cwmp-1-2"><FaultCode>9002</FaultCode><FaultString>Internal error</FaultString></c:Fault>' +
      '</detail></s:Fault></s:Body></s:Envelope>';
    expect(parseEnvelope(xml)).toMatchObject({ version: '1.2', body: { soapFaultCode: 'Server', faultCode: 9002 } });
  });

  it('rejects a SOAP fault without a cwmp detail, or with a non-numeric code', () => {
    expectError(envelope('<SOAP-ENV:Fault><faultcode>Server</faultcode><faultstring>boom</faultstring></SOAP-ENV:Fault>'), 'malformed', /detail/);
    expectError(
      envelope('<SOAP-ENV:Fault><detail><cwmp:Fault><FaultCode>bad</FaultCode></cwmp:Fault></detail></SOAP-ENV:Fault>'),
      'invalid-value',
    );
  });
});

describe('parseEnvelope: broken XML', () => {
  it.each([
    ['a truncated document', envelope('<cwmp:Reboot><CommandKey>x</CommandKey></cwmp:Reboot>').slice(0, -30), /truncated/],
    ['a mismatched closing tag', envelope('<cwmp:Reboot><CommandKey>x</Commandkey></cwmp:Reboot>'), /does not match/],
    ['a closing tag with attributes', envelope('<cwmp:Reboot><CommandKey>x</ CommandKey="CommandKey"></cwmp:Reboot>'), /closing tag/],
    ['two document elements', envelope('<cwmp:Reboot/>') + '<x/>', /more than one document element/],
    ['text after the document element', envelope('<cwmp:Reboot/>') + 'trailing', /outside the document element/],
    ['an unterminated comment', envelope('<cwmp:Reboot/><!-- oops'), /comment/],
    ['an unterminated CDATA section', envelope('<cwmp:Reboot><CommandKey><![CDATA[x</CommandKey></cwmp:Reboot>'), /CDATA/],
    ['a tag starting with a digit', envelope('<cwmp:Reboot><1CommandKey/></cwmp:Reboot>'), /invalid tag/],
    ['an unclosed attribute quote', envelope('<cwmp:Reboot a="1><CommandKey/></cwmp:Reboot>'), /truncated|'<'/],
  ])('rejects %s as malformed', (_what, xml, message) => {
    expectError(xml, 'malformed', message);
  });
});
