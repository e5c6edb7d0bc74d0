import { randomUUID } from 'node:crypto';
import { CwmpEventType, Topics, answerProcessedMark, newEvent } from '@acs/contracts';
import pino from 'pino';

import { informEvent, useProvisioningFixture } from '../testing/provisioning-fixture';
import { ProvisioningConsumer } from './provisioning.consumer';


describe('ProvisioningConsumer', () => {
  const fixture = useProvisioningFixture();
  const consumer = () => new ProvisioningConsumer(fixture().bus, fixture().useCases.applyInform, fixture().useCases.recordRpcResult, pino({ level: 'silent' }), `provisioning-${randomUUID()}`);

  it('applies the Informs it reads on cwmp.events, in its consumer group', async () => {
    const running = consumer();
    await running.start();
    try {
      const device = { id: '00D09E-HG8245-CONSUMED', oui: '00D09E', productClass: 'HG8245', serialNumber: 'CONSUMED' };
      const event = informEvent(device, ['1 BOOT']);
      await fixture().bus.publish([newEvent(CwmpEventType.inform, device.id, event)]);
      await fixture().nextMessage('acs.device', (m) => m.type === 'acs.device.registered' && m.key === device.id);
      expect(await fixture().store.devices.get(device.id)).toMatchObject({ serialNumber: 'CONSUMED' });
    } finally {
      await running.stop();
    }
  });

  it('records answers and faults, marking them processed', async () => {
    const device = await fixture().registerDevice();
    const first = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    const second = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    const [a, b] = await fixture().queued(device.id);
    await consumer().handle(newEvent(CwmpEventType.rpcResult, device.id, { sessionId: 's', deviceId: device.id, itemId: a.id, taskId: a.taskId, request: a.rpc, response: { kind: 'RebootResponse' } }));
    await consumer().handle(
      newEvent(CwmpEventType.rpcFault, device.id, {
        sessionId: 's',
        deviceId: device.id,
        itemId: b.id,
        taskId: b.taskId,
        request: b.rpc,
        fault: { kind: 'Fault', soapFaultCode: 'Client', faultCode: 9001, faultString: 'Request denied', setParameterValuesFault: [] },
      }),
    );
    expect((await fixture().store.tasks.get(first.task.id))?.status).toBe('done');
    expect((await fixture().store.tasks.get(second.task.id))?.status).toBe('faulted');
    expect(await fixture().sessions.isPlanned(device.id, answerProcessedMark('s', a.id))).toBe(true);
    expect(await fixture().sessions.isPlanned(device.id, answerProcessedMark('s', b.id))).toBe(true);
  });

  it('hands TransferComplete and connection-request outcomes to their use case', async () => {
    const device = await fixture().registerDevice();
    const transfer = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://files/fw.bin' } });
    const woken = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' }, connectionRequest: true });
    await consumer().handle(
      newEvent(CwmpEventType.cpeRequest, device.id, {
        sessionId: 's',
        deviceId: device.id,
        request: { kind: 'TransferComplete', commandKey: transfer.task.id, fault: { faultCode: 0, faultString: '' }, startTime: 'a', completeTime: 'b' },
      }),
    );
    await consumer().handle(newEvent(CwmpEventType.connectionRequest, device.id, { deviceId: device.id, taskIds: [woken.task.id], result: 'timeout', via: 'http', durationMs: 5, message: 'no answer' }));
    expect((await fixture().store.tasks.get(transfer.task.id))?.status).toBe('done');
    expect(await fixture().store.tasks.get(woken.task.id)).toMatchObject({ status: 'faulted', fault: { code: 'cr-timeout' } });
  });

  it('passes over the events provisioning does not handle', async () => {
    await expect(consumer().handle(newEvent(CwmpEventType.sessionClosed, 'd', { sessionId: 's', deviceId: 'd', reason: 'completed', rpcCount: 0, durationMs: 5 }))).resolves.toBeUndefined();
    // A type from a newer gateway, outside this catalog.
    const unknown = { id: randomUUID(), topic: Topics.cwmpEvents, key: 'd', type: 'cwmp.something-new', time: new Date().toISOString(), data: {} };
    await expect(consumer().handle(unknown)).resolves.toBeUndefined();
  });
});
