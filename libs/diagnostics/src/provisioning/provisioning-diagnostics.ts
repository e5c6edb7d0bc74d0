import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { createAttemptTask, runTaskNow, taskStatusName, type ProvisioningClient, cancelTaskIfActive, readTaskValues } from '@acs/clients';
import { ConflictError, NotFoundError } from '@acs/platform';

import type { DataModelRoot } from '../domain/diagnostics-catalog';
import type { DiagnosticsSetValue } from '../domain/diagnostics-request';
import type { ReadValues } from '../domain/diagnostics-values';
import { runTaskSource } from '../domain/diagnostic-run';
import type { DiagnosticsDevices, DiagnosticsTasks, DiagnosticsTasksNow, TaskNowOutcome } from '../usecases/run-ports';

/** The Inform event code a device sends when a test it was asked for has ended (TR-069 Table 7). */
export const DIAGNOSTICS_COMPLETE = '8 DIAGNOSTICS COMPLETE';

/** Entries per GetTaskResult page when a read's result was too large to travel in its event. */
const RESULT_PAGE_SIZE = 1000;

/** The device's data model through provisioning's GetDevice (in process in the standalone, gRPC in a pod). */
export class ProvisioningDiagnosticsDevices implements DiagnosticsDevices {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'devices'>) {}

  async rootOf(deviceId: string): Promise<DataModelRoot> {
    let device: acsV1.Device | undefined;
    try {
      // One parameter's prefix keeps the answer small: only the device's own fields are read.
      ({ device } = await this.provisioning.devices.getDevice({ deviceId, parameterPrefix: 'Device.DeviceInfo.ManufacturerOUI' }));
    } catch (error) {
      if ((error as { code?: unknown }).code === status.NOT_FOUND) throw new NotFoundError('device', deviceId);
      throw error;
    }
    switch (device?.rootObject) {
      case acsV1.RootObject.ROOT_OBJECT_DEVICE:
        return 'Device';
      case acsV1.RootObject.ROOT_OBJECT_INTERNET_GATEWAY_DEVICE:
        return 'InternetGatewayDevice';
      default:
        throw new ConflictError(`the data model of device ${deviceId} is not known yet (it has not informed)`, { reason: 'DATA_MODEL_UNKNOWN', subject: `device ${deviceId}` });
    }
  }
}

/** A run's tasks through provisioning's TaskService, filed under `diagnostics:run:<runId>`, each tried once. */
export class ProvisioningDiagnosticsTasks implements DiagnosticsTasks {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'tasks'>) {}

  createRead(request: { runId: string; deviceId: string; objectPath: string; expiresAt: number }): Promise<{ taskId: string }> {
    return createAttemptTask(this.provisioning.tasks, {
      deviceId: request.deviceId,
      source: runTaskSource(request.runId),
      spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: [request.objectPath] } } },
      connectionRequest: false,
      expiresAt: request.expiresAt,
      awaitEventCode: DIAGNOSTICS_COMPLETE,
    });
  }

  createSet(request: { runId: string; deviceId: string; values: readonly DiagnosticsSetValue[]; expiresAt: number }): Promise<{ taskId: string }> {
    const values = request.values.map((value) => ({ path: value.path, value: String(value.value), type: `xsd:${value.type}` }));
    return createAttemptTask(this.provisioning.tasks, {
      deviceId: request.deviceId,
      source: runTaskSource(request.runId),
      spec: { kind: { $case: 'setParameterValues', setParameterValues: { values } } },
      connectionRequest: true,
      expiresAt: request.expiresAt,
    });
  }

  cancel(taskId: string): Promise<void> {
    return cancelTaskIfActive(this.provisioning.tasks, taskId);
  }


  readValues(taskId: string): Promise<ReadValues> {
    return readTaskValues(this.provisioning.tasks, taskId, RESULT_PAGE_SIZE);
  }

}

/** The source of the tasks the UDP echo responder's calls create (INTERNAL_TASK_SOURCES has `diagnostics`). */
export const UDP_ECHO_RESPONDER_SOURCE = 'diagnostics:udp-echo-responder';

/** Tasks done now through provisioning's CreateTask wait, results paged with GetTaskResult when large. */
export class ProvisioningDiagnosticsTasksNow implements DiagnosticsTasksNow {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'tasks'>) {}

  async set(request: { deviceId: string; values: readonly DiagnosticsSetValue[]; waitMs: number }): Promise<TaskNowOutcome> {
    const values = request.values.map((value) => ({ path: value.path, value: String(value.value), type: `xsd:${value.type}` }));
    const { task } = await runTaskNow(this.provisioning.tasks, { deviceId: request.deviceId, source: UDP_ECHO_RESPONDER_SOURCE, spec: { kind: { $case: 'setParameterValues', setParameterValues: { values } } }, waitMs: request.waitMs });
    return outcomeOf(task);
  }

  async read(request: { deviceId: string; path: string; waitMs: number }): Promise<TaskNowOutcome> {
    const { task } = await runTaskNow(this.provisioning.tasks, { deviceId: request.deviceId, source: UDP_ECHO_RESPONDER_SOURCE, spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: [request.path] } } }, waitMs: request.waitMs });
    const outcome = outcomeOf(task);
    return outcome.status === 'done' ? { ...outcome, values: await readTaskValues(this.provisioning.tasks, task.id, RESULT_PAGE_SIZE) } : outcome;
  }
}

function outcomeOf(task: acsV1.Task): TaskNowOutcome {
  return {
    taskId: task.id,
    status: taskStatusName(task.status),
    ...(task.fault ? { fault: `${task.fault.code}: ${task.fault.message}` } : {}),
  };
}
