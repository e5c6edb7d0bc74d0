import type { BulkDataReport, BulkDataSink } from '../../http/bulkdata-report';
import type { IngestSamples } from '../usecases/ingest-samples.usecase';

/**
 * The BulkData collector's reports, ingested as samples (source `bulkdata`): one sample per collection interval of
 * the report, at the time the CPE collected it. The collector answers the CPE 204 only once this resolved, so a store
 * that fails has the CPE send the report again later; IngestSamples ignores readings it already holds.
 */
export class BulkDataIngest implements BulkDataSink {
  constructor(private readonly ingest: Pick<IngestSamples, 'execute'>) {}

  async accept(report: BulkDataReport): Promise<void> {
    if (report.reports.length === 0) return;
    await this.ingest.execute({ samples: report.reports.map((sample) => ({ deviceId: report.deviceId, at: sample.at, source: 'bulkdata' as const, values: sample.values })) });
  }
}
