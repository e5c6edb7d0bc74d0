import { BulkDataParseError, parseBulkDataBody } from './bulkdata-report.parser';

const RECEIVED_AT = Date.UTC(2026, 11, 1, 12, 0, 0);
const T1 = 1364529149; // the Annex N examples' CollectionTime, in seconds
const T2 = 1364529209;

const parse = (text: string, more: { reportFormat?: string; contentType?: string; fieldSeparator?: string; escapeCharacter?: string } = {}) =>
  parseBulkDataBody({ text, receivedAt: RECEIVED_AT, ...more });

describe('parseBulkDataBody', () => {
  describe('JSON', () => {
    it('reads NameValuePair reports, with Unix-Epoch seconds or milliseconds and ISO-8601 times', () => {
      const body = JSON.stringify({
        Report: [
          { CollectionTime: T1, 'Device.MoCA.Interface.1.Stats.BytesSent': 7682161, 'Device.DeviceInfo.Manufacturer': 'ABC', 'Device.X.Enable': true },
          { CollectionTime: T2 * 1000, 'Device.MoCA.Interface.1.Stats.BytesSent': 7682999 },
          { CollectionTime: '2026-12-01T11:59:00Z', 'Device.MoCA.Interface.1.Stats.BytesSent': 7690000 },
        ],
      });
      expect(parse(body, { reportFormat: 'NameValuePair' })).toEqual({
        format: 'NameValuePair',
        reports: [
          { at: T1 * 1000, values: { 'Device.MoCA.Interface.1.Stats.BytesSent': '7682161', 'Device.DeviceInfo.Manufacturer': 'ABC', 'Device.X.Enable': 'true' } },
          { at: T2 * 1000, values: { 'Device.MoCA.Interface.1.Stats.BytesSent': '7682999' } },
          { at: Date.UTC(2026, 11, 1, 11, 59), values: { 'Device.MoCA.Interface.1.Stats.BytesSent': '7690000' } },
        ],
      });
    });

    it('reads ObjectHierarchy reports, instance numbers as keys or as array positions', () => {
      const body = JSON.stringify({
        Report: [
          {
            CollectionTime: T1,
            Device: {
              MoCA: { Interface: { '1': { Stats: { BroadPktSent: 25248, BytesReceived: 200543250 } }, '3': { Stats: { BroadPktSent: 1 } } } },
              WiFi: { Radio: [{ Channel: 6 }, { Channel: 36 }] },
            },
          },
        ],
      });
      expect(parse(body)).toEqual({
        format: 'ObjectHierarchy',
        reports: [
          {
            at: T1 * 1000,
            values: {
              'Device.MoCA.Interface.1.Stats.BroadPktSent': '25248',
              'Device.MoCA.Interface.1.Stats.BytesReceived': '200543250',
              'Device.MoCA.Interface.3.Stats.BroadPktSent': '1',
              'Device.WiFi.Radio.1.Channel': '6',
              'Device.WiFi.Radio.2.Channel': '36',
            },
          },
        ],
      });
    });

    it('recognises NameValuePair from dotted names when no BBF-Report-Format header came', () => {
      expect(parse('{"Report":[{"Device.A.B":1}]}').format).toBe('NameValuePair');
    });

    it('puts the time of receipt on reports without a time, or with the uptime of a CPE that has none', () => {
      const body = JSON.stringify({ Report: [{ 'Device.A': 1 }, { CollectionTime: 3600, 'Device.A': 2 }, { CollectionTime: '0001-01-01T01:00:00Z', 'Device.A': 3 }] });
      expect(parse(body).reports.map((r) => r.at)).toEqual([RECEIVED_AT, RECEIVED_AT, RECEIVED_AT]);
    });

    it('keeps a parameter named like an object property as a value', () => {
      expect(parse('{"Report":[{"__proto__":"x","Device.A":"1"}]}', { reportFormat: 'NameValuePair' }).reports[0]!.values).toEqual(
        Object.fromEntries([['__proto__', 'x'], ['Device.A', '1']]),
      );
    });

    it.each([
      ['not JSON', '{"Report": [', undefined, /the body is not JSON/],
      ['no Report array', '{"report": []}', undefined, /"Report" array/],
      ['a report that is not an object', '{"Report": [1]}', undefined, /Report\[0\] is not an object/],
      ['a nested value in NameValuePair', '{"Report": [{"Device.A": {"B": 1}}]}', 'NameValuePair', /Report\[0\]\["Device.A"\] is an object; NameValuePair/],
      ['a bad CollectionTime', '{"Report": [{"CollectionTime": "yesterday", "Device.A": 1}]}', undefined, /Report\[0\].CollectionTime "yesterday" is neither/],
    ])('refuses %s with a message saying what is wrong', (_case, body, reportFormat, message) => {
      expect(() => parse(body, { reportFormat })).toThrow(BulkDataParseError);
      expect(() => parse(body, { reportFormat })).toThrow(message);
    });

    it('refuses an unknown BBF-Report-Format', () => {
      expect(() => parse('{"Report":[]}', { reportFormat: 'XML' })).toThrow(/BBF-Report-Format "XML" is none of/);
    });
  });

  describe('CSV', () => {
    it('reads ParameterPerRow, one report per timestamp, with quoted values', () => {
      const body = [
        'ReportTimestamp,ParameterName,ParameterValue,ParameterType',
        `${T1},Device.MoCA.Interface.1.Stats.BroadPktSent,25248,unsignedLong`,
        `${T1},Device.DeviceInfo.Description,"router, ""main""",string`,
        `${T2},Device.MoCA.Interface.1.Stats.BroadPktSent,25300,unsignedLong`,
        '',
      ].join('\r\n');
      expect(parse(body, { reportFormat: 'ParameterPerRow', contentType: 'text/csv; charset=UTF-8' })).toEqual({
        format: 'ParameterPerRow',
        reports: [
          { at: T1 * 1000, values: { 'Device.MoCA.Interface.1.Stats.BroadPktSent': '25248', 'Device.DeviceInfo.Description': 'router, "main"' } },
          { at: T2 * 1000, values: { 'Device.MoCA.Interface.1.Stats.BroadPktSent': '25300' } },
        ],
      });
    });

    it('reads ParameterPerColumn, one report per row, with ISO-8601 row timestamps and another separator', () => {
      const body = ['ReportTimestamp;Device.A.Sent;Device.A.Received', '2026-12-01T11:00:00Z;10;20', '2026-12-01T11:05:00Z;15;"2;5"'].join('\n');
      expect(parse(body)).toEqual({
        format: 'ParameterPerColumn',
        reports: [
          { at: Date.UTC(2026, 11, 1, 11, 0), values: { 'Device.A.Sent': '10', 'Device.A.Received': '20' } },
          { at: Date.UTC(2026, 11, 1, 11, 5), values: { 'Device.A.Sent': '15', 'Device.A.Received': '2;5' } },
        ],
      });
    });

    it('reads rows without timestamps (RowTimestamp None) as one report at the time of receipt', () => {
      const perRow = 'ParameterName,ParameterValue,ParameterType\nDevice.A,1,int\nDevice.B,2,int\n';
      expect(parse(perRow)).toEqual({ format: 'ParameterPerRow', reports: [{ at: RECEIVED_AT, values: { 'Device.A': '1', 'Device.B': '2' } }] });
      expect(parse('Device.A,Device.B\n1,2\n', { reportFormat: 'ParameterPerColumn' }).reports).toEqual([{ at: RECEIVED_AT, values: { 'Device.A': '1', 'Device.B': '2' } }]);
    });

    it('takes the field separator and escape character the collector URL names', () => {
      expect(parse("Device.A#Device.B\n'x#y'#2", { fieldSeparator: '#', escapeCharacter: "'" }).reports[0]!.values).toEqual({ 'Device.A': 'x#y', 'Device.B': '2' });
    });

    it.each([
      ['an empty body', '', undefined, /the report is empty/],
      ['a row of the wrong width', 'Device.A,Device.B\n1,2,3\n', undefined, /CSV row 2 has 3 fields and the header 2/],
      ['an unclosed quote', 'Device.A\n"open\n', undefined, /never closed/],
      ['ParameterPerRow without its header', 'Device.A,1,int\n', 'ParameterPerRow', /header row naming its ParameterName and ParameterValue/],
    ])('refuses %s with a message saying what is wrong', (_case, body, reportFormat, message) => {
      expect(() => parse(body, { reportFormat })).toThrow(message);
    });
  });
});
