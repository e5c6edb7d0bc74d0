import { Writable } from 'node:stream';

import pino from 'pino';

import { SessionSummary } from './session-summary';

describe('SessionSummary', () => {
  function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { logger: pino({ base: undefined, timestamp: false }, stream), lines };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('writes one line for the minute with what its sessions did, and none for a minute without traffic', async () => {
    let now = 0;
    const { logger, lines } = capture();
    const summary = new SessionSummary(logger, () => now);
    summary.opened(['0 BOOTSTRAP', '1 BOOT']);
    summary.opened(['2 PERIODIC']);
    summary.opened(['2 PERIODIC']);
    summary.closed('completed', 2, false);
    summary.closed('completed', 0, false);
    summary.closed('protocol-error', 1, true);
    summary.authFailed();
    summary.rejected();
    now = 60_000;
    summary.write();
    now = 120_000;
    summary.write();
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'CWMP sessions',
      periodSeconds: 60,
      sessions: 3,
      sessionsPerSecond: 0.1,
      closed: { completed: 2, 'protocol-error': 1 },
      failed: 1,
      rpcs: 3,
      bootstraps: 1,
      authFailures: 1,
      rejectedRequests: 1,
    });
  });
});
