import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { errorDetailsOf, GrpcServerHost } from '@acs/platform';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';

import { GroupingFixture } from '../testing/grouping-fixture';
import { jobGrpcServices } from './job-grpc.controller';

const devices = Array.from({ length: 6 }, (_, i) => ({ id: `00259E-HG8245H-SN${i}`, fields: { oui: '00259E', productClass: 'HG8245H', serialNumber: `SN${i}` } }));

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

/** A promise of a unary call of a grpc-js client (its overloads defeat inference through bind). */
function call<Req, Res>(method: (request: Req, metadata: Metadata, callback: Callback<Res>) => unknown, request: Req, metadata = new Metadata()): Promise<Res> {
  return new Promise((resolve, reject) => method(request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

describe('JobService over gRPC', () => {
  let fixture: GroupingFixture;
  let host: GrpcServerHost;
  let client: pb.JobServiceClient;
  let jobs: {
    createJob: (request: pb.CreateJobRequest, metadata: Metadata, callback: Callback<pb.CreateJobResponse>) => unknown;
    getJob: (request: pb.GetJobRequest, metadata: Metadata, callback: Callback<pb.GetJobResponse>) => unknown;
    listJobs: (request: pb.ListJobsRequest, metadata: Metadata, callback: Callback<pb.ListJobsResponse>) => unknown;
    listJobDevices: (request: pb.ListJobDevicesRequest, metadata: Metadata, callback: Callback<pb.ListJobDevicesResponse>) => unknown;
    pauseJob: (request: pb.PauseJobRequest, metadata: Metadata, callback: Callback<pb.PauseJobResponse>) => unknown;
    cancelJob: (request: pb.CancelJobRequest, metadata: Metadata, callback: Callback<pb.CancelJobResponse>) => unknown;
  };
  const asOps = new Metadata();
  asOps.set(REQUESTED_BY_METADATA_KEY, 'ops');

  beforeAll(async () => {
    fixture = await GroupingFixture.open(devices);
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    host.addService(...jobGrpcServices(fixture.jobCore));
    client = new pb.JobServiceClient(`127.0.0.1:${await host.start()}`, credentials.createInsecure());
    const bound = <Req, Res>(method: (request: Req, metadata: Metadata, callback: Callback<Res>) => unknown) => method.bind(client);
    jobs = {
      createJob: bound<pb.CreateJobRequest, pb.CreateJobResponse>(client.createJob),
      getJob: bound<pb.GetJobRequest, pb.GetJobResponse>(client.getJob),
      listJobs: bound<pb.ListJobsRequest, pb.ListJobsResponse>(client.listJobs),
      listJobDevices: bound<pb.ListJobDevicesRequest, pb.ListJobDevicesResponse>(client.listJobDevices),
      pauseJob: bound<pb.PauseJobRequest, pb.PauseJobResponse>(client.pauseJob),
      cancelJob: bound<pb.CancelJobRequest, pb.CancelJobResponse>(client.cancelJob),
    };
  });

  afterAll(async () => {
    client.close();
    await host.stop(0);
    await fixture.close();
  });

  it('drives a job from creation to completion: a task of any kind per device, progress, devices, events', async () => {
    const { job } = await call(jobs.createJob, pb.CreateJobRequest.fromPartial({
      name: 'led off',
      target: { kind: { $case: 'filter', filter: 'oui = "00259E"' } },
      action: { kind: { $case: 'task', task: { kind: { $case: 'setParameterValues', setParameterValues: { values: [{ path: 'Device.X_Led', value: 'off', type: '' }] } } } } },
      policy: { concurrency: 4, mode: 'active', attemptTimeoutMs: 600_000, startsPerMinute: 600 },
    }), asOps);
    expect(job).toMatchObject({ name: 'led off', status: 'running', runCount: 1, currentRunId: `${job!.id}.1`, createdBy: 'ops', policy: { stepPercent: 100, canary: 0 } });
    expect(job!.action?.kind?.$case).toBe('task');

    await fixture.round();
    expect(fixture.tasks.created[0].spec).toEqual({ setParameterValues: { values: [{ path: 'Device.X_Led', value: 'off' }] } });
    for (const task of [...fixture.tasks.created]) await fixture.taskNews(task.deviceId, 'faulted', { code: '9007', message: 'Invalid parameter value', transient: false });
    await fixture.round();
    for (const task of fixture.tasks.created.slice(4)) await fixture.taskNews(task.deviceId, 'done');

    const got = await call(jobs.getJob, { jobId: job!.id });
    expect(got.job?.status).toBe('completed');
    expect(got.progress).toMatchObject({ status: 'completed', total: 6, counts: { failed: 4, succeeded: 2 } });

    const first = await call(jobs.listJobDevices, pb.ListJobDevicesRequest.fromPartial({ jobId: job!.id, states: ['failed'], pageSize: 3 }));
    expect(first.runId).toBe(`${job!.id}.1`);
    expect(first.devices.map((device) => device.error)).toEqual(Array(3).fill({ code: '9007', message: 'Invalid parameter value' }));
    const second = await call(jobs.listJobDevices, pb.ListJobDevicesRequest.fromPartial({ jobId: job!.id, states: ['failed'], pageSize: 3, pageToken: first.nextPageToken }));
    expect(second.devices).toHaveLength(1);
    expect(second.nextPageToken).toBe('');

    const listed = await call(jobs.listJobs, { pageSize: 10, pageToken: '' });
    expect(listed.jobs.map((listedJob) => [listedJob.id, listedJob.status])).toContainEqual([job!.id, 'completed']);
    await expect(call(jobs.pauseJob, { jobId: job!.id, reason: '' })).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
  });

  it('schedules a cron job in its zone and cancels it', async () => {
    const { job } = await call(jobs.createJob, pb.CreateJobRequest.fromPartial({
      name: 'nightly refresh',
      target: { kind: { $case: 'filter', filter: '' } },
      action: { kind: { $case: 'task', task: { kind: { $case: 'refreshObject', refreshObject: { path: 'Device.WiFi.' } } } } },
      schedule: { cron: '0 2 * * *', timeZone: 'Europe/Paris' },
      policy: { concurrency: 10, mode: 'passive', attemptTimeoutMs: 3_600_000 },
    }));
    expect(job).toMatchObject({ status: 'scheduled', runCount: 0, currentRunId: '', schedule: { cron: '0 2 * * *', timeZone: 'Europe/Paris' } });
    expect(job!.nextRunTime).toBeInstanceOf(Date);
    const { job: cancelled } = await call(jobs.cancelJob, { jobId: job!.id }, asOps);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'ops' });
    expect(cancelled!.nextRunTime).toBeUndefined();
  });

  it('answers INVALID_ARGUMENT naming every wrong field, NOT_FOUND for an unknown job', async () => {
    const refused = await call(jobs.createJob, pb.CreateJobRequest.fromPartial({
      name: '',
      target: { kind: { $case: 'groupId', groupId: 'nope' } },
      action: { kind: { $case: 'task', task: { kind: { $case: 'reboot', reboot: {} } } } },
      schedule: { cron: 'every night' },
      policy: { concurrency: 1, mode: 'active', attemptTimeoutMs: 1000 },
    })).catch((error: ServiceError) => error);
    expect(refused).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(errorDetailsOf(refused as ServiceError).badRequest?.fieldViolations.map((violation) => violation.field)).toEqual(['name', 'target.group_id', 'schedule.cron']);
    await expect(call(jobs.createJob, pb.CreateJobRequest.fromPartial({ name: 'x', policy: { concurrency: 1, mode: 'active', attemptTimeoutMs: 1000 } }))).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(call(jobs.getJob, { jobId: 'nope' })).rejects.toMatchObject({ code: status.NOT_FOUND });
  });
});
