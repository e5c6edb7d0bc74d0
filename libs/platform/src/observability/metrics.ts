import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry per process with Node's default metrics; every module registers its own metrics on it. */
export function createMetricsRegistry(prefix = 'acs_'): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return registry;
}
