import { randomBytes } from 'node:crypto';
import { isXsdType, parseEventCode, rootObjectOf, type Inform } from '@acs/cwmp';
import { AcsDeviceEventType, newEvent, type AcsDeviceEventData, type InformEventData } from '@acs/contracts';
import { ValidationError, type BusMessage, type EventBus, type Logger, type SessionStore } from '@acs/platform';
import type { DeviceSummary, InformFacts, ParameterUpdate, RootObject } from '../domain/device';
import type { Preset } from '../domain/preset';
import type { Task } from '../domain/task';
import type { DeviceInventory } from '../inventory/device-inventory';
import { planPresets, presetsTriggeredBy, detectPresetLoop, PlanHistory } from '../presets';
import type { DeviceRepository, FaultRepository, PresetRepository, TaskRepository } from '../repositories/ports';
import { planPresetNow, preconditionFault } from '../tasks/preset-run';
import type { TaskLifecycle } from '../tasks/task-lifecycle';
import type { CreateTask, CreateTaskCommand } from './create-task.usecase';

/** Where presets come from: the repository, reloaded when it changes (see PresetCatalog). */
export interface PresetSource {
  current(): Promise<Preset[]>;
}

export interface ApplyInformDeps {
  inventory: DeviceInventory;
  /** Reads the whole device (its parameter tree) when triggered presets are planned against it. */
  devices: Pick<DeviceRepository, 'get'>;
  tasks: Pick<TaskRepository, 'activeForDevice'>;
  faults: FaultRepository;
  createTask: CreateTask;
  presets: PresetSource;
  /** Presets by name, disabled ones included, for the applyPreset tasks a session plans. */
  presetStore: Pick<PresetRepository, 'get'>;
  /** Starts (or refuses) an applyPreset task's attempt on its plan. */
  lifecycle: Pick<TaskLifecycle, 'runPreset' | 'refusePreset' | 'dispatchAwaited'>;
  sessions: SessionStore;
  bus: EventBus;
  logger: Logger;
  /** How long the "planned" mark lives: longer than the gateway's wait for it. */
  planMarkTtlMs: number;
  /** Set connection-request credentials of the ACS's own on devices that have none on record. */
  manageConnectionRequestCredentials: boolean;
  /** Devices whose recent plans loop detection remembers at most (default PLAN_HISTORY_DEVICES). */
  planHistoryDevices?: number;
  now?: () => number;
}

/** Published on `acs.device` (the public contract, libs/contracts). */
export type DeviceEventData = AcsDeviceEventData;

const CREDENTIALS_SOURCE = 'acs:connection-request-credentials';

/**
 * Everything an Inform causes in provisioning, in order: the inventory learns the device (registering it on first
 * contact, starting it afresh on BOOTSTRAP), `acs.device` tells the world, triggered presets are planned against
 * what is known and their work queued (through CreateTask, so their specs are validated like the API's), and finally
 * the session is marked "planned" so the gateway's ACS turn — which waits a bounded time for that mark — runs the
 * new work in the same session.
 */
export class ApplyInform {
  private readonly now: () => number;
  /**
   * Recent plans of the devices being configured, for loop detection; bounded (see PlanHistory). Per pod: a device's
   * informs go to one partition, so to one pod, as long as the group does not rebalance (after one, a loop takes a
   * few more sessions to be noticed).
   */
  private readonly planHistory: PlanHistory;

  constructor(private readonly deps: ApplyInformDeps) {
    this.now = deps.now ?? Date.now;
    this.planHistory = new PlanHistory({ maxDevices: deps.planHistoryDevices });
  }

  async execute(event: InformEventData): Promise<void> {
    const { inventory, sessions } = this.deps;
    const codes = event.inform.events.map((e) => normaliseCode(e.eventCode));
    const facts = informFacts(event, this.now());
    const { created, device } = await inventory.applyInform(facts);
    const previousInformAt = informBefore(device, facts.at);
    await this.publishDeviceEvents(device, created, codes, event.inform);
    // Read at most once per Inform, and only if a step needs it. Tasks plan() creates are preset tasks, which the
    // credentials step does not look for, so one read serves both.
    let active: Promise<Task[]> | undefined;
    const activeTasks = () => (active ??= this.deps.tasks.activeForDevice(device.id));
    try {
      await this.dispatchAwaitedTasks(codes, activeTasks);
      await this.plan(device, codes, previousInformAt, activeTasks);
      await this.applyRequestedPresets(device.id, activeTasks);
      await this.ensureConnectionRequestCredentials(device, activeTasks);
    } finally {
      // Even when planning failed, say so quickly: the gateway then goes on with what is queued instead of waiting.
      await sessions.markPlanned(device.id, event.sessionId, this.deps.planMarkTtlMs);
    }
  }

  /**
   * Tasks that waited for one of this Inform's events (a diagnostics result read waits for `8 DIAGNOSTICS COMPLETE`)
   * are queued first, before the session is marked planned, so this session runs them. Only a device with such a
   * task pays for the read of its active tasks — the read other steps share.
   */
  private async dispatchAwaitedTasks(eventCodes: string[], activeTasks: () => Promise<Task[]>): Promise<void> {
    const awaiting = (await activeTasks()).filter((t) => t.status === 'pending' && t.awaitEventCode !== undefined);
    if (awaiting.length === 0) return;
    await this.deps.lifecycle.dispatchAwaited(awaiting, eventCodes.map((code) => parseEventCode(code).code));
  }

  /**
   * Cron triggers fire at the first Inform after a tick (the ACS cannot reach a CPE except through its sessions), so
   * the window is (previous Inform, now]: every Inform evaluates the presets, and the device record keeps the time of
   * its recent Informs, so nothing per device is held in memory for it and a restart loses no tick.
   */
  private async plan(device: DeviceSummary, eventCodes: string[], lastEvaluatedAt: number | undefined, activeTasks: () => Promise<Task[]>): Promise<void> {
    const { logger } = this.deps;
    const now = this.now();
    const presets = await this.deps.presets.current();
    let triggered = presetsTriggeredBy(presets, { eventCodes, now, lastEvaluatedAt });
    if (triggered.length === 0) return;
    // Work a preset queued earlier that has not run yet already expresses the desired state: do not pile more on.
    if ((await activeTasks()).some((t) => t.source.startsWith('preset:'))) return;
    // A preset an applyPreset task runs in this session (applyRequestedPresets) is not planned twice.
    const requested = new Set((await activeTasks()).flatMap((t) => (t.spec.kind === 'applyPreset' && t.status === 'dispatched' && !t.presetRun ? [t.spec.name] : [])));
    triggered = triggered.filter((p) => !requested.has(p.name));
    if (triggered.length === 0) return;

    // The tree is read only now: most Informs trigger no preset, and a device's tree can be thousands of nodes.
    const known = await this.deps.devices.get(device.id);
    if (!known) return;
    const plan = planPresets(triggered, known, { now });
    if (plan.tags.add.length > 0 || plan.tags.remove.length > 0) await this.deps.inventory.setTags(device.id, plan.tags.add, plan.tags.remove);
    const loop = detectPresetLoop(this.planHistory.record(device.id, { at: now, specsDigest: plan.digest }));
    if (loop) {
      const channel = plan.tasks[0]?.channel ?? triggered[0].channel;
      logger.warn({ deviceId: device.id, presets: plan.presetsApplied }, 'preset loop: the device keeps undoing the same change');
      await this.deps.faults.raise({
        deviceId: device.id,
        channel,
        code: 'preset-loop',
        message: `presets ${plan.presetsApplied.join(', ')} keep asking for the same changes: the device does not keep them`,
        detail: { loop, tasks: plan.tasks.map((t) => t.spec) },
        at: now,
      });
      return;
    }
    for (const planned of plan.tasks) {
      await this.createTask(device, { deviceId: device.id, spec: planned.spec, source: `preset:${planned.presets.join('+')}`, channel: planned.channel });
    }
  }

  /**
   * The applyPreset tasks waiting for this session: each preset is planned here, by the planner triggered presets go
   * through, whatever its triggers — an operator asked for it now — and its work queued as the task's own RPCs before
   * the session is marked planned, so it runs in this session. The device's tree is read after the triggered
   * presets' tags are applied, so a precondition on tags sees them.
   */
  private async applyRequestedPresets(deviceId: string, activeTasks: () => Promise<Task[]>): Promise<void> {
    const requested = (await activeTasks()).filter((t) => t.spec.kind === 'applyPreset' && t.status === 'dispatched' && t.presetRun === undefined);
    if (requested.length === 0) return;
    for (const task of requested) {
      if (task.spec.kind !== 'applyPreset') continue;
      const preset = await this.deps.presetStore.get(task.spec.name);
      if (!preset) {
        await this.deps.lifecycle.refusePreset(task, { code: 'preset-not-found', message: `preset ${task.spec.name} was deleted before the device's session`, transient: false });
        continue;
      }
      // Read per task: a preset applied before this one may have changed the tags the next one's precondition reads.
      const known = await this.deps.devices.get(deviceId);
      if (!known) return;
      const plan = planPresetNow(preset, known, this.now());
      const refused = preconditionFault(preset, plan);
      if (refused) {
        await this.deps.lifecycle.refusePreset(task, refused);
        continue;
      }
      if (plan.tags.add.length > 0 || plan.tags.remove.length > 0) await this.deps.inventory.setTags(deviceId, plan.tags.add, plan.tags.remove);
      await this.deps.lifecycle.runPreset(task, preset, plan, known);
    }
  }

  /**
   * Creates a task of the ACS's own. A spec the task rules refuse (a template rendered into a value its type cannot
   * hold) becomes a fault on the task's channel, where the operator sees it: throwing would have the bus redeliver
   * this Inform for ever.
   */
  private async createTask(device: DeviceSummary, command: CreateTaskCommand & { source: string; channel: string }): Promise<void> {
    try {
      await this.deps.createTask.execute({ ...command, device });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.deps.logger.warn({ deviceId: device.id, source: command.source, violations: error.fieldViolations }, 'a task the ACS planned is invalid; not queued');
      await this.deps.faults.raise({
        deviceId: device.id,
        channel: command.channel,
        code: 'invalid-task',
        message: `${command.source} planned a task the device cannot run: ${error.message}`,
        detail: { spec: command.spec, violations: error.fieldViolations },
        at: this.now(),
      });
    }
  }

  /**
   * Connection requests need credentials the ACS knows, and a CPE reads its password back empty: so the ACS sets a
   * random one of its own on each device (once; again after a BOOTSTRAP, which forgets what was known) and the
   * inventory remembers it when the device accepts.
   */
  private async ensureConnectionRequestCredentials(device: DeviceSummary, activeTasks: () => Promise<Task[]>): Promise<void> {
    if (!this.deps.manageConnectionRequestCredentials || device.connectionRequestPassword) return;
    if ((await activeTasks()).some((t) => t.source === CREDENTIALS_SOURCE)) return;
    const prefix = `${device.rootObject}.ManagementServer.`;
    await this.createTask(device, {
      deviceId: device.id,
      source: CREDENTIALS_SOURCE,
      channel: 'connection-request',
      spec: {
        kind: 'setParameterValues',
        values: [
          { path: `${prefix}ConnectionRequestUsername`, value: `acs-${randomBytes(6).toString('hex')}`, type: 'string' },
          { path: `${prefix}ConnectionRequestPassword`, value: randomBytes(15).toString('base64url'), type: 'string' },
        ],
      },
    });
  }

  private async publishDeviceEvents(device: DeviceSummary, created: boolean, codes: string[], inform: Inform): Promise<void> {
    const base: DeviceEventData = {
      deviceId: device.id,
      oui: device.oui,
      productClass: device.productClass,
      serialNumber: device.serialNumber,
      softwareVersion: device.softwareVersion,
      eventCodes: codes,
    };
    const types: Array<[AcsDeviceEventType, DeviceEventData]> = [];
    if (created) types.push([AcsDeviceEventType.registered, base]);
    if (codes.includes('0 BOOTSTRAP')) types.push([AcsDeviceEventType.bootstrapped, base]);
    if (codes.includes('1 BOOT')) types.push([AcsDeviceEventType.booted, base]);
    if (codes.includes('4 VALUE CHANGE')) {
      types.push([AcsDeviceEventType.parametersChanged, { ...base, parameters: inform.parameterList.map((p) => ({ path: p.name, value: p.value.value })) }]);
    }
    if (types.length === 0) return;
    const now = this.now();
    const messages: BusMessage[] = types.map(([type, data]) => newEvent(type, device.id, data, { now }));
    await this.deps.bus.publish(messages);
  }
}

/** The device facts an Inform carries. */
export function informFacts(event: InformEventData, at: number): InformFacts {
  const { inform } = event;
  const parameters: ParameterUpdate[] = inform.parameterList.map((p) => ({
    path: p.name,
    value: p.value.value,
    type: p.value.declaredType && isXsdType(p.value.declaredType) ? p.value.declaredType : p.value.type,
  }));
  const root: RootObject = (inform.parameterList.map((p) => rootObjectOf(p.name)).find((r) => r !== null) as RootObject | undefined) ?? 'Device';
  return {
    id: event.deviceId,
    oui: inform.deviceId.oui,
    productClass: inform.deviceId.productClass,
    serialNumber: inform.deviceId.serialNumber,
    manufacturer: inform.deviceId.manufacturer,
    rootObject: root,
    at,
    eventCodes: inform.events.map((e) => normaliseCode(e.eventCode)),
    remoteAddress: event.remoteAddress.replace(/:\d+$/, ''),
    parameters,
  };
}

/** When the device's Inform before the one at `at` was, from its record (undefined for its first). */
function informBefore(device: DeviceSummary, at: number): number | undefined {
  let previous: number | undefined;
  for (const event of device.recentEvents) if (event.at < at && (previous === undefined || event.at > previous)) previous = event.at;
  return previous;
}

/**
 * `4  VALUE CHANGE` and `4 value change` are the same event: devices are not careful about spaces or case. Standard
 * codes are upper-cased; `M <Method>` and vendor codes keep their case (method names are case-sensitive).
 */
function normaliseCode(code: string): string {
  const spaced = code.trim().replace(/\s+/g, ' ');
  return /^\d+ /.test(spaced) ? spaced.toUpperCase() : spaced.replace(/^m /, 'M ');
}
