import type { RolloutTarget } from '@acs/rollout';

import { interpretJobObservation, outcomeOfJobTask } from './job-outcome';

const target: RolloutTarget = { rolloutId: 'job-1.1', deviceId: 'dev-1', seq: 0, state: 'in-progress', attempts: 1, data: { taskId: 't-2', taskAttempt: 1 } };

describe('job task outcomes', () => {
  it.each([
    ['pending', undefined, null],
    ['dispatched', undefined, { kind: 'stage', stage: 'dispatched' }],
    ['done', undefined, { kind: 'succeeded' }],
    ['faulted', { code: '9003', message: 'Invalid arguments', transient: false }, { kind: 'failed', error: { code: '9003', message: 'Invalid arguments' }, retryable: false }],
    ['faulted', { code: 'cr-unreachable', message: 'no answer', transient: true }, { kind: 'failed', error: { code: 'unreachable', message: 'no answer' } }],
    ['expired', undefined, { kind: 'failed', error: { code: 'unreachable', message: 'the device did not take the task before it expired' } }],
    ['cancelled', undefined, { kind: 'failed', error: { code: 'task-cancelled', message: 'the task was cancelled through the task API' } }],
  ] as const)('%s (%j) → %j', (status, fault, outcome) => {
    expect(outcomeOfJobTask({ status, ...(fault ? { fault } : {}) })).toEqual(outcome);
  });

  it('reads an observation only against the task of the current attempt', () => {
    expect(interpretJobObservation(target, { kind: 'task', taskId: 't-2', status: 'done' })).toEqual({ kind: 'succeeded' });
    expect(interpretJobObservation(target, { kind: 'task', taskId: 't-1', status: 'done' })).toBeNull();
    expect(interpretJobObservation({ ...target, data: {} }, { kind: 'task', taskId: 't-2', status: 'done' })).toBeNull();
    expect(interpretJobObservation(target, { kind: 'task', taskId: 't-2', status: 'exploded' })).toBeNull();
    expect(interpretJobObservation(target, { kind: 'device', taskId: 't-2', status: 'done' })).toBeNull();
  });
});
