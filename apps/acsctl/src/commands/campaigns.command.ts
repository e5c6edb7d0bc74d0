import { setTimeout as sleep } from 'node:timers/promises';

import { acsV1 } from '@acs/contracts';
import type { CommandSpec, OptionSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { formatDuration, parseDuration } from '../cli/duration';
import type { ParsedOptions } from '../cli/parsed-options';
import { formatTime, type Column, type OutputWriter } from '../output/output-writer';
import { collectPages } from './paging';
import { resolveGroupId } from './groups.command';
import { PAGE_OPTIONS, pageScope } from './paging-options';

/** `[OUI:]PRODUCTCLASS[:HW]=FILE_ID`, or `*=FILE_ID` for any model → an image rule (`--from` narrows it to versions). */
export function imageRuleOf(text: string, from: string[], options: ParsedOptions): acsV1.ImageRule {
  const match = /^([^=]+)=(.+)$/.exec(text.trim());
  if (!match) throw options.usage(`--image: "${text}" is not [OUI:]PRODUCTCLASS[:HW]=FILE_ID or *=FILE_ID`);
  const [, model, fileId] = match;
  const parts = model === '*' ? [] : model.split(':');
  if (parts.length > 3 || parts.some((part) => part === '')) throw options.usage(`--image: "${model}" is not [OUI:]PRODUCTCLASS[:HW]`);
  const [oui, productClass, hardwareVersion] = parts.length >= 2 ? parts : ['', parts[0] ?? '', ''];
  return { oui, productClass, hardwareVersion: hardwareVersion ?? '', fromVersions: from, fileId };
}

/** `mon,tue,wed 01:00-05:00` → a maintenance window. */
export function windowOf(text: string, options: ParsedOptions): acsV1.MaintenanceWindow {
  const match = /^([a-z,]+)\s+(\d{2}:\d{2})-(\d{2}:\d{2})$/i.exec(text.trim());
  if (!match) throw options.usage(`--window: "${text}" is not DAYS HH:MM-HH:MM (e.g. "mon,tue 01:00-05:00")`);
  return { days: match[1].toLowerCase().split(','), start: match[2], end: match[3] };
}

/** The rollout policy's options, shared by `campaigns create` and `jobs create` (docs/rollouts.md). */
export const POLICY_OPTIONS: Record<string, OptionSpec> = {
  canary: { type: 'string', valueName: 'N', description: 'devices in the first wave (default 0: no canary)' },
  step: { type: 'string', valueName: 'N|P%', description: 'every later wave: N devices or P % of all (default 10%)' },
  'min-success': { type: 'string', valueName: 'P', description: 'a finished wave below P % successes pauses the campaign (default 0)' },
  soak: { type: 'string', valueName: 'DURATION', description: 'wait after a wave passed before the next (default 0)' },
  window: { type: 'string', multiple: true, valueName: 'DAYS HH:MM-HH:MM', description: 'maintenance window, repeatable (none: any time)' },
  tz: { type: 'string', valueName: 'ZONE', description: 'IANA time zone of the windows (default UTC)' },
  concurrency: { type: 'string', valueName: 'N', description: 'devices upgrading at once (default 50)' },
  rate: { type: 'string', valueName: 'N', description: 'starts per minute, at most (default: no limit)' },
  passive: { type: 'boolean', description: 'upgrade at each device\'s next inform, without a connection request' },
  attempts: { type: 'string', valueName: 'N', description: 'attempts per device (default 1)' },
  backoff: { type: 'string', valueName: 'DURATION', description: 'wait before a device\'s second attempt, doubling after (default 1m)' },
  timeout: { type: 'string', valueName: 'DURATION', description: 'time a device has to come back verified on the new version (default 30m)' },
  fail: { type: 'string', valueName: 'N|P%', description: 'pause after N failures or P % failed… (default: no threshold)' },
  over: { type: 'string', valueName: 'N|DURATION', description: '…among the last N finished devices or those finished within DURATION (default 100)' },
};

/** The policy the options say; `defaults` are the command's own (a campaign's 10 % waves, a job's one wave of all). */
export function policyOf(options: ParsedOptions, defaults: { step?: string; timeoutMs: number } = { step: '10%', timeoutMs: 1_800_000 }): acsV1.RolloutPolicy {
  const step = options.string('step') ?? defaults.step;
  const fail = options.string('fail');
  const over = options.string('over') ?? '100';
  const number = (name: string, fallback: number) => {
    const text = options.string(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw options.usage(`--${name}: "${text}" is not a number ≥ 0`);
    return value;
  };
  const percentOr = (text: string, name: string): { percent?: number; count?: number } => {
    const match = /^(\d+(?:\.\d+)?)(%)?$/.exec(text.trim());
    if (!match) throw options.usage(`--${name}: "${text}" is not N or P%`);
    return match[2] ? { percent: Number(match[1]) } : { count: Number(match[1]) };
  };
  const steps = step === undefined ? {} : percentOr(step, 'step');
  const threshold = fail === undefined ? undefined : percentOr(fail, 'fail');
  const overWindow = /^\d+$/.test(over) ? undefined : parseDuration(over, '--over');
  return acsV1.RolloutPolicy.fromPartial({
    canary: number('canary', 0),
    stepSize: steps.count ?? 0,
    stepPercent: steps.percent ?? 0,
    minSuccessPercent: number('min-success', 0),
    soakMs: options.has('soak') ? parseDuration(options.string('soak')!, '--soak') : 0,
    windows: options.strings('window').map((text) => windowOf(text, options)),
    timeZone: options.string('tz') ?? 'UTC',
    concurrency: number('concurrency', 50),
    startsPerMinute: number('rate', 0),
    mode: options.flag('passive') ? 'passive' : 'active',
    maxAttempts: number('attempts', 1),
    initialBackoffMs: options.has('backoff') ? parseDuration(options.string('backoff')!, '--backoff') : 60_000,
    backoffMultiplier: 2,
    maxBackoffMs: 3_600_000,
    attemptTimeoutMs: options.has('timeout') ? parseDuration(options.string('timeout')!, '--timeout') : defaults.timeoutMs,
    failureCount: threshold?.count ?? 0,
    failurePercent: threshold?.percent ?? 0,
    overLastFinished: overWindow === undefined ? Number(over) : 0,
    overWindowMs: overWindow ?? 0,
    minFinished: threshold?.percent !== undefined ? 10 : 1,
  });
}

const CAMPAIGN_COLUMNS: ReadonlyArray<Column<acsV1.Campaign>> = [
  { header: 'ID', cell: (c) => c.id },
  { header: 'NAME', cell: (c) => c.name },
  { header: 'KIND', cell: (c) => c.kind },
  { header: 'STATUS', cell: (c) => c.status },
  { header: 'DEVICES', cell: (c) => String(c.selection?.targeted ?? 0) },
  { header: 'CREATED', cell: (c) => formatTime(c.createTime) },
  { header: 'BY', cell: (c) => c.createdBy },
];

export const STATES = ['pending', 'scheduled', 'in-progress', 'retry-wait', 'succeeded', 'failed', 'skipped'] as const;

/** A campaign's device: why it failed (the error's code and message) or, when skipped, why it was skipped. */
export const CAMPAIGN_DEVICE_COLUMNS: ReadonlyArray<Column<acsV1.CampaignDevice>> = [
  { header: 'DEVICE', cell: (d) => d.deviceId },
  { header: 'STATE', cell: (d) => d.state },
  { header: 'STAGE', cell: (d) => d.stage },
  { header: 'WAVE', cell: (d) => (d.wave === undefined ? '' : String(d.wave)) },
  { header: 'ATTEMPTS', cell: (d) => String(d.attempts) },
  { header: 'ERROR', cell: (d) => d.error?.code ?? '' },
  { header: 'MESSAGE', cell: (d) => d.error?.message ?? d.skipReason },
];

/** One line of progress: state, counts, stages, rate and ETA. */
export function progressLine(progress: acsV1.RolloutProgress, now: number): string {
  const counts = STATES.filter((state) => (progress.counts[state] ?? 0) > 0).map((state) => `${state} ${progress.counts[state]}`);
  const stages = Object.entries(progress.stages).map(([stage, count]) => `${stage} ${count}`);
  const done = (progress.counts.succeeded ?? 0) + (progress.counts.failed ?? 0) + (progress.counts.skipped ?? 0);
  const parts = [`${progress.status}`, `wave ${progress.currentWave}`, `${done}/${progress.total} done`, counts.join(', ')];
  if (stages.length > 0) parts.push(`(${stages.join(', ')})`);
  if (progress.finishedPerMinute > 0) parts.push(`${progress.finishedPerMinute.toFixed(1)}/min`);
  if (progress.eta) parts.push(`ETA ${progress.eta.getTime() > now ? formatDuration(Math.max(1000, Math.round((progress.eta.getTime() - now) / 1000) * 1000)) : 'now'}`);
  if (!progress.windowOpen) parts.push(`window closed${progress.nextWindowOpening ? ` until ${formatTime(progress.nextWindowOpening)}` : ''}`);
  if (progress.pauseReason) parts.push(`paused (${progress.pauseKind}): ${progress.pauseReason}`);
  return parts.filter((part) => part !== '').join(' · ');
}

function campaignFields(campaign: acsV1.Campaign, progress?: acsV1.RolloutProgress, now = Date.now()): Array<[string, string]> {
  const fields: Array<[string, string]> = [
    ['id', campaign.id],
    ['name', campaign.name],
    ['kind', campaign.rollbackOf ? `${campaign.kind} of ${campaign.rollbackOf}` : campaign.kind],
    ['status', campaign.status],
    ...(campaign.groupId ? [['group', campaign.groupId] as [string, string]] : []),
    ['filter', campaign.filter || (campaign.groupId ? '(every member)' : '(every device)')],
    ['images', campaign.imageRules.map((r) => `${[r.oui, r.productClass, r.hardwareVersion].filter((p) => p !== '').join(':') || '*'}${r.fromVersions.length ? ` from ${r.fromVersions.join('|')}` : ''} → ${r.fileId}`).join('; ')],
    ['selected', `${campaign.selection?.matched ?? 0} matched, ${campaign.selection?.targeted ?? 0} to upgrade, ${campaign.selection?.alreadyOnTarget ?? 0} already there, ${campaign.selection?.noImage ?? 0} without an image`],
    ['created', `${formatTime(campaign.createTime)} by ${campaign.createdBy}`],
  ];
  if (progress) fields.push(['progress', progressLine(progress, now)]);
  for (const wave of progress?.waves ?? []) {
    fields.push([`wave ${wave.wave}`, `${wave.size} devices: ${STATES.filter((s) => (wave.counts[s] ?? 0) > 0).map((s) => `${s} ${wave.counts[s]}`).join(', ')}`]);
  }
  return fields;
}

function show(out: OutputWriter, response: { campaign?: acsV1.Campaign }): number {
  if (out.json) out.document(acsV1.Campaign.toJSON(response.campaign!));
  else out.fields(campaignFields(response.campaign!));
  return EXIT_OK;
}

const stateChange = (action: 'pause' | 'resume' | 'cancel', summary: string, extra: Record<string, OptionSpec> = {}): CommandSpec => ({
  group: 'campaigns',
  action,
  argsUsage: 'ID',
  minArgs: 1,
  maxArgs: 1,
  summary,
  options: extra,
  async run({ args, options, out, connection }) {
    const c = connection();
    const campaignId = args[0];
    const response =
      action === 'pause'
        ? await c.unary<acsV1.PauseCampaignResponse>((md, o, cb) => c.campaigns.pauseCampaign({ campaignId, reason: options.string('reason') ?? '' }, md, o, cb))
        : action === 'resume'
          ? await c.unary<acsV1.ResumeCampaignResponse>((md, o, cb) => c.campaigns.resumeCampaign({ campaignId }, md, o, cb))
          : await c.unary<acsV1.CancelCampaignResponse>((md, o, cb) => c.campaigns.cancelCampaign({ campaignId }, md, o, cb));
    return show(out, response);
  },
});

export const CAMPAIGN_COMMANDS: CommandSpec[] = [
  {
    group: 'campaigns',
    action: 'create',
    argsUsage: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    summary: 'creates and starts a firmware upgrade campaign',
    details: [
      'Every device of --filter gets the image of the first --image rule matching its model (and --from version);',
      'devices already on that version, or matched by no rule, are recorded as skipped. With --group, the devices are',
      "the group's members at the creation, narrowed by --filter when one is given. Example:",
      '  acsctl campaigns create spring --filter \'tag = "pilot"\' --image 001122:SimGateway=<file id> \\',
      '    --canary 10 --step 25% --window "mon,tue,wed,thu 01:00-05:00" --tz Europe/Paris --fail 5% --over 200',
    ],
    options: {
      filter: { type: 'string', short: 'f', valueName: 'EXPR', description: 'the devices (filter language; default: every device, or every member of --group)' },
      group: { type: 'string', valueName: 'GROUP', description: 'the members of this group (its name or id), within --filter' },
      image: { type: 'string', multiple: true, valueName: '[OUI:]PC[:HW]=FILE', description: 'image per model, first match wins (repeatable, at least one; *=FILE for any)' },
      from: { type: 'string', multiple: true, valueName: 'VERSION', description: 'only devices now on one of these versions (applies to every --image)' },
      ...POLICY_OPTIONS,
    },
    async run({ args, options, out, connection }) {
      const images = options.strings('image');
      if (images.length === 0) throw options.usage('--image is required (at least one)');
      const from = options.strings('from');
      const c = connection();
      const group = options.string('group');
      // A client that may not list groups names its group by id: the text goes as it is.
      const groupId = group ? await resolveGroupId(c, group).catch(() => group) : '';
      const request = acsV1.CreateCampaignRequest.fromPartial({
        name: args[0],
        filter: options.string('filter') ?? '',
        groupId,
        imageRules: images.map((image) => imageRuleOf(image, from, options)),
        policy: policyOf(options),
      });
      return show(out, await c.unary<acsV1.CreateCampaignResponse>((md, o, cb) => c.campaigns.createCampaign(request, md, o, cb)));
    },
  },
  {
    group: 'campaigns',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'campaigns, newest first',
    options: { ...PAGE_OPTIONS },
    async run({ options, out, connection }) {
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListCampaignsResponse>((md, o, cb) => c.campaigns.listCampaigns({ pageSize, pageToken }, md, o, cb));
        return { items: page.campaigns, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListCampaignsResponse.toJSON({ campaigns: items, totalSize: items.length, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, CAMPAIGN_COLUMNS);
      out.note(`${items.length} campaign(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'campaigns',
    action: 'get',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one campaign with its progress per state and per wave, and its ETA',
    options: {},
    async run({ args, out, connection, io }) {
      const c = connection();
      const response = await c.unary<acsV1.GetCampaignResponse>((md, o, cb) => c.campaigns.getCampaign({ campaignId: args[0] }, md, o, cb));
      if (out.json) out.document(acsV1.GetCampaignResponse.toJSON(response));
      else out.fields(campaignFields(response.campaign!, response.progress, (io.now ?? Date.now)()));
      return EXIT_OK;
    },
  },
  {
    group: 'campaigns',
    action: 'devices',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: "a campaign's devices in the order they were added: state, stage, wave, attempts, and why each failed",
    details: [
      'ERROR is the CPE\'s fault code (9010, 9018…) or timeout, wrong-version, unreachable…; MESSAGE its fault string,',
      'or why a skipped device was skipped. Example: the failed devices of a campaign as CSV:',
      '  acsctl campaigns devices <id> --state failed --all -o csv > failed.csv',
    ],
    options: {
      state: { type: 'string', multiple: true, valueName: 'S[,S…]', description: `only devices in these states (${STATES.join(', ')}); repeatable` },
      wave: { type: 'string', valueName: 'N', description: 'only devices scheduled in wave N (from 0)' },
      ...PAGE_OPTIONS,
    },
    async run({ args, options, out, connection }) {
      const states = options.list('state');
      const wave = options.integer('wave');
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const request = acsV1.ListCampaignDevicesRequest.fromPartial({ campaignId: args[0], states, ...(wave !== undefined ? { wave } : {}), pageSize, pageToken });
        const page = await c.unary<acsV1.ListCampaignDevicesResponse>((md, o, cb) => c.campaigns.listCampaignDevices(request, md, o, cb));
        return { items: page.devices, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListCampaignDevicesResponse.toJSON({ devices: items, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, CAMPAIGN_DEVICE_COLUMNS);
      out.note(`${items.length} device(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  stateChange('pause', 'pauses a campaign: nothing new starts; devices in progress finish', {
    reason: { type: 'string', valueName: 'TEXT', description: 'why (shown with the pause)' },
  }),
  stateChange('resume', 'resumes a paused campaign (a wave that paused it is let pass)'),
  stateChange('cancel', 'ends a campaign: no device starts any more'),
  {
    group: 'campaigns',
    action: 'rollback',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'a new campaign returning the failed (--all: every) device to the version it ran before',
    options: { all: { type: 'boolean', description: 'the upgraded devices too, not only the failed ones' } },
    async run({ args, options, out, connection }) {
      const c = connection();
      const request = acsV1.RollbackCampaignRequest.fromPartial({ campaignId: args[0], scope: options.flag('all') ? 'all' : 'failed' });
      return show(out, await c.unary<acsV1.RollbackCampaignResponse>((md, o, cb) => c.campaigns.rollbackCampaign(request, md, o, cb)));
    },
  },
  {
    group: 'campaigns',
    action: 'watch',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'live progress, a line per change, until the campaign ends (or Ctrl-C)',
    options: { interval: { type: 'string', valueName: 'DURATION', description: 'how often to ask (default 2s)' } },
    async run({ args, options, out, connection, io }) {
      const intervalMs = options.has('interval') ? parseDuration(options.string('interval')!, '--interval') : 2000;
      const c = connection();
      let last = '';
      for (;;) {
        const response = await c.unary<acsV1.GetCampaignResponse>((md, o, cb) => c.campaigns.getCampaign({ campaignId: args[0] }, md, o, cb));
        const progress = response.progress!;
        if (out.json) out.ndjson(acsV1.RolloutProgress.toJSON(progress));
        else {
          const line = progressLine(progress, (io.now ?? Date.now)());
          if (line !== last) out.line(`${new Date((io.now ?? Date.now)()).toISOString()} ${line}`);
          last = line;
        }
        if (progress.status === 'completed' || progress.status === 'cancelled') return EXIT_OK;
        try {
          await sleep(intervalMs, undefined, { signal: io.signal });
        } catch {
          return EXIT_OK; // Ctrl-C
        }
      }
    },
  },
];
