// The CPE simulator's command line: `node dist/apps/cpe-sim/src/main.js --acs URL --count N …` (see --help).
import {
  firmwareFailuresArgument,
  fleetFor,
  formatFirmwareSummary,
  lineArgument,
  networkArgument,
  parseSimulatorArguments,
  renderReport,
  runSessionRounds,
  USAGE,
  UsageError,
} from '@acs/cpe-sim';
import { createInterface } from 'node:readline';

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
  const status = (): string => {
    if (args.json) return JSON.stringify({ ...fleet.report(), firmware: fleet.firmwareSummary() });
    const firmware = fleet.firmwareSummary();
    return firmware.downloads > 0 ? `${renderReport(fleet.report(), false)}\n${formatFirmwareSummary(firmware)}` : renderReport(fleet.report(), false);
  };
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    commands.close();
    await fleet.stop();
    process.stdout.write(`${status()}\n`);
  };
  const progress = setInterval(() => process.stdout.write(`${status()}\n\n`), REPORT_EVERY_MS);
  // Failures change while the fleet runs (a test "fixes" the failing CPEs, then resumes its campaign).
  const commands = createInterface({ input: process.stdin, terminal: false });
  commands.on('line', (line) => process.stdout.write(`${runCommand(line, fleet)}\n`));
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await fleet.start();
  process.stdout.write(`${describeStartedFleet(fleet, args.crHost)}\n`);
}

/** A command read from stdin while running as devices. */
function runCommand(line: string, fleet: ReturnType<typeof fleetFor>): string {
  const [command, ...rest] = line.trim().split(/\s+/);
  if (!command) return '';
  if (command === 'fw-fail') {
    try {
      const shares = firmwareFailuresArgument(rest.join(','));
      fleet.setFirmwareFailures(shares);
      const failing = fleet.cpes.filter((cpe) => cpe.firmwareFailure).length;
      return `firmware failures now ${JSON.stringify(shares)}: ${failing} of ${fleet.cpes.length} CPEs fail`;
    } catch (error) {
      return error instanceof UsageError ? error.message : String(error);
    }
  }
  if (command === 'status') return formatFirmwareSummary(fleet.firmwareSummary());
  try {
    switch (command) {
      case 'net':
        fleet.setNetworkConditions(networkArgument(rest.join(',')));
        return `network conditions now ${JSON.stringify(fleet.cpes[0]?.networkConditions)}`;
      case 'line':
        fleet.setLineLevels(lineArgument(rest.join(',')));
        return `line levels now ${JSON.stringify(fleet.cpes[0]?.lineLevels)}`;
      case 'degrade':
        fleet.degradeLines();
        return `lines degraded: ${JSON.stringify(fleet.cpes[0]?.lineLevels)}`;
      case 'recover':
        fleet.recoverLines();
        return `lines recovered: ${JSON.stringify(fleet.cpes[0]?.lineLevels)}`;
      case 'bulk-report':
        void fleet.reportBulkDataNow().then((sent) => process.stdout.write(`${sent.length} BulkData report(s) sent, ${sent.filter((d) => d.error).length} failed\n`));
        return 'BulkData reports requested';
    }
  } catch (error) {
    return error instanceof UsageError ? error.message : String(error);
  }
  return `unknown command "${command}" (fw-fail SPEC | net SPEC | line SPEC | degrade | recover | bulk-report | status)`;
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
