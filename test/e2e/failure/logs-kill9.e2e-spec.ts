import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEnvelope, type Inform } from '@acs/cwmp';
import { metric, startApp, type RunningApp } from '../support/processes';

interface LogLine {
  level: string;
  msg: string;
  lifecycle?: string;
  suppressed?: number;
  [field: string]: unknown;
}

/** Every line of the file as JSON: a line that does not parse fails the test (a TTY-less run prints JSON only). */
function logLines(file: string): LogLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON line in ${file}: ${line}`);
      }
    });
}

function exited(app: RunningApp): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = app.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function informXml(serialNumber: string): string {
  const inform: Inform = {
    kind: 'Inform',
    deviceId: { manufacturer: 'Acme', oui: '00AA11', productClass: 'Router', serialNumber },
    events: [{ eventCode: '2 PERIODIC', commandKey: '' }],
    maxEnvelopes: 1,
    currentTime: new Date().toISOString(),
    retryCount: 0,
    parameterList: [],
  };
  return buildEnvelope(inform, { id: '1' }, '1.0');
}

const wrongPassword = `Basic ${Buffer.from('cpe:not-the-password').toString('base64')}`;

/**
 * The log is what an operator has after a crash: the lines logged before the kill must be in the file. The
 * standalone's stdout goes straight to a file, as with `npm start > acs.log`.
 */
describe('the standalone log on disk', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acs-logs-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = (file: string, env: Record<string, string> = {}) =>
    startApp(
      'standalone',
      { ACS_LOG_LEVEL: 'info', ACS_CPE_AUTH: 'basic', ACS_CPE_USERNAME: 'cpe', ACS_CPE_PASSWORD: 'the-password', ACS_DATA_DIR: join(dir, 'data'), ...env },
      { stdoutFile: file },
    );

  it('has the warnings a request caused, once its client has the answer, after a kill -9 right then', async () => {
    const file = join(dir, 'acs.log');
    const app = await start(file);
    try {
      const badXml = await fetch(app.cwmpUrl, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: '<soap:Envelope><soap:Body><cwmp:Inform>' });
      expect(badXml.status).toBe(400);
      await badXml.text();
      const refused = await fetch(app.cwmpUrl, { method: 'POST', headers: { 'Content-Type': 'text/xml', Authorization: wrongPassword }, body: informXml('KILL9') });
      expect(refused.status).toBe(401);
      await refused.text();
      // The answer is in: kill at once, without a chance to flush anything.
      app.process.kill('SIGKILL');
      expect(await exited(app)).toEqual({ code: null, signal: 'SIGKILL' });

      const lines = logLines(file);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'rejected CWMP request' }));
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'CPE authentication failed', deviceId: '00AA11-Router-KILL9' }));
      // Lifecycle lines of the start, with what an operator needs to find the service.
      const ready = lines.find((line) => line.lifecycle === 'ready');
      expect(lines.find((line) => line.lifecycle === 'starting')).toMatchObject({ service: 'acs-standalone', dataDir: join(dir, 'data'), store: 'sqlite' });
      expect(ready).toMatchObject({ cwmp: app.cwmpUrl, nbi: app.nbiAddress, mgmt: app.mgmtUrl });
      expect(typeof ready?.readyInMs).toBe('number');
    } finally {
      app.process.kill('SIGKILL');
    }
  });

  it('prints JSON lines only without a terminal, says it is draining and that it stopped on SIGTERM, and exits 0', async () => {
    const file = join(dir, 'acs.log');
    const app = await start(file);
    expect(await app.stop()).toBe(0);

    const lines = logLines(file);
    const lifecycle = lines.filter((line) => line.lifecycle !== undefined).map((line) => line.lifecycle);
    expect(lifecycle.indexOf('draining')).toBeGreaterThan(lifecycle.indexOf('ready'));
    expect(lifecycle.at(-1)).toBe('stopped');
    expect(lines.find((line) => line.lifecycle === 'draining' && line.signal === 'SIGTERM')).toBeDefined();
    expect(lines.find((line) => line.lifecycle === 'drained')).toMatchObject({ requestsCut: 0 });
    expect(lines.find((line) => line.lifecycle === 'stopped')).toMatchObject({ signal: 'SIGTERM', closed: expect.arrayContaining(['gateway store']) });
  });

  it('writes a handful of lines for a flood of wrong passwords from one source, and says how many it held back', async () => {
    const file = join(dir, 'acs.log');
    // Every attempt is checked and refused 401 here: the lockout, which would answer 503 from the tenth on, is
    // cpe-auth-lockout.e2e's subject.
    const app = await start(file, { ACS_CPE_AUTH_LOCKOUT: 'false' });
    try {
      const attempts = 60;
      for (let i = 0; i < attempts; i++) {
        const res = await fetch(app.cwmpUrl, { method: 'POST', headers: { 'Content-Type': 'text/xml', Authorization: wrongPassword }, body: informXml('FLOOD') });
        expect(res.status).toBe(401);
        await res.text();
      }
      // Every attempt is counted in the metrics; the log holds a few and the count of the rest.
      expect(await metric(app.mgmtUrl, 'acs_cwmp_requests_rejected_total', { reason: 'auth-invalid' })).toBe(attempts);
      expect(await app.stop()).toBe(0);

      const failures = logLines(file).filter((line) => line.msg.startsWith('CPE authentication failed'));
      const written = failures.filter((line) => line.msg === 'CPE authentication failed');
      expect(written.length).toBeLessThanOrEqual(5);
      // Held back: reported at shutdown by the "(repeats held back)" line, as after a minute of quiet.
      const heldBack = failures.filter((line) => line.msg === 'CPE authentication failed (repeats held back)').reduce((sum, line) => sum + (line.suppressed ?? 0), 0);
      expect(written.length + heldBack).toBe(attempts);
    } finally {
      app.process.kill('SIGKILL');
    }
  });
});
