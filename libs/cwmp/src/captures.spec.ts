import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CwmpParseError } from './cwmp-parse-error';
import { deviceIdOf } from './device-id';
import { parseEnvelope } from './envelope-parser';
import type { Inform } from './messages';
import { splitTranscript } from './test-support/capture-transcript';

// Real captures live in ../shared beside the repository (see /work/shared/README.md).
const CAPTURES = resolve(__dirname, '..', '..', '..', '..', 'shared', 'vectors', 'captures');
const present = existsSync(CAPTURES);
if (!present) console.warn(`captures.spec: skipped, ${CAPTURES} is absent (shared test vectors not checked out)`);
const describeWithCaptures = present ? describe : describe.skip;

function capture(name: string): string {
  return readFileSync(join(CAPTURES, name), 'utf8');
}

function parseErrorOf(xml: string): CwmpParseError {
  try {
    parseEnvelope(xml);
  } catch (error) {
    if (error instanceof CwmpParseError) return error;
    throw error;
  }
  throw new Error('expected a parse error');
}

describeWithCaptures('captures from real devices', () => {
  it('knows every capture in the folder (a new one needs a test here)', () => {
    expect(readdirSync(CAPTURES).sort()).toEqual([
      'fritzbox-7170-bootstrap-session.txt',
      'inform-bogus.xml',
      'inform-generic-nomorerequests.xml',
    ]);
  });

  it('inform-generic-nomorerequests.xml: a CWMP 1.0 periodic Inform with NoMoreRequests', () => {
    const envelope = parseEnvelope(capture('inform-generic-nomorerequests.xml'))!;
    expect(envelope.version).toBe('1.0');
    expect(envelope.header).toEqual({ id: '100', noMoreRequests: true });
    const inform = envelope.body as Inform;
    expect(inform.kind).toBe('Inform');
    expect(inform.deviceId).toEqual({
      manufacturer: 'The Company',
      oui: 'AA1234',
      productClass: 'IAD_001',
      serialNumber: 'S99998888',
    });
    expect(deviceIdOf(inform.deviceId)).toBe('AA1234-IAD_001-S99998888');
    expect(inform.events).toEqual([{ eventCode: '2 PERIODIC', commandKey: '' }]);
    expect(inform).toMatchObject({ maxEnvelopes: 1, currentTime: '2015-01-19T23:08:24+00:00', retryCount: 0 });
    expect(inform.parameterList).toHaveLength(8);
    expect(inform.parameterList[5]).toEqual({
      name: 'InternetGatewayDevice.ManagementServer.ConnectionRequestURL',
      value: { type: 'string', value: 'http://2.2.2.2:7676/CWMP/ConnectionRequest' },
    });
  });

  // The bogus Inform is the generic one cut off after 905 bytes, inside the start tag `<EventCod`: no
  // parameters, no MaxEnvelopes, no closing tags. Recovering it would mean inventing the rest of an Inform (or
  // recording a device with none of its parameters), and the CPE resends an Inform it got no answer to, so the
  // parser rejects it as 'malformed' and the gateway answers 400.
  it('inform-bogus.xml: a truncated Inform, rejected as malformed', () => {
    const xml = capture('inform-bogus.xml');
    expect(xml.length).toBe(905);
    expect(xml.endsWith('<EventCod')).toBe(true);
    const error = parseErrorOf(xml);
    expect(error.code).toBe('malformed');
    expect(error.message).toBe('document truncated inside the tag at offset 896');
  });

  // The FRITZ!Box transcript comes from a magazine article (c't, heise.de): a comment line naming the source and
  // the body of the BOOTSTRAP Inform, without its envelope. The web page's rendering left artifacts in it that are
  // not XML: closing tags written `</ Value="Value">` and line breaks inside two values. As transcribed it must be
  // rejected; with the rendering artifacts undone it is a valid CWMP 1.0 Inform.
  describe('fritzbox-7170-bootstrap-session.txt', () => {
    const messages = () => splitTranscript(capture('fritzbox-7170-bootstrap-session.txt'));
    const undoRendering = (xml: string) => xml.replace(/<\/ (\w+)="\1">/g, '</$1>');

    it('holds one message, the body of an Inform', () => {
      expect(messages()).toHaveLength(1);
      expect(messages()[0]).toContain('<cwmp:Inform>');
    });

    it('is rejected as malformed as transcribed', () => {
      const error = parseErrorOf(messages()[0]!);
      expect(error.code).toBe('malformed');
      expect(error.message).toMatch(/^malformed closing tag at offset \d+$/);
    });

    it('parses to the BOOTSTRAP Inform once the rendering artifacts are undone', () => {
      const envelopes = messages().map((m) => parseEnvelope(undoRendering(m))!);
      expect(envelopes).toHaveLength(1);
      const inform = envelopes[0]!.body as Inform;
      expect(envelopes[0]!.version).toBe('1.0');
      expect(inform.deviceId).toEqual({
        manufacturer: 'AVM',
        oui: '00040E',
        productClass: 'FRITZ!Box',
        serialNumber: '00150C492F89',
      });
      expect(deviceIdOf(inform.deviceId)).toBe('00040E-FRITZ%21Box-00150C492F89');
      expect(inform.events).toEqual([{ eventCode: '0 BOOTSTRAP', commandKey: '' }]);
      expect(inform.currentTime).toBe('2007-01-26T10:33:12');
      expect(inform.parameterList).toHaveLength(7);
      expect(inform.parameterList.map((p) => p.value.value)).toEqual([
        'AVM FRITZ!Box Fon WLAN 7170 ( )\n                  29.05.01',
        '29.05.01-release-build_1818-2904',
        '1.0',
        '000.000.000.000',
        '',
        'http://194.175.125.104:8089/4b123c06',
        '194.175.125.104',
      ]);
    });
  });
});

describe('splitTranscript', () => {
  it('splits a transcript of several envelopes and comment lines, and wraps a bare body', () => {
    const transcript = [
      '<!-- captured 2024-05-01 -->',
      '<?xml version="1.0"?>',
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">',
      '<soap:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></soap:Body></soap:Envelope>',
      '<!-- the CPE empty POST, then the ACS request -->',
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">',
      '<soap:Body><cwmp:Reboot><CommandKey>r</CommandKey></cwmp:Reboot></soap:Body></soap:Envelope>',
    ].join('\n');
    expect(splitTranscript(transcript).map((m) => parseEnvelope(m)!.body.kind)).toEqual(['InformResponse', 'Reboot']);
    expect(splitTranscript('<cwmp:RebootResponse/>').map((m) => parseEnvelope(m)!.body)).toEqual([
      { kind: 'RebootResponse' },
    ]);
  });
});
