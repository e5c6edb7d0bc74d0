import { acsV1 as pb } from '@acs/contracts';

import type { Preset, Task, TaskSpec } from '../domain';
import { decodePageToken, encodePageToken, nextPageToken, pageSizeOf } from '@acs/platform';
import {
  comparePaths,
  deviceToProto,
  faultToProto,
  presetInputOf,
  presetIssueField,
  presetToProto,
  taskSpecFromProto,
  taskSpecToProto,
  taskStatusFromProto,
  taskToProto,
} from './provisioning.mappers';
import { validateTaskSpec } from '../tasks/task-spec.validator';

describe('provisioning mappers', () => {
  const specs: TaskSpec[] = [
    { kind: 'getParameterValues', parameterNames: ['Device.DeviceInfo.', 'Device.ManagementServer.URL'] },
    { kind: 'setParameterValues', values: [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: '300', type: 'unsignedInt' }, { path: 'Device.X.Name', value: 'a' }] },
    { kind: 'refreshObject', path: 'Device.WiFi.' },
    { kind: 'getParameterNames', path: 'Device.', nextLevel: true },
    { kind: 'addObject', path: 'Device.IP.Interface', values: [{ name: 'Enable', value: 'true', type: 'boolean' }] },
    { kind: 'addObject', path: 'Device.IP.Interface' },
    { kind: 'deleteObject', path: 'Device.IP.Interface.3' },
    { kind: 'getParameterAttributes', parameterNames: ['Device.X'] },
    { kind: 'setParameterAttributes', attributes: [{ path: 'Device.X', notification: 2 }, { path: 'Device.Y', notification: 0, accessList: ['Subscriber'] }] },
    { kind: 'reboot' },
    { kind: 'factoryReset' },
    { kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://f/fw.bin', username: 'u', fileSize: 1024, targetFileName: 'fw.bin', delaySeconds: 5 },
    { kind: 'upload', fileType: '2 Vendor Log File', url: 'http://f/up' },
    { kind: 'scheduleInform', delaySeconds: 30 },
  ];

  it.each(specs.map((spec) => [spec.kind, spec] as const))('round-trips a %s spec through the proto oneof', (_kind, spec) => {
    const proto = taskSpecToProto(spec);
    expect(proto.kind?.$case).toBe(spec.kind);
    // Through the wire as well: what ts-proto encodes is what the mapper reads back.
    const decoded = pb.TaskSpec.decode(pb.TaskSpec.encode(proto).finish());
    expect(taskSpecFromProto(decoded)).toEqual(spec);
  });

  it('prefixes value types with xsd: on the way out and strips them on the way in', () => {
    const proto = taskSpecToProto(specs[1]);
    expect(proto.kind).toEqual({
      $case: 'setParameterValues',
      setParameterValues: {
        values: [
          { path: 'Device.ManagementServer.PeriodicInformInterval', value: '300', type: 'xsd:unsignedInt' },
          { path: 'Device.X.Name', value: 'a', type: '' },
        ],
      },
    });
    expect(taskSpecFromProto({ kind: { $case: 'setParameterValues', setParameterValues: { values: [{ path: 'Device.A', value: 'true', type: 'xsd:boolean' }] } } })).toEqual({
      kind: 'setParameterValues',
      values: [{ path: 'Device.A', value: 'true', type: 'boolean' }],
    });
    expect(taskSpecFromProto(undefined)).toBeUndefined();
    expect(taskSpecFromProto({ kind: undefined })).toBeUndefined();
  });

  it('never hands a transfer password back', () => {
    const proto = taskSpecToProto({ kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://f', password: 'secret' });
    expect(proto.kind?.$case === 'download' && proto.kind.download.password).toBe('');
  });

  it('maps a task with times as Dates, JSON results and faults', () => {
    const task: Task = {
      id: 't1',
      deviceId: 'd1',
      spec: { kind: 'reboot' },
      status: 'faulted',
      source: 'api',
      channel: 'default',
      attempts: 2,
      maxAttempts: 3,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_001_000,
      completedAt: 1_700_000_002_000,
      workItemIds: [],
      result: { values: [{ path: 'Device.A', value: 1, missing: undefined }] },
      fault: { code: '9002', message: 'internal', transient: true, parameters: [{ path: 'Device.A', code: 9007, message: 'bad' }] },
      revision: 7,
    };
    const proto = taskToProto(task);
    expect(proto).toMatchObject({
      status: pb.TaskStatus.TASK_STATUS_FAULTED,
      createTime: new Date(1_700_000_000_000),
      completeTime: new Date(1_700_000_002_000),
      result: { values: [{ path: 'Device.A', value: 1 }] },
      fault: { code: '9002', transient: true, parameters: [{ path: 'Device.A', code: 9007, message: 'bad' }] },
      revision: 7,
    });
    expect(proto.dispatchTime).toBeUndefined();
    // Encodable: google.protobuf.Value takes the sanitised result.
    const decoded = pb.Task.decode(pb.Task.encode(proto).finish());
    expect(decoded.result).toEqual({ values: [{ path: 'Device.A', value: 1 }] });
    expect(decoded.createTime).toEqual(new Date(1_700_000_000_000));
  });

  it('summarises results, carries a result only when small and asked for, and counts refused parameters', () => {
    const base: Task = {
      id: 't2', deviceId: 'd1', spec: { kind: 'getParameterValues', parameterNames: ['Device.'] }, status: 'done', source: 'api', channel: 'default',
      attempts: 1, maxAttempts: 3, createdAt: 1, updatedAt: 2, workItemIds: [], revision: 3,
    };
    const small = { ...base, result: { values: [{ path: 'Device.A', value: '1', type: 'string' }] } };
    expect(taskToProto(small).result).toEqual(small.result);
    expect(taskToProto(small).resultSummary).toMatchObject({ entryKind: 'parameter_values', entryCount: 1, parametersRead: 1, inline: true });
    expect(taskToProto(small, { withResult: false }).result).toBeUndefined();
    // Stored before summaries existed, a large result inline in the document: summarised, not sent.
    const legacy = { ...base, result: { values: Array.from({ length: 2_000 }, (_, i) => ({ path: `Device.X.${i}.Value`, value: 'v'.repeat(40), type: 'string' })) } };
    expect(taskToProto(legacy).result).toBeUndefined();
    expect(taskToProto(legacy).resultSummary).toMatchObject({ entryCount: 2_000, inline: false });
    const refused: Task = { ...base, spec: { kind: 'setParameterValues', values: [{ path: 'Device.A', value: 1 }] }, status: 'faulted', fault: { code: '9003', message: 'x', transient: false, parameters: [{ path: 'Device.A', code: 9007, message: 'bad' }] } };
    expect(taskToProto(refused).resultSummary).toMatchObject({ entryKind: '', entryCount: 0, parametersFailed: 1 });
    expect(taskToProto({ ...base, status: 'pending' }).resultSummary).toBeUndefined();
  });

  it('maps statuses both ways and refuses UNSPECIFIED', () => {
    expect(taskStatusFromProto(pb.TaskStatus.TASK_STATUS_CANCELLED)).toBe('cancelled');
    expect(taskStatusFromProto(pb.TaskStatus.TASK_STATUS_UNSPECIFIED)).toBeUndefined();
  });

  it('maps devices without credentials, parameters sorted by path with typed lexical values', () => {
    const proto = deviceToProto({
      id: 'OUI-PC-SN',
      oui: 'OUI',
      rootObject: 'Device',
      connectionRequestPassword: 'secret',
      registeredAt: 1000,
      recentEvents: [{ at: 2000, codes: ['1 BOOT'] }],
      tags: ['lab'],
      parameters: {
        'Device.IP.Interface.10': { object: true, learnedAt: 5 },
        'Device.IP.Interface.2': { object: true, learnedAt: 5 },
        'Device.IP.Interface.2.Enable': { value: true, type: 'boolean', writable: true, learnedAt: 6 },
        'Device.IP': { object: true, learnedAt: 4 },
      },
    });
    expect(JSON.stringify(proto)).not.toContain('secret');
    expect(proto.rootObject).toBe(pb.RootObject.ROOT_OBJECT_DEVICE);
    expect(proto.registerTime).toEqual(new Date(1000));
    expect(proto.recentEvents).toEqual([{ time: new Date(2000), codes: ['1 BOOT'] }]);
    expect(proto.parameters.map((p) => p.path)).toEqual(['Device.IP', 'Device.IP.Interface.2', 'Device.IP.Interface.2.Enable', 'Device.IP.Interface.10']);
    expect(proto.parameters[2]).toEqual({ path: 'Device.IP.Interface.2.Enable', value: 'true', type: 'xsd:boolean', writable: true, object: false, learnTime: new Date(6) });
    expect(proto.parameters[0]).toMatchObject({ value: undefined, object: true, type: '' });
    expect(comparePaths('A.B', 'A.B.C')).toBeLessThan(0);
  });

  it('maps faults with JSON detail', () => {
    expect(faultToProto({ deviceId: 'd', channel: 'default', code: '9001', message: 'm', retries: 1, firstAt: 1, lastAt: 2, detail: { taskId: 't' } })).toEqual({
      deviceId: 'd',
      channel: 'default',
      code: '9001',
      message: 'm',
      retries: 1,
      firstTime: new Date(1),
      lastTime: new Date(2),
      detail: { taskId: 't' },
    });
  });

  describe('presets', () => {
    const preset: Preset = {
      name: 'inform-interval',
      weight: 10,
      channel: 'default',
      precondition: 'productClass = "X"',
      triggers: [{ event: '1 BOOT' }, { anyInform: true }, { cron: '0 3 * * *' }],
      actions: [
        { setValues: [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: 300, type: 'unsignedInt' }] },
        { ensureInstances: { object: 'Device.NAT.PortMapping', key: 'ExternalPort', instances: [{ ExternalPort: 80, Enable: true }], removeOthers: true } },
        { addTags: ['a'] },
        { removeTags: ['b'] },
        { refresh: 'Device.WiFi' },
        { reboot: true },
        { download: { fileType: '1 Firmware Upgrade Image', url: 'http://f/fw.bin', fileSize: 10 } },
      ],
      enabled: true,
      updatedAt: 1234,
    };

    it('maps every trigger and action to its oneof', () => {
      const proto = presetToProto(preset);
      expect(proto.triggers.map((t) => t.kind?.$case)).toEqual(['event', 'anyInform', 'cron']);
      expect(proto.actions.map((a) => a.kind?.$case)).toEqual(['setValues', 'ensureInstances', 'addTags', 'removeTags', 'refresh', 'reboot', 'download']);
      expect(proto.actions[0].kind).toEqual({ $case: 'setValues', setValues: { values: [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: '300', type: 'xsd:unsignedInt' }] } });
      expect(proto.updateTime).toEqual(new Date(1234));
    });

    it('gives the validator the YAML shape back', () => {
      const input = presetInputOf(presetToProto(preset));
      expect(input).toMatchObject({
        name: 'inform-interval',
        triggers: [{ event: '1 BOOT' }, { anyInform: true }, { cron: '0 3 * * *' }],
        actions: [
          { setValues: [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: '300', type: 'xsd:unsignedInt' }] },
          { ensureInstances: { object: 'Device.NAT.PortMapping', key: 'ExternalPort', instances: [{ ExternalPort: '80', Enable: 'true' }], removeOthers: true } },
          { addTags: ['a'] },
          { removeTags: ['b'] },
          { refresh: 'Device.WiFi' },
          { reboot: true },
          { download: { fileType: '1 Firmware Upgrade Image', url: 'http://f/fw.bin', fileSize: 10 } },
        ],
      });
      // An empty name or channel is "not given", left to the validator's rules.
      expect(presetInputOf({ ...presetToProto(preset), name: '', channel: '' })).not.toHaveProperty('name');
    });

    it('names issue fields as the proto does', () => {
      const proto = presetToProto(preset);
      expect(presetIssueField(['precondition'], proto)).toBe('preset.precondition');
      expect(presetIssueField(['triggers', 0, 'cron'], proto)).toBe('preset.triggers[0].cron');
      expect(presetIssueField(['triggers', 1, 'anyInform'], proto)).toBe('preset.triggers[1].any_inform');
      expect(presetIssueField(['actions', 0, 'setValues', 0, 'path'], proto)).toBe('preset.actions[0].set_values.values[0].path');
      expect(presetIssueField(['actions', 1, 'ensureInstances', 'removeOthers'], proto)).toBe('preset.actions[1].ensure_instances.remove_others');
      expect(presetIssueField(['actions', 1, 'ensureInstances', 'instances', 0, 'Enable'], proto)).toBe('preset.actions[1].ensure_instances.instances[0].values[1]');
      expect(presetIssueField(['actions', 2, 'addTags', 0], proto)).toBe('preset.actions[2].add_tags.tags[0]');
      expect(presetIssueField(['actions', 6, 'download', 'fileType'], proto)).toBe('preset.actions[6].download.file_type');
      expect(presetIssueField([], proto)).toBe('preset');
    });
  });

  describe('task spec validation', () => {
    it('accepts well-formed specs', () => {
      for (const spec of specs) expect(validateTaskSpec(spec)).toEqual([]);
    });

    it('names each bad field as the proto spells it', () => {
      expect(validateTaskSpec({ kind: 'getParameterValues', parameterNames: [] }).map((v) => v.field)).toEqual(['spec.get_parameter_values.parameter_names']);
      expect(
        validateTaskSpec({
          kind: 'setParameterValues',
          values: [
            { path: 'Device..X', value: '1' },
            { path: 'Device.Y.', value: '1' },
            { path: 'Device.Z', value: 'yes', type: 'boolean' },
            { path: 'Device.W', value: '1', type: 'float' },
          ],
        }).map((v) => v.field),
      ).toEqual(['spec.set_parameter_values.values[0].path', 'spec.set_parameter_values.values[1].path', 'spec.set_parameter_values.values[2].value', 'spec.set_parameter_values.values[3].type']);
      expect(validateTaskSpec({ kind: 'deleteObject', path: 'Device.IP.Interface' })[0]).toMatchObject({ field: 'spec.delete_object.path', reason: 'BAD_FORMAT' });
      expect(validateTaskSpec({ kind: 'addObject', path: 'Device.IP.Interface.1' })[0]).toMatchObject({ field: 'spec.add_object.path' });
      expect(validateTaskSpec({ kind: 'setParameterAttributes', attributes: [{ path: 'Device.X', notification: 7 }] })[0]).toMatchObject({
        field: 'spec.set_parameter_attributes.attributes[0].notification',
        reason: 'OUT_OF_RANGE',
      });
      expect(validateTaskSpec({ kind: 'download', fileType: '', url: 'file:///etc/passwd' }).map((v) => v.field)).toEqual(['spec.download.file_type', 'spec.download.url']);
      expect(validateTaskSpec({ kind: 'scheduleInform', delaySeconds: 0 })[0].field).toBe('spec.schedule_inform.delay_seconds');
      expect(validateTaskSpec({ kind: 'refreshObject', path: '' })).toEqual([]);
    });
  });

  describe('page tokens', () => {
    it('applies the proto page-size rules', () => {
      expect(pageSizeOf(0)).toBe(100);
      expect(pageSizeOf(5)).toBe(5);
      expect(pageSizeOf(5000)).toBe(1000);
    });

    it('round-trips offsets and refuses foreign tokens', () => {
      expect(decodePageToken(encodePageToken(250))).toBe(250);
      expect(decodePageToken('')).toBe(0);
      expect(() => decodePageToken('not a token')).toThrow('page_token');
      expect(() => decodePageToken(Buffer.from('o:-1').toString('base64url'))).toThrow('page_token');
      expect(nextPageToken(0, 10, 10)).toBe('');
      expect(decodePageToken(nextPageToken(10, 10, 25))).toBe(20);
    });
  });
});
