import { acsV1 } from '@acs/contracts';
import { parseAllDocuments } from 'yaml';

import { keepInScope, type DeviceScopeRule } from './device-scope';
import { isMutating, type Action, type ResourceType } from './permissions';

/** What a method of the public API needs, and what a call of it is about (for the audit log). */
export interface MethodPolicy {
  resourceType: ResourceType;
  action: Action;
  /** True when the action is not `view`: such calls are audited whatever their outcome. */
  mutating: boolean;
  /** The device id, task id, preset name… the request names; '' when none. Never throws. */
  target(request: unknown): string;
  /**
   * How a call is held to a client's device groups (security/device-scope.ts). Every method of a resource a scoped
   * role may grant (DEVICE_SCOPED_RESOURCES) has one; a scoped call of a method without one is refused.
   */
  deviceScope?: DeviceScopeRule;
}

/** Audit targets are for people reading the log; a request stuffing megabytes into an id does not get them stored. */
const MAX_TARGET_LENGTH = 256;

interface MethodDefinition<Request> {
  path: string;
  requestDeserialize(bytes: Buffer): Request;
}

function rule<Request>(
  method: MethodDefinition<Request>,
  resourceType: ResourceType,
  action: Action,
  target: (request: Request) => string = () => '',
  deviceScope?: DeviceScopeRule,
): [string, MethodPolicy] {
  return [
    method.path,
    {
      resourceType,
      action,
      mutating: isMutating(action),
      target: (request) => {
        try {
          const value = request === null || request === undefined ? '' : target(request as Request);
          return value.length > MAX_TARGET_LENGTH ? `${value.slice(0, MAX_TARGET_LENGTH)}…` : value;
        } catch {
          return '';
        }
      },
      ...(deviceScope ? { deviceScope } : {}),
    },
  ];
}

/** The scope rule of a request naming its device in `device_id` ('' = every device: the listing is narrowed). */
function namesDevice(narrow?: DeviceScopeRule['narrow']): DeviceScopeRule {
  return { device: (request) => (request as { deviceId: string }).deviceId, ...(narrow ? { narrow } : {}) };
}

/** The scope rule of a request naming a task by `task_id`: the task's device must be in scope. */
const NAMES_TASK: DeviceScopeRule = { task: (request) => (request as { taskId: string }).taskId };

const { AuditServiceService: audit, DeviceServiceService: devices, EventServiceService: events } = acsV1;
const { FaultServiceService: faults, PresetServiceService: presets, TaskServiceService: tasks } = acsV1;
const { FileServiceService: files, CampaignServiceService: campaigns, GroupServiceService: groups, JobServiceService: jobs } = acsV1;
const { DiagnosticsServiceService: diagnostics, MonitoringServiceService: monitoring } = acsV1;

// Listings over devices, narrowed to a scoped client's devices: a page may come back shorter than asked (AIP-158
// allows it) and its total is not given (it would count devices the client may not see).
const narrowDevices: DeviceScopeRule['narrow'] = async (response, inScope) => {
  const r = response as acsV1.ListDevicesResponse;
  return { ...r, devices: await keepInScope(r.devices, (device) => device.id, inScope), totalSize: 0 };
};
const narrowTasks: DeviceScopeRule['narrow'] = async (response, inScope) => {
  const r = response as acsV1.ListTasksResponse;
  return { ...r, tasks: await keepInScope(r.tasks, (task) => task.deviceId, inScope) };
};
const narrowFaults: DeviceScopeRule['narrow'] = async (response, inScope) => {
  const r = response as acsV1.ListFaultsResponse;
  return { ...r, faults: await keepInScope(r.faults, (fault) => fault.deviceId, inScope) };
};

/**
 * Every method of acs.v1 → the permission it needs (as each service's comment in libs/contracts/proto/acs/v1 says).
 * A method missing here is refused for everyone (the interceptor fails closed), and method-policy.spec.ts fails
 * when a method of a generated service definition has no entry, so a new RPC cannot ship unprotected.
 */
export const ACS_V1_METHOD_POLICIES: ReadonlyMap<string, MethodPolicy> = new Map([
  rule(devices.listDevices, 'devices', 'view', () => '', { narrow: narrowDevices }),
  rule(devices.getDevice, 'devices', 'view', (r) => r.deviceId, namesDevice()),
  rule(devices.getDeviceParameters, 'devices', 'view', (r) => r.deviceId, namesDevice()),
  rule(devices.tagDevice, 'devices', 'change', (r) => r.deviceId, namesDevice()),
  rule(devices.untagDevice, 'devices', 'change', (r) => r.deviceId, namesDevice()),
  rule(devices.deleteDevice, 'devices', 'delete', (r) => r.deviceId, namesDevice()),

  rule(tasks.createTask, 'tasks', 'add', (r) => r.deviceId, namesDevice()),
  rule(tasks.getTask, 'tasks', 'view', (r) => r.taskId, NAMES_TASK),
  rule(tasks.listTasks, 'tasks', 'view', (r) => r.deviceId, namesDevice(narrowTasks)),
  rule(tasks.cancelTask, 'tasks', 'delete', (r) => r.taskId, NAMES_TASK),
  rule(tasks.retryTask, 'tasks', 'change', (r) => r.taskId, NAMES_TASK),
  rule(tasks.watchTask, 'tasks', 'view', (r) => r.taskId, NAMES_TASK),
  rule(tasks.getTaskResult, 'tasks', 'view', (r) => r.taskId, NAMES_TASK),

  rule(presets.createPreset, 'presets', 'add', (r) => presetSourceName(r.source)),
  rule(presets.getPreset, 'presets', 'view', (r) => r.name),
  rule(presets.listPresets, 'presets', 'view'),
  rule(presets.updatePreset, 'presets', 'change', (r) => presetSourceName(r.source)),
  rule(presets.deletePreset, 'presets', 'delete', (r) => r.name),
  rule(presets.validatePreset, 'presets', 'view', (r) => presetSourceName(r.source)),

  rule(faults.listFaults, 'faults', 'view', (r) => channelTarget(r.deviceId, r.channel), namesDevice(narrowFaults)),
  rule(faults.clearFault, 'faults', 'delete', (r) => channelTarget(r.deviceId, r.channel), namesDevice()),

  // UploadFile is gated on its first message, the metadata: the audit names the file being uploaded.
  rule(files.uploadFile, 'files', 'add', (r) => (r.part?.$case === 'metadata' ? r.part.metadata.name : '')),
  rule(files.listFiles, 'files', 'view'),
  rule(files.getFile, 'files', 'view', (r) => r.fileId),
  rule(files.deleteFile, 'files', 'delete', (r) => r.fileId),

  rule(campaigns.createCampaign, 'campaigns', 'add', (r) => r.name),
  rule(campaigns.getCampaign, 'campaigns', 'view', (r) => r.campaignId),
  rule(campaigns.listCampaigns, 'campaigns', 'view'),
  rule(campaigns.listCampaignDevices, 'campaigns', 'view', (r) => r.campaignId),
  rule(campaigns.pauseCampaign, 'campaigns', 'change', (r) => r.campaignId),
  rule(campaigns.resumeCampaign, 'campaigns', 'change', (r) => r.campaignId),
  rule(campaigns.cancelCampaign, 'campaigns', 'delete', (r) => r.campaignId),
  rule(campaigns.rollbackCampaign, 'campaigns', 'add', (r) => r.campaignId),

  rule(jobs.createJob, 'jobs', 'add', (r) => r.name),
  rule(jobs.getJob, 'jobs', 'view', (r) => r.jobId),
  rule(jobs.listJobs, 'jobs', 'view'),
  rule(jobs.listJobDevices, 'jobs', 'view', (r) => r.jobId),
  rule(jobs.pauseJob, 'jobs', 'change', (r) => r.jobId),
  rule(jobs.resumeJob, 'jobs', 'change', (r) => r.jobId),
  rule(jobs.cancelJob, 'jobs', 'delete', (r) => r.jobId),

  rule(diagnostics.runDiagnostic, 'diagnostics', 'add', (r) => r.deviceId),
  rule(diagnostics.getDiagnostic, 'diagnostics', 'view', (r) => r.runId),
  rule(diagnostics.listDiagnostics, 'diagnostics', 'view', (r) => r.deviceId),
  rule(diagnostics.cancelDiagnostic, 'diagnostics', 'delete', (r) => r.runId),
  rule(diagnostics.setUdpEchoResponder, 'diagnostics', 'change', (r) => r.deviceId),
  rule(diagnostics.getUdpEchoResponder, 'diagnostics', 'view', (r) => r.deviceId),

  rule(monitoring.createMonitoringProfile, 'samples', 'add', (r) => r.name),
  rule(monitoring.getMonitoringProfile, 'samples', 'view', (r) => r.profileId),
  rule(monitoring.listMonitoringProfiles, 'samples', 'view'),
  rule(monitoring.updateMonitoringProfile, 'samples', 'change', (r) => r.profileId),
  rule(monitoring.deleteMonitoringProfile, 'samples', 'delete', (r) => r.profileId),
  rule(monitoring.listMetrics, 'samples', 'view'),
  rule(monitoring.listSamples, 'samples', 'view', (r) => (r.deviceId === '' ? '' : `${r.deviceId}/${r.metric}`)),

  rule(monitoring.createThresholdRule, 'alarms', 'add', (r) => r.name),
  rule(monitoring.getThresholdRule, 'alarms', 'view', (r) => r.ruleId),
  rule(monitoring.listThresholdRules, 'alarms', 'view'),
  rule(monitoring.updateThresholdRule, 'alarms', 'change', (r) => r.ruleId),
  rule(monitoring.deleteThresholdRule, 'alarms', 'delete', (r) => r.ruleId),
  rule(monitoring.listAlarms, 'alarms', 'view', (r) => r.deviceId),
  rule(monitoring.getAlarm, 'alarms', 'view', (r) => r.alarmId),
  rule(monitoring.acknowledgeAlarm, 'alarms', 'change', (r) => r.alarmId),

  rule(groups.createGroup, 'groups', 'add', (r) => r.name),
  rule(groups.getGroup, 'groups', 'view', (r) => r.groupId),
  rule(groups.listGroups, 'groups', 'view'),
  rule(groups.updateGroup, 'groups', 'change', (r) => r.groupId),
  rule(groups.deleteGroup, 'groups', 'delete', (r) => r.groupId),
  rule(groups.addGroupMembers, 'groups', 'change', (r) => r.groupId),
  rule(groups.removeGroupMembers, 'groups', 'change', (r) => r.groupId),
  rule(groups.listGroupMembers, 'groups', 'view', (r) => r.groupId),
  rule(groups.listDeviceGroups, 'groups', 'view', (r) => r.deviceId),
  rule(groups.evaluateGroup, 'groups', 'change', (r) => r.groupId),

  // The event service sends a scoped client only the events whose subject (the device) is in scope.
  rule(events.watchEvents, 'events', 'view', (r) => r.deviceIds.join(','), {}),

  rule(audit.listAuditRecords, 'audit', 'view', (r) => r.client),
]);

/** Methods any caller may use without credentials: load balancer probes and grpcurl's service listing. */
export function isOpenMethod(path: string): boolean {
  return path.startsWith('/grpc.health.v1.Health/') || path.startsWith('/grpc.reflection.');
}

/** `device/channel` of a fault; either part may be empty in a list filter. */
function channelTarget(deviceId: string, channel: string): string {
  if (deviceId === '' && channel === '') return '';
  return `${deviceId}/${channel}`;
}

type PresetSource = acsV1.CreatePresetRequest['source'];

/** The preset's name, from the message or from its YAML (a document may list several presets). */
function presetSourceName(source: PresetSource): string {
  switch (source?.$case) {
    case undefined:
      return '';
    case 'preset':
      return source.preset.name;
    case 'yaml':
      return namesInYaml(source.yaml);
  }
}

function namesInYaml(text: string): string {
  const parsed = parseAllDocuments(text, { prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  const entries = documents
    .filter((document) => document.errors.length === 0)
    .flatMap((document) => {
      const content: unknown = document.toJS({ maxAliasCount: 50 });
      return Array.isArray(content) ? content : [content];
    });
  return entries
    .map((entry) => (typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string' ? (entry as { name: string }).name : ''))
    .filter((name) => name !== '')
    .join(',');
}
