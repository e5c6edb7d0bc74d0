import { EventCode, parseEventCode } from './cwmp-events';

describe('event codes', () => {
  it('defines every standard and method event', () => {
    expect(Object.values(EventCode)).toEqual([
      '0 BOOTSTRAP',
      '1 BOOT',
      '2 PERIODIC',
      '3 SCHEDULED',
      '4 VALUE CHANGE',
      '5 KICKED',
      '6 CONNECTION REQUEST',
      '7 TRANSFER COMPLETE',
      '8 DIAGNOSTICS COMPLETE',
      '9 REQUEST DOWNLOAD',
      '10 AUTONOMOUS TRANSFER COMPLETE',
      '11 DU STATE CHANGE COMPLETE',
      '12 AUTONOMOUS DU STATE CHANGE COMPLETE',
      '13 WAKEUP',
      'M Reboot',
      'M ScheduleInform',
      'M Download',
      'M ScheduleDownload',
      'M Upload',
      'M ChangeDUState',
    ]);
  });

  it('parses every standard code', () => {
    Object.values(EventCode)
      .slice(0, 14)
      .forEach((code, number) => {
        expect(parseEventCode(code)).toEqual({ type: 'standard', number, name: code.slice(code.indexOf(' ') + 1), code });
      });
  });

  it('is tolerant of case and extra whitespace', () => {
    expect(parseEventCode('  4   value\tchange ')).toEqual({
      type: 'standard',
      number: 4,
      name: 'VALUE CHANGE',
      code: '4 VALUE CHANGE',
    });
    expect(parseEventCode('m reboot')).toEqual({ type: 'method', method: 'Reboot', standard: true, code: 'M Reboot' });
  });

  it('parses method events, standard or not', () => {
    expect(parseEventCode('M ChangeDUState')).toEqual({
      type: 'method',
      method: 'ChangeDUState',
      standard: true,
      code: 'M ChangeDUState',
    });
    expect(parseEventCode('M X_ACME_Reset')).toEqual({
      type: 'method',
      method: 'X_ACME_Reset',
      standard: false,
      code: 'M X_ACME_Reset',
    });
  });

  it('parses vendor events', () => {
    expect(parseEventCode('X 00d09e Firmware Ready')).toEqual({
      type: 'vendor',
      oui: '00D09E',
      name: 'Firmware Ready',
      code: 'X 00D09E Firmware Ready',
    });
  });

  it('classifies anything else as unknown', () => {
    for (const code of ['', '14 SOMETHING', '2 BOOT', 'BOOT', 'X 123 thing', 'Y 000000 x', '1']) {
      expect(parseEventCode(code).type).toBe('unknown');
    }
  });
});
