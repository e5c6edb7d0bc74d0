import { ConflictError, UnavailableError, ValidationError, type FieldViolation } from '@acs/platform';

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
  /** Download/upload against the ACS's own test endpoint, with a payload of this many bytes. */
  acsEndpointBytes?: number;
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
    const createdAt = now();
    const id = newId();
    const deadline = createdAt + (command.timeoutSeconds !== undefined ? command.timeoutSeconds * 1000 : this.deps.defaultTimeoutMs);
    const inputs = command.acsEndpointBytes !== undefined ? this.withAcsEndpoint(kind, command, { runId: id, bytes: command.acsEndpointBytes, expiresAt: deadline }) : { ...command.inputs };
    const valuesSet = requestValues(kind, root, inputs);
    const run: DiagnosticRun = {
      id,
      deviceId: command.deviceId,
      kind,
      root,
      objectPath: diagnostics.path,
      inputs,
      valuesSet,
      status: 'running',
      ...(command.requestedBy ? { requestedBy: command.requestedBy } : {}),
      createdAt,
      deadline,
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
   * The inputs of a download or upload measured against the ACS's own endpoint: the URL signed for this run until its
   * deadline (and an upload's TestFileLength), so the operator needs no third-party server and the URL is worth
   * nothing once the run is over.
   */
  private withAcsEndpoint(kind: DiagnosticsKind, command: RunDiagnosticCommand, grant: { runId: string; bytes: number; expiresAt: number }): Record<string, string> {
    const field = 'acs_endpoint_bytes';
    const urls = this.deps.testUrls;
    const urlInput = kind === 'download' ? 'DownloadURL' : 'UploadURL';
    const violations: FieldViolation[] = [];
    if (kind !== 'download' && kind !== 'upload') violations.push({ field, description: `only for download and upload tests (not ${kind})`, reason: 'NOT_ALLOWED' });
    else if (command.inputs[urlInput] !== undefined) violations.push({ field: `inputs.${urlInput}`, description: `set by the service with ${field}: give one or the other`, reason: 'NOT_ALLOWED' });
    if (!Number.isInteger(grant.bytes) || grant.bytes < 1 || (urls && grant.bytes > urls.maxBytes)) {
      violations.push({ field, description: `a whole number of bytes from 1 to ${urls?.maxBytes ?? 'the endpoint maximum'} (got ${grant.bytes})`, reason: 'OUT_OF_RANGE' });
    }
    if (violations.length > 0) throw new ValidationError(`invalid diagnostic run: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, violations);
    if (!urls) throw new UnavailableError('diagnostics-http', 'the diagnostics test endpoint is not running in this service');
    if (kind === 'download') return { ...command.inputs, DownloadURL: urls.issueDownloadUrl(grant) };
    return { ...command.inputs, UploadURL: urls.issueUploadUrl({ runId: grant.runId, maxBytes: grant.bytes, expiresAt: grant.expiresAt }), TestFileLength: String(grant.bytes) };
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
