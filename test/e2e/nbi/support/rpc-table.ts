import { acsV1 } from '@acs/contracts';

import type { RpcMethod } from './nbi-client';

/** What the table's requests may name: things that exist in the ACS under test, or plausible names when not needed. */
export interface Fixtures {
  deviceId: string;
  taskId: string;
  presetName: string;
}

/** The resource types and actions of the NBI's roles (docs/nbi-security.md). */
export type ResourceType = 'devices' | 'tasks' | 'presets' | 'faults' | 'events' | 'audit' | 'files' | 'campaigns' | 'groups' | 'jobs' | 'diagnostics' | 'alarms' | 'samples';
export type Action = 'view' | 'add' | 'change' | 'delete';

/** One method of acs.v1 as the acceptance matrix drives it. */
export interface RpcCase {
  method: RpcMethod<unknown, unknown>;
  resourceType: ResourceType;
  action: Action;
  /** A well-formed request: refused for who sends it, never for what it says. */
  valid(fixtures: Fixtures): unknown;
  /** A request the API must answer with INVALID_ARGUMENT … (absent: the method takes no field that can be wrong) */
  invalid?(fixtures: Fixtures): unknown;
  /** … and a google.rpc.BadRequest violation on this field (the proto's snake_case path). */
  invalidField?: string;
  /** What the audit log records as the valid request's target. */
  target(fixtures: Fixtures): string;
}

function rpc<Req>(
  method: RpcMethod<Req, unknown>,
  resourceType: ResourceType,
  action: Action,
  spec: { valid(f: Fixtures): Req; invalid?(f: Fixtures): Req; invalidField?: string; target?(f: Fixtures): string },
): RpcCase {
  return {
    method: method as RpcMethod<unknown, unknown>,
    resourceType,
    action,
    valid: spec.valid,
    ...(spec.invalid ? { invalid: spec.invalid } : {}),
    ...(spec.invalidField !== undefined ? { invalidField: spec.invalidField } : {}),
    target: spec.target ?? (() => ''),
  };
}

/** A preset that never applies (its precondition matches no device), valid in every other respect. */
export function inertPreset(name: string, weight = 0): acsV1.Preset {
  return acsV1.Preset.fromPartial({
    name,
    weight,
    precondition: 'productClass = "NoSuchProductClass"',
    triggers: [{ kind: { $case: 'event', event: '1 BOOT' } }],
    actions: [{ kind: { $case: 'addTags', addTags: { tags: ['e2e-inert'] } } }],
    enabled: true,
  });
}

const { DeviceServiceService: D, TaskServiceService: T, PresetServiceService: P } = acsV1;
const { FaultServiceService: F, EventServiceService: E, AuditServiceService: A } = acsV1;
const { FileServiceService: FS, CampaignServiceService: C } = acsV1;
const { GroupServiceService: G, JobServiceService: J } = acsV1;
const { DiagnosticsServiceService: DG, MonitoringServiceService: M } = acsV1;

/** Group and job ids for the refusal cases: refused before anything is looked up. */
const REFUSED_GROUP_ID = 'group-refused';
const REFUSED_JOB_ID = 'job-refused';

/** A diagnostic run id for the refusal cases: refused before anything is looked up. */
const REFUSED_RUN_ID = 'run-refused';

/** Threshold rule, alarm and monitoring profile ids for the refusal cases: refused before anything is looked up. */
const REFUSED_RULE_ID = 'rule-refused';
const REFUSED_ALARM_ID = 'alarm-refused';
const REFUSED_PROFILE_ID = 'profile-refused';

/** A campaign id for the refusal cases: refused before anything is looked up. */
const REFUSED_CAMPAIGN_ID = 'campaign-refused';

/** The first message of an upload: the file's metadata (the matrix sends it alone; refusals come before any content). */
function uploadMetadata(name: string): acsV1.UploadFileRequest {
  return { part: { $case: 'metadata', metadata: acsV1.FileMetadata.fromPartial({ name, fileType: '1 Firmware Upgrade Image' }) } };
}

/** A file id for the refusal cases: refused before anything is looked up. */
const REFUSED_FILE_ID = 'file-refused';

/**
 * Every method of acs.v1, one line each: a new RPC gets its refusal, audit and validation cases by adding a row
 * (and the coverage test fails until it has one).
 */
export const RPC_TABLE: readonly RpcCase[] = [
  rpc(D.listDevices, 'devices', 'view', {
    valid: () => acsV1.ListDevicesRequest.fromPartial({ pageSize: 10 }),
    invalid: () => acsV1.ListDevicesRequest.fromPartial({ filter: 'productClass = = (' }),
    invalidField: 'filter',
  }),
  rpc(D.getDevice, 'devices', 'view', {
    valid: (f) => acsV1.GetDeviceRequest.fromPartial({ deviceId: f.deviceId }),
    invalid: () => acsV1.GetDeviceRequest.fromPartial({ deviceId: '' }),
    invalidField: 'device_id',
    target: (f) => f.deviceId,
  }),
  rpc(D.getDeviceParameters, 'devices', 'view', {
    valid: (f) => acsV1.GetDeviceParametersRequest.fromPartial({ deviceId: f.deviceId, path: 'Device.DeviceInfo.' }),
    invalid: (f) => acsV1.GetDeviceParametersRequest.fromPartial({ deviceId: f.deviceId, path: 'Device..Info' }),
    invalidField: 'path',
    target: (f) => f.deviceId,
  }),
  rpc(D.tagDevice, 'devices', 'change', {
    valid: (f) => acsV1.TagDeviceRequest.fromPartial({ deviceId: f.deviceId, tags: ['e2e'] }),
    invalid: (f) => acsV1.TagDeviceRequest.fromPartial({ deviceId: f.deviceId, tags: ['two words'] }),
    invalidField: 'tags[0]',
    target: (f) => f.deviceId,
  }),
  rpc(D.untagDevice, 'devices', 'change', {
    valid: (f) => acsV1.UntagDeviceRequest.fromPartial({ deviceId: f.deviceId, tags: ['e2e'] }),
    invalid: (f) => acsV1.UntagDeviceRequest.fromPartial({ deviceId: f.deviceId, tags: [] }),
    invalidField: 'tags',
    target: (f) => f.deviceId,
  }),
  rpc(D.deleteDevice, 'devices', 'delete', {
    valid: (f) => acsV1.DeleteDeviceRequest.fromPartial({ deviceId: f.deviceId }),
    invalid: () => acsV1.DeleteDeviceRequest.fromPartial({ deviceId: '' }),
    invalidField: 'device_id',
    target: (f) => f.deviceId,
  }),

  rpc(T.createTask, 'tasks', 'add', {
    valid: (f) =>
      acsV1.CreateTaskRequest.fromPartial({
        deviceId: f.deviceId,
        spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } } },
      }),
    invalid: () => acsV1.CreateTaskRequest.fromPartial({ deviceId: '' }),
    invalidField: 'device_id',
    target: (f) => f.deviceId,
  }),
  rpc(T.getTask, 'tasks', 'view', {
    valid: (f) => acsV1.GetTaskRequest.fromPartial({ taskId: f.taskId }),
    invalid: () => acsV1.GetTaskRequest.fromPartial({ taskId: '' }),
    invalidField: 'task_id',
    target: (f) => f.taskId,
  }),
  rpc(T.getTaskResult, 'tasks', 'view', {
    valid: (f) => acsV1.GetTaskResultRequest.fromPartial({ taskId: f.taskId, pageSize: 10 }),
    invalid: () => acsV1.GetTaskResultRequest.fromPartial({ taskId: '' }),
    invalidField: 'task_id',
    target: (f) => f.taskId,
  }),
  rpc(T.listTasks, 'tasks', 'view', {
    valid: (f) => acsV1.ListTasksRequest.fromPartial({ deviceId: f.deviceId, pageSize: 10 }),
    invalid: (f) => acsV1.ListTasksRequest.fromPartial({ deviceId: f.deviceId, statuses: [acsV1.TaskStatus.TASK_STATUS_UNSPECIFIED] }),
    invalidField: 'statuses[0]',
    target: (f) => f.deviceId,
  }),
  rpc(T.cancelTask, 'tasks', 'delete', {
    valid: (f) => acsV1.CancelTaskRequest.fromPartial({ taskId: f.taskId }),
    invalid: () => acsV1.CancelTaskRequest.fromPartial({ taskId: '' }),
    invalidField: 'task_id',
    target: (f) => f.taskId,
  }),
  rpc(T.retryTask, 'tasks', 'change', {
    valid: (f) => acsV1.RetryTaskRequest.fromPartial({ taskId: f.taskId }),
    invalid: () => acsV1.RetryTaskRequest.fromPartial({ taskId: '' }),
    invalidField: 'task_id',
    target: (f) => f.taskId,
  }),
  rpc(T.watchTask, 'tasks', 'view', {
    valid: (f) => acsV1.WatchTaskRequest.fromPartial({ taskId: f.taskId }),
    invalid: () => acsV1.WatchTaskRequest.fromPartial({ taskId: '' }),
    invalidField: 'task_id',
    target: (f) => f.taskId,
  }),

  rpc(P.createPreset, 'presets', 'add', {
    valid: (f) => acsV1.CreatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset(f.presetName) } }),
    invalid: () => acsV1.CreatePresetRequest.fromPartial({}),
    invalidField: 'preset',
    target: (f) => f.presetName,
  }),
  rpc(P.getPreset, 'presets', 'view', {
    valid: (f) => acsV1.GetPresetRequest.fromPartial({ name: f.presetName }),
    invalid: () => acsV1.GetPresetRequest.fromPartial({ name: '' }),
    invalidField: 'name',
    target: (f) => f.presetName,
  }),
  rpc(P.listPresets, 'presets', 'view', {
    valid: () => acsV1.ListPresetsRequest.fromPartial({ pageSize: 10 }),
    invalid: () => acsV1.ListPresetsRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
  }),
  rpc(P.updatePreset, 'presets', 'change', {
    valid: (f) => acsV1.UpdatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset(f.presetName, 5) } }),
    invalid: () => acsV1.UpdatePresetRequest.fromPartial({}),
    invalidField: 'preset',
    target: (f) => f.presetName,
  }),
  rpc(P.deletePreset, 'presets', 'delete', {
    valid: (f) => acsV1.DeletePresetRequest.fromPartial({ name: f.presetName }),
    invalid: () => acsV1.DeletePresetRequest.fromPartial({ name: '' }),
    invalidField: 'name',
    target: (f) => f.presetName,
  }),
  rpc(P.validatePreset, 'presets', 'view', {
    valid: (f) => acsV1.ValidatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset(f.presetName) } }),
    invalid: (f) => acsV1.ValidatePresetRequest.fromPartial({ source: { $case: 'preset', preset: { ...inertPreset(f.presetName), precondition: 'productClass = = (' } } }),
    invalidField: 'precondition',
    target: (f) => f.presetName,
  }),

  rpc(F.listFaults, 'faults', 'view', {
    valid: (f) => acsV1.ListFaultsRequest.fromPartial({ deviceId: f.deviceId, channel: 'default', pageSize: 10 }),
    invalid: () => acsV1.ListFaultsRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
    target: (f) => `${f.deviceId}/default`,
  }),
  rpc(F.clearFault, 'faults', 'delete', {
    valid: (f) => acsV1.ClearFaultRequest.fromPartial({ deviceId: f.deviceId, channel: 'default' }),
    invalid: () => acsV1.ClearFaultRequest.fromPartial({ deviceId: '', channel: 'default' }),
    invalidField: 'device_id',
    target: (f) => `${f.deviceId}/default`,
  }),

  rpc(E.watchEvents, 'events', 'view', {
    valid: (f) => acsV1.WatchEventsRequest.fromPartial({ types: ['acs.device.'], deviceIds: [f.deviceId] }),
    invalid: () => acsV1.WatchEventsRequest.fromPartial({ types: ['device registered'] }),
    invalidField: 'types[0]',
    target: (f) => f.deviceId,
  }),

  rpc(A.listAuditRecords, 'audit', 'view', {
    valid: () => acsV1.ListAuditRecordsRequest.fromPartial({ client: 'admin', pageSize: 10 }),
    invalid: () => acsV1.ListAuditRecordsRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
    target: () => 'admin',
  }),

  rpc(FS.uploadFile, 'files', 'add', {
    valid: () => uploadMetadata('e2e-refused.bin'),
    invalid: () => uploadMetadata(''),
    invalidField: 'metadata.name',
    target: () => 'e2e-refused.bin',
  }),
  rpc(FS.listFiles, 'files', 'view', {
    valid: () => acsV1.ListFilesRequest.fromPartial({ pageSize: 10 }),
    invalid: () => acsV1.ListFilesRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
  }),
  rpc(FS.getFile, 'files', 'view', {
    valid: () => acsV1.GetFileRequest.fromPartial({ fileId: REFUSED_FILE_ID }),
    invalid: () => acsV1.GetFileRequest.fromPartial({ fileId: '' }),
    invalidField: 'file_id',
    target: () => REFUSED_FILE_ID,
  }),
  rpc(FS.deleteFile, 'files', 'delete', {
    valid: () => acsV1.DeleteFileRequest.fromPartial({ fileId: REFUSED_FILE_ID }),
    invalid: () => acsV1.DeleteFileRequest.fromPartial({ fileId: '' }),
    invalidField: 'file_id',
    target: () => REFUSED_FILE_ID,
  }),

  rpc(C.createCampaign, 'campaigns', 'add', {
    valid: () =>
      acsV1.CreateCampaignRequest.fromPartial({
        name: 'e2e-refused',
        imageRules: [{ fileId: REFUSED_FILE_ID }],
        policy: { canary: 1, stepSize: 10, concurrency: 10, mode: 'active', attemptTimeoutMs: 600_000 },
      }),
    invalid: () => acsV1.CreateCampaignRequest.fromPartial({ name: 'e2e-refused' }),
    invalidField: 'policy',
    target: () => 'e2e-refused',
  }),
  rpc(C.getCampaign, 'campaigns', 'view', {
    valid: () => acsV1.GetCampaignRequest.fromPartial({ campaignId: REFUSED_CAMPAIGN_ID }),
    invalid: () => acsV1.GetCampaignRequest.fromPartial({ campaignId: '' }),
    invalidField: 'campaign_id',
    target: () => REFUSED_CAMPAIGN_ID,
  }),
  rpc(C.listCampaigns, 'campaigns', 'view', {
    valid: () => acsV1.ListCampaignsRequest.fromPartial({ pageSize: 10 }),
    invalid: () => acsV1.ListCampaignsRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
  }),
  rpc(C.listCampaignDevices, 'campaigns', 'view', {
    valid: () => acsV1.ListCampaignDevicesRequest.fromPartial({ campaignId: REFUSED_CAMPAIGN_ID, states: ['failed'], pageSize: 10 }),
    invalid: () => acsV1.ListCampaignDevicesRequest.fromPartial({ campaignId: REFUSED_CAMPAIGN_ID, pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
    target: () => REFUSED_CAMPAIGN_ID,
  }),
  rpc(C.pauseCampaign, 'campaigns', 'change', {
    valid: () => acsV1.PauseCampaignRequest.fromPartial({ campaignId: REFUSED_CAMPAIGN_ID, reason: 'e2e' }),
    invalid: () => acsV1.PauseCampaignRequest.fromPartial({ campaignId: '' }),
    invalidField: 'campaign_id',
    target: () => REFUSED_CAMPAIGN_ID,
  }),
  rpc(C.resumeCampaign, 'campaigns', 'change', {
    valid: () => acsV1.ResumeCampaignRequest.fromPartial({ campaignId: REFUSED_CAMPAIGN_ID }),
    invalid: () => acsV1.ResumeCampaignRequest.fromPartial({ campaignId: '' }),
    invalidField: 'campaign_id',
    target: () => REFUSED_CAMPAIGN_ID,
  }),
  rpc(C.cancelCampaign, 'campaigns', 'delete', {
    valid: () => acsV1.CancelCampaignRequest.fromPartial({ campaignId: REFUSED_CAMPAIGN_ID }),
    invalid: () => acsV1.CancelCampaignRequest.fromPartial({ campaignId: '' }),
    invalidField: 'campaign_id',
    target: () => REFUSED_CAMPAIGN_ID,
  }),
  rpc(C.rollbackCampaign, 'campaigns', 'add', {
    valid: () => acsV1.RollbackCampaignRequest.fromPartial({ campaignId: REFUSED_CAMPAIGN_ID, scope: 'failed' }),
    invalid: () => acsV1.RollbackCampaignRequest.fromPartial({ campaignId: '' }),
    invalidField: 'campaign_id',
    target: () => REFUSED_CAMPAIGN_ID,
  }),
  rpc(G.createGroup, 'groups', 'add', {
    valid: () => acsV1.CreateGroupRequest.fromPartial({ name: 'e2e-refused', kind: 'dynamic', filter: 'productClass = "NoSuchProductClass"' }),
    invalid: () => acsV1.CreateGroupRequest.fromPartial({ name: '', kind: 'dynamic' }),
    invalidField: 'name',
    target: () => 'e2e-refused',
  }),
  rpc(G.getGroup, 'groups', 'view', {
    valid: () => acsV1.GetGroupRequest.fromPartial({ groupId: REFUSED_GROUP_ID }),
    invalid: () => acsV1.GetGroupRequest.fromPartial({ groupId: '' }),
    invalidField: 'group_id',
    target: () => REFUSED_GROUP_ID,
  }),
  rpc(G.listGroups, 'groups', 'view', { valid: () => acsV1.ListGroupsRequest.fromPartial({}) }),
  rpc(G.updateGroup, 'groups', 'change', {
    valid: () => acsV1.UpdateGroupRequest.fromPartial({ groupId: REFUSED_GROUP_ID, description: 'e2e' }),
    invalid: () => acsV1.UpdateGroupRequest.fromPartial({ groupId: '' }),
    invalidField: 'group_id',
    target: () => REFUSED_GROUP_ID,
  }),
  rpc(G.deleteGroup, 'groups', 'delete', {
    valid: () => acsV1.DeleteGroupRequest.fromPartial({ groupId: REFUSED_GROUP_ID }),
    invalid: () => acsV1.DeleteGroupRequest.fromPartial({ groupId: '' }),
    invalidField: 'group_id',
    target: () => REFUSED_GROUP_ID,
  }),
  rpc(G.addGroupMembers, 'groups', 'change', {
    valid: (f) => acsV1.AddGroupMembersRequest.fromPartial({ groupId: REFUSED_GROUP_ID, selection: { selection: { $case: 'deviceIds', deviceIds: { ids: [f.deviceId] } } } }),
    invalid: () => acsV1.AddGroupMembersRequest.fromPartial({ groupId: '' }),
    invalidField: 'group_id',
    target: () => REFUSED_GROUP_ID,
  }),
  rpc(G.removeGroupMembers, 'groups', 'change', {
    valid: (f) => acsV1.RemoveGroupMembersRequest.fromPartial({ groupId: REFUSED_GROUP_ID, selection: { selection: { $case: 'deviceIds', deviceIds: { ids: [f.deviceId] } } } }),
    invalid: () => acsV1.RemoveGroupMembersRequest.fromPartial({ groupId: '' }),
    invalidField: 'group_id',
    target: () => REFUSED_GROUP_ID,
  }),
  rpc(G.listGroupMembers, 'groups', 'view', {
    valid: () => acsV1.ListGroupMembersRequest.fromPartial({ groupId: REFUSED_GROUP_ID, pageSize: 10 }),
    invalid: () => acsV1.ListGroupMembersRequest.fromPartial({ groupId: REFUSED_GROUP_ID, pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
    target: () => REFUSED_GROUP_ID,
  }),
  rpc(G.listDeviceGroups, 'groups', 'view', {
    valid: (f) => acsV1.ListDeviceGroupsRequest.fromPartial({ deviceId: f.deviceId }),
    invalid: () => acsV1.ListDeviceGroupsRequest.fromPartial({ deviceId: '' }),
    invalidField: 'device_id',
    target: (f) => f.deviceId,
  }),
  rpc(G.evaluateGroup, 'groups', 'change', {
    valid: () => acsV1.EvaluateGroupRequest.fromPartial({ groupId: REFUSED_GROUP_ID }),
    invalid: () => acsV1.EvaluateGroupRequest.fromPartial({ groupId: '' }),
    invalidField: 'group_id',
    target: () => REFUSED_GROUP_ID,
  }),

  rpc(J.createJob, 'jobs', 'add', {
    valid: () =>
      acsV1.CreateJobRequest.fromPartial({
        name: 'e2e-refused',
        target: { kind: { $case: 'filter', filter: 'productClass = "NoSuchProductClass"' } },
        action: { kind: { $case: 'task', task: { kind: { $case: 'reboot', reboot: {} } } } },
        policy: { concurrency: 10, mode: 'active', attemptTimeoutMs: 600_000 },
      }),
    invalid: () =>
      acsV1.CreateJobRequest.fromPartial({
        name: 'e2e-refused',
        action: { kind: { $case: 'task', task: { kind: { $case: 'reboot', reboot: {} } } } },
        policy: { concurrency: 10, mode: 'active', attemptTimeoutMs: 600_000 },
      }),
    invalidField: 'target',
    target: () => 'e2e-refused',
  }),
  rpc(J.getJob, 'jobs', 'view', {
    valid: () => acsV1.GetJobRequest.fromPartial({ jobId: REFUSED_JOB_ID }),
    invalid: () => acsV1.GetJobRequest.fromPartial({ jobId: '' }),
    invalidField: 'job_id',
    target: () => REFUSED_JOB_ID,
  }),
  rpc(J.listJobs, 'jobs', 'view', {
    valid: () => acsV1.ListJobsRequest.fromPartial({ pageSize: 10 }),
    invalid: () => acsV1.ListJobsRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
  }),
  rpc(J.listJobDevices, 'jobs', 'view', {
    valid: () => acsV1.ListJobDevicesRequest.fromPartial({ jobId: REFUSED_JOB_ID, states: ['failed'], pageSize: 10 }),
    invalid: () => acsV1.ListJobDevicesRequest.fromPartial({ jobId: '' }),
    invalidField: 'job_id',
    target: () => REFUSED_JOB_ID,
  }),
  rpc(J.pauseJob, 'jobs', 'change', {
    valid: () => acsV1.PauseJobRequest.fromPartial({ jobId: REFUSED_JOB_ID, reason: 'e2e' }),
    invalid: () => acsV1.PauseJobRequest.fromPartial({ jobId: '' }),
    invalidField: 'job_id',
    target: () => REFUSED_JOB_ID,
  }),
  rpc(J.resumeJob, 'jobs', 'change', {
    valid: () => acsV1.ResumeJobRequest.fromPartial({ jobId: REFUSED_JOB_ID }),
    invalid: () => acsV1.ResumeJobRequest.fromPartial({ jobId: '' }),
    invalidField: 'job_id',
    target: () => REFUSED_JOB_ID,
  }),
  rpc(J.cancelJob, 'jobs', 'delete', {
    valid: () => acsV1.CancelJobRequest.fromPartial({ jobId: REFUSED_JOB_ID }),
    invalid: () => acsV1.CancelJobRequest.fromPartial({ jobId: '' }),
    invalidField: 'job_id',
    target: () => REFUSED_JOB_ID,
  }),

  rpc(DG.runDiagnostic, 'diagnostics', 'add', {
    valid: (f) => acsV1.RunDiagnosticRequest.fromPartial({ deviceId: f.deviceId, kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_IP_PING, inputs: { Host: '192.0.2.1' } }),
    invalid: (f) => acsV1.RunDiagnosticRequest.fromPartial({ deviceId: f.deviceId, kind: acsV1.DiagnosticKind.DIAGNOSTIC_KIND_UNSPECIFIED }),
    invalidField: 'kind',
    target: (f) => f.deviceId,
  }),
  rpc(DG.getDiagnostic, 'diagnostics', 'view', {
    valid: () => acsV1.GetDiagnosticRequest.fromPartial({ runId: REFUSED_RUN_ID }),
    invalid: () => acsV1.GetDiagnosticRequest.fromPartial({ runId: '' }),
    invalidField: 'run_id',
    target: () => REFUSED_RUN_ID,
  }),
  rpc(DG.listDiagnostics, 'diagnostics', 'view', {
    valid: (f) => acsV1.ListDiagnosticsRequest.fromPartial({ deviceId: f.deviceId, pageSize: 10 }),
    invalid: () => acsV1.ListDiagnosticsRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
    target: (f) => f.deviceId,
  }),
  rpc(DG.cancelDiagnostic, 'diagnostics', 'delete', {
    valid: () => acsV1.CancelDiagnosticRequest.fromPartial({ runId: REFUSED_RUN_ID }),
    invalid: () => acsV1.CancelDiagnosticRequest.fromPartial({ runId: '' }),
    invalidField: 'run_id',
    target: () => REFUSED_RUN_ID,
  }),
  rpc(DG.setUdpEchoResponder, 'diagnostics', 'change', {
    valid: (f) => acsV1.SetUdpEchoResponderRequest.fromPartial({ deviceId: f.deviceId, enabled: true, waitSeconds: 0 }),
    invalid: (f) => acsV1.SetUdpEchoResponderRequest.fromPartial({ deviceId: f.deviceId, udpPort: 70000, waitSeconds: 0 }),
    invalidField: 'responder.udp_port',
    target: (f) => f.deviceId,
  }),
  rpc(DG.getUdpEchoResponder, 'diagnostics', 'view', {
    valid: (f) => acsV1.GetUdpEchoResponderRequest.fromPartial({ deviceId: f.deviceId, waitSeconds: 0 }),
    invalid: (f) => acsV1.GetUdpEchoResponderRequest.fromPartial({ deviceId: f.deviceId, waitSeconds: 1000 }),
    invalidField: 'wait_seconds',
    target: (f) => f.deviceId,
  }),

  rpc(M.createMonitoringProfile, 'samples', 'add', {
    valid: () => acsV1.CreateMonitoringProfileRequest.fromPartial({ name: 'e2e-refused', metrics: ['system.cpuUsage'], target: { kind: { $case: 'filter', filter: '' } } }),
    invalid: () => acsV1.CreateMonitoringProfileRequest.fromPartial({ name: 'e2e-refused', metrics: ['system.cpuUsage'] }),
    invalidField: 'target',
    target: () => 'e2e-refused',
  }),
  rpc(M.getMonitoringProfile, 'samples', 'view', {
    valid: () => acsV1.GetMonitoringProfileRequest.fromPartial({ profileId: REFUSED_PROFILE_ID }),
    invalid: () => acsV1.GetMonitoringProfileRequest.fromPartial({ profileId: '' }),
    invalidField: 'profile_id',
    target: () => REFUSED_PROFILE_ID,
  }),
  rpc(M.listMonitoringProfiles, 'samples', 'view', {
    valid: () => acsV1.ListMonitoringProfilesRequest.fromPartial({}),
  }),
  rpc(M.updateMonitoringProfile, 'samples', 'change', {
    valid: () => acsV1.UpdateMonitoringProfileRequest.fromPartial({ profileId: REFUSED_PROFILE_ID, intervalSeconds: 300 }),
    invalid: () => acsV1.UpdateMonitoringProfileRequest.fromPartial({ profileId: '' }),
    invalidField: 'profile_id',
    target: () => REFUSED_PROFILE_ID,
  }),
  rpc(M.deleteMonitoringProfile, 'samples', 'delete', {
    valid: () => acsV1.DeleteMonitoringProfileRequest.fromPartial({ profileId: REFUSED_PROFILE_ID }),
    invalid: () => acsV1.DeleteMonitoringProfileRequest.fromPartial({ profileId: '' }),
    invalidField: 'profile_id',
    target: () => REFUSED_PROFILE_ID,
  }),
  rpc(M.listMetrics, 'samples', 'view', {
    valid: () => acsV1.ListMetricsRequest.fromPartial({}),
  }),
  rpc(M.listSamples, 'samples', 'view', {
    valid: (f) => acsV1.ListSamplesRequest.fromPartial({ deviceId: f.deviceId, metric: 'system.cpuUsage' }),
    invalid: () => acsV1.ListSamplesRequest.fromPartial({ deviceId: '', metric: 'system.cpuUsage' }),
    invalidField: 'device_id',
    target: (f) => `${f.deviceId}/system.cpuUsage`,
  }),

  rpc(M.createThresholdRule, 'alarms', 'add', {
    valid: () =>
      acsV1.CreateThresholdRuleRequest.fromPartial({ name: 'e2e-refused', metric: 'system.cpuUsage', target: { kind: { $case: 'filter', filter: '' } }, direction: 'above', raiseAt: 90, severity: 'major' }),
    invalid: () => acsV1.CreateThresholdRuleRequest.fromPartial({ name: 'e2e-refused', metric: 'system.cpuUsage', direction: 'above', raiseAt: 90, severity: 'major' }),
    invalidField: 'target',
    target: () => 'e2e-refused',
  }),
  rpc(M.getThresholdRule, 'alarms', 'view', {
    valid: () => acsV1.GetThresholdRuleRequest.fromPartial({ ruleId: REFUSED_RULE_ID }),
    invalid: () => acsV1.GetThresholdRuleRequest.fromPartial({ ruleId: '' }),
    invalidField: 'rule_id',
    target: () => REFUSED_RULE_ID,
  }),
  rpc(M.listThresholdRules, 'alarms', 'view', {
    valid: () => acsV1.ListThresholdRulesRequest.fromPartial({ pageSize: 10 }),
    invalid: () => acsV1.ListThresholdRulesRequest.fromPartial({ pageToken: 'not-a-page-token' }),
    invalidField: 'page_token',
  }),
  rpc(M.updateThresholdRule, 'alarms', 'change', {
    valid: () => acsV1.UpdateThresholdRuleRequest.fromPartial({ ruleId: REFUSED_RULE_ID, severity: 'minor' }),
    invalid: () => acsV1.UpdateThresholdRuleRequest.fromPartial({ ruleId: '' }),
    invalidField: 'rule_id',
    target: () => REFUSED_RULE_ID,
  }),
  rpc(M.deleteThresholdRule, 'alarms', 'delete', {
    valid: () => acsV1.DeleteThresholdRuleRequest.fromPartial({ ruleId: REFUSED_RULE_ID }),
    invalid: () => acsV1.DeleteThresholdRuleRequest.fromPartial({ ruleId: '' }),
    invalidField: 'rule_id',
    target: () => REFUSED_RULE_ID,
  }),
  rpc(M.listAlarms, 'alarms', 'view', {
    valid: (f) => acsV1.ListAlarmsRequest.fromPartial({ deviceId: f.deviceId, pageSize: 10 }),
    invalid: () => acsV1.ListAlarmsRequest.fromPartial({ state: 'smouldering' }),
    invalidField: 'state',
    target: (f) => f.deviceId,
  }),
  rpc(M.getAlarm, 'alarms', 'view', {
    valid: () => acsV1.GetAlarmRequest.fromPartial({ alarmId: REFUSED_ALARM_ID }),
    invalid: () => acsV1.GetAlarmRequest.fromPartial({ alarmId: '' }),
    invalidField: 'alarm_id',
    target: () => REFUSED_ALARM_ID,
  }),
  rpc(M.acknowledgeAlarm, 'alarms', 'change', {
    valid: () => acsV1.AcknowledgeAlarmRequest.fromPartial({ alarmId: REFUSED_ALARM_ID, comment: 'e2e' }),
    invalid: () => acsV1.AcknowledgeAlarmRequest.fromPartial({ alarmId: '' }),
    invalidField: 'alarm_id',
    target: () => REFUSED_ALARM_ID,
  }),
];
