import { acsV1 } from '@acs/contracts';

import { ACS_V1_METHOD_POLICIES, isOpenMethod } from './method-policy';
import { DEVICE_SCOPED_RESOURCES } from './permissions';

/** Every service definition acs.v1 exports: found by shape, so a service added to the protos is found too. */
const services = Object.entries(acsV1).filter(
  ([name, value]) => name.endsWith('Service') && typeof value === 'object' && value !== null && Object.values(value).every((method) => typeof method === 'object' && 'path' in method),
) as Array<[string, Record<string, { path: string }>]>;

describe('acs.v1 method policies', () => {
  it('finds the twelve services of acs.v1', () => {
    expect(services.map(([name]) => name).sort()).toEqual([
      'AuditServiceService',
      'CampaignServiceService',
      'DeviceServiceService',
      'DiagnosticsServiceService',
      'EventServiceService',
      'FaultServiceService',
      'FileServiceService',
      'GroupServiceService',
      'JobServiceService',
      'MonitoringServiceService',
      'PresetServiceService',
      'TaskServiceService',
    ]);
  });

  it.each(services)('has an entry for every method of %s', (_name, service) => {
    const missing = Object.values(service)
      .map((method) => method.path)
      .filter((path) => !ACS_V1_METHOD_POLICIES.has(path));
    expect(missing).toEqual([]);
  });

  it('has no entry for a method that does not exist', () => {
    const paths = new Set(services.flatMap(([, service]) => Object.values(service).map((method) => method.path)));
    expect([...ACS_V1_METHOD_POLICIES.keys()].filter((path) => !paths.has(path))).toEqual([]);
  });

  it('asks for the actions the service comments in the protos name', () => {
    const table = Object.fromEntries([...ACS_V1_METHOD_POLICIES].map(([path, policy]) => [path.replace('/acs.v1.', ''), `${policy.resourceType}:${policy.action}`]));
    expect(table).toEqual({
      'DeviceService/ListDevices': 'devices:view',
      'DeviceService/GetDevice': 'devices:view',
      'DeviceService/GetDeviceParameters': 'devices:view',
      'DeviceService/TagDevice': 'devices:change',
      'DeviceService/UntagDevice': 'devices:change',
      'DeviceService/DeleteDevice': 'devices:delete',
      'TaskService/CreateTask': 'tasks:add',
      'TaskService/GetTask': 'tasks:view',
      'TaskService/GetTaskResult': 'tasks:view',
      'TaskService/ListTasks': 'tasks:view',
      'TaskService/CancelTask': 'tasks:delete',
      'TaskService/RetryTask': 'tasks:change',
      'TaskService/WatchTask': 'tasks:view',
      'PresetService/CreatePreset': 'presets:add',
      'PresetService/GetPreset': 'presets:view',
      'PresetService/ListPresets': 'presets:view',
      'PresetService/UpdatePreset': 'presets:change',
      'PresetService/DeletePreset': 'presets:delete',
      'PresetService/ValidatePreset': 'presets:view',
      'FaultService/ListFaults': 'faults:view',
      'FaultService/ClearFault': 'faults:delete',
      'EventService/WatchEvents': 'events:view',
      'AuditService/ListAuditRecords': 'audit:view',
      'FileService/UploadFile': 'files:add',
      'FileService/ListFiles': 'files:view',
      'FileService/GetFile': 'files:view',
      'FileService/DeleteFile': 'files:delete',
      'CampaignService/CreateCampaign': 'campaigns:add',
      'CampaignService/GetCampaign': 'campaigns:view',
      'CampaignService/ListCampaigns': 'campaigns:view',
      'CampaignService/ListCampaignDevices': 'campaigns:view',
      'CampaignService/PauseCampaign': 'campaigns:change',
      'CampaignService/ResumeCampaign': 'campaigns:change',
      'CampaignService/CancelCampaign': 'campaigns:delete',
      'CampaignService/RollbackCampaign': 'campaigns:add',
      'JobService/CreateJob': 'jobs:add',
      'JobService/GetJob': 'jobs:view',
      'JobService/ListJobs': 'jobs:view',
      'JobService/ListJobDevices': 'jobs:view',
      'JobService/PauseJob': 'jobs:change',
      'JobService/ResumeJob': 'jobs:change',
      'MonitoringService/CreateMonitoringProfile': 'samples:add',
      'MonitoringService/GetMonitoringProfile': 'samples:view',
      'MonitoringService/ListMonitoringProfiles': 'samples:view',
      'MonitoringService/UpdateMonitoringProfile': 'samples:change',
      'MonitoringService/DeleteMonitoringProfile': 'samples:delete',
      'MonitoringService/ListMetrics': 'samples:view',
      'MonitoringService/ListSamples': 'samples:view',
      'MonitoringService/CreateThresholdRule': 'alarms:add',
      'MonitoringService/GetThresholdRule': 'alarms:view',
      'MonitoringService/ListThresholdRules': 'alarms:view',
      'MonitoringService/UpdateThresholdRule': 'alarms:change',
      'MonitoringService/DeleteThresholdRule': 'alarms:delete',
      'MonitoringService/ListAlarms': 'alarms:view',
      'MonitoringService/GetAlarm': 'alarms:view',
      'MonitoringService/AcknowledgeAlarm': 'alarms:change',
      'JobService/CancelJob': 'jobs:delete',
      'GroupService/CreateGroup': 'groups:add',
      'GroupService/GetGroup': 'groups:view',
      'GroupService/ListGroups': 'groups:view',
      'GroupService/UpdateGroup': 'groups:change',
      'GroupService/DeleteGroup': 'groups:delete',
      'GroupService/AddGroupMembers': 'groups:change',
      'GroupService/RemoveGroupMembers': 'groups:change',
      'GroupService/ListGroupMembers': 'groups:view',
      'GroupService/ListDeviceGroups': 'groups:view',
      'GroupService/EvaluateGroup': 'groups:change',
      'DiagnosticsService/RunDiagnostic': 'diagnostics:add',
      'DiagnosticsService/GetDiagnostic': 'diagnostics:view',
      'DiagnosticsService/ListDiagnostics': 'diagnostics:view',
      'DiagnosticsService/CancelDiagnostic': 'diagnostics:delete',
      'DiagnosticsService/SetUdpEchoResponder': 'diagnostics:change',
      'DiagnosticsService/GetUdpEchoResponder': 'diagnostics:view',
    });
    for (const policy of ACS_V1_METHOD_POLICIES.values()) expect(policy.mutating).toBe(policy.action !== 'view');
  });

  it('names the target of a call from its request', () => {
    const target = (path: string, request: unknown) => ACS_V1_METHOD_POLICIES.get(`/acs.v1.${path}`)!.target(request);
    expect(target('DeviceService/DeleteDevice', { deviceId: '00259E-HG8245-X1' })).toBe('00259E-HG8245-X1');
    expect(target('TaskService/CancelTask', { taskId: 'task-9' })).toBe('task-9');
    expect(target('FaultService/ClearFault', { deviceId: 'dev-1', channel: 'wifi' })).toBe('dev-1/wifi');
    expect(target('FaultService/ListFaults', { deviceId: '', channel: '' })).toBe('');
    expect(target('PresetService/DeletePreset', { name: 'wifi-defaults' })).toBe('wifi-defaults');
    expect(target('PresetService/CreatePreset', { source: { $case: 'preset', preset: { name: 'from-message' } } })).toBe('from-message');
    expect(target('PresetService/UpdatePreset', { source: { $case: 'yaml', yaml: 'name: from-yaml\nweight: 1\n' } })).toBe('from-yaml');
    expect(target('PresetService/CreatePreset', { source: { $case: 'yaml', yaml: '- name: a\n- name: b\n---\nname: c\n' } })).toBe('a,b,c');
    expect(target('PresetService/CreatePreset', { source: { $case: 'yaml', yaml: 'name: [unclosed' } })).toBe('');
    expect(target('PresetService/CreatePreset', { source: undefined })).toBe('');
    expect(target('EventService/WatchEvents', { types: [], deviceIds: ['a', 'b'] })).toBe('a,b');
    expect(target('AuditService/ListAuditRecords', { client: 'oss' })).toBe('oss');
    expect(target('CampaignService/ListCampaignDevices', { campaignId: 'c-1', states: ['failed'] })).toBe('c-1');
    expect(target('GroupService/CreateGroup', { name: 'north' })).toBe('north');
    expect(target('GroupService/AddGroupMembers', { groupId: 'g-1' })).toBe('g-1');
    expect(target('GroupService/ListDeviceGroups', { deviceId: 'dev-1' })).toBe('dev-1');
    expect(target('MonitoringService/ListSamples', { deviceId: 'dev-1', metric: 'wan.bytesReceived' })).toBe('dev-1/wan.bytesReceived');
    expect(target('MonitoringService/UpdateMonitoringProfile', { profileId: 'p-1' })).toBe('p-1');
  });

  it('has a device-scope rule for every method of a resource a scoped role may grant, and for no other', () => {
    const scopable = [...ACS_V1_METHOD_POLICIES].filter(([, policy]) => DEVICE_SCOPED_RESOURCES.includes(policy.resourceType));
    expect(scopable.filter(([, policy]) => !policy.deviceScope).map(([path]) => path)).toEqual([]);
    expect([...ACS_V1_METHOD_POLICIES].filter(([, policy]) => policy.deviceScope && !DEVICE_SCOPED_RESOURCES.includes(policy.resourceType)).map(([path]) => path)).toEqual([]);
    const rule = (path: string) => ACS_V1_METHOD_POLICIES.get(`/acs.v1.${path}`)!.deviceScope!;
    expect(rule('DeviceService/TagDevice').device!({ deviceId: 'dev-1' })).toBe('dev-1');
    expect(rule('TaskService/RetryTask').task!({ taskId: 't-1' })).toBe('t-1');
    expect(rule('TaskService/ListTasks').device!({ deviceId: '' })).toBe('');
  });

  it('narrows listings over devices to those in scope, dropping the total', async () => {
    const inScope = async (deviceId: string) => deviceId.startsWith('in-');
    const devices = await ACS_V1_METHOD_POLICIES.get('/acs.v1.DeviceService/ListDevices')!.deviceScope!.narrow!({ devices: [{ id: 'in-1' }, { id: 'out-1' }], totalSize: 2, nextPageToken: 'n' }, inScope);
    expect(devices).toEqual({ devices: [{ id: 'in-1' }], totalSize: 0, nextPageToken: 'n' });
    const faults = await ACS_V1_METHOD_POLICIES.get('/acs.v1.FaultService/ListFaults')!.deviceScope!.narrow!({ faults: [{ deviceId: 'out-2' }, { deviceId: 'in-2' }], nextPageToken: '' }, inScope);
    expect(faults).toEqual({ faults: [{ deviceId: 'in-2' }], nextPageToken: '' });
  });

  it('never throws on a request it does not expect, and bounds what it keeps', () => {
    const policy = ACS_V1_METHOD_POLICIES.get('/acs.v1.EventService/WatchEvents')!;
    expect(policy.target(undefined)).toBe('');
    expect(policy.target({})).toBe('');
    expect(ACS_V1_METHOD_POLICIES.get('/acs.v1.DeviceService/GetDevice')!.target({ deviceId: 'x'.repeat(10_000) })).toHaveLength(257);
  });

  it('leaves health checks and reflection open, nothing else', () => {
    expect(isOpenMethod('/grpc.health.v1.Health/Check')).toBe(true);
    expect(isOpenMethod('/grpc.health.v1.Health/Watch')).toBe(true);
    expect(isOpenMethod('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo')).toBe(true);
    expect(isOpenMethod('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo')).toBe(true);
    expect(isOpenMethod('/acs.v1.TaskService/CreateTask')).toBe(false);
    expect(isOpenMethod('/grpc.healthy.Evil/Do')).toBe(false);
  });
});
