import { ConflictError, ValidationError, type FieldViolation } from '@acs/platform';

import { DIAGNOSTICS_KINDS, type DiagnosticsKind } from '../domain/diagnostics-catalog';
import { requestValues, requireDiagnostics } from '../domain/diagnostics-request';
import type { DiagnosticRun } from '../domain/diagnostic-run';
import type { RunSlot } from '../repositories/run-ports';
import type { RunUseCaseDeps } from './run-usecase-deps';

export interface RunDiagnosticCommand {
  deviceId: string;
  kind: string;
  /** Input parameters by name, as text or typed (requestValues reads both). */
  inputs: Readonly<Record<string, string>>;
  /** How long to wait for `8 DIAGNOSTICS COMPLETE`; default the service's. */
  timeoutSeconds?: number;
  requestedBy?: string;
}

/** At most a day: a CPE's longest test (a time-based IP capacity run) takes minutes. */
export const MAX_RUN_TIMEOUT_SECONDS = 86_400;

/**
 * Starts a test on a device: checks the device's data model has it and the inputs, claims the device's test object
 * (one run per object at a time: ConflictError naming the run going on), then creates FIRST the read task that waits
 * for `8 DIAGNOSTICS COMPLETE` and THEN the SetParameterValues with a connection request — in the other order a fast
 * device could report completion before anything waits for it. Answers the run, running.
 */
export class RunDiagnostic {
  constructor(private readonly deps: RunUseCaseDeps) {}

  async execute(command: RunDiagnosticCommand): Promise<DiagnosticRun> {
    const { store, devices, tasks, now, newId } = this.deps;
    const kind = checkCommand(command);
    const root = await devices.rootOf(command.deviceId);
    const diagnostics = requireDiagnostics(kind, root);
    const valuesSet = requestValues(kind, root, command.inputs);
    const createdAt = now();
    const run: DiagnosticRun = {
      id: newId(),
      deviceId: command.deviceId,
      kind,
      root,
      objectPath: diagnostics.path,
      inputs: { ...command.inputs },
      valuesSet,
      status: 'running',
      ...(command.requestedBy ? { requestedBy: command.requestedBy } : {}),
      createdAt,
      deadline: createdAt + (command.timeoutSeconds !== undefined ? command.timeoutSeconds * 1000 : this.deps.defaultTimeoutMs),
    };
    await this.claim(run);
    let readTaskId: string | undefined;
    try {
      await store.runs.insert(run);
      readTaskId = (await tasks.createRead({ runId: run.id, deviceId: run.deviceId, objectPath: run.objectPath, expiresAt: run.deadline })).taskId;
      await store.runs.updateRunning(run.id, { readTaskId });
      const { taskId: setTaskId } = await tasks.createSet({ runId: run.id, deviceId: run.deviceId, values: valuesSet, expiresAt: run.deadline });
      await store.runs.updateRunning(run.id, { setTaskId });
      return { ...run, readTaskId, setTaskId };
    } catch (error) {
      // Nothing was asked of the device: undo the run so the caller's retry starts clean.
      if (readTaskId !== undefined) await tasks.cancel(readTaskId).catch(() => undefined);
      await store.runs.delete(run.id).catch(() => undefined);
      await store.runSlots.release(run.deviceId, run.objectPath, run.id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Claims the run's test object. A slot left by a run that ended without freeing it (a crash between the two) is
   * taken over; so is one whose holder was never stored (a crash before it was) once its deadline passed.
   */
  private async claim(run: DiagnosticRun): Promise<void> {
    const { store, now } = this.deps;
    const slot: RunSlot = { runId: run.id, deadline: run.deadline };
    for (let attempt = 0; attempt < 3; attempt++) {
      const held = await store.runSlots.claim(run.deviceId, run.objectPath, slot);
      if (!held) return;
      if (held.runId === '') continue;
      const holder = await store.runs.get(held.runId);
      const stale = holder ? holder.status !== 'running' : held.deadline <= now();
      if (!stale) {
        throw new ConflictError(`${run.objectPath} of device ${run.deviceId} is running diagnostic run ${held.runId}: cancel it or wait for its end`, {
          kind: 'already-exists',
          reason: 'DIAGNOSTIC_RUNNING',
          subject: `diagnostic run ${held.runId}`,
        });
      }
      await store.runSlots.release(run.deviceId, run.objectPath, held.runId);
    }
    throw new ConflictError(`${run.objectPath} of device ${run.deviceId} is being claimed by another run; try again`, { kind: 'concurrent-write', subject: `device ${run.deviceId}` });
  }
}

function checkCommand(command: RunDiagnosticCommand): DiagnosticsKind {
  const violations: FieldViolation[] = [];
  if (command.deviceId.trim() === '') violations.push({ field: 'device_id', description: 'required', reason: 'REQUIRED' });
  if (command.kind === '') violations.push({ field: 'kind', description: `required: one of ${DIAGNOSTICS_KINDS.join(', ')}`, reason: 'REQUIRED' });
  else if (!(DIAGNOSTICS_KINDS as readonly string[]).includes(command.kind)) {
    violations.push({ field: 'kind', description: `unknown kind ${JSON.stringify(command.kind)}: one of ${DIAGNOSTICS_KINDS.join(', ')}`, reason: 'BAD_FORMAT' });
  }
  const timeout = command.timeoutSeconds;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_RUN_TIMEOUT_SECONDS)) {
    violations.push({ field: 'timeout_seconds', description: `must be from 1 to ${MAX_RUN_TIMEOUT_SECONDS} (got ${timeout})`, reason: 'OUT_OF_RANGE' });
  }
  if (violations.length > 0) throw new ValidationError(`invalid diagnostic run: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, violations);
  return command.kind as DiagnosticsKind;
}
