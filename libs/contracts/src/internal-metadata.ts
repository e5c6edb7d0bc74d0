/**
 * Request metadata the NBI sets on the calls it relays to a service's API, from what it knows of the caller; a
 * public caller's own value is never passed on (the relay starts each backend call with fresh metadata).
 *
 * The authenticated client's name (an entry of the NBI's clients file): provisioning files the tasks it creates as
 * `api:<name>`. Absent when the caller is not an API client (another service, a test), which leaves the source `api`.
 */
export const REQUESTED_BY_METADATA_KEY = 'x-acs-requested-by';

/**
 * Set by another ACS service creating device work through provisioning's internal API (the firmware service:
 * `firmware:<campaign>`; the grouping service's bulk jobs: `job:<jobId>`; the diagnostics service's test runs: `diagnostics:run:<runId>`): the task's source, so its `acs.task` events lead back to the work it belongs to. Only
 * values of the form `<service>:<id>` for the services in INTERNAL_TASK_SOURCES are taken; the NBI never relays a
 * public caller's metadata, so an API client cannot set it.
 */
export const TASK_SOURCE_METADATA_KEY = 'x-acs-task-source';
export const INTERNAL_TASK_SOURCES = ['firmware', 'job', 'diagnostics'] as const;

/** The task source an internal caller named, or undefined when absent or not of an internal service. */
export function internalTaskSourceOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([a-z]+):([\x21-\x7e]{1,128})$/.exec(value);
  return match && (INTERNAL_TASK_SOURCES as readonly string[]).includes(match[1]) ? value : undefined;
}
