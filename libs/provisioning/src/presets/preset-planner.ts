import { createHash } from 'node:crypto';

import { withoutTrailingDot } from '@acs/cwmp';
import { evaluateFilter, parseFilter, type FilterExpr } from '@acs/filter';

import type { DeviceRecord } from '../domain/device';
import type { Preset } from '../domain/preset';
import type { TaskSpec } from '../domain/task';
import { DEVICE_FILTER_SHAPE } from '../filter/storedDeviceShape';
import { TemplateError, renderTemplate } from './template';

// Turns the presets an Inform triggered into the work that would bring the device to their desired state, against
// what the inventory knows of it. Pure: the same presets and device give the same plan.
//
// Precedence: presets are ranked by weight (higher first), then by name (A before B); for a parameter, a tag or an
// instance value claimed by several presets, the first in that ranking wins and the others are reported as conflicts.

export type PresetValue = string | number | boolean;

/** A task the plan asks for, with the channel its faults belong to and the presets it serves. */
export interface PresetTask {
  spec: TaskSpec;
  channel: string;
  presets: string[];
}

export interface ConflictSide {
  preset: string;
  weight: number;
  value: PresetValue;
}

/** Two or more presets want different things for one parameter (`value`) or tag (`tag`: value true = present). */
export interface PresetConflict {
  subject: 'value' | 'tag';
  name: string;
  winner: ConflictSide;
  overruled: ConflictSide[];
}

/** Something a preset wants that the plan could not work out yet, and what is missing for it. */
export interface UnresolvedPresetWork {
  preset: string;
  channel: string;
  /** The parameter path, instance table or action concerned. */
  target: string;
  /** Parameter paths or device fields whose values are needed (fetch them, then plan again). */
  needs: string[];
  message: string;
}

export interface PresetPlan {
  at: number;
  /** In the order to run them: deletes, adds, sets, refreshes, downloads, reboot. */
  tasks: PresetTask[];
  tags: { add: string[]; remove: string[] };
  conflicts: PresetConflict[];
  /** Presets whose precondition held, by precedence. */
  presetsApplied: string[];
  unresolved: UnresolvedPresetWork[];
  /**
   * Identifies the changes of this plan (sets, adds, deletes, tags, downloads, reboot; refreshes are reads and left
   * out); '' when there are none. Feed `{ at, specsDigest: digest }` to detectPresetLoop.
   */
  digest: string;
}

export interface PresetPlanOptions {
  /** Epoch ms of the evaluation; the plan's `at`. */
  now: number;
}

interface Claim {
  preset: Preset;
  value: PresetValue;
  type?: string;
}

interface InstanceWish {
  preset: Preset;
  object: string;
  key: string;
  instances: Array<Record<string, PresetValue>>;
  removeOthers: boolean;
}

/** The work that makes `device` what `presets` (already triggered) describe, and only the work that changes something. */
export function planPresets(presets: readonly Preset[], device: DeviceRecord, options: PresetPlanOptions): PresetPlan {
  return new PresetPlanner(device).plan(presets, options.now);
}

class PresetPlanner {
  private readonly values = new Map<string, Claim[]>();
  private readonly tagClaims = new Map<string, Claim[]>();
  private readonly instanceWishes: InstanceWish[] = [];
  private readonly refreshes: Array<{ path: string; preset: Preset }> = [];
  private readonly reboots: Preset[] = [];
  private readonly downloads = new Map<string, { spec: Extract<TaskSpec, { kind: 'download' }>; presets: Preset[] }>();
  private readonly unresolved: UnresolvedPresetWork[] = [];
  private readonly conflicts: PresetConflict[] = [];
  private readonly deletes: PresetTask[] = [];
  private readonly adds: PresetTask[] = [];

  constructor(private readonly device: DeviceRecord) {}

  plan(presets: readonly Preset[], at: number): PresetPlan {
    const applied = [...presets].filter((p) => p.enabled && this.preconditionHolds(p)).sort(byPrecedence);
    for (const preset of applied) this.collect(preset);
    this.planInstances();
    const sets = this.planValues();
    const tags = this.planTags();
    const tasks = [...this.deletes, ...this.adds, ...sets, ...this.planRefreshes(), ...this.planDownloads(), ...this.planReboot()];
    return {
      at,
      tasks,
      tags,
      conflicts: this.conflicts,
      presetsApplied: applied.map((p) => p.name),
      unresolved: this.unresolved,
      digest: planDigest(tasks, tags),
    };
  }

  private preconditionHolds(preset: Preset): boolean {
    let expr: FilterExpr;
    try {
      expr = cachedFilter(preset.precondition);
    } catch (error) {
      this.unresolved.push({ preset: preset.name, channel: preset.channel, target: 'precondition', needs: [], message: error instanceof Error ? error.message : String(error) });
      return false;
    }
    return evaluateFilter(expr, this.device, DEVICE_FILTER_SHAPE);
  }

  private collect(preset: Preset): void {
    for (const action of preset.actions) {
      if ('setValues' in action) {
        for (const entry of action.setValues) {
          const value = this.render(entry.value, preset, entry.path);
          if (value !== undefined) claim(this.values, entry.path, entry.type ? { preset, value, type: entry.type } : { preset, value });
        }
      } else if ('ensureInstances' in action) {
        this.collectInstances(preset, action.ensureInstances);
      } else if ('addTags' in action) {
        for (const tag of action.addTags) claim(this.tagClaims, tag, { preset, value: true });
      } else if ('removeTags' in action) {
        for (const tag of action.removeTags) claim(this.tagClaims, tag, { preset, value: false });
      } else if ('refresh' in action) {
        this.refreshes.push({ path: withoutTrailingDot(action.refresh), preset });
      } else if ('reboot' in action) {
        this.reboots.push(preset);
      } else {
        const url = this.render(action.download.url, preset, 'download.url');
        if (url === undefined) continue;
        const spec: Extract<TaskSpec, { kind: 'download' }> = { kind: 'download', fileType: action.download.fileType, url: String(url) };
        if (action.download.fileSize !== undefined) spec.fileSize = action.download.fileSize;
        if (action.download.targetFileName !== undefined) spec.targetFileName = action.download.targetFileName;
        const id = JSON.stringify(spec);
        const existing = this.downloads.get(id);
        if (existing) existing.presets.push(preset);
        else this.downloads.set(id, { spec, presets: [preset] });
      }
    }
  }

  private collectInstances(preset: Preset, wish: Extract<Preset['actions'][number], { ensureInstances: unknown }>['ensureInstances']): void {
    const object = withoutTrailingDot(wish.object);
    const rendered: Array<Record<string, PresetValue>> = [];
    for (const instance of wish.instances) {
      const values: Record<string, PresetValue> = {};
      for (const [name, raw] of Object.entries(instance)) {
        const value = this.render(raw, preset, `${object}.[${wish.key}].${name}`);
        // One instance that cannot be rendered voids the whole wish: with removeOthers it would delete the instance
        // it was meant to keep.
        if (value === undefined) return;
        values[name] = value;
      }
      rendered.push(values);
    }
    this.instanceWishes.push({ preset, object, key: wish.key, instances: rendered, removeOthers: wish.removeOthers === true });
  }

  private render(value: PresetValue, preset: Preset, target: string): PresetValue | undefined {
    try {
      return renderTemplate(value, this.device);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.unresolved.push({ preset: preset.name, channel: preset.channel, target, needs: error.missing ? [error.missing] : [], message: error.message });
      return undefined;
    }
  }

  /** Instances: match wanted instances to existing ones by key, add the missing, delete the others if asked. */
  private planInstances(): void {
    const byObject = new Map<string, InstanceWish[]>();
    for (const wish of this.instanceWishes) byObject.set(wish.object, [...(byObject.get(wish.object) ?? []), wish]);
    for (const [object, wishes] of byObject) {
      const existing = this.instancesOf(object);
      const unknownKey = existing === undefined ? undefined : wishes.flatMap((w) => existing.filter((n) => this.known(`${object}.${n}.${w.key}`) === undefined).map((n) => `${object}.${n}.${w.key}`));
      if (existing === undefined || (unknownKey && unknownKey.length > 0)) {
        // Never add to a table the ACS knows nothing (or too little) about: that is how duplicates are made.
        const first = wishes[0].preset;
        this.refreshes.push({ path: object, preset: first });
        for (const wish of wishes) {
          this.unresolved.push({
            preset: wish.preset.name,
            channel: wish.preset.channel,
            target: object,
            needs: existing === undefined ? [object] : (unknownKey ?? []),
            message: existing === undefined ? `the instances of ${object} are not known yet` : `the key values of some instances of ${object} are not known yet`,
          });
        }
        continue;
      }
      const kept = new Set<number>();
      const toAdd = new Map<string, { wish: InstanceWish; keyValue: PresetValue; values: Map<string, Claim[]> }>();
      for (const wish of wishes) {
        for (const instance of wish.instances) {
          const keyValue = instance[wish.key];
          const match = existing.find((n) => valuesEqual(keyValue, this.known(`${object}.${n}.${wish.key}`)));
          if (match !== undefined) {
            kept.add(match);
            for (const [name, value] of Object.entries(instance)) {
              if (name !== wish.key) claim(this.values, `${object}.${match}.${name}`, { preset: wish.preset, value });
            }
            continue;
          }
          const id = `${wish.key}\u0000${String(keyValue)}`;
          let pending = toAdd.get(id);
          if (!pending) {
            pending = { wish, keyValue, values: new Map() };
            toAdd.set(id, pending);
          }
          for (const [name, value] of Object.entries(instance)) claim(pending.values, name, { preset: wish.preset, value });
        }
      }
      const remover = wishes.find((w) => w.removeOthers);
      if (remover) {
        const removers = wishes.filter((w) => w.removeOthers).map((w) => w.preset.name);
        for (const n of existing) {
          if (!kept.has(n)) this.deletes.push({ spec: { kind: 'deleteObject', path: `${object}.${n}` }, channel: remover.preset.channel, presets: sortedNames(removers) });
        }
      }
      for (const { wish, keyValue, values } of toAdd.values()) {
        const names = [...values.keys()].sort((a, b) => (a === wish.key ? -1 : b === wish.key ? 1 : compareText(a, b)));
        const presets = new Set<string>();
        const addValues = names.map((name) => {
          const winner = this.resolve('value', `${object}.[${wish.key}=${String(keyValue)}].${name}`, values.get(name) ?? []);
          presets.add(winner.preset.name);
          return { name, value: winner.value };
        });
        this.adds.push({ spec: { kind: 'addObject', path: object, values: addValues }, channel: wish.preset.channel, presets: sortedNames([...presets]) });
      }
    }
  }

  /** The instance numbers of a table, or undefined when the ACS has never seen the table. */
  private instancesOf(object: string): number[] | undefined {
    const prefix = `${object}.`;
    const numbers = new Set<number>();
    for (const path of Object.keys(this.device.parameters)) {
      if (!path.startsWith(prefix)) continue;
      const segment = path.slice(prefix.length).split('.', 1)[0];
      if (/^\d+$/.test(segment)) numbers.add(Number(segment));
    }
    if (numbers.size === 0 && this.device.parameters[object] === undefined) return undefined;
    return [...numbers].sort((a, b) => a - b);
  }

  private known(path: string): PresetValue | undefined {
    return this.device.parameters[path]?.value;
  }

  private planValues(): PresetTask[] {
    const byChannel = new Map<string, { values: Array<{ path: string; value: PresetValue; type?: string }>; presets: Set<string> }>();
    for (const path of [...this.values.keys()].sort(compareText)) {
      const winner = this.resolve('value', path, this.values.get(path) ?? []);
      const current = this.known(path);
      if (current !== undefined && valuesEqual(winner.value, current)) continue;
      let group = byChannel.get(winner.preset.channel);
      if (!group) {
        group = { values: [], presets: new Set() };
        byChannel.set(winner.preset.channel, group);
      }
      group.values.push(winner.type ? { path, value: winner.value, type: winner.type } : { path, value: winner.value });
      group.presets.add(winner.preset.name);
    }
    return [...byChannel.keys()].sort(compareText).map((channel) => {
      const group = byChannel.get(channel)!;
      return { spec: { kind: 'setParameterValues', values: group.values }, channel, presets: sortedNames([...group.presets]) };
    });
  }

  private planTags(): { add: string[]; remove: string[] } {
    const add: string[] = [];
    const remove: string[] = [];
    for (const tag of [...this.tagClaims.keys()].sort(compareText)) {
      const wanted = this.resolve('tag', tag, this.tagClaims.get(tag) ?? []).value === true;
      const present = this.device.tags.includes(tag);
      if (wanted && !present) add.push(tag);
      if (!wanted && present) remove.push(tag);
    }
    return { add, remove };
  }

  private planRefreshes(): PresetTask[] {
    const byPath = new Map<string, Preset[]>();
    for (const { path, preset } of this.refreshes) byPath.set(path, [...(byPath.get(path) ?? []), preset]);
    const paths = [...byPath.keys()].sort(compareText);
    // A refresh of Device.WiFi already reads Device.WiFi.SSID.
    const covered = (path: string) => paths.some((other) => other !== path && path.startsWith(`${other}.`));
    return paths
      .filter((path) => !covered(path))
      .map((path) => {
        const presets = [...byPath.get(path)!].sort(byPrecedence);
        return { spec: { kind: 'refreshObject', path }, channel: presets[0].channel, presets: sortedNames(presets.map((p) => p.name)) };
      });
  }

  private planDownloads(): PresetTask[] {
    return [...this.downloads.values()].map(({ spec, presets }) => {
      const ranked = [...presets].sort(byPrecedence);
      return { spec, channel: ranked[0].channel, presets: sortedNames(ranked.map((p) => p.name)) };
    });
  }

  private planReboot(): PresetTask[] {
    if (this.reboots.length === 0) return [];
    const ranked = [...this.reboots].sort(byPrecedence);
    return [{ spec: { kind: 'reboot' }, channel: ranked[0].channel, presets: sortedNames(ranked.map((p) => p.name)) }];
  }

  /** The winning claim; disagreeing losers are recorded as a conflict. */
  private resolve(subject: 'value' | 'tag', name: string, claims: Claim[]): Claim {
    // Stable: claims of one preset keep their order; across presets, precedence decides.
    const [winner, ...others] = [...claims].sort((a, b) => byPrecedence(a.preset, b.preset));
    const overruled = others.filter((c) => !valuesEqual(c.value, winner.value));
    if (overruled.length > 0) {
      const side = (c: Claim): ConflictSide => ({ preset: c.preset.name, weight: c.preset.weight, value: c.value });
      this.conflicts.push({ subject, name, winner: side(winner), overruled: overruled.map(side) });
    }
    return winner;
  }
}

/** Higher weight first, then name order: the first preset in this order wins a disputed value. */
export function byPrecedence(a: Preset, b: Preset): number {
  return b.weight - a.weight || compareText(a.name, b.name);
}

/**
 * Whether a desired value is what the device has. CWMP carries the same value as text or typed, so 300 equals "300"
 * and true equals "true" or "1".
 */
export function valuesEqual(a: PresetValue | undefined, b: PresetValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const x = asBoolean(a);
    return x !== undefined && x === asBoolean(b);
  }
  return String(a) === String(b);
}

function asBoolean(value: PresetValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return undefined;
}

function claim(claims: Map<string, Claim[]>, key: string, entry: Claim): void {
  const list = claims.get(key);
  if (list) list.push(entry);
  else claims.set(key, [entry]);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedNames(names: string[]): string[] {
  return [...new Set(names)].sort(compareText);
}

const filterCache = new Map<string, FilterExpr>();

function cachedFilter(text: string): FilterExpr {
  let expr = filterCache.get(text);
  if (!expr) {
    expr = parseFilter(text, DEVICE_FILTER_SHAPE);
    // Preconditions are few and stable; the bound only guards against unbounded growth.
    if (filterCache.size >= 1000) filterCache.clear();
    filterCache.set(text, expr);
  }
  return expr;
}

function planDigest(tasks: PresetTask[], tags: { add: string[]; remove: string[] }): string {
  const changes = tasks.filter((t) => t.spec.kind !== 'refreshObject').map((t) => t.spec);
  if (changes.length === 0 && tags.add.length === 0 && tags.remove.length === 0) return '';
  return createHash('sha256').update(JSON.stringify({ changes, tags })).digest('hex').slice(0, 32);
}
