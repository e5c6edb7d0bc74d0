import { acsV1 } from '@acs/contracts';
import type { CommandContext, CommandSpec, OptionSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { DEFAULT_CALL_TIMEOUT_MS } from '../connection/connection-settings';
import { followRun, runExitCode, systemFollowClock, type FollowedRun } from '../diagnostics/diag-follow';
import { acsEndpointBytes, DIAG_COMMON_OPTIONS, DIAG_TESTS, diagnosticInputs, diagnosticKindLabel, parseDiagnosticKind, runTimeoutSeconds, type DiagTestCommand } from '../diagnostics/diag-request.builder';
import { DIAGNOSTIC_COLUMNS, describeDiagnosticRun, diagnosticRunFields, diagnosticStatusLabel, parseDiagnosticStatus } from '../output/diagnostic-result.view';
import { formatTime } from '../output/output-writer';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

const EXIT_CODES =
  'Exit codes: 0 the run started (without --wait) or ended COMPLETE; 3 it ended FAILED, TIMED_OUT or CANCELLED (the state ' +
  'and the reason are printed); 4 the wait ended while it was still running (its deadline passed by 30 s); 1 the ' +
  'service refused it (unknown device, bad input, another run of the same test going on: ALREADY_EXISTS names it).';

function testCommand(test: DiagTestCommand): CommandSpec {
  const options: Record<string, OptionSpec> = Object.fromEntries(Object.entries(test.options).map(([name, { input: _input, convert: _convert, ...spec }]) => [name, spec]));
  const target = test.target;
  return {
    group: 'diag',
    action: test.action,
    argsUsage: `DEVICE_ID${target ? ` ${target.usage}` : ''}`,
    minArgs: 1,
    maxArgs: target?.many ? Infinity : target ? 2 : 1,
    summary: test.summary,
    details: [
      'Sets the inputs on the device and asks it to run the test; the result is read when the device reports ' +
        '"8 DIAGNOSTICS COMPLETE". --timeout is the run\'s timeout (default: the service\'s, 10 minutes); without --wait the run ' +
        'is printed at once (follow it with `diag get ID`).',
      EXIT_CODES,
    ],
    options: { ...options, ...DIAG_COMMON_OPTIONS },
    async run(context) {
      const { args, options, out, connection } = context;
      const [deviceId, ...targets] = args;
      const inputs = diagnosticInputs(test, targets, options);
      // --timeout is the run's here: the calls keep the usual deadline, or a short run would starve its own calls.
      const timeoutSeconds = runTimeoutSeconds(options);
      const c = connection();
      const endpointBytes = acsEndpointBytes(test, targets, options);
      const request: acsV1.RunDiagnosticRequest = {
        deviceId,
        kind: test.kind,
        inputs,
        ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
        ...(endpointBytes === undefined ? {} : { acsEndpointBytes: endpointBytes }),
      };
      const started = (await c.unary<acsV1.RunDiagnosticResponse>((md, o, cb) => c.diagnostics.runDiagnostic(request, md, o, cb), DEFAULT_CALL_TIMEOUT_MS)).run;
      if (!started) throw new Error('RunDiagnostic answered no run');
      if (!options.flag('wait')) {
        printRun(context, started);
        return EXIT_OK;
      }
      if (!out.json) out.note(`${test.action} ${started.id}: running on ${started.objectPath} of ${started.deviceId} (deadline ${formatTime(started.deadlineTime)})`);
      const followed = await followRun(c, started, systemFollowClock(context.io.signal));
      return finish(context, followed);
    },
  };
}

export const DIAG_COMMANDS: CommandSpec[] = [
  ...DIAG_TESTS.map(testCommand),
  {
    group: 'diag',
    action: 'get',
    argsUsage: 'RUN_ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one diagnostics run, with its result or why it failed; with --wait, follows it until it ends',
    details: [EXIT_CODES.replace('the run started (without --wait) or ended COMPLETE', 'shown (without --wait), or it ended COMPLETE')],
    options: { wait: DIAG_COMMON_OPTIONS.wait },
    async run(context) {
      const c = context.connection();
      const response = await c.unary<acsV1.GetDiagnosticResponse>((md, o, cb) => c.diagnostics.getDiagnostic({ runId: context.args[0] }, md, o, cb));
      if (!response.run) throw new Error('GetDiagnostic answered no run');
      if (!context.options.flag('wait')) {
        printRun(context, response.run);
        return EXIT_OK;
      }
      return finish(context, await followRun(c, response.run, systemFollowClock(context.io.signal)));
    },
  },
  {
    group: 'diag',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'diagnostics runs, newest first',
    options: {
      device: { type: 'string', valueName: 'DEVICE_ID', description: 'only this device\'s runs' },
      kind: { type: 'string', valueName: 'TEST', description: 'only this test: ping, traceroute, download, upload, nslookup, udpecho, serverselection, capacity' },
      status: { type: 'string', valueName: 'STATUS', description: 'only runs in this status: running, complete, failed, timed_out, cancelled' },
      ...PAGE_OPTIONS,
    },
    async run({ options, out, connection }) {
      const kindText = options.string('kind');
      const kind = kindText === undefined ? acsV1.DiagnosticKind.DIAGNOSTIC_KIND_UNSPECIFIED : parseDiagnosticKind(kindText);
      if (kind === undefined) throw options.usage(`--kind: "${kindText}" is not a test (ping, traceroute, download, upload, nslookup, udpecho, serverselection, capacity)`);
      const statusText = options.string('status');
      const status = statusText === undefined ? acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_UNSPECIFIED : parseDiagnosticStatus(statusText);
      if (status === undefined) throw options.usage(`--status: "${statusText}" is not a status (running, complete, failed, timed_out, cancelled)`);
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const request: acsV1.ListDiagnosticsRequest = { deviceId: options.string('device') ?? '', kind, status, pageSize, pageToken };
        const page = await c.unary<acsV1.ListDiagnosticsResponse>((md, o, cb) => c.diagnostics.listDiagnostics(request, md, o, cb));
        return { items: page.runs, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListDiagnosticsResponse.toJSON({ runs: items, totalSize: items.length, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, DIAGNOSTIC_COLUMNS);
      out.note(`${items.length} run(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'diag',
    action: 'cancel',
    argsUsage: 'RUN_ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'stops following a running test: the run ends CANCELLED and the test object is free for another run',
    options: {},
    async run(context) {
      const c = context.connection();
      const response = await c.unary<acsV1.CancelDiagnosticResponse>((md, o, cb) => c.diagnostics.cancelDiagnostic({ runId: context.args[0] }, md, o, cb));
      if (!response.run) throw new Error('CancelDiagnostic answered no run');
      if (context.out.json) context.out.document(acsV1.DiagnosticRun.toJSON(response.run));
      else context.out.line(`${diagnosticKindLabel(response.run.kind)} ${response.run.id}: ${diagnosticStatusLabel(response.run.status)}`);
      return EXIT_OK;
    },
  },
  {
    group: 'diag',
    action: 'responder',
    argsUsage: 'DEVICE_ID',
    minArgs: 1,
    maxArgs: 1,
    summary: "the device's UDP echo responder (UDPEchoConfig): shows its settings and counters, or changes them",
    details: [
      'Without a change option it reads the responder now (a connection request); with one it sets what is given (enabling last) ' +
        'and prints how the change stands. A device not reached within --wait-seconds gets a change at its next session. ' +
        'Exit codes: 0 read or applied; 3 the device refused it or could not be reached; 4 not answered within the wait.',
    ],
    options: {
      enable: { type: 'boolean', description: 'answer UDP echo packets (Enable=true)' },
      disable: { type: 'boolean', description: 'stop answering them (Enable=false)' },
      port: { type: 'string', valueName: 'N', description: 'the UDP port it listens on (UDPPort)' },
      source: { type: 'string', valueName: 'IP', description: 'answer only this address, "" for any (SourceIPAddress)' },
      interface: { type: 'string', short: 'I', valueName: 'PATH', description: 'listen on this interface (Interface)' },
      'echo-plus': { type: 'boolean', description: 'add TR-143 UDPEchoPlus fields to the answers (EchoPlusEnabled=true)' },
      'no-echo-plus': { type: 'boolean', description: 'plain echoes (EchoPlusEnabled=false)' },
      'wait-seconds': { type: 'string', valueName: 'N', description: 'how long to wait for the device (default 30, at most 120)' },
    },
    async run(context) {
      const { options, out } = context;
      if (options.flag('enable') && options.flag('disable')) throw options.usage('--enable or --disable, not both');
      if (options.flag('echo-plus') && options.flag('no-echo-plus')) throw options.usage('--echo-plus or --no-echo-plus, not both');
      const port = options.integer('port', 1);
      const waitSeconds = options.integer('wait-seconds');
      const change = {
        ...(options.flag('enable') ? { enabled: true } : options.flag('disable') ? { enabled: false } : {}),
        ...(port !== undefined ? { udpPort: port } : {}),
        ...(options.string('source') !== undefined ? { sourceIpAddress: options.string('source') } : {}),
        ...(options.string('interface') !== undefined ? { interface: options.string('interface') } : {}),
        ...(options.flag('echo-plus') ? { echoPlusEnabled: true } : options.flag('no-echo-plus') ? { echoPlusEnabled: false } : {}),
      };
      const deviceId = context.args[0];
      const wait = waitSeconds === undefined ? {} : { waitSeconds };
      const deadline = Date.now() + ((waitSeconds ?? 30) + 10) * 1000;
      const c = context.connection();
      if (Object.keys(change).length > 0) {
        const response = await c.unary<acsV1.SetUdpEchoResponderResponse>((md, o, cb) => c.diagnostics.setUdpEchoResponder(acsV1.SetUdpEchoResponderRequest.fromPartial({ deviceId, ...change, ...wait }), md, o, cb), deadline - Date.now());
        if (out.json) out.document(acsV1.SetUdpEchoResponderResponse.toJSON(response));
        else out.fields(responderTaskFields(response.task));
        return responderExitCode(response.task);
      }
      const response = await c.unary<acsV1.GetUdpEchoResponderResponse>((md, o, cb) => c.diagnostics.getUdpEchoResponder(acsV1.GetUdpEchoResponderRequest.fromPartial({ deviceId, ...wait }), md, o, cb), deadline - Date.now());
      if (out.json) out.document(acsV1.GetUdpEchoResponderResponse.toJSON(response));
      else out.fields([...responderTaskFields(response.task), ...(response.responder ? responderFields(response.responder) : [])]);
      return responderExitCode(response.task);
    },
  },
];

/** The run's fields, then its result (or failure) as the tools print it; `-o json` the run. */
function printRun({ out }: CommandContext, run: acsV1.DiagnosticRun): void {
  if (out.json) {
    out.document(acsV1.DiagnosticRun.toJSON(run));
    return;
  }
  out.fields(diagnosticRunFields(run));
  if (run.status === acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_RUNNING) return;
  out.line();
  for (const line of describeDiagnosticRun(run)) out.line(line);
}

/** After a wait: the result on standard output (the run with -o json), a failure's state and reason, the exit code. */
function finish({ out }: CommandContext, followed: FollowedRun): number {
  const { run } = followed;
  if (out.json) out.document(acsV1.DiagnosticRun.toJSON(run));
  else if (followed.timedOut) out.note(`${diagnosticKindLabel(run.kind)} ${run.id}: still RUNNING when the wait ended (its deadline ${formatTime(run.deadlineTime)} has passed)`);
  else for (const line of describeDiagnosticRun(run)) out.line(line);
  return runExitCode(followed);
}

function responderTaskFields(task: acsV1.UdpEchoResponderTask | undefined): Array<[string, string | undefined]> {
  return [
    ['task', task?.taskId],
    ['status', task?.status],
    ['fault', task?.fault || undefined],
  ];
}

function responderFields(r: acsV1.UdpEchoResponder): Array<[string, string | undefined]> {
  const text = (value: unknown) => (value === undefined ? undefined : String(value));
  return [
    ['enabled', text(r.enabled)],
    ['udp port', text(r.udpPort)],
    ['source', r.sourceIpAddress === '' ? '(any)' : r.sourceIpAddress],
    ['interface', r.interface === '' ? '(device\'s choice)' : r.interface],
    ['echo plus', r.echoPlusSupported === false ? 'not supported' : text(r.echoPlusEnabled)],
    ['packets', r.packetsReceived === undefined ? undefined : `${r.packetsReceived} received, ${r.packetsResponded ?? '?'} answered`],
    ['bytes', r.bytesReceived === undefined ? undefined : `${r.bytesReceived} received, ${r.bytesResponded ?? '?'} answered`],
    ['first packet', r.timeFirstPacketReceived],
    ['last packet', r.timeLastPacketReceived],
  ];
}

/** 0 done, 3 refused or unreachable (faulted, expired, cancelled), 4 not answered within the wait. */
function responderExitCode(task: acsV1.UdpEchoResponderTask | undefined): number {
  if (task?.status === 'DONE') return EXIT_OK;
  if (task?.status === 'PENDING' || task?.status === 'DISPATCHED') return 4;
  return 3;
}
