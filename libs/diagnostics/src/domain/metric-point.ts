/**
 * One value of one metric of one device at one time, as monitoring hands it on (to the time series and to the
 * threshold rules). For a counter metric `value` is already the rate (per second) over the interval that ended at `at`;
 * a gauge's is the value read.
 */
export interface MetricPoint {
  deviceId: string;
  /** The metric's name (`wan.bytesReceived`, `optical.rxPower`…): the same on TR-181 and TR-098 devices. */
  metric: string;
  /** Epoch ms: when the CPE measured it (the report's or the Inform's time), else when the ACS read it. */
  at: number;
  value: number;
}
