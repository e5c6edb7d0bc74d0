import type { Group } from './group';
import { parseGroupRule, type GroupRule } from './group-rule';

/** Keys an event may touch that stand for "anything": a new or factory-reset device is evaluated against every group. */
export const EVERY_KEY = '*';

/**
 * Whether a key's value may change with no acs.device event telling grouping (docs/grouping.md "Not evented"): a
 * periodic Inform moves `lastInform`, and may move `ip` and the inform interval, and publishes nothing; a parameter's
 * value may be learned by a task (GetParameterValues) or come with an Inform that is no `4 VALUE CHANGE`. Identity
 * never changes; boots, bootstraps and tags are evented. Groups reading such a key are re-evaluated fully, periodically.
 */
export function isUneventedKey(key: string): boolean {
  return key === 'field:lastInform' || key === 'field:ip' || key === 'field:periodicInformInterval' || key.startsWith('param:');
}

/**
 * Every group, as the maintenance of memberships reads them: parents before children, each dynamic group's parsed
 * rule, and an index from what a filter reads (field, parameter, tag) to the dynamic groups reading it. Groups are
 * few (hundreds) next to devices (millions), so the directory is rebuilt whole when a group changes.
 */
export class GroupDirectory {
  private readonly byId = new Map<string, Group>();
  private readonly rules = new Map<string, GroupRule>();
  private readonly childrenOf = new Map<string, Group[]>();
  private readonly readers = new Map<string, Set<string>>();
  /** Every group, each after its parent. */
  readonly ordered: readonly Group[];

  constructor(groups: readonly Group[]) {
    for (const group of groups) this.byId.set(group.id, group);
    for (const group of groups) {
      if (group.parentId) this.childrenOf.set(group.parentId, [...(this.childrenOf.get(group.parentId) ?? []), group]);
      if (group.kind !== 'dynamic') continue;
      // A stored filter parsed when it was written; one that no longer parses (the vocabulary shrank) selects nobody
      // rather than stopping the maintenance of every other group.
      let rule: GroupRule;
      try {
        rule = parseGroupRule(group.filter ?? '');
      } catch {
        rule = { expr: { kind: 'not', operand: { kind: 'all' } }, keys: [] };
      }
      this.rules.set(group.id, rule);
      for (const key of rule.keys) this.readers.set(key, (this.readers.get(key) ?? new Set()).add(group.id));
    }
    const ordered: Group[] = [];
    const visit = (group: Group): void => {
      ordered.push(group);
      for (const child of this.childrenOf.get(group.id) ?? []) visit(child);
    };
    for (const group of groups) if (!group.parentId || !this.byId.has(group.parentId)) visit(group);
    this.ordered = ordered;
  }

  get(id: string): Group | undefined {
    return this.byId.get(id);
  }

  ruleOf(id: string): GroupRule | undefined {
    return this.rules.get(id);
  }

  children(id: string): readonly Group[] {
    return this.childrenOf.get(id) ?? [];
  }

  /** The group and every group nested in it, each after its parent. */
  subtree(id: string): Group[] {
    const group = this.byId.get(id);
    if (!group) return [];
    return [group, ...this.children(id).flatMap((child) => this.subtree(child.id))];
  }

  /** Whether `candidateParent` is `id` or nested in it: making it `id`'s parent would close a cycle. */
  wouldCycle(id: string, candidateParent: string): boolean {
    return this.subtree(id).some((group) => group.id === candidateParent);
  }

  /**
   * The groups whose membership of a device may change when the device's `touched` keys changed: the dynamic groups
   * reading any of them (all of them for EVERY_KEY), and every group nested in one of those (a child follows its
   * parent), parents first.
   */
  affectedBy(touched: Iterable<string>): Group[] {
    const direct = new Set<string>();
    for (const key of touched) {
      if (key === EVERY_KEY) {
        for (const id of this.rules.keys()) direct.add(id);
        break;
      }
      for (const id of this.readers.get(key) ?? []) direct.add(id);
    }
    if (direct.size === 0) return [];
    const affected = new Set<string>();
    for (const id of direct) for (const group of this.subtree(id)) affected.add(group.id);
    return this.ordered.filter((group) => affected.has(group.id));
  }

  /**
   * The dynamic groups whose filters read a key no event reports (isUneventedKey), parents first, less those nested
   * in another of them: a full evaluation of a group evaluates the groups nested in it.
   */
  readingUnevented(): Group[] {
    const reading = new Set<string>();
    for (const [id, rule] of this.rules) if (rule.keys.some(isUneventedKey)) reading.add(id);
    const covered = new Set<string>();
    const picked: Group[] = [];
    for (const group of this.ordered) {
      if (covered.has(group.id)) continue;
      if (!reading.has(group.id)) continue;
      picked.push(group);
      for (const nested of this.subtree(group.id)) covered.add(nested.id);
    }
    return picked;
  }

  /** Everything the dynamic rules among `groups` read. */
  keysRead(groups: readonly Group[]): Set<string> {
    const keys = new Set<string>();
    for (const group of groups) for (const key of this.rules.get(group.id)?.keys ?? []) keys.add(key);
    return keys;
  }
}
