// Parameter paths as TR-069 writes them: `Device.WiFi.SSID.1.SSID` names a parameter, a path ending in `.` names
// an object (or, for GetParameterNames / GetParameterValues, a partial path covering a subtree).

export type RootObject = 'Device' | 'InternetGatewayDevice';

export function isObjectPath(name: string): boolean {
  return name.endsWith('.');
}

/** Segments without the trailing empty one of an object path: `Device.IP.` → ['Device', 'IP']. */
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
