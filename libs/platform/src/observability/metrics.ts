import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry per process with Node's default metrics; every module registers its own metrics on it. */
export function createMetricsRegistry(prefix = 'acs_'): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return registry;
}

/**
 * The metric registered under `name`, or the one `create` registers: modules built more than once on one registry
 * (tests, a module per server) share the metric instead of failing on a duplicate name.
 */
export function metricOf<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
