import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel, type SessionReport } from '@acs/cpe-sim';

import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { CwmpRelay, type CwmpExchange } from '../support/cwmp-relay';
import { startApp, type RunningApp } from '../support/processes';

const { TaskStatus } = acsV1;
const CPES = 20;
/** Sessions at once while the ACS is killed: few, so most devices have not started theirs when it dies. */
const CONCURRENCY = 8;

/**
 * The standalone killed with `kill -9` while tasks are queued and sessions are running them: started again on the
 * same data directory, every task ends DONE once the devices inform again — none stays DISPATCHED with its work
 * gone. Work queued before the kill is still queued after it (the device queue is on disk), so a device that had
 * not started its session runs its tasks in their first attempt; a task whose result died with the in-memory bus is
 * dispatched again at start (a second attempt).
 */
describe('standalone killed with kill -9 while work is queued', () => {
  let app: RunningApp | undefined;
  const channels: NbiChannel[] = [];
  let fleet: CpeFleet | undefined;
  let relay: CwmpRelay | undefined;

  afterAll(async () => {
    await fleet?.stop();
    await relay?.close();
    for (const channel of channels) channel.close();
    await app?.stop();
  });

  async function api(running: RunningApp): Promise<AcsV1Clients> {
    const channel = new NbiChannel(running.nbiAddress);
    channels.push(channel);
    return channel.clients(await bootstrapToken(running));
  }

  async function allTasks(clients: AcsV1Clients): Promise<acsV1.Task[]> {
    const listed = await call(clients.tasks.listTasks.bind(clients.tasks), acsV1.ListTasksRequest.fromPartial({ pageSize: 1000 }));
    return listed.tasks;
  }

  /** Five one-RPC tasks per device: a session runs them all, and a kill can land between any two. */
  const work: Array<NonNullable<acsV1.TaskSpec['kind']>> = [
    { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.'] } },
    { $case: 'setParameterValues', setParameterValues: { values: [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: '900', type: 'xsd:unsignedInt' }] } },
    { $case: 'getParameterNames', getParameterNames: { path: 'Device.DeviceInfo.', nextLevel: true } },
    { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.ManagementServer.'] } },
    { $case: 'getParameterAttributes', getParameterAttributes: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } },
  ];

  it('finishes every task after a restart on the same data directory', async () => {
    const env = { ACS_MANAGE_CR_CREDENTIALS: 'false', ACS_TASK_TICK_MS: '200' };
    app = await startApp('standalone', env);
    const dataDir = app.dataDir;
    // The CPEs talk to the ACS through a relay: one URL across the restart, and a point to kill the ACS at.
    let killAt: ((exchange: CwmpExchange) => void) | undefined;
    relay = new CwmpRelay(app.cwmpUrl, (exchange) => killAt?.(exchange));
    fleet = new CpeFleet({ count: CPES, acsUrl: await relay.listen(), model: DataModel.builtin('tr181'), serialPrefix: `KILL${Date.now().toString(36)}` });
    expect((await fleet.runSessions(['0 BOOTSTRAP', '1 BOOT'])).filter((r) => r.error)).toEqual([]);

    const before = await api(app);
    for (const cpe of fleet.cpes) {
      for (const kind of work) {
        const { task } = await call(before.tasks.createTask.bind(before.tasks), acsV1.CreateTaskRequest.fromPartial({ deviceId: cpe.deviceId, spec: { kind } }));
        expect(task?.status).toBe(TaskStatus.TASK_STATUS_DISPATCHED);
      }
    }
    const created = await allTasks(before);
    expect(created).toHaveLength(CPES * work.length);

    // The devices come in to run their work. The ACS dies the moment it has taken a device's first answer and sent
    // it the next RPC: that answer's result is published and its work item acknowledged, and provisioning is most
    // likely still recording it — the result lost with the in-memory bus. Other sessions are half-way, and most
    // devices have not started theirs.
    const victim = app;
    const killed = new Promise<void>((resolve) => victim.process.once('exit', () => resolve()));
    killAt = (exchange) => {
      if (exchange.requestBody.includes('GetParameterValuesResponse') && exchange.status === 200 && exchange.responseBody.length > 0) victim.process.kill('SIGKILL');
    };
    const interrupted = await fleet.runSessions(['6 CONNECTION REQUEST'], CONCURRENCY);
    await killed;
    killAt = undefined;
    expect(victim.process.signalCode).toBe('SIGKILL');
    // Devices whose session had run no RPC of theirs when the ACS died: their work was only queued.
    const untouched = new Set(interrupted.filter((r: SessionReport) => r.rpcs.length === 0).map((r) => r.deviceId));
    expect(untouched.size).toBeGreaterThan(0);
    expect(untouched.size).toBeLessThan(CPES);

    app = await startApp('standalone', { ...env, ACS_DATA_DIR: dataDir });
    relay.target = app.cwmpUrl;
    const after = await api(app);
    // Tasks whose work was lost are back in `pending` at start and dispatched by the next tick: wait for that, so the
    // sessions below find every task's work queued.
    await eventually(
      () => allTasks(after),
      (tasks) => tasks.length === CPES * work.length && tasks.every((t) => t.status !== TaskStatus.TASK_STATUS_PENDING),
      30_000,
    );

    const resumed = await fleet.runSessions(['2 PERIODIC'], CONCURRENCY);
    expect(resumed.filter((r) => r.error)).toEqual([]);
    // Waits on the tasks not yet DONE, so that a failure lists them.
    await eventually(
      async () => (await allTasks(after)).filter((t) => t.status !== TaskStatus.TASK_STATUS_DONE).map((t) => ({ id: t.id, deviceId: t.deviceId, status: TaskStatus[t.status], attempts: t.attempts, workItemIds: t.workItemIds })),
      (unfinished) => unfinished.length === 0,
      60_000,
    );
    const finished = await allTasks(after);
    expect(finished.map((t) => t.id).sort()).toEqual(created.map((t) => t.id).sort());
    expect(finished.filter((t) => t.status !== TaskStatus.TASK_STATUS_DONE)).toEqual([]);
    // The queued work outlived the process: the tasks of devices that had not started their session ran once.
    const rerun = finished.filter((t) => t.attempts > 1);
    expect(rerun.filter((t) => untouched.has(t.deviceId)).map((t) => ({ id: t.id, deviceId: t.deviceId, attempts: t.attempts }))).toEqual([]);
    // What was run again was run again because its result was lost, and says so.
    for (const task of rerun) expect(task.fault?.code).toBe('work-lost');
    expect(await app.stop()).toBe(0);
    app = undefined;
  }, 240_000);
});
