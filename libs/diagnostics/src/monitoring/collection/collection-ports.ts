import type { DataModelRoot } from '../../domain/diagnostics-catalog';
import type { MetricCatalog } from '../domain/metric-catalog';
import type { MonitoringProfile, MonitoringTarget } from '../domain/monitoring-profile';
import type { MonitoredDevice } from '../repositories/ports';
import type { IngestSamplesCommand, IngestSamplesResult } from '../usecases/ingest-samples.usecase';

/**
 * The ports of sample collection (periodic reads, BulkData profiles, Inform values). The service's wiring answers
 * them over provisioning's and grouping's APIs (service-collection-adapters.ts), the monitoring use cases and the
 * diagnostics HTTP server; the specs over in-memory ones.
 */

/** A device a target holds, with the data model it informed with (unknown before its first Inform). */
export interface TargetDevice {
  deviceId: string;
  root?: DataModelRoot;
}

export interface TargetPage {
  devices: TargetDevice[];
  /** Where the next page starts; '' when this was the last. */
  next: string;
}

/** Which devices a profile's target holds, page by page in a stable order (a filter over provisioning, a group's members). */
export interface TargetMembers {
  page(target: MonitoringTarget, after: string, limit: number): Promise<TargetPage>;
}

/** A value a provisioning task sets (CWMP lexical form with its XSD type). */
export interface TaskValue {
  name: string;
  value: string;
  type: 'xsd:string' | 'xsd:boolean' | 'xsd:unsignedInt';
}

/** What a collection task was for, read back from its `acs.task` event (the task's source names the profile). */
export type CollectionTaskKind = 'getParameterValues' | 'addObject' | 'setParameterValues' | 'deleteObject';

/**
 * Provisioning tasks filed under `diagnostics:monitoring:<profileId>`, each tried once (the collection retries in its
 * own rounds). Reads wait for the device's `2 PERIODIC` Inform; BulkData set-up goes with the device's next session.
 */
export interface CollectionTasks {
  createRead(request: { profileId: string; deviceId: string; paths: readonly string[]; expiresAt: number }): Promise<{ taskId: string }>;
  /** AddObject of `object` (`Device.BulkData.Profile.`) with values set on the new instance. */
  createAddObject(request: { profileId: string; deviceId: string; object: string; values: readonly TaskValue[]; expiresAt: number }): Promise<{ taskId: string }>;
  createSet(request: { profileId: string; deviceId: string; values: ReadonlyArray<{ path: string; value: string; type: TaskValue['type'] }>; expiresAt: number }): Promise<{ taskId: string }>;
  createDeleteObject(request: { profileId: string; deviceId: string; instance: string; expiresAt: number }): Promise<{ taskId: string }>;
  /** Cancels a task still waiting; nothing for one already ended or forgotten. */
  cancel(taskId: string): Promise<void>;
  /** A read's values when its event did not carry them (too large). */
  readValues(taskId: string): Promise<Record<string, string>>;
}

/** The enabled monitoring profiles, as the collection works from them each round. */
export interface CollectionProfiles {
  list(): Promise<MonitoringProfile[]>;
}

/** The metric catalog (built-in and custom metrics) as of now. */
export interface CollectionCatalog {
  current(): Promise<MetricCatalog>;
}

/** Monitoring's per-device state: the instance bindings a read's paths resolve with. */
export interface CollectionDeviceStates {
  getMany(deviceIds: readonly string[]): Promise<Map<string, MonitoredDevice>>;
}

/** Where collected values go: monitoring's IngestSamples. */
export interface SampleIngest {
  execute(command: IngestSamplesCommand): Promise<IngestSamplesResult>;
}

/** The BulkData collector's URL for a device (DiagnosticsHttpServer.issueBulkDataUrl): signed, so it names the device. */
export interface BulkDataUrlIssuer {
  issueBulkDataUrl(deviceId: string): string;
}
