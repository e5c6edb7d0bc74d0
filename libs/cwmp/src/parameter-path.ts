// Parameter paths as TR-069 writes them: `Device.WiFi.SSID.1.SSID` names a parameter, a path ending in `.` names
// an object (or, for GetParameterNames / GetParameterValues, a partial path covering a subtree).
//
// This file is the one rule for what a valid path is. TR-106 names start with a letter and go on with letters, digits,
// `_` and `-`; instances are numbers. Everything that stores, queries or validates paths (the inventory, the filter
// language, presets, the task API) asks this rule, so nothing is stored that a filter cannot find.

export type RootObject = 'Device' | 'InternetGatewayDevice';

/** A path that breaks the rule below: the path as given, and why. */
export class InvalidParameterPathError extends Error {
  override readonly name = 'InvalidParameterPathError';

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`invalid parameter path "${path}": ${reason}`);
  }
}

const NAME_OR_INSTANCE = /^(?:[A-Za-z][A-Za-z0-9_-]*|[0-9]+)$/;

// TR-106 would allow these names, but a store that walks dotted keys with plain property access (nedb, and any
// object-tree code) would write into Object.prototype or Object: no data model uses them, so the rule refuses them.
const OBJECT_BUILTINS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isObjectPath(name: string): boolean {
  return name.endsWith('.');
}

/** The path without the trailing dot of object notation: `Device.IP.` → `Device.IP` (the form the ACS stores). */
export function withoutTrailingDot(name: string): string {
  return isObjectPath(name) ? name.slice(0, -1) : name;
}

/** Segments without the trailing empty one of an object path: `Device.IP.` → ['Device', 'IP']. No validation. */
export function pathSegments(name: string): string[] {
  if (name === '') return [];
  const segments = name.split('.');
  if (segments[segments.length - 1] === '') segments.pop();
  return segments;
}

/** The object containing a parameter or object: `Device.IP.Enable` → `Device.IP.`, `Device.` → `` (the root). */
export function parentPath(name: string): string {
  const end = name.endsWith('.') ? name.length - 1 : name.length;
  const dot = name.lastIndexOf('.', end - 1);
  return dot === -1 ? '' : name.slice(0, dot + 1);
}

/** The data model a path belongs to: TR-181 (`Device`) or TR-098 (`InternetGatewayDevice`). */
export function rootObjectOf(name: string): RootObject | null {
  const dot = name.indexOf('.');
  const root = dot === -1 ? name : name.slice(0, dot);
  return root === 'Device' || root === 'InternetGatewayDevice' ? root : null;
}

/**
 * Why `path` is not a valid path, or null when it is. A trailing dot (object notation) is accepted; the path need not
 * start at a root object (presets name paths relative to one).
 */
export function parameterPathProblem(path: string): string | null {
  const known = VALID_PATHS.has(path);
  if (known) return null;
  const problem = findPathProblem(path);
  if (problem === null) {
    // Every Inform and answer names the same few hundred paths again: validate each once. Only valid paths are
    // remembered, and the set is emptied when it grows past its bound, so hostile variety costs a re-check.
    if (VALID_PATHS.size >= VALID_PATHS_KEPT) VALID_PATHS.clear();
    VALID_PATHS.add(path);
  }
  return problem;
}

const VALID_PATHS = new Set<string>();
const VALID_PATHS_KEPT = 20_000;

function findPathProblem(path: string): string | null {
  const trimmed = withoutTrailingDot(path);
  if (trimmed === '') return 'empty path';
  for (const segment of trimmed.split('.')) {
    if (segment === '') return 'empty segment';
    if (segment.includes('$')) return 'contains "$"';
    if (OBJECT_BUILTINS.has(segment)) return `segment "${segment}" is not a TR-069 name`;
    if (!NAME_OR_INSTANCE.test(segment)) {
      return `segment "${segment}" must be a TR-106 name (a letter first, then letters, digits, "_", "-") or an instance number`;
    }
  }
  return null;
}

/** Whether `path` is valid and written without a trailing dot, the form the ACS stores and filters name. */
export function isParameterPath(path: string): boolean {
  return !isObjectPath(path) && parameterPathProblem(path) === null;
}

/** The segments of a valid path (a trailing dot is accepted and dropped), or InvalidParameterPathError. */
export function parameterPathSegments(path: string): string[] {
  const problem = parameterPathProblem(path);
  if (problem !== null) throw new InvalidParameterPathError(path, problem);
  return pathSegments(path);
}

/** `Device.IP.` → `Device.IP` after validation (InvalidParameterPathError otherwise). */
export function normalizeParameterPath(path: string): string {
  const problem = parameterPathProblem(path);
  if (problem !== null) throw new InvalidParameterPathError(path, problem);
  return withoutTrailingDot(path);
}
