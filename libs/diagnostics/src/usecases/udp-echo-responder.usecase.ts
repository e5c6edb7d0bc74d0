import { UnavailableError, ValidationError } from '@acs/platform';

import { parseUdpEchoResponder, udpEchoResponderChanges, udpEchoResponderPath, udpEchoResponderValues, type UdpEchoResponder, type UdpEchoResponderSettings } from '../domain/udp-echo-responder';
import type { TaskNowOutcome } from './run-ports';
import type { RunUseCaseDeps } from './run-usecase-deps';

/** How long a call waits for the device by default, and at most (the caller's deadline bounds it too). */
export const RESPONDER_DEFAULT_WAIT_MS = 30_000;
export const RESPONDER_MAX_WAIT_MS = 120_000;

/** A responder call's answer: the task that did it and how it stands; a read's responder once the device answered. */
export interface UdpEchoResponderOutcome extends Omit<TaskNowOutcome, 'values'> {
  responder?: UdpEchoResponder;
}

function waitOf(waitMs: number | undefined): number {
  if (waitMs === undefined) return RESPONDER_DEFAULT_WAIT_MS;
  if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > RESPONDER_MAX_WAIT_MS) {
    throw ValidationError.forField('wait_seconds', `from 0 to ${RESPONDER_MAX_WAIT_MS / 1000} seconds`, 'OUT_OF_RANGE');
  }
  return waitMs;
}

function tasksNowOf(deps: RunUseCaseDeps): NonNullable<RunUseCaseDeps['tasksNow']> {
  if (!deps.tasksNow) throw new UnavailableError('provisioning', 'this diagnostics service has no way to reach devices at once');
  return deps.tasksNow;
}

/**
 * Changes a device's UDP echo responder (UDPEchoConfig of its data model): one SetParameterValues with a connection
 * request, waited for; a device not reached within the wait gets it at its next session (the task stays).
 */
export class SetUdpEchoResponder {
  constructor(private readonly deps: RunUseCaseDeps) {}

  async execute(command: { deviceId: string; settings: UdpEchoResponderSettings; waitMs?: number }): Promise<UdpEchoResponderOutcome> {
    if (command.deviceId.trim() === '') throw ValidationError.forField('device_id', 'required', 'REQUIRED');
    const waitMs = waitOf(command.waitMs);
    // Checked before the device is looked up: a bad request is INVALID_ARGUMENT whatever the device.
    const changes = udpEchoResponderChanges(command.settings);
    const root = await this.deps.devices.rootOf(command.deviceId);
    const values = udpEchoResponderValues(root, changes);
    const outcome = await tasksNowOf(this.deps).set({ deviceId: command.deviceId, values, waitMs });
    this.deps.logger.info({ deviceId: command.deviceId, taskId: outcome.taskId, status: outcome.status }, 'UDP echo responder change');
    return outcome;
  }
}

/** Reads a device's UDP echo responder now (its settings and counters): a GetParameterValues with a connection request. */
export class GetUdpEchoResponder {
  constructor(private readonly deps: RunUseCaseDeps) {}

  async execute(command: { deviceId: string; waitMs?: number }): Promise<UdpEchoResponderOutcome> {
    if (command.deviceId.trim() === '') throw ValidationError.forField('device_id', 'required', 'REQUIRED');
    const waitMs = waitOf(command.waitMs);
    const root = await this.deps.devices.rootOf(command.deviceId);
    const { values, ...outcome } = await tasksNowOf(this.deps).read({ deviceId: command.deviceId, path: udpEchoResponderPath(root), waitMs });
    return values ? { ...outcome, responder: parseUdpEchoResponder(root, values) } : outcome;
  }
}
