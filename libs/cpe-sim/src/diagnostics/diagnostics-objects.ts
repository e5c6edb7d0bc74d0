import type { DataModel, DataModelRoot } from '../data-model/data-model';
import { DIAGNOSTICS_STATES } from '../data-model/spec-rows';
import type { DiagnosticsKind } from './network-conditions';

/** One TR-143 diagnostics object of a simulated CPE's model. */
export interface DiagnosticsObjectModel {
  kind: DiagnosticsKind;
  /** Ends in '.'. */
  path: string;
  /** `Complete`, or `Completed` on TR-098's DownloadDiagnostics and UploadDiagnostics. */
  completeState: string;
  /** The DiagnosticsState values the spec declares for this object. */
  states: readonly string[];
  /** RouteHops parameter names: TR-098 prefixes them with Hop. */
  hopPrefix?: '' | 'Hop';
}

const OBJECTS: Record<DataModelRoot, ReadonlyArray<Omit<DiagnosticsObjectModel, 'states'>>> = {
  Device: [
    { kind: 'ipPing', path: 'Device.IP.Diagnostics.IPPing.', completeState: 'Complete' },
    { kind: 'traceRoute', path: 'Device.IP.Diagnostics.TraceRoute.', completeState: 'Complete', hopPrefix: '' },
    { kind: 'download', path: 'Device.IP.Diagnostics.DownloadDiagnostics.', completeState: 'Complete' },
    { kind: 'upload', path: 'Device.IP.Diagnostics.UploadDiagnostics.', completeState: 'Complete' },
    { kind: 'udpEcho', path: 'Device.IP.Diagnostics.UDPEchoDiagnostics.', completeState: 'Complete' },
    { kind: 'serverSelection', path: 'Device.IP.Diagnostics.ServerSelectionDiagnostics.', completeState: 'Complete' },
    { kind: 'nsLookup', path: 'Device.DNS.Diagnostics.NSLookupDiagnostics.', completeState: 'Complete' },
    { kind: 'ipLayerCapacity', path: 'Device.IP.Diagnostics.IPLayerCapacityMetrics.', completeState: 'Complete' },
  ],
  InternetGatewayDevice: [
    { kind: 'ipPing', path: 'InternetGatewayDevice.IPPingDiagnostics.', completeState: 'Complete' },
    { kind: 'traceRoute', path: 'InternetGatewayDevice.TraceRouteDiagnostics.', completeState: 'Complete', hopPrefix: 'Hop' },
    // TR-098 spells success "Completed" on the transfer tests (tr-098-1-8-0-full.xml, DownloadDiagnostics).
    { kind: 'download', path: 'InternetGatewayDevice.DownloadDiagnostics.', completeState: 'Completed' },
    { kind: 'upload', path: 'InternetGatewayDevice.UploadDiagnostics.', completeState: 'Completed' },
    { kind: 'nsLookup', path: 'InternetGatewayDevice.NSLookupDiagnostics.', completeState: 'Complete' },
  ],
};

/** The diagnostics objects this model has (a model read from CSV may lack some). */
export function diagnosticsObjectsOf(model: DataModel): DiagnosticsObjectModel[] {
  return OBJECTS[model.root]
    .filter((o) => model.has(`${o.path}DiagnosticsState`))
    .map((o) => ({ ...o, states: DIAGNOSTICS_STATES[o.path] ?? ['None', 'Requested', o.completeState, 'Error_Internal', 'Error_Other'] }));
}

/** The declared state nearest to `wanted`: itself, else Error_Other, Error_Internal or Error, else the first Error_*. */
export function declaredErrorState(object: DiagnosticsObjectModel, wanted: string): string {
  for (const candidate of [wanted, 'Error_Other', 'Error_Internal', 'Error']) if (object.states.includes(candidate)) return candidate;
  return object.states.find((s) => s.startsWith('Error')) ?? 'Error';
}
