/**
 * The NBI's event fan-out in one process: `node test/bench/run.js event-hub [--events 100000] [--watchers 100]`.
 *
 * Publishes acs.device/acs.task events (device-event sized: ~400 bytes of data) on the in-process bus into an
 * EventHub with N watchers (a mix of filters: everything, one type prefix, one device), and prints events/s through
 * the hub, the CPU per event, and the heap the hub's replay buffer holds (10,000 events, the default) — what a
 * WatchEvents `since` costs a pod in memory. gRPC writes are not included (see `nbi` for calls over the wire).
 */
import { AcsDeviceEventType, AcsTaskEventType, newEvent, type AcsTaskEventData } from '@acs/contracts';
import { EventHub } from '@acs/nbi';
import { InProcessEventBus, type BusMessage } from '@acs/platform';

function parseArgs(argv: string[]): { events: number; watchers: number } {
  const options = { events: 100_000, watchers: 100 };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--events') options.events = Number(argv[i + 1]);
    else if (argv[i] === '--watchers') options.watchers = Number(argv[i + 1]);
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  return options;
}

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;

function event(i: number): BusMessage {
  const device = `BE0002-HubBench-S${String(i % 5000).padStart(6, '0')}`;
  // ~250 bytes of padding in each, so both kinds are about as large as a device event with a few parameters.
  const padding = 'x'.repeat(250);
  if (i % 2 === 0) {
    const data: AcsTaskEventData = { taskId: `t-${i}`, deviceId: device, kind: 'getParameterValues', status: 'done', source: 'api', attempts: 1, result: { padding } };
    return newEvent(AcsTaskEventType.done, device, data, { id: `e-${i}` });
  }
  const parameters = [{ path: 'Device.DeviceInfo.Description', value: padding }];
  const data = { deviceId: device, oui: 'BE0002', productClass: 'HubBench', serialNumber: device.slice(-7), softwareVersion: '1.2.3', eventCodes: ['1 BOOT'], parameters };
  return newEvent(AcsDeviceEventType.booted, device, data, { id: `e-${i}` });
}

async function main(): Promise<void> {
  const { events, watchers } = parseArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  const bus = new InProcessEventBus();
  const hub = new EventHub(bus, logger);
  await hub.start();
  let delivered = 0;
  for (let w = 0; w < watchers; w++) {
    const filter = w % 3 === 0 ? { types: [], deviceIds: [] } : w % 3 === 1 ? { types: ['acs.task.'], deviceIds: [] } : { types: [], deviceIds: [`BE0002-HubBench-S${String(w).padStart(6, '0')}`] };
    hub.watch({ filter, deliver: () => (delivered += 1) });
  }
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const batch = 500;
  for (let i = 0; i < events; i += batch) {
    await bus.publish(Array.from({ length: Math.min(batch, events - i) }, (_, j) => event(i + j)));
  }
  // The in-process bus delivers asynchronously: wait until the hub has seen everything.
  while (hub.heldCount < Math.min(events, 10_000)) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  gc?.();
  const heldMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  console.log(`${events} events, ${watchers} watchers (${delivered} deliveries)`);
  console.log(`through the hub: ${(events / seconds).toFixed(0)} events/s, ${(((cpu.user + cpu.system) / events)).toFixed(1)} µs CPU/event (publish, hold, filter, fan-out)`);
  console.log(`replay buffer: ${hub.heldCount} events held, heap +${heldMiB.toFixed(1)} MiB${gc ? '' : ' (run with node --expose-gc for a settled figure)'}`);
  await hub.stop();
  await bus.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
