import { acsV1 } from '@acs/contracts';
import { describeFault } from './resource-views';

const { TaskStatus } = acsV1;
const unreachable: acsV1.TaskFault = { code: 'cr-unreachable', message: 'the device could not be reached', parameters: [], transient: true };

describe('describeFault', () => {
  const task = (status: acsV1.TaskStatus, notBeforeTime?: Date) => ({ id: 't-1', status, attempts: 1, maxAttempts: 5, notBeforeTime });

  it('says a FAULTED task is final even when its fault is transient, and how to retry it', () => {
    expect(describeFault(unreachable, task(TaskStatus.TASK_STATUS_FAULTED))).toBe(
      'cr-unreachable: the device could not be reached (final, not retried by the ACS; a retry may succeed: acsctl tasks retry t-1)',
    );
  });

  it('says when a pending task is tried again', () => {
    expect(describeFault(unreachable, task(TaskStatus.TASK_STATUS_PENDING, new Date('2026-12-07T10:00:00Z')))).toBe(
      'cr-unreachable: the device could not be reached (attempt 1 of 5 failed; the next one at 2026-12-07T10:00:00Z)',
    );
  });

  it('says a fault the device gave will not go away by retrying', () => {
    const refused: acsV1.TaskFault = { code: '9007', message: 'Invalid parameter value', parameters: [{ path: 'Device.X', code: 9007, message: 'bad' }], transient: false };
    expect(describeFault(refused, task(TaskStatus.TASK_STATUS_FAULTED))).toBe('9007: Invalid parameter value; Device.X: 9007 bad (final: the device refused it, a retry would fail the same way)');
  });
});
