import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { startApp } from '../support/processes';
import { describeMonitoringAcceptance } from './support/monitoring-acceptance';

// Performance monitoring's acceptance on the built standalone (support/monitoring-acceptance.ts says what it proves).
describeMonitoringAcceptance('standalone', {
  cpes: 100,
  start: async () => {
    const app = await startApp('standalone', {
      ACS_DIAGNOSTICS_HTTP_SECRET: 'monitoring-e2e-secret-0123456789',
      // Rounds back to back and a walk per round: the test waits for what they do, never for their timers.
      ACS_DIAGNOSTICS_COLLECTION_ROUND_MS: '100',
      ACS_DIAGNOSTICS_COLLECTION_WALK_MS: '0',
      ACS_DIAGNOSTICS_COLLECTION_BATCH: '1000',
      ACS_DIAGNOSTICS_INGEST_CONCURRENCY: '64',
    });
    return {
      cwmpUrl: app.cwmpUrl,
      nbiAddress: app.nbiAddress,
      token: await bootstrapToken(app),
      stop: async () => expect(await app.stop()).toBe(0),
    };
  },
});
