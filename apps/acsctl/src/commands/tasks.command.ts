import { acsV1 } from '@acs/contracts';
import type { CommandContext, CommandSpec } from '../cli/command';
import { EXIT_OK, EXIT_WAIT_TIMED_OUT } from '../cli/cli-errors';
import { formatDuration } from '../cli/duration';
import { parseTaskStatus, TASK_COLUMNS, taskFields } from '../output/resource-views';
import type { AcsConnection } from '../connection/acs-connection';
import { printTaskResultPages } from '../output/task-result.view';
import { buildTaskSpec, type TaskSpecOptions } from '../tasks/task-spec.builder';
import { exitCodeOf, followTask, progressLine, type FollowedTask } from '../tasks/task-follow';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

const DEFAULT_WAIT_MS = 60_000;
/** Entries per GetTaskResult call: the server's default page. */
const DEFAULT_RESULT_PAGE = 1000;

export const TASK_COMMANDS: CommandSpec[] = [
  {
    group: 'tasks',
    action: 'create',
    argsUsage: 'DEVICE_ID KIND [ARGS...]',
    minArgs: 2,
    maxArgs: Infinity,
    summary: 'queues work for a device; with --wait, follows it to its end',
    details: [
      [
        'Kinds:',
        '  get PATH...                       GetParameterValues (a path ending with "." reads a subtree)',
        '  set PATH=VALUE[:TYPE]...          SetParameterValues; TYPE string, int, unsignedInt, boolean, dateTime…',
        '  refresh PATH                      re-read a subtree (GetParameterNames, then the values)',
        '  names PATH [--next-level]         GetParameterNames',
        '  add-object PATH [NAME=VALUE[:TYPE]...]   AddObject, then the values on the new instance',
        '  delete-object PATH                DeleteObject of an instance',
        '  get-attributes PATH...            GetParameterAttributes',
        '  set-attributes PATH=0|1|2...      SetParameterAttributes (notification off, passive, active)',
        '  reboot | factory-reset',
        '  download --url U --file-type T [--username --password --file-size --target-file-name --delay]',
        '  upload --url U --file-type T [--username --password --delay]',
        '  schedule-inform SECONDS',
        '  apply-preset NAME                 the preset\'s actions now, whatever its triggers (docs/presets.md)',
      ].join('\n'),
      'With --wait, progress goes to standard error and the final task to standard output; the exit code is 0 when the ' +
        'task is DONE, 3 when it ended FAULTED, EXPIRED or CANCELLED, 4 when the wait (--timeout, default 60s) ended first.',
    ],
    options: {
      'connection-request': { type: 'boolean', description: 'ask the device to connect now (when it is not in a session)' },
      wait: { type: 'boolean', description: 'follow the task until it is final, printing its progress' },
      'max-attempts': { type: 'string', valueName: 'N', description: 'attempts before the task is FAULTED (default: the server\'s)' },
      'next-level': { type: 'boolean', description: 'names: only the next level' },
      url: { type: 'string', valueName: 'URL', description: 'download/upload: the file\'s URL' },
      'file-type': { type: 'string', valueName: 'TYPE', description: 'download/upload: TR-069 file type, e.g. "1 Firmware Upgrade Image"' },
      username: { type: 'string', valueName: 'USER', description: 'download/upload: credentials for the file server' },
      password: { type: 'string', valueName: 'PASSWORD', description: 'download/upload: credentials for the file server' },
      'file-size': { type: 'string', valueName: 'BYTES', description: 'download: the file\'s size' },
      'target-file-name': { type: 'string', valueName: 'NAME', description: 'download: the name on the device' },
      delay: { type: 'string', valueName: 'SECONDS', description: 'download/upload: delay before the transfer' },
      'await-event': { type: 'string', valueName: 'CODE', description: 'hold the task until an Inform carries this event code (e.g. "2 PERIODIC")' },
    },
    async run(context) {
      const { args, options, out, connection } = context;
      const [deviceId, kind, ...kindArgs] = args;
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
      const spec = buildTaskSpec(kind, kindArgs, specOptions);
      const wait = options.flag('wait');
      const waitMs = options.durationMs('timeout') ?? DEFAULT_WAIT_MS;
      const c = connection();
      const request: acsV1.CreateTaskRequest = {
        deviceId,
        spec,
        connectionRequest: options.flag('connection-request'),
        waitTimeoutMs: 0,
        maxAttempts: options.integer('max-attempts', 1) ?? 0,
        expireTime: undefined,
        awaitEventCode: options.string('await-event') ?? '',
      };
      const created = await c.unary<acsV1.CreateTaskResponse>((md, o, cb) => c.tasks.createTask(request, md, o, cb));
      if (!wait || !created.task) {
        if (out.json) out.document(acsV1.CreateTaskResponse.toJSON(created));
        else await printTask(context, created.task);
        return EXIT_OK;
      }
      const followed = await followTask(c, created.task.id, waitMs, (task, previous) => {
        const line = out.json ? undefined : progressLine(task, previous);
        if (line) out.note(line);
      });
      return finishFollow(context, { task: followed.task ?? created.task, timedOut: followed.timedOut }, waitMs);
    },
  },
  {
    group: 'tasks',
    action: 'get',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one task, with its result (fetched page after page) or fault',
    details: ['With --output json, the task alone (its result inline only when small): `tasks result ID -o json` streams the result.'],
    options: {},
    async run(context) {
      const c = context.connection();
      const response = await c.unary<acsV1.GetTaskResponse>((md, o, cb) => c.tasks.getTask({ taskId: context.args[0] }, md, o, cb));
      if (context.out.json) context.out.document(acsV1.GetTaskResponse.toJSON(response));
      else await printTask(context, response.task);
      return EXIT_OK;
    },
  },
  {
    group: 'tasks',
    action: 'result',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: "a task's result, page after page as the server sends it",
    details: [
      'Values read print as a PATH / VALUE / TYPE table, other results as their entries; with --output json, one NDJSON ' +
        'line per entry ({"path","value","type"} for values). Nothing is printed while the task has no result.',
    ],
    options: {
      'page-size': { type: 'string', valueName: 'N', description: `entries per call (default ${DEFAULT_RESULT_PAGE}; the server caps a page at 5000 and at 1 MiB)` },
    },
    async run({ args, options, out, connection }) {
      const pageSize = options.integer('page-size', 1) ?? DEFAULT_RESULT_PAGE;
      const printed = await printTaskResultPages(out, resultPages(connection(), args[0], pageSize));
      if (!out.json) out.note(`${printed} entr${printed === 1 ? 'y' : 'ies'}`);
      return EXIT_OK;
    },
  },
  {
    group: 'tasks',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'tasks, newest first',
    options: {
      device: { type: 'string', valueName: 'ID', description: 'only this device\'s tasks' },
      status: { type: 'string', multiple: true, valueName: 'S,...', description: 'only these statuses: pending, dispatched, done, faulted, expired, cancelled' },
      source: { type: 'string', valueName: 'SOURCE', description: 'only tasks of this source: api:CLIENT, preset:NAME' },
      ...PAGE_OPTIONS,
    },
    async run({ options, out, connection }) {
      const statuses = options.list('status').map((s) => {
        const status = parseTaskStatus(s);
        if (status === undefined) throw options.usage(`--status: "${s}" is not a task status`);
        return status;
      });
      const request = { deviceId: options.string('device') ?? '', statuses, source: options.string('source') ?? '' };
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListTasksResponse>((md, o, cb) => c.tasks.listTasks({ ...request, pageSize, pageToken }, md, o, cb));
        return { items: page.tasks, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListTasksResponse.toJSON({ tasks: items, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, TASK_COLUMNS);
      out.note(`${items.length} task(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'tasks',
    action: 'watch',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'follows a task until it is final (exit code as with create --wait)',
    options: {},
    async run(context) {
      const { args, options, out, connection } = context;
      const waitMs = options.durationMs('timeout');
      const followed = await followTask(connection(), args[0], waitMs, (task, previous) => {
        if (out.json) return out.ndjson(acsV1.WatchTaskResponse.toJSON({ task }));
        const line = progressLine(task, previous);
        if (line) out.line(line);
      });
      if (out.json) return exitCodeOf(followed);
      if (followed.timedOut && waitMs !== undefined) out.note(`wait timed out after ${formatDuration(waitMs)}`);
      if (followed.task) await printResultOf(context, followed.task);
      return exitCodeOf(followed);
    },
  },
  {
    group: 'tasks',
    action: 'cancel',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'cancels a pending or dispatched task',
    options: {},
    async run(context) {
      const c = context.connection();
      const response = await c.unary<acsV1.CancelTaskResponse>((md, o, cb) => c.tasks.cancelTask({ taskId: context.args[0] }, md, o, cb));
      if (context.out.json) context.out.document(acsV1.CancelTaskResponse.toJSON(response));
      else await printTask(context, response.task);
      return EXIT_OK;
    },
  },
  {
    group: 'tasks',
    action: 'retry',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'queues a faulted or expired task again with a fresh attempt budget',
    options: { 'connection-request': { type: 'boolean', description: 'ask the device to connect now' } },
    async run(context) {
      const c = context.connection();
      const request = { taskId: context.args[0], connectionRequest: context.options.flag('connection-request') };
      const response = await c.unary<acsV1.RetryTaskResponse>((md, o, cb) => c.tasks.retryTask(request, md, o, cb));
      if (context.out.json) context.out.document(acsV1.RetryTaskResponse.toJSON(response));
      else await printTask(context, response.task);
      return EXIT_OK;
    },
  },
];

function resultPages(c: AcsConnection, taskId: string, pageSize: number) {
  return (pageToken: string) => c.unary<acsV1.GetTaskResultResponse>((md, o, cb) => c.tasks.getTaskResult({ taskId, pageSize, pageToken }, md, o, cb));
}

async function printTask(context: CommandContext, task: acsV1.Task | undefined): Promise<void> {
  if (!task) return;
  context.out.fields(taskFields(task));
  await printResultOf(context, task);
}

/** The task's result, through GetTaskResult's pages whatever its size (Task.result is only there when small). */
async function printResultOf(context: CommandContext, task: acsV1.Task): Promise<void> {
  if (!task.resultSummary || task.resultSummary.entryCount === 0) return;
  await printTaskResultPages(context.out, resultPages(context.connection(), task.id, DEFAULT_RESULT_PAGE));
}

async function finishFollow(context: CommandContext, followed: FollowedTask, waitMs: number): Promise<number> {
  const { out } = context;
  const code = exitCodeOf(followed);
  if (out.json) {
    out.document(acsV1.CreateTaskResponse.toJSON({ task: followed.task, finished: !followed.timedOut }));
    return code;
  }
  await printTask(context, followed.task);
  if (code === EXIT_WAIT_TIMED_OUT) {
    out.note(`wait timed out after ${formatDuration(waitMs)}; the task goes on: acsctl tasks watch ${followed.task?.id ?? ''}`.trimEnd());
  }
  return code;
}
