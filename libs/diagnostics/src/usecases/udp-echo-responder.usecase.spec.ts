import { NotFoundError, ValidationError } from '@acs/platform';
import pino from 'pino';

import type { DiagnosticsSetValue } from '../domain/diagnostics-request';
import { InMemoryDiagnosticsDevices } from '../testing/in-memory-diagnostics';
import type { DiagnosticsTasksNow, TaskNowOutcome } from './run-ports';
import { createRunUseCases } from './run-usecases';

/** Provisioning's CreateTask-with-wait as the responder calls see it: what was asked, answered as configured. */
class RecordingTasksNow implements DiagnosticsTasksNow {
  readonly asked: Array<{ kind: 'set' | 'read'; deviceId: string; waitMs: number; values?: readonly DiagnosticsSetValue[]; path?: string }> = [];
  answer: TaskNowOutcome = { taskId: 't-1', status: 'done' };

  async set(request: { deviceId: string; values: readonly DiagnosticsSetValue[]; waitMs: number }): Promise<TaskNowOutcome> {
    this.asked.push({ kind: 'set', ...request });
    return this.answer;
  }

  async read(request: { deviceId: string; path: string; waitMs: number }): Promise<TaskNowOutcome> {
    this.asked.push({ kind: 'read', ...request });
    return this.answer;
  }
}

describe('UDP echo responder use cases', () => {
  const tasksNow = new RecordingTasksNow();
  const useCases = createRunUseCases({
    store: {} as never,
    devices: new InMemoryDiagnosticsDevices({ cpe181: 'Device', cpe098: 'InternetGatewayDevice' }),
    tasks: {} as never,
    events: {} as never,
    logger: pino({ level: 'silent' }),
    defaultTimeoutMs: 60_000,
    tasksNow,
  });

  it('changes the responder of the device\'s model, waiting 30 s by default, and tells how the task stands', async () => {
    tasksNow.answer = { taskId: 't-9', status: 'dispatched' };
    const outcome = await useCases.setUdpEchoResponder.execute({ deviceId: 'cpe098', settings: { enabled: true, udpPort: 8007 } });
    expect(outcome).toEqual({ taskId: 't-9', status: 'dispatched' });
    expect(tasksNow.asked.at(-1)).toEqual({
      kind: 'set',
      deviceId: 'cpe098',
      waitMs: 30_000,
      values: [
        { path: 'InternetGatewayDevice.UDPEchoConfig.UDPPort', value: 8007, type: 'unsignedInt' },
        { path: 'InternetGatewayDevice.UDPEchoConfig.Enable', value: true, type: 'boolean' },
      ],
    });
  });

  it('reads the responder now and parses it once the device answered; a device not reached gives the task alone', async () => {
    tasksNow.answer = { taskId: 't-2', status: 'done', values: { 'Device.IP.Diagnostics.UDPEchoConfig.Enable': 'true', 'Device.IP.Diagnostics.UDPEchoConfig.PacketsReceived': '5' } };
    expect(await useCases.getUdpEchoResponder.execute({ deviceId: 'cpe181', waitMs: 5000 })).toEqual({ taskId: 't-2', status: 'done', responder: { enabled: true, packetsReceived: 5 } });
    expect(tasksNow.asked.at(-1)).toEqual({ kind: 'read', deviceId: 'cpe181', path: 'Device.IP.Diagnostics.UDPEchoConfig.', waitMs: 5000 });
    tasksNow.answer = { taskId: 't-3', status: 'faulted', fault: 'cr-unreachable: no answer' };
    expect(await useCases.getUdpEchoResponder.execute({ deviceId: 'cpe181' })).toEqual({ taskId: 't-3', status: 'faulted', fault: 'cr-unreachable: no answer' });
  });

  it('refuses a bad wait, bad settings and an unknown device before asking anything', async () => {
    const before = tasksNow.asked.length;
    await expect(useCases.getUdpEchoResponder.execute({ deviceId: 'cpe181', waitMs: 500_000 })).rejects.toThrow(ValidationError);
    await expect(useCases.setUdpEchoResponder.execute({ deviceId: 'cpe181', settings: { udpPort: 70_000 } })).rejects.toThrow(ValidationError);
    await expect(useCases.setUdpEchoResponder.execute({ deviceId: 'nope', settings: { enabled: false } })).rejects.toThrow(NotFoundError);
    expect(tasksNow.asked).toHaveLength(before);
  });
});
