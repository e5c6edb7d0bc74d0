import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { decodeAfterKeyPageToken, decodePageToken, encodeAfterKeyPageToken, nextPageToken, pageSizeOf, unary, ValidationError } from '@acs/platform';
import type { Metadata } from '@grpc/grpc-js';

import type { AlarmUseCases } from '../usecases/alarm-usecases';
import { alarmQueryFromProto, alarmToProto, createRuleCommandFromProto, thresholdRuleToProto, updateRuleCommandFromProto } from './alarm.mappers';

/** The MonitoringService methods this part serves; the monitoring part serves the others (profiles, samples). */
export type AlarmRpc =
  | 'createThresholdRule'
  | 'getThresholdRule'
  | 'listThresholdRules'
  | 'updateThresholdRule'
  | 'deleteThresholdRule'
  | 'listAlarms'
  | 'getAlarm'
  | 'acknowledgeAlarm';

/**
 * acs.v1 MonitoringService's threshold-rule and alarm methods: transport and mapping only. The use cases' errors
 * become statuses at the host (toGrpcError). The service's controller serves them beside the samples' methods:
 *
 *   host.addService(acsV1.MonitoringServiceService, { ...samples.implementation, ...new AlarmGrpcController(alarms).implementation });
 */
export class AlarmGrpcController {
  readonly implementation: Pick<pb.MonitoringServiceServer, AlarmRpc>;

  constructor(private readonly useCases: AlarmUseCases) {
    this.implementation = {
      createThresholdRule: unary((request: pb.CreateThresholdRuleRequest, call) => this.createThresholdRule(request, call.metadata)),
      getThresholdRule: unary((request: pb.GetThresholdRuleRequest) => this.getThresholdRule(request)),
      listThresholdRules: unary((request: pb.ListThresholdRulesRequest) => this.listThresholdRules(request)),
      updateThresholdRule: unary((request: pb.UpdateThresholdRuleRequest) => this.updateThresholdRule(request)),
      deleteThresholdRule: unary((request: pb.DeleteThresholdRuleRequest) => this.deleteThresholdRule(request)),
      listAlarms: unary((request: pb.ListAlarmsRequest) => this.listAlarms(request)),
      getAlarm: unary((request: pb.GetAlarmRequest) => this.getAlarm(request)),
      acknowledgeAlarm: unary((request: pb.AcknowledgeAlarmRequest, call) => this.acknowledgeAlarm(request, call.metadata)),
    };
  }

  async createThresholdRule(request: pb.CreateThresholdRuleRequest, metadata: Metadata): Promise<pb.CreateThresholdRuleResponse> {
    return { rule: thresholdRuleToProto(await this.useCases.createThresholdRule.execute(createRuleCommandFromProto(request, requestedByOf(metadata)))) };
  }

  async getThresholdRule(request: pb.GetThresholdRuleRequest): Promise<pb.GetThresholdRuleResponse> {
    return { rule: thresholdRuleToProto(await this.useCases.getThresholdRule.execute(required('rule_id', request.ruleId))) };
  }

  async listThresholdRules(request: pb.ListThresholdRulesRequest): Promise<pb.ListThresholdRulesResponse> {
    const skip = decodePageToken(request.pageToken);
    const page = await this.useCases.listThresholdRules.execute({ skip, limit: pageSizeOf(request.pageSize) });
    return { rules: page.items.map(thresholdRuleToProto), totalSize: page.total, nextPageToken: nextPageToken(skip, page.items.length, page.total) };
  }

  async updateThresholdRule(request: pb.UpdateThresholdRuleRequest): Promise<pb.UpdateThresholdRuleResponse> {
    const { rule, clearedAlarms } = await this.useCases.updateThresholdRule.execute(updateRuleCommandFromProto(request));
    return { rule: thresholdRuleToProto(rule), clearedAlarms };
  }

  async deleteThresholdRule(request: pb.DeleteThresholdRuleRequest): Promise<pb.DeleteThresholdRuleResponse> {
    return this.useCases.deleteThresholdRule.execute(required('rule_id', request.ruleId));
  }

  async listAlarms(request: pb.ListAlarmsRequest): Promise<pb.ListAlarmsResponse> {
    const query = alarmQueryFromProto(request);
    // The token is bound to the query, so a token passed with other filters is refused rather than answered.
    const fingerprint = JSON.stringify(['alarms', query.deviceId, query.ruleId, query.state, query.severity, query.acknowledged]);
    const after = decodeAfterKeyPageToken(request.pageToken, fingerprint);
    const page = await this.useCases.listAlarms.execute({ ...query, limit: pageSizeOf(request.pageSize), ...(after !== undefined ? { after } : {}) });
    return { alarms: page.alarms.map(alarmToProto), nextPageToken: page.nextAfter !== undefined ? encodeAfterKeyPageToken(page.nextAfter, fingerprint) : '' };
  }

  async getAlarm(request: pb.GetAlarmRequest): Promise<pb.GetAlarmResponse> {
    return { alarm: alarmToProto(await this.useCases.getAlarm.execute(required('alarm_id', request.alarmId))) };
  }

  async acknowledgeAlarm(request: pb.AcknowledgeAlarmRequest, metadata: Metadata): Promise<pb.AcknowledgeAlarmResponse> {
    const alarmId = required('alarm_id', request.alarmId);
    const alarm = await this.useCases.acknowledgeAlarm.execute({ alarmId, by: requestedByOf(metadata), ...(request.comment !== '' ? { comment: request.comment } : {}) });
    return { alarm: alarmToProto(alarm) };
  }
}

function required(field: string, value: string): string {
  if (value === '') throw ValidationError.forField(field, 'required', 'REQUIRED');
  return value;
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}
