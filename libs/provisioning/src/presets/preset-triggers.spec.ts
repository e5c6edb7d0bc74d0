import type { Preset, PresetTrigger } from '../domain/preset';
import { cronExpressionProblem, cronFiredBetween, presetsTriggeredBy } from './preset-triggers';

const t = (iso: string) => Date.parse(iso);

function preset(name: string, triggers: PresetTrigger[], extra: Partial<Preset> = {}): Preset {
  return { name, weight: 0, channel: 'default', precondition: '', triggers, actions: [{ reboot: true }], enabled: true, updatedAt: 0, ...extra };
}

const PRESETS = [
  preset('bootstrap', [{ event: '0 BOOTSTRAP' }]),
  preset('boot', [{ event: '1 boot' }, { event: 'M Reboot' }]),
  preset('every', [{ anyInform: true }]),
  preset('disabled', [{ anyInform: true }], { enabled: false }),
  preset('nightly', [{ cron: '0 3 * * *' }]),
  preset('new-nightly', [{ cron: '0 3 * * *' }], { updatedAt: t('2024-05-02T03:30:00Z') }),
];

const names = (ps: Preset[]) => ps.map((p) => p.name);

describe('presetsTriggeredBy', () => {
  it('matches event codes ignoring case and extra spaces, and anyInform', () => {
    expect(names(presetsTriggeredBy(PRESETS, { eventCodes: [' 0  bootstrap ', '1 BOOT'], now: 0 }))).toEqual(['bootstrap', 'boot', 'every']);
    expect(names(presetsTriggeredBy(PRESETS, { eventCodes: ['M REBOOT'], now: 0 }))).toEqual(['boot', 'every']);
    expect(names(presetsTriggeredBy(PRESETS, { eventCodes: ['2 PERIODIC'], now: 0 }))).toEqual(['every']);
  });

  it('fires a cron preset when a tick fell in (lastEvaluatedAt, now]', () => {
    const at = (last: string, now: string) => names(presetsTriggeredBy(PRESETS, { eventCodes: ['2 PERIODIC'], now: t(now), lastEvaluatedAt: t(last) }));
    expect(at('2024-05-02T02:00:00Z', '2024-05-02T03:10:00Z')).toContain('nightly');
    expect(at('2024-05-02T02:00:00Z', '2024-05-02T03:00:00Z')).toContain('nightly'); // closed at now
    expect(at('2024-05-02T03:00:00Z', '2024-05-02T04:00:00Z')).not.toContain('nightly'); // open at lastEvaluatedAt
    expect(at('2024-05-02T03:10:00Z', '2024-05-03T02:59:59Z')).not.toContain('nightly');
    expect(at('2024-04-01T00:00:00Z', '2024-05-02T01:00:00Z')).toContain('nightly'); // several ticks missed: once
    expect(names(presetsTriggeredBy(PRESETS, { eventCodes: [], now: t('2024-05-02T03:10:00Z') }))).not.toContain('nightly'); // never evaluated
  });

  it('ignores ticks before the preset was last changed', () => {
    const fired = (last: string, now: string) =>
      names(presetsTriggeredBy(PRESETS, { eventCodes: [], now: t(now), lastEvaluatedAt: t(last) })).includes('new-nightly');
    expect(fired('2024-05-02T02:00:00Z', '2024-05-02T04:00:00Z')).toBe(false);
    expect(fired('2024-05-02T02:00:00Z', '2024-05-03T03:00:00Z')).toBe(true);
  });

  it('reads 6-field schedules with seconds, in UTC', () => {
    expect(cronFiredBetween('30 0 3 * * *', t('2024-05-02T03:00:00Z'), t('2024-05-02T03:00:29Z'))).toBe(false);
    expect(cronFiredBetween('30 0 3 * * *', t('2024-05-02T03:00:00Z'), t('2024-05-02T03:00:30Z'))).toBe(true);
    expect(cronFiredBetween('0 3 * * *', t('2024-05-02T02:00:00Z'), t('2024-05-02T01:00:00Z'))).toBe(false);
  });

  it('explains a schedule it does not accept', () => {
    expect(cronExpressionProblem('*/15 * * * *')).toBeNull();
    expect(cronExpressionProblem('0 0 3 * * 1-5')).toBeNull();
    expect(cronExpressionProblem('@daily')).toContain('5 fields');
    expect(cronExpressionProblem('* * * *')).toContain('found 4');
    expect(cronExpressionProblem('0 25 * * *')).toContain('invalid cron schedule');
  });
});
