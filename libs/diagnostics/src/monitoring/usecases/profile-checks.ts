import { NotFoundError, ValidationError, type FieldViolation } from '@acs/platform';

import { checkProfileDefinition, type MonitoringProfile, type MonitoringProfileDefinition } from '../domain/monitoring-profile';
import type { MonitoringProfileRepository } from '../repositories/ports';

/**
 * Checks a definition, and that its custom metrics agree with those of the same name in other profiles: a metric
 * name means one parameter everywhere, or its stored series would mix two.
 */
export async function checkDefinitionAgainst(profiles: MonitoringProfileRepository, definition: MonitoringProfileDefinition, profileId?: string): Promise<void> {
  checkProfileDefinition(definition);
  const others = (await profiles.list()).filter((profile) => profile.id !== profileId);
  const violations: FieldViolation[] = [];
  (definition.customMetrics ?? []).forEach((metric, index) => {
    for (const other of others) {
      const theirs = other.customMetrics.find((candidate) => candidate.name === metric.name);
      if (theirs && canonical(theirs) !== canonical(metric)) {
        violations.push({ field: `customMetrics[${index}].name`, description: `${metric.name} is defined differently by profile ${other.name}`, reason: 'ALREADY_EXISTS' });
        break;
      }
    }
  });
  if (violations.length > 0) throw new ValidationError(`invalid monitoring profile: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
}

function canonical(metric: NonNullable<MonitoringProfileDefinition['customMetrics']>[number]): string {
  const paths = Object.entries(metric.paths).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([metric.name, metric.kind, metric.bits ?? null, metric.unit ?? '', metric.scale ?? 1, paths]);
}

export async function profileOrNotFound(profiles: MonitoringProfileRepository, id: string): Promise<MonitoringProfile> {
  const profile = typeof id === 'string' && id !== '' ? await profiles.get(id) : null;
  if (!profile) throw new NotFoundError('monitoring profile', String(id));
  return profile;
}
