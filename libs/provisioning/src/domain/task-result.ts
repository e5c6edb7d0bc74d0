import type { Task, TaskResultEntryKind, TaskResultSummary, TaskSpec } from './task';

/**
 * A result up to this size (as JSON text) travels in the task itself: stored in the task's document, returned in
 * Task.result by GetTask, CreateTask and WatchTask, and published in `acs.task.done`. A larger one is stored apart in
 * pages and only GetTaskResult returns it (docs/adr/0015-task-results-apart-and-paged.md): a 30,000-parameter read
 * is 4 MB, over gRPC's default message limit, Kafka's default record limit and, with a few of them, the store's
 * document limit.
 */
export const INLINE_RESULT_MAX_BYTES = 64 * 1024;

/** The list a result's entries come from, by the name it has in the result (task-rpcs.ts resultOf). */
const LIST_FIELDS: ReadonlyArray<readonly [string, TaskResultEntryKind]> = [
  ['values', 'parameter_values'],
  ['names', 'names'],
  ['attributes', 'attributes'],
];

/** A result as a list of entries: the one list it holds, or the whole result as one entry. */
export interface TaskResultEntries {
  kind: TaskResultEntryKind;
  entries: unknown[];
}

export function taskResultEntries(result: unknown): TaskResultEntries {
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
    const keys = Object.keys(result);
    const list = LIST_FIELDS.find(([field]) => keys.length === 1 && keys[0] === field);
    const value = list ? (result as Record<string, unknown>)[list[0]] : undefined;
    if (list && Array.isArray(value)) return { kind: list[1], entries: value };
  }
  return { kind: 'object', entries: [result] };
}

/** The summary of a done task's result; `spec` (and for an applyPreset task, the specs it ran) tells what counts as set. */
export function summarizeTaskResult(spec: TaskSpec, result: unknown, ran: readonly TaskSpec[] = []): TaskResultSummary {
  const { kind, entries } = taskResultEntries(result);
  const sizeBytes = Buffer.byteLength(JSON.stringify(result) ?? '', 'utf8');
  return {
    entryKind: kind,
    entryCount: entries.length,
    sizeBytes,
    inline: sizeBytes <= INLINE_RESULT_MAX_BYTES,
    parametersRead: kind === 'parameter_values' ? entries.length : 0,
    parametersSet: [spec, ...ran].reduce((sum, s) => sum + parametersSetBy(s), 0),
  };
}

function parametersSetBy(spec: TaskSpec): number {
  if (spec.kind === 'setParameterValues') return spec.values.length;
  if (spec.kind === 'addObject') return spec.values?.length ?? 0;
  return 0;
}

/** What a task's result and fault amount to, as the API and the events report it; undefined when it has neither. */
export interface TaskOutcomeSummary extends TaskResultSummary {
  /** SetParameterValues faults: the parameters the device refused. */
  parametersFailed: number;
}

export function taskOutcomeSummary(task: Pick<Task, 'spec' | 'result' | 'resultSummary' | 'fault'>): TaskOutcomeSummary | undefined {
  // Tasks done before summaries were stored carry their result inline (in the document), whatever its size.
  const result = task.resultSummary ?? (task.result !== undefined ? summarizeTaskResult(task.spec, task.result) : undefined);
  const parametersFailed = task.fault?.parameters?.length ?? 0;
  if (!result && !task.fault) return undefined;
  return {
    ...(result ?? { entryKind: 'object', entryCount: 0, sizeBytes: 0, inline: true, parametersRead: 0, parametersSet: 0 }),
    parametersFailed,
  };
}

/** A result too large to travel inline, or a legacy inline one, is not put in a Task answer. */
export function inlineResultOf(task: Pick<Task, 'spec' | 'result' | 'resultSummary' | 'fault'>): unknown {
  if (task.result === undefined) return undefined;
  return taskOutcomeSummary(task)?.inline ? task.result : undefined;
}
