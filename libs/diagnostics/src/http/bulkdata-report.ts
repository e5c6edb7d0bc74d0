/** The four report formats of TR-069 Annex N (`BulkData.Profile.{i}.{JSON,CSV}Encoding.ReportFormat`). */
export const BULKDATA_FORMATS = ['ObjectHierarchy', 'NameValuePair', 'ParameterPerRow', 'ParameterPerColumn'] as const;
export type BulkDataFormat = (typeof BULKDATA_FORMATS)[number];

/** One collection interval of a BulkData profile: when it was collected, and each parameter's value as text. */
export interface BulkDataSample {
  /** Epoch milliseconds (the report's CollectionTime or row timestamp; the time of receipt when it has none). */
  at: number;
  /** Parameter path (or the profile's Parameter.Name) → value. */
  values: Record<string, string>;
}

/**
 * One HTTP transfer of a BulkData profile from one device: the current interval's report and any failed ones the CPE
 * retained (NumberOfRetainedFailedReports), oldest first as the CPE sent them.
 */
export interface BulkDataReport {
  deviceId: string;
  format: BulkDataFormat;
  receivedAt: number;
  reports: BulkDataSample[];
}

/**
 * Where the collector hands each report (the monitoring part implements it). The CPE is answered 204 only once
 * `accept` resolved; a rejection (or no answer within ACS_DIAGNOSTICS_BULKDATA_SINK_TIMEOUT_MS) answers 503, and
 * the CPE sends the report again later (HTTP.RetryEnable), so `accept` may see a report twice.
 */
export interface BulkDataSink {
  accept(report: BulkDataReport): Promise<void>;
}
