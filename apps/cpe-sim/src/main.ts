// The CPE simulator's command line: `node dist/apps/cpe-sim/src/main.js --acs URL --count N …` (see --help).
import { fleetFor, parseSimulatorArguments, renderReport, runSessionRounds, USAGE, UsageError } from '@acs/cpe-sim';

const REPORT_EVERY_MS = 10_000;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const args = parseSimulatorArguments(argv);
  const fleet = fleetFor(args);

  if (args.sessions !== undefined) {
    const report = await runSessionRounds(fleet, args.sessions);
    process.stdout.write(`${renderReport(report, args.json)}\n`);
    if (report.sessions.failed > 0) process.exitCode = 1;
    return;
  }

  // Device mode: bootstrap, then periodic informs and connection requests until SIGINT/SIGTERM.
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    await fleet.stop();
    process.stdout.write(`${renderReport(fleet.report(), args.json)}\n`);
  };
  const progress = setInterval(() => process.stdout.write(`${renderReport(fleet.report(), args.json)}\n\n`), REPORT_EVERY_MS);
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await fleet.start();
  process.stdout.write(`${describeStartedFleet(fleet, args.crHost)}\n`);
}

/**
 * Printed once every CPE has had its first session: which device ids to use (a new user copies one into `acsctl`), how
 * their sessions went, and where connection requests reach them.
 */
function describeStartedFleet(fleet: ReturnType<typeof fleetFor>, crHost: string): string {
  const { cpes } = fleet;
  const report = fleet.report();
  const ids = cpes.length <= 3 ? cpes.map((cpe) => cpe.deviceId).join(', ') : `${cpes[0]!.deviceId} … ${cpes[cpes.length - 1]!.deviceId}`;
  const failed = report.sessions.failed > 0 ? ` (${report.sessions.failed} first sessions failed; retrying with back-off)` : '';
  const wake = fleet.connectionRequestPort !== undefined ? `; connection requests on ${crHost}:${fleet.connectionRequestPort}` : '; each CPE listens for connection requests on its own port';
  return `${cpes.length} simulated CPE(s) up: ${ids}${failed}${wake}; Ctrl-C or SIGTERM stops them`;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
