/**
 * A soak of the standalone: periodic-inform sessions at a steady rate over a fleet of simulated CPEs, for minutes,
 * watching whether memory and CPU per session stay flat.
 *
 *   npm run build && node test/bench/run.js soak [--store sqlite|nedb] [--rate 230] [--minutes 30]
 *       [--devices 100000] [--interval 30] [--port 19547] [--log-level info] [--max-in-flight 2000]
 *       [--flat-rss-mib 10] [--flat-cpu-pct 10] [--keep-data] [--env NAME=VALUE]
 *
 * The standalone (dist/apps/standalone/src/main.js) starts on a fresh data directory, pinned to one core, this
 * process on the other. First every device registers (`0 BOOTSTRAP`, 64 sessions at a time, as fast as it goes):
 * the fleet is known before the soak starts. Then `--rate` sessions per second (`2 PERIODIC`), started on schedule
 * whatever the answers' latency (open loop), the devices in turn, for `--minutes`. Each session is a new CPE
 * connection, as periodic Informs from a real fleet are. Every `--interval` seconds a sample: RSS and heap used (the
 * standalone's /metrics), CPU seconds per session (/proc), data directory size, sessions, failures, p50/p99 latency.
 *
 * "Flat" after warm-up: over the last two thirds of the samples, the least-squares slope of RSS is at most
 * --flat-rss-mib MiB per 10 minutes, and that of CPU per session at most --flat-cpu-pct % of its median per 10
 * minutes; with no failed session.
 *
 * The default rate is half the standalone's peak under this load on the 2-core machine the project is measured on (a
 * new connection per session over 100,000 devices costs ~2.2 ms of CPU, so ~450 sessions/s fill a core).
 */
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { metric } from '../e2e/support/processes';
import { startTarget, STORES, type Store } from './bench-target';
import { cpuSeconds, directoryBytes, median, MiB, percentile, pin, slope } from './process-measures';

interface Options {
  store?: Store;
  rate: number;
  minutes: number;
  devices: number;
  interval: number;
  port: number;
  logLevel: string;
  maxInFlight: number;
  registerConcurrency: number;
  flatRssMib: number;
  flatCpuPct: number;
  keepData: boolean;
  env: Record<string, string>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    rate: 230,
    minutes: 30,
    devices: 100_000,
    interval: 30,
    port: 19547,
    logLevel: 'info',
    maxInFlight: 2000,
    registerConcurrency: 64,
    flatRssMib: 10,
    flatCpuPct: 10,
    keepData: false,
    env: {},
  };
  const number = (flag: string, text: string | undefined, min: number): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new Error(`${flag} takes a number ≥ ${min}, got ${JSON.stringify(text)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--keep-data') {
      options.keepData = true;
      continue;
    }
    const text = argv[++i];
    if (flag === '--store') {
      if (!STORES.includes(text as Store)) throw new Error(`--store takes ${STORES.join(' or ')}, got ${JSON.stringify(text)}`);
      options.store = text as Store;
    } else if (flag === '--rate') options.rate = number(flag, text, 1);
    else if (flag === '--minutes') options.minutes = number(flag, text, 0.1);
    else if (flag === '--devices') options.devices = Math.floor(number(flag, text, 1));
    else if (flag === '--interval') options.interval = number(flag, text, 1);
    else if (flag === '--port') options.port = Math.floor(number(flag, text, 1));
    else if (flag === '--log-level') options.logLevel = text;
    else if (flag === '--max-in-flight') options.maxInFlight = Math.floor(number(flag, text, 1));
    else if (flag === '--register-concurrency') options.registerConcurrency = Math.floor(number(flag, text, 1));
    else if (flag === '--flat-rss-mib') options.flatRssMib = number(flag, text, 0);
    else if (flag === '--flat-cpu-pct') options.flatCpuPct = number(flag, text, 0);
    else if (flag === '--env') {
      const [k, ...v] = (text ?? '').split('=');
      options.env[k] = v.join('=');
    } else throw new Error(`unknown flag ${flag}`);
  }
  return options;
}

interface Sample {
  /** Minutes since the soak (not the registration) started. */
  minute: number;
  sessions: number;
  failed: number;
  /** Sessions due that were not started: the in-flight limit was reached (the ACS fell behind the rate). */
  notStarted: number;
  p50: number;
  p99: number;
  rssMiB: number;
  heapMiB: number;
  cpuMsPerSession: number;
  dataMiB: number;
}

/** One session of device `index`, from a CPE made for it: a new connection, nothing carried over but its identity. */
function cpeSession(acsUrl: string, model: DataModel, index: number, events: string[]) {
  const cpe = new SimulatedCpe({ acsUrl, model, oui: 'BE0000', productClass: 'SoakRouter', serialNumber: `K${String(index).padStart(7, '0')}`, reuseConnection: false });
  return cpe.runSession(events);
}

const failedReport = (report: { error?: string; httpStatuses: number[] }) => report.error !== undefined || report.httpStatuses.join() !== '200,204';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const target = await startTarget({ app: 'standalone', port: options.port, logLevel: options.logLevel, store: options.store, env: options.env });
  const pinnedTarget = pin(target.pid, 0);
  const pinnedSelf = pin(process.pid, 1);
  const model = DataModel.builtin('tr181');
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `soak: standalone (store ${options.store ?? 'default'}, ACS_LOG_LEVEL=${options.logLevel}${Object.keys(options.env).length ? `, ${Object.entries(options.env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}), ` +
      `${options.devices.toLocaleString('en')} devices, ${options.rate} sessions/s for ${options.minutes} min, a sample every ${options.interval} s; ` +
      `pinned: standalone→cpu0 ${pinnedTarget ? 'yes' : 'NO'}, simulator→cpu1 ${pinnedSelf ? 'yes' : 'NO'}; data in ${target.dataDir}`,
  );

  try {
    const memory = async () => ({
      rssMiB: (await metric(target.mgmtUrl, 'acs_process_resident_memory_bytes')) / MiB,
      heapMiB: (await metric(target.mgmtUrl, 'acs_nodejs_heap_size_used_bytes')) / MiB,
    });

    // Registration: every device's first session, so the soak runs over a fleet the ACS knows.
    const atStart = await memory();
    const registerStarted = performance.now();
    let next = 0;
    let registerFailed = 0;
    await Promise.all(
      Array.from({ length: options.registerConcurrency }, async () => {
        while (next < options.devices) {
          const report = await cpeSession(target.cwmpUrl, model, next++, ['0 BOOTSTRAP', '1 BOOT']);
          // A bootstrap session may carry the ACS's own work (connection-request credentials): not 200,204 then.
          if (report.error !== undefined) registerFailed++;
        }
      }),
    );
    const registerSeconds = (performance.now() - registerStarted) / 1000;
    const registered = await memory();
    out(
      `registration: ${options.devices.toLocaleString('en')} devices in ${registerSeconds.toFixed(1)} s (${(options.devices / registerSeconds).toFixed(0)}/s, ${registerFailed} failed); ` +
        `RSS ${atStart.rssMiB.toFixed(0)} → ${registered.rssMiB.toFixed(0)} MiB, heap ${atStart.heapMiB.toFixed(0)} → ${registered.heapMiB.toFixed(0)} MiB, data ${(directoryBytes(target.dataDir!) / MiB).toFixed(1)} MiB`,
    );

    // The soak: sessions started on schedule, sampled every interval.
    const header = `${'min'.padStart(6)} ${'sessions/s'.padStart(10)} ${'failed'.padStart(6)} ${'late'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'RSS MiB'.padStart(8)} ${'heap MiB'.padStart(9)} ${'CPU µs/session'.padStart(15)} ${'data MiB'.padStart(9)}`;
    const format = (s: Sample) =>
      `${s.minute.toFixed(1).padStart(6)} ${(s.sessions / options.interval).toFixed(0).padStart(10)} ${String(s.failed).padStart(6)} ${String(s.notStarted).padStart(6)} ${s.p50.toFixed(1).padStart(8)} ${s.p99.toFixed(1).padStart(8)} ` +
      `${s.rssMiB.toFixed(0).padStart(8)} ${s.heapMiB.toFixed(0).padStart(9)} ${(s.cpuMsPerSession * 1000).toFixed(0).padStart(15)} ${s.dataMiB.toFixed(1).padStart(9)}`;
    out(header);
    const samples: Sample[] = [];
    let latencies: number[] = [];
    let failed = 0;
    let notStarted = 0;
    let inFlight = 0;
    let cursor = 0;
    const totals = { sessions: 0, failed: 0, late: 0 };
    /** What went wrong, by kind, for the summary: an error message or the HTTP statuses of the session. */
    const failures = new Map<string, number>();
    let cpuBefore = cpuSeconds(target.pid);
    const soakStarted = performance.now();
    const soakEnds = soakStarted + options.minutes * 60_000;

    const sample = async () => {
      const interval = { latencies, failed, notStarted };
      latencies = [];
      failed = 0;
      notStarted = 0;
      const cpu = cpuSeconds(target.pid);
      const sorted = interval.latencies.sort((a, b) => a - b);
      const s: Sample = {
        minute: (performance.now() - soakStarted) / 60_000,
        sessions: sorted.length,
        failed: interval.failed,
        notStarted: interval.notStarted,
        p50: sorted.length ? percentile(sorted, 50) : NaN,
        p99: sorted.length ? percentile(sorted, 99) : NaN,
        ...(await memory()),
        cpuMsPerSession: sorted.length ? ((cpu - cpuBefore) * 1000) / sorted.length : NaN,
        dataMiB: directoryBytes(target.dataDir!) / MiB,
      };
      cpuBefore = cpu;
      samples.push(s);
      out(format(s));
    };

    let sampling: Promise<void> = Promise.resolve();
    const sampler = setInterval(() => {
      sampling = sampling.then(sample);
    }, options.interval * 1000);
    let issued = 0;
    const running = new Set<Promise<void>>();
    while (performance.now() < soakEnds) {
      const due = Math.floor(((performance.now() - soakStarted) / 1000) * options.rate);
      for (; issued < due; issued++) {
        if (inFlight >= options.maxInFlight) {
          notStarted++;
          totals.late++;
          continue;
        }
        inFlight++;
        const index = cursor++ % options.devices;
        const t0 = performance.now();
        const session = cpeSession(target.cwmpUrl, model, index, ['2 PERIODIC']).then((report) => {
          inFlight--;
          latencies.push(performance.now() - t0);
          totals.sessions++;
          if (failedReport(report)) {
            failed++;
            totals.failed++;
            const kind = report.error ?? `HTTP ${report.httpStatuses.join(',')}`;
            failures.set(kind, (failures.get(kind) ?? 0) + 1);
          }
          running.delete(session);
        });
        running.add(session);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    clearInterval(sampler);
    await Promise.all(running);
    const soakSeconds = (performance.now() - soakStarted) / 1000;
    await sampling;

    // The verdict, over the samples after warm-up.
    const settled = samples.slice(Math.floor(samples.length / 3));
    const perTenMinutes = (of: (s: Sample) => number) => 10 * slope(settled.map((s) => [s.minute, of(s)]));
    const rssSlope = perTenMinutes((s) => s.rssMiB);
    const heapSlope = perTenMinutes((s) => s.heapMiB);
    const cpuMedian = median(settled.map((s) => s.cpuMsPerSession));
    const cpuSlopePct = (100 * perTenMinutes((s) => s.cpuMsPerSession)) / cpuMedian;
    const cpuValues = settled.map((s) => s.cpuMsPerSession);
    const cpuSpreadPct = (100 * (Math.max(...cpuValues) - Math.min(...cpuValues))) / cpuMedian;
    const { sessions: totalSessions, failed: totalFailed, late: totalLate } = totals;
    const rssFlat = rssSlope <= options.flatRssMib;
    const cpuFlat = Math.abs(cpuSlopePct) <= options.flatCpuPct;
    const allLatencies = settled.map((s) => s.p99).filter(Number.isFinite);
    out('');
    out(`sessions                ${totalSessions.toLocaleString('en')} in ${soakSeconds.toFixed(0)} s (${(totalSessions / soakSeconds).toFixed(0)}/s), ${totalFailed} failed, ${totalLate} not started on time`);
    out(`after warm-up           the last ${settled.length} of ${samples.length} samples (from minute ${settled[0]?.minute.toFixed(1) ?? '-'})`);
    out(`RSS                     ${settled[0]?.rssMiB.toFixed(0)} → ${settled.at(-1)?.rssMiB.toFixed(0)} MiB, slope ${rssSlope.toFixed(1)} MiB per 10 min (flat: ≤ ${options.flatRssMib})`);
    out(`heap used               ${settled[0]?.heapMiB.toFixed(0)} → ${settled.at(-1)?.heapMiB.toFixed(0)} MiB, slope ${heapSlope.toFixed(1)} MiB per 10 min`);
    out(`CPU per session         median ${(cpuMedian * 1000).toFixed(0)} µs, slope ${cpuSlopePct.toFixed(1)} % per 10 min (flat: within ±${options.flatCpuPct} %), spread ${cpuSpreadPct.toFixed(0)} % (max − min over median)`);
    out(`p99 latency             ${allLatencies.length ? `${Math.min(...allLatencies).toFixed(1)}–${Math.max(...allLatencies).toFixed(1)} ms` : '-'} per interval`);
    out(`data directory          ${samples.at(-1)?.dataMiB.toFixed(1)} MiB (${(((samples.at(-1)?.dataMiB ?? 0) * MiB) / options.devices / 1000).toFixed(2)} kB per device)`);
    const verdict =
      settled.length < 3
        ? `too few samples after warm-up (${settled.length}) to judge: run longer or sample more often`
        : `RSS ${rssFlat ? 'flat' : 'NOT flat'}, CPU/session ${cpuFlat ? 'flat' : 'NOT flat'}`;
    out(
      `verdict                 ${verdict}, ${totalFailed === 0 ? 'no failed session' : `${totalFailed} FAILED sessions`}` +
        (totalLate > 0 ? `; the ACS fell behind the rate (${totalLate} sessions not started on time)` : ''),
    );
    for (const [kind, count] of [...failures].sort((a, b) => b[1] - a[1]).slice(0, 5)) out(`  failed ${String(count).padStart(6)} × ${kind}`);
    // As the session bench does: failed sessions fail the run; the figures themselves are for reading.
    if (totalFailed > 0) process.exitCode = 1;
  } finally {
    await target.stop({ keepData: options.keepData });
    if (options.keepData) out(`data kept in ${target.dataDir}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
