import type { RolloutExecutor, RolloutStore, StartedTarget } from '@acs/rollout';

import { jobIdOfRun, jobTaskSource } from '../domain/job';
import { JobTaskStage, jobTaskDataOf } from '../domain/job-outcome';
import type { JobRepository } from '../repositories/ports';
import type { JobTasks } from './job-ports';

/** How far the grouping pod's and provisioning's clocks may differ when a task's creation is compared with a start. */
const CLOCK_SKEW_MS = 5_000;
const MAX_CACHED_RUNS = 1000;

/**
 * The jobs' rollout executor: one attempt at one device is one provisioning task of the job's action, filed under
 * `job:<jobId>` with maxAttempts 1 (the job's policy retries), a connection request when the policy's mode is active,
 * and an expiry at the attempt's timeout. The task id is kept on the target, so a late event of an earlier attempt's
 * task is told apart.
 */
export class StartJobTask implements RolloutExecutor {
  /** Jobs' actions and attempt timeouts by run: they do not change during a run, and its targets start by the thousand. */
  private readonly actions = new Map<string, { spec: Record<string, unknown>; timeoutMs: number }>();

  constructor(
    private readonly deps: {
      jobs: Pick<JobRepository, 'get'>;
      tasks: JobTasks;
      rollouts: Pick<RolloutStore, 'updateTarget'>;
      now: () => number;
    },
  ) {}

  /**
   * A start recorded by a pod that died (the engine asks when it takes the run over): it took effect when its task
   * id is on the target, or when provisioning has a task of the job for the device created since the start (its id is
   * then recorded, so the task's news counts); otherwise the task was never asked for, and the new driver asks for it —
   * the device gets one task, not none and not two.
   */
  async recover(target: StartedTarget & { startedAt: number }): Promise<'started' | 'not-started'> {
    const recorded = jobTaskDataOf(target.data);
    if (recorded.taskAttempt === target.attempt) return 'started';
    const jobId = jobIdOfRun(target.rolloutId);
    if (!jobId) return 'started';
    const task = await this.deps.tasks.find({
      deviceId: target.deviceId,
      source: jobTaskSource(jobId),
      createdSince: target.startedAt - CLOCK_SKEW_MS,
      ...(recorded.taskId !== undefined ? { except: recorded.taskId } : {}),
    });
    if (!task) return 'not-started';
    await this.recordTask(target, task.taskId, task.status === 'dispatched' ? JobTaskStage.dispatched : JobTaskStage.queued);
    return 'started';
  }

  async start(target: StartedTarget): Promise<void> {
    const jobId = jobIdOfRun(target.rolloutId);
    if (!jobId) throw new Error(`rollout ${target.rolloutId} is no job's run`);
    const { spec, timeoutMs } = await this.actionOf(jobId, target.rolloutId);
    const { taskId } = await this.deps.tasks.create({
      deviceId: target.deviceId,
      source: jobTaskSource(jobId),
      spec,
      connectionRequest: target.mode === 'active',
      expiresAt: this.deps.now() + timeoutMs,
    });
    // Written by the driver within its tick, before any observation of this task is applied (the driver applies them
    // in its next turn), so the task's news always finds the task id it is checked against.
    await this.recordTask(target, taskId, JobTaskStage.queued);
  }

  private async actionOf(jobId: string, runId: string): Promise<{ spec: Record<string, unknown>; timeoutMs: number }> {
    const known = this.actions.get(runId);
    if (known) return known;
    const job = await this.deps.jobs.get(jobId);
    if (!job) throw new Error(`job ${jobId} of run ${runId} is gone`);
    // Runs that ended are never asked for again: a long-lived pod keeps the recent ones only.
    if (this.actions.size >= MAX_CACHED_RUNS) this.actions.clear();
    if (job.action.kind !== 'task') throw new Error(`job ${jobId} runs campaigns, not tasks: run ${runId} is no rollout of its own`);
    const action = { spec: job.action.task, timeoutMs: job.policy.attemptTimeoutMs };
    this.actions.set(runId, action);
    return action;
  }

  private async recordTask(target: StartedTarget, taskId: string, stage: string): Promise<void> {
    await this.deps.rollouts.updateTarget(
      target.rolloutId,
      target.deviceId,
      { state: 'in-progress', attempts: target.attempt },
      { set: { stage, data: { ...target.data, taskId, taskAttempt: target.attempt } } },
    );
  }
}
