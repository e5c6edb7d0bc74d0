/**
 * What the public API's roles grant permissions on: one per acs.v1 service (AuditService is `audit`, FileService
 * `files`, CampaignService `campaigns`, GroupService `groups`, JobService `jobs`, DiagnosticsService `diagnostics`; MonitoringService's threshold rules and alarms `alarms`, its
 * monitoring profiles and samples `samples`).
 */
export const RESOURCE_TYPES = ['devices', 'tasks', 'presets', 'faults', 'events', 'audit', 'files', 'campaigns', 'groups', 'jobs', 'diagnostics', 'alarms', 'samples'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** `view` reads; the other three change something and are audited. */
export const ACTIONS = ['view', 'add', 'change', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

export function isResourceType(value: string): value is ResourceType {
  return (RESOURCE_TYPES as readonly string[]).includes(value);
}

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

export function isMutating(action: Action): boolean {
  return action !== 'view';
}

/** The actions a role (or a client, the union of its roles) may perform, per resource type. */
export type Permissions = ReadonlyMap<ResourceType, ReadonlySet<Action>>;

export function permissionsOf(grants: Partial<Record<ResourceType, readonly Action[]>>): Permissions {
  const result = new Map<ResourceType, ReadonlySet<Action>>();
  for (const resource of RESOURCE_TYPES) {
    const actions = grants[resource];
    if (actions && actions.length > 0) result.set(resource, new Set(actions));
  }
  return result;
}

export function mergePermissions(all: readonly Permissions[]): Permissions {
  const result = new Map<ResourceType, Set<Action>>();
  for (const permissions of all) {
    for (const [resource, actions] of permissions) {
      const merged = result.get(resource) ?? new Set<Action>();
      for (const action of actions) merged.add(action);
      result.set(resource, merged);
    }
  }
  return result;
}

export function allows(permissions: Permissions, resource: ResourceType, action: Action): boolean {
  return permissions.get(resource)?.has(action) ?? false;
}

const EVERY_ACTION: readonly Action[] = ACTIONS;

/**
 * Roles every registry knows. `viewer` reads everything but the audit log (who did what is for administrators);
 * `operator` runs day-to-day work: tags devices (deleting them is not theirs), manages tasks, clears faults, and reads
 * presets (a preset changes the whole fleet, so editing one is an administrator's job), reads and uploads files
 * (deleting an image others may plan a campaign with is an administrator's job), reads groups, and runs bulk jobs (a
 * job is the tasks an operator may create one by one, with a rate limit, a failure threshold and a stop button: ADR 32),
 * runs and cancels diagnostic tests (a ping or a speed test is first-line troubleshooting), acknowledges alarms and
 * tunes threshold rules, and reads samples.
 */
export const BUILT_IN_ROLES: ReadonlyMap<string, Permissions> = new Map([
  ['viewer', permissionsOf({ devices: ['view'], tasks: ['view'], presets: ['view'], faults: ['view'], events: ['view'], files: ['view'], campaigns: ['view'], groups: ['view'], jobs: ['view'], diagnostics: ['view'], alarms: ['view'], samples: ['view'] })],
  [
    'operator',
    permissionsOf({
      devices: ['view', 'change'],
      tasks: EVERY_ACTION,
      presets: ['view'],
      faults: ['view', 'delete'],
      events: ['view'],
      files: ['view', 'add'],
      // Pausing and resuming a running campaign is the on-call's; starting, rolling back or cancelling one the fleet's owner's.
      campaigns: ['view', 'change'],
      // Groups are read, not reshaped: a group can be the scope of another client's role (docs/nbi-security.md), so
      // changing its filter, parent or list changes who sees which devices, an administrator's decision.
      groups: ['view'],
      jobs: EVERY_ACTION,
      diagnostics: EVERY_ACTION,
      // Acknowledging alarms and tuning the rules that raise them is the NOC's daily work (a rule touches no device);
      // deleting one, and monitoring profiles (which configure BulkData on the CPEs), are the fleet owner's.
      alarms: ['view', 'add', 'change'],
      samples: ['view'],
    }),
  ],
  ['admin', permissionsOf(Object.fromEntries(RESOURCE_TYPES.map((resource) => [resource, EVERY_ACTION])))],
]);

/**
 * The resources a role scoped to device groups (`scope: { groups: [...] }` in the clients file) may grant: those whose
 * calls name a device, or a task of one, or list devices' things, so each call can be held to the groups' members
 * (security/device-scope.ts). Presets, files, campaigns, groups, diagnostics (runs are read and cancelled by run id,
 * which no scope check resolves to a device yet) and the audit log act on or reveal the whole fleet:
 * a scoped role granting them is refused when the file is loaded (an unscoped role of the client may grant them).
 */
export const DEVICE_SCOPED_RESOURCES: readonly ResourceType[] = ['devices', 'tasks', 'faults', 'events'];
