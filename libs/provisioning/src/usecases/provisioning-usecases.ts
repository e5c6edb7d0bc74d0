import type { DeviceQueue, EventBus, Logger, SessionStore } from '@acs/platform';

import { DEFAULT_PRESENCE_POLICY } from '../domain/device-presence';
import { DeviceInventory } from '../inventory/device-inventory';
import type { ProvisioningConfig } from '../provisioning.config';
import type { ProvisioningStore } from '../repositories/ports';
import { DeviceWaker } from '../tasks/device-waker';
import { TaskEventPublisher } from '../tasks/task-event-publisher';
import { TaskLifecycle } from '../tasks/task-lifecycle';
import { ApplyInform, type PresetSource } from './apply-inform.usecase';
import { CancelTask } from './cancel-task.usecase';
import { ClearFault } from './clear-fault.usecase';
import { CreateTask } from './create-task.usecase';
import { DeleteDevice, type DeletedDevice } from './delete-device.usecase';
import { DeletePreset } from './delete-preset.usecase';
import { GetDevice, GetParameters } from './get-device.usecase';
import { GetPreset } from './get-preset.usecase';
import { GetTask } from './get-task.usecase';
import { GetTaskResult } from './get-task-result.usecase';
import { ListFaults } from './list-faults.usecase';
import { ListPresets } from './list-presets.usecase';
import { ListTasks } from './list-tasks.usecase';
import { QueryDevices } from './query-devices.usecase';
import { ReconcileDispatchedTasks } from './reconcile-dispatched-tasks.usecase';
import { RecordRpcResult } from './record-rpc-result.usecase';
import { RetryTask } from './retry-task.usecase';
import { SavePreset, type PresetRules } from './save-preset.usecase';
import { TagDevice } from './tag-device.usecase';
import { WatchTask } from './watch-task.usecase';

/** Every operation of provisioning, one use case each; the transports (gRPC controller, event consumer) call these. */
export interface ProvisioningUseCases {
  createTask: CreateTask;
  getTask: GetTask;
  getTaskResult: GetTaskResult;
  listTasks: ListTasks;
  cancelTask: CancelTask;
  retryTask: RetryTask;
  watchTask: WatchTask;
  recordRpcResult: RecordRpcResult;
  /** At the start of an embedded process only (see the class). */
  reconcileDispatchedTasks: ReconcileDispatchedTasks;
  applyInform: ApplyInform;
  savePreset: SavePreset;
  getPreset: GetPreset;
  listPresets: ListPresets;
  deletePreset: DeletePreset;
  queryDevices: QueryDevices;
  getDevice: GetDevice;
  getParameters: GetParameters;
  tagDevice: TagDevice;
  deleteDevice: DeleteDevice;
  listFaults: ListFaults;
  clearFault: ClearFault;
}

export interface ProvisioningCoreDeps {
  store: ProvisioningStore;
  queue: DeviceQueue;
  bus: EventBus;
  sessions: SessionStore;
  /** The presets in force (PresetCatalog in the app). */
  presets: PresetSource;
  logger: Logger;
  config: Pick<ProvisioningConfig, 'tasks' | 'planMarkTtlMs' | 'manageConnectionRequestCredentials'> & Partial<Pick<ProvisioningConfig, 'presence'>>;
  /** Publishes `acs.device.deleted`. */
  onDeviceDeleted?: (device: DeletedDevice) => Promise<void>;
  presetRules?: PresetRules;
  watchPollMs?: number;
  now?: () => number;
}

/** Provisioning's domain, wired: the inventory, the task lifecycle (ticked by the app) and the use cases over them. */
export interface ProvisioningCore {
  inventory: DeviceInventory;
  lifecycle: TaskLifecycle;
  useCases: ProvisioningUseCases;
}

/** Wires the inventory, the task lifecycle and every use case on the given ports: the app module and the specs both use this. */
export function createProvisioningCore(deps: ProvisioningCoreDeps): ProvisioningCore {
  const { store, logger, config } = deps;
  const now = deps.now ?? Date.now;
  const inventory = new DeviceInventory(store.devices, now);
  const lifecycle = new TaskLifecycle({
    tasks: store.tasks,
    results: store.taskResults,
    devices: store.devices,
    faults: store.faults,
    queue: deps.queue,
    waker: new DeviceWaker(deps.bus, now),
    events: new TaskEventPublisher(deps.bus, now),
    logger,
    config: config.tasks,
    now,
  });
  const createTask = new CreateTask({ devices: store.devices, presets: store.presets, lifecycle, logger, now });
  const presence = { policy: config.presence ?? DEFAULT_PRESENCE_POLICY, now };
  const useCases: ProvisioningUseCases = {
    createTask,
    getTask: new GetTask(store.tasks),
    getTaskResult: new GetTaskResult(store.tasks, store.taskResults),
    listTasks: new ListTasks(store.tasks),
    cancelTask: new CancelTask(lifecycle, logger),
    retryTask: new RetryTask(lifecycle, logger),
    watchTask: new WatchTask(store.tasks, deps.watchPollMs),
    recordRpcResult: new RecordRpcResult({ inventory, lifecycle, sessions: deps.sessions, markTtlMs: config.planMarkTtlMs }),
    reconcileDispatchedTasks: new ReconcileDispatchedTasks({ tasks: store.tasks, queue: deps.queue, lifecycle, logger }),
    applyInform: new ApplyInform({
      inventory,
      devices: store.devices,
      tasks: store.tasks,
      faults: store.faults,
      createTask,
      presets: deps.presets,
      presetStore: store.presets,
      lifecycle,
      sessions: deps.sessions,
      bus: deps.bus,
      logger,
      planMarkTtlMs: config.planMarkTtlMs,
      manageConnectionRequestCredentials: config.manageConnectionRequestCredentials,
      now,
    }),
    savePreset: new SavePreset({ presets: store.presets, rules: deps.presetRules, logger, now }),
    getPreset: new GetPreset(store.presets),
    listPresets: new ListPresets(store.presets),
    deletePreset: new DeletePreset(store.presets, logger, now),
    queryDevices: new QueryDevices(store.devices, presence),
    getDevice: new GetDevice(store.devices, presence),
    getParameters: new GetParameters(store.devices),
    tagDevice: new TagDevice({ inventory, devices: store.devices, bus: deps.bus, now }),
    deleteDevice: new DeleteDevice({ devices: store.devices, tasks: store.tasks, faults: store.faults, lifecycle, inventory, onDeviceDeleted: deps.onDeviceDeleted, logger }),
    listFaults: new ListFaults(store.faults),
    clearFault: new ClearFault(store.faults, logger),
  };
  return { inventory, lifecycle, useCases };
}
