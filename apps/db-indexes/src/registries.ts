import type { ServiceCollections } from '@acs/infra-mongo';
import { diagnosticsCollections } from '@acs/diagnostics';
import { firmwareCollections } from '@acs/firmware';
import { groupingCollections } from '@acs/grouping';
import { nbiCollections } from '@acs/nbi';
import { provisioningCollections } from '@acs/provisioning';

/**
 * The collections of every service, for `npm run db:indexes`. A service that owns Mongo collections exports its
 * ServiceCollections from its lib and adds it here (e.g. `provisioningCollections` from @acs/provisioning); the
 * command then builds its indexes with everyone else's.
 */
export const serviceCollections: readonly ServiceCollections[] = [provisioningCollections, firmwareCollections, groupingCollections, diagnosticsCollections, nbiCollections];
