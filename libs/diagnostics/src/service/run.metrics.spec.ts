import { Registry } from 'prom-client';

import type { DiagnosticRun } from '../domain/diagnostic-run';
import { MeteredRunEvents } from './run.metrics';

describe('MeteredRunEvents', () => {
  it('counts the ended runs by kind and status and passes each on', async () => {
    const registry = new Registry();
    const passed: string[] = [];
    const events = new MeteredRunEvents({ completed: async (run) => void passed.push(`completed ${run.id}`), failed: async (run) => void passed.push(`failed ${run.id}`) }, registry);
    const run = (id: string, status: DiagnosticRun['status']) => ({ id, kind: 'ipPing', status }) as DiagnosticRun;
    await events.completed(run('r1', 'complete'));
    await events.failed(run('r2', 'timedOut'));
    await events.failed(run('r3', 'timedOut'));
    expect(passed).toEqual(['completed r1', 'failed r2', 'failed r3']);
    const text = await registry.metrics();
    expect(text).toContain('acs_diagnostics_runs_ended_total{kind="ipPing",status="complete"} 1');
    expect(text).toContain('acs_diagnostics_runs_ended_total{kind="ipPing",status="timedOut"} 2');
  });
});
