import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';

import { call, NbiChannel } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { runAppToExit, startApp, type RunningApp } from '../support/processes';

/**
 * One process per data directory: a second standalone started on a directory another one is using exits at once,
 * non-zero, saying why and who holds it — instead of starting and, at the next compactions, overwriting the first
 * one's devices. The first goes on as if nothing happened; once it stops, the directory is free again.
 */
describe('a second standalone on the same data directory', () => {
  let first: RunningApp | undefined;
  let third: RunningApp | undefined;
  const channels: NbiChannel[] = [];

  afterAll(async () => {
    for (const channel of channels) channel.close();
    await first?.stop();
    await third?.stop();
  });

  async function listedDeviceIds(app: RunningApp): Promise<string[]> {
    const channel = new NbiChannel(app.nbiAddress);
    channels.push(channel);
    const api = channel.clients(await bootstrapToken(app));
    const listed = await call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 100 }));
    return listed.devices.map((d) => d.id).sort();
  }

  it('is refused with a clear message while the first keeps serving, and starts once the first has stopped', async () => {
    first = await startApp('standalone');
    const fleet = new CpeFleet({ count: 3, acsUrl: first.cwmpUrl, model: DataModel.builtin('tr181'), serialPrefix: `LOCK${Date.now().toString(36)}` });
    const deviceIds = fleet.cpes.map((c) => c.deviceId).sort();
    expect((await fleet.runSessions(['0 BOOTSTRAP', '1 BOOT'])).filter((r) => r.error)).toEqual([]);

    const second = await runAppToExit('standalone', { ACS_DATA_DIR: first.dataDir });
    expect(second.signal).toBeNull();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`the data directory ${first.dataDir} is in use by another ACS process (pid ${first.process.pid} `);
    expect(second.stderr).toContain('one process per data directory');
    // Refused before anything started: no stack trace, no listener announced.
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(second.stdout).not.toContain('listening');

    // The first is undisturbed: it still runs sessions and answers the API with its devices.
    expect(first.process.exitCode).toBeNull();
    expect((await fleet.runSessions(['2 PERIODIC'])).filter((r) => r.error)).toEqual([]);
    expect(await listedDeviceIds(first)).toEqual(deviceIds);

    // Stopped cleanly, it lets go of the directory: the next process starts on it and finds the same devices.
    expect(await first.stop()).toBe(0);
    third = await startApp('standalone', { ACS_DATA_DIR: first.dataDir });
    expect(await listedDeviceIds(third)).toEqual(deviceIds);
  }, 120_000);
});
