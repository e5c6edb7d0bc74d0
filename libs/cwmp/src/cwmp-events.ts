// Inform event codes (TR-069 Amendment 6, 3.7.1.5, Table 7 and the EventCodeType of cwmp-1-4.xsd).

export const EventCode = {
  BOOTSTRAP: '0 BOOTSTRAP',
  BOOT: '1 BOOT',
  PERIODIC: '2 PERIODIC',
  SCHEDULED: '3 SCHEDULED',
  VALUE_CHANGE: '4 VALUE CHANGE',
  KICKED: '5 KICKED',
  CONNECTION_REQUEST: '6 CONNECTION REQUEST',
  TRANSFER_COMPLETE: '7 TRANSFER COMPLETE',
  DIAGNOSTICS_COMPLETE: '8 DIAGNOSTICS COMPLETE',
  REQUEST_DOWNLOAD: '9 REQUEST DOWNLOAD',
  AUTONOMOUS_TRANSFER_COMPLETE: '10 AUTONOMOUS TRANSFER COMPLETE',
  DU_STATE_CHANGE_COMPLETE: '11 DU STATE CHANGE COMPLETE',
  AUTONOMOUS_DU_STATE_CHANGE_COMPLETE: '12 AUTONOMOUS DU STATE CHANGE COMPLETE',
  WAKEUP: '13 WAKEUP',
  // "M <method>" events name the ACS-initiated method whose completion the Inform reports. TR-069 defines exactly
  // these six; CancelTransfer has no completion event.
  M_REBOOT: 'M Reboot',
  M_SCHEDULE_INFORM: 'M ScheduleInform',
  M_DOWNLOAD: 'M Download',
  M_SCHEDULE_DOWNLOAD: 'M ScheduleDownload',
  M_UPLOAD: 'M Upload',
  M_CHANGE_DU_STATE: 'M ChangeDUState',
} as const;

export type EventCodeValue = (typeof EventCode)[keyof typeof EventCode];

const STANDARD_NAMES = [
  'BOOTSTRAP',
  'BOOT',
  'PERIODIC',
  'SCHEDULED',
  'VALUE CHANGE',
  'KICKED',
  'CONNECTION REQUEST',
  'TRANSFER COMPLETE',
  'DIAGNOSTICS COMPLETE',
  'REQUEST DOWNLOAD',
  'AUTONOMOUS TRANSFER COMPLETE',
  'DU STATE CHANGE COMPLETE',
  'AUTONOMOUS DU STATE CHANGE COMPLETE',
  'WAKEUP',
] as const;

export type StandardEventName = (typeof STANDARD_NAMES)[number];

export const STANDARD_METHODS = ['Reboot', 'ScheduleInform', 'Download', 'ScheduleDownload', 'Upload', 'ChangeDUState'];

export type ParsedEventCode =
  /** `N NAME` with N 0–13; `code` is the canonical spelling. */
  | { type: 'standard'; number: number; name: StandardEventName; code: string }
  /** `M <method>`; `standard` is false for a method TR-069 defines no event for. */
  | { type: 'method'; method: string; standard: boolean; code: string }
  /** `X <OUI> <event>`: a vendor event. */
  | { type: 'vendor'; oui: string; name: string; code: string }
  | { type: 'unknown'; code: string };

/** Classifies an event code; tolerant of case and of extra or missing-but-implied whitespace. */
export function parseEventCode(raw: string): ParsedEventCode {
  const text = raw.trim().replace(/\s+/g, ' ');
  const standard = /^(\d{1,2}) (.+)$/.exec(text);
  if (standard) {
    const number = Number(standard[1]);
    const name = STANDARD_NAMES[number];
    if (name !== undefined && standard[2]!.toUpperCase() === name) {
      return { type: 'standard', number, name, code: `${number} ${name}` };
    }
    return { type: 'unknown', code: text };
  }
  const method = /^M (\S+)$/i.exec(text);
  if (method) {
    const known = STANDARD_METHODS.find((m) => m.toLowerCase() === method[1]!.toLowerCase());
    const name = known ?? method[1]!;
    return { type: 'method', method: name, standard: known !== undefined, code: `M ${name}` };
  }
  const vendor = /^X ([0-9A-Fa-f]{6}) (.+)$/.exec(text);
  if (vendor) {
    const oui = vendor[1]!.toUpperCase();
    return { type: 'vendor', oui, name: vendor[2]!, code: `X ${oui} ${vendor[2]}` };
  }
  return { type: 'unknown', code: text };
}
