import { customMetricDefinition, MetricCatalog } from '../domain/metric-catalog';
import type { MonitoringProfileRepository } from '../repositories/ports';

/** How long a pod trusts its catalog of custom metrics before reading the profiles again (another pod's edits). */
export const CATALOG_REFRESH_MS = 60_000;

/**
 * The metric catalog as ingestion and reads use it: built-in metrics plus every profile's custom ones, read from the
 * profiles at most once a minute (and at once after this pod changed a profile).
 */
export class MetricCatalogSource {
  private cached: { catalog: MetricCatalog; readAt: number } | undefined;

  constructor(
    private readonly profiles: MonitoringProfileRepository,
    private readonly now: () => number,
    private readonly refreshMs = CATALOG_REFRESH_MS,
  ) {}

  async current(): Promise<MetricCatalog> {
    const now = this.now();
    if (this.cached && now - this.cached.readAt < this.refreshMs) return this.cached.catalog;
    const profiles = await this.profiles.list();
    const catalog = new MetricCatalog(profiles.flatMap((profile) => profile.customMetrics.map(customMetricDefinition)));
    this.cached = { catalog, readAt: now };
    return catalog;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
