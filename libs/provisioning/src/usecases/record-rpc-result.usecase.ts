import {
  answerProcessedMark,
  type ConnectionRequestEventData,
  type CpeRequestEventData,
  type RpcFaultEventData,
  type RpcResultEventData,
} from '@acs/contracts';
import type { SessionStore } from '@acs/platform';

import type { DeviceInventory } from '../inventory/device-inventory';
import type { TaskLifecycle } from '../tasks/task-lifecycle';

export interface RecordRpcResultDeps {
  inventory: DeviceInventory;
  lifecycle: TaskLifecycle;
  sessions: SessionStore;
  /** How long the "answer processed" mark lives: longer than the gateway waits for it. */
  markTtlMs: number;
}

/**
 * What the gateway reports of a device's work, recorded: an answer (the inventory learns from it, then its task
 * moves on), a fault, a TransferComplete ending a download or upload, the outcome of a connection request.
 */
export class RecordRpcResult {
  constructor(private readonly deps: RecordRpcResultDeps) {}

  async answer(data: RpcResultEventData): Promise<void> {
    // Learnt first: an AddObject's follow-up reads the device, and whoever sees the task done finds what it read.
    await this.deps.inventory.learn(data.deviceId, data.request, data.response);
    await this.deps.lifecycle.onRpcResult(data);
    await this.markProcessed(data);
  }

  async fault(data: RpcFaultEventData): Promise<void> {
    await this.deps.lifecycle.onRpcFault(data);
    await this.markProcessed(data);
  }

  /** A request the CPE made; only a TransferComplete concerns tasks (it names its task by CommandKey). */
  async cpeRequest(data: CpeRequestEventData): Promise<void> {
    if (data.request.kind === 'TransferComplete') await this.deps.lifecycle.onTransferComplete(data.deviceId, data.request);
  }

  /** A connection request that did not wake the device fails the tasks that asked for it. */
  connectionRequest(data: ConnectionRequestEventData): Promise<void> {
    return this.deps.lifecycle.onConnectionRequest(data);
  }

  /** Tells a gateway waiting at the end of the session that this answer's consequences are queued. */
  private async markProcessed(data: { deviceId: string; sessionId: string; itemId: string; taskId?: string }): Promise<void> {
    if (data.taskId) await this.deps.sessions.markPlanned(data.deviceId, answerProcessedMark(data.sessionId, data.itemId), this.deps.markTtlMs);
  }
}
