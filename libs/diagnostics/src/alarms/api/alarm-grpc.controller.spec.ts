import { REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import { ValidationError } from '@acs/platform';
import { Metadata } from '@grpc/grpc-js';

import { AlarmsFixture } from '../testing/alarms-fixture';
import { AlarmGrpcController } from './alarm-grpc.controller';
import { updateRuleCommandFromProto } from './alarm.mappers';

const T0 = Date.UTC(2027, 2, 1, 8);

function asClient(name: string): Metadata {
  const metadata = new Metadata();
  metadata.set(REQUESTED_BY_METADATA_KEY, name);
  return metadata;
}

const createRequest = {
  name: 'CPU high',
  metric: 'cpu.load',
  target: { kind: { $case: 'filter' as const, filter: 'productClass = "HG8245H"' } },
  direction: 'above',
  raiseAt: 90,
  clearAt: 70,
  forSeconds: 0,
  clearForSeconds: 0,
  severity: 'major',
  description: '',
};

describe('MonitoringService threshold rules and alarms: mapping', () => {
  let fixture: AlarmsFixture;
  let controller: AlarmGrpcController;
  beforeEach(async () => {
    fixture = await AlarmsFixture.open([{ id: 'dev-1', fields: { productClass: 'HG8245H' } }, { id: 'dev-2' }], { now: T0 });
    controller = new AlarmGrpcController(fixture.useCases);
  });
  afterEach(() => fixture.close());

  it('creates a rule from a request, its creator from the metadata, defaults for unset optionals', async () => {
    const { rule } = await controller.createThresholdRule(createRequest, asClient('alice'));
    expect(rule).toEqual({
      id: 'rule-1',
      name: 'CPU high',
      metric: 'cpu.load',
      target: { kind: { $case: 'filter', filter: 'productClass = "HG8245H"' } },
      direction: 'above',
      raiseAt: 90,
      clearAt: 70,
      forSeconds: 0,
      clearForSeconds: 0,
      severity: 'major',
      enabled: true,
      description: '',
      createTime: new Date(T0),
      createdBy: 'alice',
      updateTime: new Date(T0),
      revision: 1,
    });
    const group = await controller.createThresholdRule({ ...createRequest, target: { kind: { $case: 'groupId', groupId: 'g' } } }, asClient('a')).catch((e: unknown) => e);
    expect(group).toMatchObject({ resourceType: 'group', resourceName: 'g' });
    await expect(controller.createThresholdRule({ ...createRequest, target: undefined }, asClient('a'))).rejects.toBeInstanceOf(ValidationError);
  });

  it('updates only the fields set, and lists rules with offset page tokens', async () => {
    expect(updateRuleCommandFromProto({ ruleId: 'r', raiseAt: 0, enabled: false })).toEqual({ id: 'r', raiseAt: 0, enabled: false });
    const { rule } = await controller.createThresholdRule(createRequest, asClient('alice'));
    await controller.createThresholdRule({ ...createRequest, name: 'B' }, asClient('alice'));
    const updated = await controller.updateThresholdRule({ ruleId: rule!.id, revision: 1, severity: 'critical', target: { kind: { $case: 'filter', filter: '' } } });
    expect(updated).toMatchObject({ rule: { severity: 'critical', raiseAt: 90, target: { kind: { $case: 'filter', filter: '' } }, revision: 2 }, clearedAlarms: 0 });
    const first = await controller.listThresholdRules({ pageSize: 1, pageToken: '' });
    expect(first).toMatchObject({ rules: [{ name: 'B' }], totalSize: 2 });
    expect((await controller.listThresholdRules({ pageSize: 1, pageToken: first.nextPageToken })).rules.map((r) => r.name)).toEqual(['CPU high']);
    await expect(controller.getThresholdRule({ ruleId: '' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('maps alarms, pages them with a token bound to the query, and acknowledges as the caller', async () => {
    await controller.createThresholdRule({ ...createRequest, target: { kind: { $case: 'filter', filter: '' } } }, asClient('alice'));
    await fixture.useCases.evaluateThresholds.execute([
      { deviceId: 'dev-1', metric: 'cpu.load', at: T0, value: 95 },
      { deviceId: 'dev-2', metric: 'cpu.load', at: T0 + 1, value: 96 },
    ]);
    const first = await controller.listAlarms({ deviceId: '', ruleId: '', state: 'active', severity: '', pageSize: 1, pageToken: '' });
    expect(first.alarms).toEqual([
      {
        id: expect.any(String),
        ruleId: 'rule-1',
        ruleName: 'CPU high',
        deviceId: 'dev-2',
        metric: 'cpu.load',
        severity: 'major',
        direction: 'above',
        threshold: 90,
        value: 96,
        lastValue: 96,
        raiseTime: new Date(T0 + 1),
        state: 'active',
        clearReason: '',
      },
    ]);
    const second = await controller.listAlarms({ deviceId: '', ruleId: '', state: 'active', severity: '', pageSize: 1, pageToken: first.nextPageToken });
    expect(second.alarms.map((a) => a.deviceId)).toEqual(['dev-1']);
    expect(second.nextPageToken).toBe('');
    await expect(controller.listAlarms({ deviceId: 'dev-1', ruleId: '', state: 'active', severity: '', pageSize: 1, pageToken: first.nextPageToken })).rejects.toBeInstanceOf(ValidationError);

    const { alarm } = await controller.acknowledgeAlarm({ alarmId: second.alarms[0].id, comment: 'looking' }, asClient('bob'));
    expect(alarm?.acknowledgement).toEqual({ by: 'bob', time: new Date(T0), comment: 'looking' });
    expect((await controller.getAlarm({ alarmId: second.alarms[0].id })).alarm).toEqual(alarm);
    expect(await controller.deleteThresholdRule({ ruleId: 'rule-1' })).toEqual({ clearedAlarms: 2 });
    expect((await controller.getAlarm({ alarmId: second.alarms[0].id })).alarm).toMatchObject({ state: 'cleared', clearReason: 'rule-removed', clearTime: new Date(T0) });
  });
});
