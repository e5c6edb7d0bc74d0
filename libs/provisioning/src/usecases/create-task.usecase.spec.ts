import { AcsTaskEventType, isEvent } from '@acs/contracts';
import { NotFoundError, ValidationError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';
import { DEADLINE_MARGIN_MS, MAX_TASK_ATTEMPTS, MAX_WAIT_TIMEOUT_MS } from './create-task.usecase';

const fieldsOf = (error: unknown) => (error instanceof ValidationError ? error.fieldViolations.map((v) => v.field) : error);

describe('CreateTask', () => {
  const fixture = useProvisioningFixture();
  const createTask = () => fixture().useCases.createTask;

  it('creates and dispatches a task, attributed to the API client that asked', async () => {
    const device = await fixture().registerDevice();
    const { task, finished } = await createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' }, requestedBy: 'oss-eu', maxAttempts: 2 });
    expect(finished).toBe(false);
    expect(task).toMatchObject({ deviceId: device.id, status: 'dispatched', source: 'api:oss-eu', channel: 'default', maxAttempts: 2 });
    expect((await fixture().queued(device.id)).map((i) => i.rpc.kind)).toEqual(['Reboot']);
    expect((await createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' } })).task.source).toBe('api');
  });

  it('holds a task awaiting an Inform event unqueued, its event code in canonical spelling', async () => {
    const device = await fixture().registerDevice();
    const { task } = await createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' }, awaitEventCode: ' X 00d09e  Wake' });
    expect(task).toMatchObject({ status: 'pending', attempts: 0, awaitEventCode: 'X 00D09E Wake', workItemIds: [] });
    expect(await fixture().queued(device.id)).toEqual([]);
  });

  it('refuses an await event code that is none, and a connection request with one', async () => {
    const device = await fixture().registerDevice();
    await expect(createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' }, awaitEventCode: '15 SOMETHING' }).catch(fieldsOf)).resolves.toEqual(['await_event_code']);
    await expect(createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' }, awaitEventCode: '2 PERIODIC', connectionRequest: true }).catch(fieldsOf)).resolves.toEqual(['connection_request']);
  });

  it('takes the source and channel an in-process caller names', async () => {
    const device = await fixture().registerDevice();
    const { task } = await createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' }, source: 'preset:wifi', channel: 'wifi', device });
    expect(task).toMatchObject({ source: 'preset:wifi', channel: 'wifi' });
  });

  it('refuses an invalid command with a violation per field, queuing nothing', async () => {
    const error = await createTask()
      .execute({ deviceId: '', spec: undefined, waitTimeoutMs: MAX_WAIT_TIMEOUT_MS + 1, maxAttempts: MAX_TASK_ATTEMPTS + 1, requestedBy: 'two words', expiresAt: Date.now() - 1 })
      .catch((e: unknown) => e);
    expect(fieldsOf(error)).toEqual(['device_id', 'spec', 'wait_timeout_ms', 'max_attempts', 'requested_by', 'expire_time']);

    const device = await fixture().registerDevice();
    const badSpec = await createTask()
      .execute({ deviceId: device.id, spec: { kind: 'setParameterValues', values: [{ path: 'Device..X', value: '1' }, { path: 'Device.Y', value: 'soon', type: 'unsignedInt' }] } })
      .catch((e: unknown) => e);
    expect(fieldsOf(badSpec)).toEqual(['spec.set_parameter_values.values[0].path', 'spec.set_parameter_values.values[1].value']);
    expect(await fixture().queued(device.id)).toEqual([]);
  });

  it('validates the specs of in-process callers too', async () => {
    const device = await fixture().registerDevice();
    const error = await createTask()
      .execute({ deviceId: device.id, spec: { kind: 'scheduleInform', delaySeconds: 0 }, source: 'preset:x', channel: 'x', device })
      .catch((e: unknown) => e);
    expect(fieldsOf(error)).toEqual(['spec.schedule_inform.delay_seconds']);
  });

  it('refuses an unknown device', async () => {
    const error = await createTask().execute({ deviceId: 'nobody', spec: { kind: 'reboot' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resourceType: 'device', resourceName: 'nobody' });
  });

  it('turns a refresh of the whole tree into one of the device\'s root object', async () => {
    const device = await fixture().registerDevice({ rootObject: 'InternetGatewayDevice' });
    const { task } = await createTask().execute({ deviceId: device.id, spec: { kind: 'refreshObject', path: '' } });
    expect(task.spec).toEqual({ kind: 'refreshObject', path: 'InternetGatewayDevice.' });
    const names = await createTask().execute({ deviceId: device.id, spec: { kind: 'getParameterNames', path: '', nextLevel: true } });
    expect(names.task.spec).toEqual({ kind: 'getParameterNames', path: '', nextLevel: true });
  });

  it('waits for the task to end when asked', async () => {
    const device = await fixture().registerDevice();
    const pending = createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' }, waitTimeoutMs: 10_000 });
    const event = await fixture().nextMessage('acs.task', (m) => m.key === device.id && m.type === AcsTaskEventType.dispatched);
    if (!isEvent(event, AcsTaskEventType.dispatched)) throw new Error(`not a dispatched event: ${event.type}`);
    const [item] = await fixture().queued(device.id);
    await fixture().useCases.recordRpcResult.answer({ sessionId: 's', deviceId: device.id, itemId: item.id, taskId: item.taskId, request: item.rpc, response: { kind: 'RebootResponse' } });
    const { task, finished } = await pending;
    expect(finished).toBe(true);
    expect(task).toMatchObject({ id: event.data.taskId, status: 'done' });
  });

  it('answers with the task as it stands once the caller would stop listening', async () => {
    const device = await fixture().registerDevice();
    // The caller listens for less than the margin: the answer comes at once, not at the end of the 10 s wait.
    const { task, finished } = await createTask().execute({ deviceId: device.id, spec: { kind: 'reboot' }, waitTimeoutMs: 10_000, answerWithinMs: DEADLINE_MARGIN_MS });
    expect(finished).toBe(false);
    expect(task.status).toBe('dispatched');
  });
});
