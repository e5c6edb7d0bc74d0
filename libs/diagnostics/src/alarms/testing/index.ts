export { describeAlarmStoreContract, thresholdRuleOf, type AlarmStoreUnderTest } from './alarm-store.contract';
export { AlarmsFixture, RecordedAlarmEvents, type RecordedAlarmEvent } from './alarms-fixture';
export { InMemoryRuleTargets, type TargetDevice } from './in-memory-rule-targets';
