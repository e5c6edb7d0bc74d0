import { PermissionError } from '@acs/platform';

/**
 * Request metadata carrying, to the handlers, the device groups a call is held to (a JSON list of group ids or
 * names), set by the security interceptor for a client whose grants for the call's resource all come from scoped
 * roles. Whatever a caller sends under it is dropped.
 */
export const DEVICE_SCOPE_METADATA_KEY = 'x-acs-device-scope';

/**
 * What a method's calls are held to when the caller is scoped to device groups (one per method of a scopable
 * resource; an empty rule for WatchEvents, whose service sends only the events of devices in scope).
 */
export interface DeviceScopeRule {
  /** The device the request names; '' when it names none (a listing over every device, narrowed in the response). */
  device?(request: unknown): string;
  /** The task the request names: its device must be in scope. */
  task?(request: unknown): string;
  /** The response with only what concerns the devices in scope (a listing's total dropped: it would count the others). */
  narrow?(response: unknown, inScope: (deviceId: string) => Promise<boolean>): Promise<unknown>;
}

/** A device's groups as grouping's ListDeviceGroups answers them. */
export type DeviceGroupsLookup = (deviceId: string) => Promise<ReadonlyArray<{ id: string; name: string }>>;

export interface DeviceScopeCheckerDeps {
  groupsOf: DeviceGroupsLookup;
  /** The device of a task (provisioning's GetTask); NotFound passes through as the call's answer. */
  deviceOfTask(taskId: string): Promise<string>;
  /** How long a device's groups are trusted once read (default 5 s): a device that joins or leaves is seen within it. */
  ttlMs?: number;
  /** Devices whose groups are held at most (default 10000; the oldest read is dropped first). */
  maxDevices?: number;
  now?: () => number;
}

/**
 * Whether devices are members of the groups a scoped client is held to, from grouping's ListDeviceGroups, each
 * device's answer kept a few seconds (a listing page asks about up to 1000 devices, an event stream about every
 * event). Concurrent questions about one device share one call.
 */
export class DeviceScopeChecker {
  private readonly cache = new Map<string, { at: number; groups: ReadonlySet<string> }>();
  private readonly inFlight = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly ttlMs: number;
  private readonly maxDevices: number;
  private readonly now: () => number;

  constructor(private readonly deps: DeviceScopeCheckerDeps) {
    this.ttlMs = deps.ttlMs ?? 5000;
    this.maxDevices = deps.maxDevices ?? 10_000;
    this.now = deps.now ?? Date.now;
  }

  /** Whether the device is a member of one of the groups (each given by id or by name). */
  async inScope(scope: readonly string[], deviceId: string): Promise<boolean> {
    if (deviceId === '') return false;
    const groups = await this.groupsOf(deviceId);
    return scope.some((group) => groups.has(group));
  }

  /** Throws PermissionError unless the device is in scope. */
  async requireDevice(scope: readonly string[], deviceId: string): Promise<void> {
    if (!(await this.inScope(scope, deviceId))) throw outOfScope(`device ${deviceId}`, scope);
  }

  /** Throws PermissionError unless the task's device is in scope. */
  async requireTask(scope: readonly string[], taskId: string): Promise<void> {
    const deviceId = await this.deps.deviceOfTask(taskId);
    if (!(await this.inScope(scope, deviceId))) throw outOfScope(`task ${taskId}`, scope);
  }

  /** Applies a method's rule to a request before it is relayed. */
  async checkRequest(rule: DeviceScopeRule, scope: readonly string[], request: unknown): Promise<void> {
    const deviceId = rule.device?.(request) ?? '';
    if (deviceId !== '') await this.requireDevice(scope, deviceId);
    const taskId = rule.task?.(request) ?? '';
    if (taskId !== '') await this.requireTask(scope, taskId);
  }

  private async groupsOf(deviceId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(deviceId);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.groups;
    const pending = this.inFlight.get(deviceId);
    if (pending) return pending;
    const read = this.deps
      .groupsOf(deviceId)
      .then((groups) => {
        const names = new Set(groups.flatMap((group) => [group.id, group.name]));
        this.cache.delete(deviceId);
        this.cache.set(deviceId, { at: this.now(), groups: names });
        if (this.cache.size > this.maxDevices) this.cache.delete(this.cache.keys().next().value!);
        return names;
      })
      .finally(() => this.inFlight.delete(deviceId));
    this.inFlight.set(deviceId, read);
    return read;
  }
}

/** The scope a call's metadata carries (set by the interceptor); undefined for an unscoped call. */
export function deviceScopeOf(metadata: { get(key: string): unknown[] }): readonly string[] | undefined {
  const [value] = metadata.get(DEVICE_SCOPE_METADATA_KEY);
  if (typeof value !== 'string') return undefined;
  const groups: unknown = JSON.parse(value);
  return Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [];
}

/** Keeps the items whose device is in scope, asking about each device once, in parallel. */
export async function keepInScope<T>(items: readonly T[], deviceOf: (item: T) => string, inScope: (deviceId: string) => Promise<boolean>): Promise<T[]> {
  const verdicts = await Promise.all(items.map((item) => inScope(deviceOf(item))));
  return items.filter((_, i) => verdicts[i]);
}

function outOfScope(what: string, scope: readonly string[]): PermissionError {
  return new PermissionError(`${what} is not in the device groups this client is limited to (${scope.join(', ')})`);
}
