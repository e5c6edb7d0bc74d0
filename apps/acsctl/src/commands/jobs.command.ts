import { setTimeout as sleep } from 'node:timers/promises';

import { acsV1 } from '@acs/contracts';
import type { CommandSpec, OptionSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { parseDuration } from '../cli/duration';
import type { ParsedOptions } from '../cli/parsed-options';
import { formatTime, type Column, type OutputWriter } from '../output/output-writer';
import { buildTaskSpec, type TaskSpecOptions } from '../tasks/task-spec.builder';
import type { AcsConnection } from '../connection/acs-connection';
import { imageRuleOf, POLICY_OPTIONS, policyOf, progressLine, STATES } from './campaigns.command';
import { resolveGroupId } from './groups.command';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

/** A job's attempt timeout when --timeout is not given: a task answers within a session, not after a reboot cycle. */
const DEFAULT_JOB_TIMEOUT_MS = 10 * 60_000;
/** A campaign job's, as a campaign's: an upgrade is a download, a reboot and an inform. */
const DEFAULT_CAMPAIGN_JOB_TIMEOUT_MS = 30 * 60_000;

const JOB_COLUMNS: ReadonlyArray<Column<acsV1.Job>> = [
  { header: 'ID', cell: (j) => j.id },
  { header: 'NAME', cell: (j) => j.name },
  { header: 'STATUS', cell: (j) => j.status },
  { header: 'TARGET', cell: (j) => targetText(j.target) },
  { header: 'TASK', cell: (j) => taskKindOf(j.action) },
  { header: 'SCHEDULE', cell: (j) => scheduleText(j.schedule) },
  { header: 'RUNS', cell: (j) => String(j.runCount) },
  { header: 'NEXT RUN', cell: (j) => formatTime(j.nextRunTime) },
];

/** A run's device: its state, attempts, and why it failed (the CPE's fault code and string). */
export const JOB_DEVICE_COLUMNS: ReadonlyArray<Column<acsV1.JobDevice>> = [
  { header: 'DEVICE', cell: (d) => d.deviceId },
  { header: 'STATE', cell: (d) => d.state },
  { header: 'STAGE', cell: (d) => d.stage },
  { header: 'ATTEMPTS', cell: (d) => String(d.attempts) },
  { header: 'ERROR', cell: (d) => d.error?.code ?? '' },
  { header: 'MESSAGE', cell: (d) => d.error?.message ?? '' },
  { header: 'TASK', cell: (d) => d.taskId },
];

function targetText(target: acsV1.JobTarget | undefined): string {
  switch (target?.kind?.$case) {
    case 'groupId':
      return `group ${target.kind.groupId}`;
    case 'filter':
      return target.kind.filter === '' ? 'every device' : `filter ${target.kind.filter}`;
    case undefined:
      return '';
  }
}

function taskKindOf(action: acsV1.JobAction | undefined): string {
  if (action?.kind?.$case === 'campaign') return 'campaign';
  return action?.kind?.$case === 'task' ? (action.kind.task.kind?.$case ?? '') : '';
}

/** What a run does: the task's proto JSON, or the campaign's image rules. */
function actionText(action: acsV1.JobAction | undefined): [string, string] {
  if (action?.kind?.$case === 'campaign') {
    const rules = action.kind.campaign.imageRules.map((rule) => `${[rule.oui, rule.productClass, rule.hardwareVersion].filter((part) => part !== '').join(':') || '*'}=${rule.fileId}${rule.fromVersions.length > 0 ? ` (from ${rule.fromVersions.join(', ')})` : ''}`);
    return ['campaign', `a firmware campaign per run (id = the run id): ${rules.join('; ')}`];
  }
  return ['task', JSON.stringify(action?.kind?.$case === 'task' ? acsV1.TaskSpec.toJSON(action.kind.task) : {})];
}

function scheduleText(schedule: acsV1.JobSchedule | undefined): string {
  if (schedule?.cron) return `cron "${schedule.cron}" ${schedule.timeZone}`;
  if (schedule?.startTime) return `at ${formatTime(schedule.startTime)}`;
  return 'now';
}

function jobFields(job: acsV1.Job, progress?: acsV1.RolloutProgress, now = Date.now()): Array<[string, string]> {
  const fields: Array<[string, string]> = [
    ['id', job.id],
    ['name', job.name],
    ['status', job.status],
    ['target', targetText(job.target)],
    actionText(job.action),
    ['schedule', scheduleText(job.schedule)],
    ['runs', `${job.runCount}${job.currentRunId ? ` (current ${job.currentRunId})` : ''}${job.skippedRuns > 0 ? `, ${job.skippedRuns} occurrence(s) skipped while a run was going` : ''}`],
  ];
  if (job.runError) fields.push(['run error', job.runError]);
  if (job.nextRunTime) fields.push(['next run', formatTime(job.nextRunTime)]);
  fields.push(['created', `${formatTime(job.createTime)} by ${job.createdBy}`]);
  if (job.cancelTime) fields.push(['cancelled', `${formatTime(job.cancelTime)} by ${job.cancelledBy}`]);
  if (progress) fields.push(['progress', progressLine(progress, now)]);
  return fields;
}

function show(out: OutputWriter, response: { job?: acsV1.Job }): number {
  if (out.json) out.document(acsV1.Job.toJSON(response.job!));
  else out.fields(jobFields(response.job!));
  return EXIT_OK;
}

/** The job's devices: a group named by its name or id (resolved as `groups` commands do), or a filter. */
async function targetOf(options: ParsedOptions, connection: () => AcsConnection): Promise<acsV1.JobTarget> {
  const group = options.string('group');
  const filter = options.string('filter');
  if (group !== undefined && filter !== undefined) throw options.usage('give --group or --filter, not both');
  // A client that may not list groups names its group by id: the text goes as it is.
  if (group !== undefined) return { kind: { $case: 'groupId', groupId: await resolveGroupId(connection(), group).catch(() => group) } };
  if (filter !== undefined) return { kind: { $case: 'filter', filter } };
  throw options.usage('--group ID or --filter EXPR is required (--filter "" for every device)');
}

/** `campaign` takes no ARGS: its images are the --image rules (with --from), as `campaigns create` reads them. */
function campaignActionOf(args: readonly string[], options: ParsedOptions): acsV1.JobAction {
  if (args.length > 0) throw options.usage(`campaign takes no arguments (its images are --image rules): "${args.join(' ')}"`);
  const images = options.strings('image');
  if (images.length === 0) throw options.usage('campaign: --image is required (at least one)');
  const from = options.strings('from');
  return { kind: { $case: 'campaign', campaign: { imageRules: images.map((image) => imageRuleOf(image, from, options)) } } };
}

function scheduleOf(options: ParsedOptions): acsV1.JobSchedule {
  const at = options.string('at');
  const cron = options.string('cron');
  if (at !== undefined && cron !== undefined) throw options.usage('give --at or --cron, not both');
  if (at !== undefined) {
    const time = Date.parse(at);
    if (Number.isNaN(time)) throw options.usage(`--at: "${at}" is not a time (ISO 8601, e.g. 2027-01-05T02:00:00+01:00)`);
    return { startTime: new Date(time), cron: '', timeZone: '' };
  }
  return { cron: cron ?? '', timeZone: options.string('cron-tz') ?? '' };
}

const stateChange = (action: 'pause' | 'resume' | 'cancel', summary: string, extra: Record<string, OptionSpec> = {}): CommandSpec => ({
  group: 'jobs',
  action,
  argsUsage: 'ID',
  minArgs: 1,
  maxArgs: 1,
  summary,
  options: extra,
  async run({ args, options, out, connection }) {
    const c = connection();
    const jobId = args[0];
    const response =
      action === 'pause'
        ? await c.unary<acsV1.PauseJobResponse>((md, o, cb) => c.jobs.pauseJob({ jobId, reason: options.string('reason') ?? '' }, md, o, cb))
        : action === 'resume'
          ? await c.unary<acsV1.ResumeJobResponse>((md, o, cb) => c.jobs.resumeJob({ jobId }, md, o, cb))
          : await c.unary<acsV1.CancelJobResponse>((md, o, cb) => c.jobs.cancelJob({ jobId }, md, o, cb));
    return show(out, response);
  },
});

export const JOB_COMMANDS: CommandSpec[] = [
  {
    group: 'jobs',
    action: 'create',
    argsUsage: 'NAME KIND [ARGS...]',
    minArgs: 2,
    maxArgs: Infinity,
    summary: 'a bulk job: one task, or a firmware campaign, over a group or a filter, now, at a time or on a cron schedule',
    details: [
      'KIND and ARGS are those of `tasks create` (get, set, refresh, reboot, factory-reset, download…). Each run selects',
      'the devices then (a group\'s members, a filter\'s matches) and gives each one task; without --step the run is one',
      'wave of all its devices. A cron occurrence that comes while the run before is still going is skipped. Example:',
      '  acsctl jobs create "nightly reboot" reboot --group <group id> --cron "0 2 * * *" --cron-tz Europe/Paris \\',
      '    --rate 100 --concurrency 50 --window "mon,tue,wed,thu,fri 01:00-05:00" --tz Europe/Paris --fail 5% --over 200',
      'KIND `campaign` (no ARGS) makes each run ONE firmware campaign, id = the run id, named "<NAME> · run <n>", with the',
      '--image and --from rules of `campaigns create`; its devices are `acsctl campaigns devices <run id>`. Example:',
      '  acsctl jobs create "gw 2.0" campaign --group pilot --image 001122:SimGateway=<file id> --at 2027-01-05T02:00:00Z',
    ],
    options: {
      group: { type: 'string', short: 'g', valueName: 'GROUP', description: "the group's members when a run starts (its name or id)" },
      filter: { type: 'string', short: 'f', valueName: 'EXPR', description: 'the devices matching this filter when a run starts ("" = every device)' },
      at: { type: 'string', valueName: 'TIME', description: 'run once at this time (ISO 8601; default: now)' },
      cron: { type: 'string', valueName: 'EXPR', description: 'run at each occurrence of this 5-field cron expression' },
      'cron-tz': { type: 'string', valueName: 'ZONE', description: 'IANA zone of --cron (default: --tz, or UTC)' },
      ...POLICY_OPTIONS,
      step: { type: 'string', valueName: 'N|P%', description: 'waves after the canary: N devices or P % of all (default: one wave of all)' },
      timeout: { type: 'string', valueName: 'DURATION', description: 'time a device\'s task has to finish (default 10m)' },
      'next-level': { type: 'boolean', description: 'names: only the next level' },
      url: { type: 'string', valueName: 'URL', description: 'download/upload: the file\'s URL' },
      'file-type': { type: 'string', valueName: 'TYPE', description: 'download/upload: TR-069 file type' },
      username: { type: 'string', valueName: 'USER', description: 'download/upload: credentials for the file server' },
      password: { type: 'string', valueName: 'PASSWORD', description: 'download/upload: credentials for the file server' },
      'file-size': { type: 'string', valueName: 'BYTES', description: 'download: the file\'s size' },
      'target-file-name': { type: 'string', valueName: 'NAME', description: 'download: the name on the device' },
      delay: { type: 'string', valueName: 'SECONDS', description: 'download/upload: delay before the transfer' },
      image: { type: 'string', multiple: true, valueName: '[OUI:]PC[:HW]=FILE', description: 'campaign: image per model, first match wins (repeatable, at least one; *=FILE for any)' },
      from: { type: 'string', multiple: true, valueName: 'VERSION', description: 'campaign: only devices now on one of these versions (applies to every --image)' },
    },
    async run({ args, options, out, connection }) {
      const [name, kind, ...kindArgs] = args;
      const specOptions: TaskSpecOptions = {
        nextLevel: options.flag('next-level') || undefined,
        url: options.string('url'),
        fileType: options.string('file-type'),
        username: options.string('username'),
        password: options.string('password'),
        fileSize: options.integer('file-size'),
        targetFileName: options.string('target-file-name'),
        delaySeconds: options.integer('delay'),
      };
      // Everything the command line says is checked before the first call (a group's name is resolved last).
      const action = kind === 'campaign' ? campaignActionOf(kindArgs, options) : { kind: { $case: 'task' as const, task: buildTaskSpec(kind, kindArgs, specOptions) } };
      const schedule = scheduleOf(options);
      const policy = policyOf(options, { timeoutMs: kind === 'campaign' ? DEFAULT_CAMPAIGN_JOB_TIMEOUT_MS : DEFAULT_JOB_TIMEOUT_MS });
      const request = acsV1.CreateJobRequest.fromPartial({ name, target: await targetOf(options, connection), action, schedule, policy });
      const c = connection();
      return show(out, await c.unary<acsV1.CreateJobResponse>((md, o, cb) => c.jobs.createJob(request, md, o, cb)));
    },
  },
  {
    group: 'jobs',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'jobs, newest first, with their status and next run',
    options: { ...PAGE_OPTIONS },
    async run({ options, out, connection }) {
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListJobsResponse>((md, o, cb) => c.jobs.listJobs({ pageSize, pageToken }, md, o, cb));
        return { items: page.jobs, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListJobsResponse.toJSON({ jobs: items, totalSize: items.length, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, JOB_COLUMNS);
      out.note(`${items.length} job(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'jobs',
    action: 'get',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: "one job with its current run's progress per state, and its ETA",
    options: {},
    async run({ args, out, connection, io }) {
      const c = connection();
      const response = await c.unary<acsV1.GetJobResponse>((md, o, cb) => c.jobs.getJob({ jobId: args[0] }, md, o, cb));
      if (out.json) out.document(acsV1.GetJobResponse.toJSON(response));
      else out.fields(jobFields(response.job!, response.progress, (io.now ?? Date.now)()));
      return EXIT_OK;
    },
  },
  {
    group: 'jobs',
    action: 'devices',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: "a run's devices in the order they were added: state, attempts, and why each failed",
    details: [
      "ERROR is the CPE's fault code (9002, 9007…) or unreachable, timeout, task-cancelled, start-failed; MESSAGE its",
      'fault string. The current (or last) run unless --run. Example: the failed devices as CSV:',
      '  acsctl jobs devices <id> --state failed --all -o csv > failed.csv',
    ],
    options: {
      run: { type: 'string', valueName: 'RUN_ID', description: 'a run of the job (<job id>.<n>; default: the current or last)' },
      state: { type: 'string', multiple: true, valueName: 'S[,S…]', description: `only devices in these states (${STATES.join(', ')}); repeatable` },
      wave: { type: 'string', valueName: 'N', description: 'only devices scheduled in wave N (from 0)' },
      ...PAGE_OPTIONS,
    },
    async run({ args, options, out, connection }) {
      const states = options.list('state');
      const wave = options.integer('wave');
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const request = acsV1.ListJobDevicesRequest.fromPartial({ jobId: args[0], runId: options.string('run') ?? '', states, ...(wave !== undefined ? { wave } : {}), pageSize, pageToken });
        const page = await c.unary<acsV1.ListJobDevicesResponse>((md, o, cb) => c.jobs.listJobDevices(request, md, o, cb));
        return { items: page.devices, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListJobDevicesResponse.toJSON({ runId: options.string('run') ?? '', devices: items, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, JOB_DEVICE_COLUMNS);
      out.note(`${items.length} device(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  stateChange('pause', "pauses a job's current run: nothing new starts; devices in progress finish", {
    reason: { type: 'string', valueName: 'TEXT', description: 'why (shown with the pause)' },
  }),
  stateChange('resume', "resumes a job's paused run"),
  stateChange('cancel', 'ends a job: its run starts no device any more, and no run starts again'),
  {
    group: 'jobs',
    action: 'watch',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: "live progress of a job's current run, a line per change, until it ends (or Ctrl-C)",
    details: ['A job waiting for its next run prints its status and next run time until a run starts (or --once: stop then).'],
    options: {
      interval: { type: 'string', valueName: 'DURATION', description: 'how often to ask (default 2s)' },
      once: { type: 'boolean', description: 'stop when the job is not running (do not wait for the next run)' },
    },
    async run({ args, options, out, connection, io }) {
      const intervalMs = options.has('interval') ? parseDuration(options.string('interval')!, '--interval') : 2000;
      const c = connection();
      let last = '';
      for (;;) {
        const response = await c.unary<acsV1.GetJobResponse>((md, o, cb) => c.jobs.getJob({ jobId: args[0] }, md, o, cb));
        const job = response.job!;
        const now = (io.now ?? Date.now)();
        if (out.json) {
          if (response.progress) out.ndjson({ runId: job.currentRunId, ...(acsV1.RolloutProgress.toJSON(response.progress) as object) });
        } else {
          const line = response.progress && (job.status === 'running' || job.status === 'paused') ? `${job.currentRunId} ${progressLine(response.progress, now)}` : `${job.status}${job.nextRunTime ? ` · next run ${formatTime(job.nextRunTime)}` : ''}${job.currentRunId && response.progress ? ` · ${job.currentRunId} ${progressLine(response.progress, now)}` : ''}`;
          if (line !== last) out.line(`${new Date(now).toISOString()} ${line}`);
          last = line;
        }
        const ended = job.status === 'completed' || job.status === 'cancelled' || (job.status === 'scheduled' && options.flag('once'));
        if (ended) return EXIT_OK;
        try {
          await sleep(intervalMs, undefined, { signal: io.signal });
        } catch {
          return EXIT_OK; // Ctrl-C
        }
      }
    },
  },
];
