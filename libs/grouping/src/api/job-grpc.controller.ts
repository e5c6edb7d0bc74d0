import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { decodeKeysetPageToken, decodePageToken, encodeKeysetPageToken, nextPageToken, pageSizeOf, unary, ValidationError } from '@acs/platform';
import { progressToProto } from '@acs/rollout';
import type { Metadata } from '@grpc/grpc-js';

import type { JobChange } from '../usecases/change-job-state.usecase';
import type { JobUseCases } from '../usecases/job-usecases';
import { jobActionFromProto, jobDeviceToProto, jobPolicyFromProto, jobScheduleFromProto, jobTargetFromProto, jobToProto } from './job.mappers';

/**
 * acs.v1 JobService, served by the grouping service (the NBI relays it): transport and mapping only.
 *
 *   host.addService(acsV1.JobServiceService, new JobGrpcController(jobCore.useCases).implementation);
 */
export class JobGrpcController {
  readonly implementation: pb.JobServiceServer;

  constructor(private readonly useCases: JobUseCases) {
    this.implementation = {
      createJob: unary((request: pb.CreateJobRequest, call) => this.createJob(request, call.metadata)),
      getJob: unary((request: pb.GetJobRequest) => this.getJob(request)),
      listJobs: unary((request: pb.ListJobsRequest) => this.listJobs(request)),
      listJobDevices: unary((request: pb.ListJobDevicesRequest) => this.listJobDevices(request)),
      pauseJob: unary((request: pb.PauseJobRequest, call) => this.change(request.jobId, { action: 'pause', reason: request.reason }, call.metadata)),
      resumeJob: unary((request: pb.ResumeJobRequest, call) => this.change(request.jobId, { action: 'resume' }, call.metadata)),
      cancelJob: unary((request: pb.CancelJobRequest, call) => this.change(request.jobId, { action: 'cancel' }, call.metadata)),
    };
  }

  async createJob(request: pb.CreateJobRequest, metadata: Metadata): Promise<pb.CreateJobResponse> {
    const policy = jobPolicyFromProto(request.policy);
    const job = await this.useCases.createJob.execute({
      name: request.name,
      target: jobTargetFromProto(request.target),
      action: jobActionFromProto(request.action),
      schedule: jobScheduleFromProto(request.schedule, policy),
      policy,
      createdBy: requestedByOf(metadata),
    });
    const view = await this.useCases.getJob.execute({ jobId: job.id });
    return { job: jobToProto(view.job, view.status, view.runId) };
  }

  async getJob(request: pb.GetJobRequest): Promise<pb.GetJobResponse> {
    if (request.jobId === '') throw ValidationError.forField('job_id', 'required', 'REQUIRED');
    const view = await this.useCases.getJob.execute({ jobId: request.jobId });
    return { job: jobToProto(view.job, view.status, view.runId), ...(view.progress ? { progress: progressToProto(view.progress) } : {}) };
  }

  async listJobs(request: pb.ListJobsRequest): Promise<pb.ListJobsResponse> {
    const page = { skip: decodePageToken(request.pageToken), limit: pageSizeOf(request.pageSize) };
    const jobs = await this.useCases.listJobs.execute(page);
    return { jobs: jobs.items.map((view) => jobToProto(view.job, view.status, view.runId)), totalSize: jobs.total, nextPageToken: nextPageToken(page.skip, jobs.items.length, jobs.total) };
  }

  async listJobDevices(request: pb.ListJobDevicesRequest): Promise<pb.ListJobDevicesResponse> {
    if (request.jobId === '') throw ValidationError.forField('job_id', 'required', 'REQUIRED');
    // A token names the device after which its page starts, for this job, run, states and wave only.
    const query = JSON.stringify([request.jobId, request.runId, [...new Set(request.states)].sort(), request.wave ?? null]);
    const after = decodeKeysetPageToken(request.pageToken, query);
    const page = await this.useCases.listJobDevices.execute({
      jobId: request.jobId,
      ...(request.runId !== '' ? { runId: request.runId } : {}),
      states: request.states,
      ...(request.wave !== undefined ? { wave: request.wave } : {}),
      ...(after !== undefined ? { after } : {}),
      limit: pageSizeOf(request.pageSize),
    });
    return { runId: page.runId ?? '', devices: page.devices.map(jobDeviceToProto), nextPageToken: page.nextAfter !== undefined ? encodeKeysetPageToken(page.nextAfter, query) : '' };
  }

  async change(jobId: string, change: JobChange, metadata: Metadata): Promise<{ job: pb.Job }> {
    if (jobId === '') throw ValidationError.forField('job_id', 'required', 'REQUIRED');
    await this.useCases.changeJobState.execute({ jobId, change, requestedBy: requestedByOf(metadata) });
    const view = await this.useCases.getJob.execute({ jobId });
    return { job: jobToProto(view.job, view.status, view.runId) };
  }
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}

/** The JobService of the grouping gRPC host: the one line the host adds is `host.addService(...jobGrpcServices(jobCore))`. */
export function jobGrpcServices(core: { useCases: JobUseCases }): [typeof pb.JobServiceService, pb.JobServiceServer] {
  return [pb.JobServiceService, new JobGrpcController(core.useCases).implementation];
}
