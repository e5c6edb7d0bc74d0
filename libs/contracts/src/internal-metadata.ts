/**
 * Request metadata the NBI sets on the calls it relays to a service's API, from what it knows of the caller; a
 * public caller's own value is never passed on (the relay starts each backend call with fresh metadata).
 *
 * The authenticated client's name (an entry of the NBI's clients file): provisioning files the tasks it creates as
 * `api:<name>`. Absent when the caller is not an API client (another service, a test), which leaves the source `api`.
 */
export const REQUESTED_BY_METADATA_KEY = 'x-acs-requested-by';
