import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import type { ParsedOptions } from '../cli/parsed-options';
import type { AcsConnection } from '../connection/acs-connection';
import { formatTime, type Column } from '../output/output-writer';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

/** The groups by id, for showing a parent by its name. */
type GroupNames = ReadonlyMap<string, string>;

async function listGroups(c: AcsConnection): Promise<acsV1.Group[]> {
  return (await c.unary<acsV1.ListGroupsResponse>((md, o, cb) => c.groups.listGroups({}, md, o, cb))).groups;
}

/**
 * The id of the group a command line names, by id or by name (ListGroups: groups are few). An id wins over a name;
 * a text that is neither is sent as it is, so the server's NOT_FOUND names it (and a client allowed to change a group
 * but not to list groups can still name it by id).
 */
export async function resolveGroupId(c: AcsConnection, text: string, groups?: readonly acsV1.Group[]): Promise<string> {
  const all = groups ?? (await listGroups(c));
  return (all.find((g) => g.id === text) ?? all.find((g) => g.name === text))?.id ?? text;
}

function namesOf(groups: readonly acsV1.Group[]): GroupNames {
  return new Map(groups.map((g) => [g.id, g.name]));
}

/** A parent by its name when it is known, else by its id. */
function parentLabel(group: acsV1.Group, names: GroupNames): string {
  return group.parentId === '' ? '' : (names.get(group.parentId) ?? group.parentId);
}

/** A group's own rule: its filter (dynamic) or `(list)` (static). */
function ruleOf(group: acsV1.Group): string {
  if (group.kind === 'static') return '(list)';
  return group.filter === '' ? '(every device)' : group.filter;
}

export function groupColumns(names: GroupNames): Array<Column<acsV1.Group>> {
  return [
    { header: 'ID', cell: (g) => g.id },
    { header: 'NAME', cell: (g) => g.name },
    { header: 'KIND', cell: (g) => g.kind },
    { header: 'PARENT', cell: (g) => parentLabel(g, names) },
    { header: 'RULE', cell: ruleOf },
    { header: 'UPDATED', cell: (g) => formatTime(g.updateTime) },
    { header: 'DESCRIPTION', cell: (g) => g.description },
  ];
}

const MEMBER_COLUMNS: ReadonlyArray<Column<string>> = [{ header: 'DEVICE', cell: (id) => id }];

/** `12 members (3 joined, 1 left) over 2 group(s), 40 ms`: what a full evaluation changed. */
export function evaluationLine(evaluation: acsV1.GroupEvaluation | undefined): string {
  if (!evaluation) return '';
  return `${evaluation.members} member(s) (${evaluation.joined} joined, ${evaluation.left} left) over ${evaluation.groups} group(s), ${evaluation.durationMs} ms`;
}

function groupFields(group: acsV1.Group, names: GroupNames, extra: Array<[string, string]> = []): Array<[string, string]> {
  const parent = parentLabel(group, names);
  return [
    ['id', group.id],
    ['name', group.name],
    ['kind', group.kind],
    ['rule', ruleOf(group)],
    ['parent', parent === group.parentId ? parent : `${parent} (${group.parentId})`],
    ['description', group.description],
    ...extra,
    ['created', `${formatTime(group.createTime)}${group.createdBy ? ` by ${group.createdBy}` : ''}`],
    ['updated', formatTime(group.updateTime)],
    ['revision', String(group.revision)],
  ];
}

/** Exactly one of device ids (the arguments after the group) and `--filter`: the devices to add or remove. */
function memberSelection(ids: readonly string[], options: ParsedOptions): acsV1.MemberSelection {
  const filter = options.string('filter');
  if (filter !== undefined && ids.length > 0) throw options.usage('give device ids or --filter, not both');
  if (filter !== undefined) return { selection: { $case: 'filter', filter } };
  if (ids.length === 0) throw options.usage('give device ids or --filter EXPR');
  return { selection: { $case: 'deviceIds', deviceIds: { ids: [...ids] } } };
}

const memberChange = (action: 'add' | 'remove'): CommandSpec => ({
  group: 'groups',
  action,
  argsUsage: 'GROUP [DEVICE_ID...]',
  minArgs: 1,
  maxArgs: Infinity,
  summary:
    action === 'add'
      ? "puts devices on a static group's list, by id or by a filter evaluated once"
      : "takes devices off a static group's list, by id or by a filter evaluated once",
  details: [
    'GROUP is a name or an id. With --filter, the devices matching it now; devices matching it later are not',
    `${action === 'add' ? 'added' : 'removed'} (a dynamic group's filter decides its members: \`groups update GROUP --filter\`).`,
    `Example: acsctl groups ${action} pilot --filter 'serialNumber LIKE "LAB%"'`,
  ],
  options: { filter: { type: 'string', short: 'f', valueName: 'EXPR', description: 'the devices this filter selects now, instead of ids' } },
  async run({ args, options, out, connection }) {
    const selection = memberSelection(args.slice(1), options);
    const c = connection();
    const groupId = await resolveGroupId(c, args[0]);
    const request = { groupId, selection };
    // The two responses have the same shape: what changed on the list, and the evaluation after it.
    const response: acsV1.AddGroupMembersResponse =
      action === 'add'
        ? await c.unary<acsV1.AddGroupMembersResponse>((md, o, cb) => c.groups.addGroupMembers(request, md, o, cb))
        : await c.unary<acsV1.RemoveGroupMembersResponse>((md, o, cb) => c.groups.removeGroupMembers(request, md, o, cb));
    if (out.json) out.document(acsV1.AddGroupMembersResponse.toJSON(response));
    else out.line(`${response.changed} device(s) ${action === 'add' ? 'added to' : 'removed from'} the list; ${evaluationLine(response.evaluation)}`);
    return EXIT_OK;
  },
});

export const GROUP_COMMANDS: CommandSpec[] = [
  {
    group: 'groups',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'every group, by name: kind, parent, rule',
    options: {},
    async run({ out, connection }) {
      const groups = await listGroups(connection());
      if (out.json) {
        out.document(acsV1.ListGroupsResponse.toJSON({ groups }));
        return EXIT_OK;
      }
      out.table(groups, groupColumns(namesOf(groups)));
      out.note(`${groups.length} group(s)`);
      return EXIT_OK;
    },
  },
  {
    group: 'groups',
    action: 'get',
    argsUsage: 'GROUP',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one group (by name or id) with its member count',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const groups = await listGroups(c);
      const groupId = await resolveGroupId(c, args[0], groups);
      const response = await c.unary<acsV1.GetGroupResponse>((md, o, cb) => c.groups.getGroup({ groupId }, md, o, cb));
      if (out.json) out.document(acsV1.GetGroupResponse.toJSON(response));
      else out.fields(groupFields(response.group!, namesOf(groups), [['members', String(response.memberCount)]]));
      return EXIT_OK;
    },
  },
  {
    group: 'groups',
    action: 'create',
    argsUsage: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    summary: 'creates a dynamic group (--filter) or a static one (--static), and evaluates its members at once',
    details: [
      'A dynamic group\'s members are the devices its filter selects, kept current as devices report changes; a static',
      'group starts empty (`groups add`). With --parent, the group is nested: its members are those of the parent that',
      'its own rule selects. Examples:',
      '  acsctl groups create fibre --filter \'Device.X_ISP_Access = "fibre"\' --description "fibre customers"',
      '  acsctl groups create fibre-pilot --static --parent fibre',
    ],
    options: {
      filter: { type: 'string', short: 'f', valueName: 'EXPR', description: 'a dynamic group\'s filter (docs/filter-language.md; "" = every device)' },
      static: { type: 'boolean', description: 'a static group: an explicit list of devices' },
      parent: { type: 'string', valueName: 'GROUP', description: 'nest it in this group (name or id)' },
      description: { type: 'string', valueName: 'TEXT', description: 'what the group is for' },
    },
    async run({ args, options, out, connection }) {
      const filter = options.string('filter');
      const isStatic = options.flag('static');
      if (isStatic && filter !== undefined) throw options.usage('give --filter EXPR (a dynamic group) or --static, not both');
      if (!isStatic && filter === undefined) throw options.usage('give --filter EXPR (a dynamic group; "" for every device) or --static');
      const c = connection();
      const groups = await listGroups(c);
      const parent = options.string('parent');
      const request = acsV1.CreateGroupRequest.fromPartial({
        name: args[0],
        kind: isStatic ? 'static' : 'dynamic',
        filter: filter ?? '',
        parentId: parent === undefined || parent === '' ? '' : await resolveGroupId(c, parent, groups),
        description: options.string('description') ?? '',
      });
      const response = await c.unary<acsV1.CreateGroupResponse>((md, o, cb) => c.groups.createGroup(request, md, o, cb));
      if (out.json) out.document(acsV1.CreateGroupResponse.toJSON(response));
      else out.fields(groupFields(response.group!, namesOf(groups), [['evaluation', evaluationLine(response.evaluation)]]));
      return EXIT_OK;
    },
  },
  {
    group: 'groups',
    action: 'update',
    argsUsage: 'GROUP',
    minArgs: 1,
    maxArgs: 1,
    summary: "changes a group's name, description, filter or parent; a new filter or parent re-evaluates it",
    details: [
      'The groups nested in it are re-evaluated too. --parent "" makes it a top-level group; a parent that is the group',
      'or nested in it is refused (CYCLE). --revision N applies the change only if the group is still at revision N',
      '(`groups get` shows it); otherwise the call fails ABORTED and nothing changes.',
    ],
    options: {
      name: { type: 'string', valueName: 'NAME', description: 'a new name' },
      description: { type: 'string', valueName: 'TEXT', description: 'a new description' },
      filter: { type: 'string', short: 'f', valueName: 'EXPR', description: 'a new filter (dynamic groups)' },
      parent: { type: 'string', valueName: 'GROUP', description: 'a new parent (name or id); "" = top level' },
      revision: { type: 'string', valueName: 'N', description: 'only if the group is at this revision' },
    },
    async run({ args, options, out, connection }) {
      if (!['name', 'description', 'filter', 'parent'].some((name) => options.has(name))) throw options.usage('nothing to change: give --name, --description, --filter or --parent');
      const revision = options.integer('revision');
      const c = connection();
      const groups = await listGroups(c);
      const groupId = await resolveGroupId(c, args[0], groups);
      const parent = options.string('parent');
      const request: acsV1.UpdateGroupRequest = {
        groupId,
        ...(revision !== undefined ? { revision } : {}),
        ...(options.has('name') ? { name: options.string('name')! } : {}),
        ...(options.has('description') ? { description: options.string('description')! } : {}),
        ...(options.has('filter') ? { filter: options.string('filter')! } : {}),
        ...(parent !== undefined ? { parentId: parent === '' ? '' : await resolveGroupId(c, parent, groups) } : {}),
      };
      const response = await c.unary<acsV1.UpdateGroupResponse>((md, o, cb) => c.groups.updateGroup(request, md, o, cb));
      if (out.json) out.document(acsV1.UpdateGroupResponse.toJSON(response));
      else out.fields(groupFields(response.group!, namesOf(groups), response.evaluation ? [['evaluation', evaluationLine(response.evaluation)]] : []));
      return EXIT_OK;
    },
  },
  {
    group: 'groups',
    action: 'delete',
    argsUsage: 'GROUP',
    minArgs: 1,
    maxArgs: 1,
    summary: 'deletes a group and its memberships (refused while groups are nested in it)',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const groupId = await resolveGroupId(c, args[0]);
      const response = await c.unary<acsV1.DeleteGroupResponse>((md, o, cb) => c.groups.deleteGroup({ groupId }, md, o, cb));
      if (out.json) out.document({ deleted: groupId, members: response.members });
      else out.line(`deleted group ${args[0]} (${response.members} member(s))`);
      return EXIT_OK;
    },
  },
  {
    group: 'groups',
    action: 'members',
    argsUsage: 'GROUP',
    minArgs: 1,
    maxArgs: 1,
    summary: "a group's members (device ids) in id order",
    details: ['Example: the whole membership as CSV: acsctl groups members fibre --all -o csv > fibre.csv'],
    options: { ...PAGE_OPTIONS },
    async run({ args, options, out, connection }) {
      const c = connection();
      const groupId = await resolveGroupId(c, args[0]);
      let totalSize = 0;
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListGroupMembersResponse>((md, o, cb) => c.groups.listGroupMembers({ groupId, pageSize, pageToken }, md, o, cb));
        totalSize = page.totalSize;
        return { items: page.deviceIds, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListGroupMembersResponse.toJSON({ deviceIds: items, totalSize, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, MEMBER_COLUMNS);
      out.note(`${items.length} of ${totalSize} member(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  memberChange('add'),
  memberChange('remove'),
  {
    group: 'groups',
    action: 'evaluate',
    argsUsage: 'GROUP',
    minArgs: 1,
    maxArgs: 1,
    summary: 'evaluates a group and the groups nested in it again from the inventory, and says what changed',
    details: [
      'For what device events do not tell: tags set through the API, lastInform on a periodic Inform, values read by',
      'tasks (docs/grouping.md).',
    ],
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const groupId = await resolveGroupId(c, args[0]);
      const response = await c.unary<acsV1.EvaluateGroupResponse>((md, o, cb) => c.groups.evaluateGroup({ groupId }, md, o, cb));
      if (out.json) out.document(acsV1.EvaluateGroupResponse.toJSON(response));
      else out.line(evaluationLine(response.evaluation));
      return EXIT_OK;
    },
  },
];

/** `devices groups ID`: listed with the devices commands, answered by the grouping service. */
export const DEVICE_GROUPS_COMMAND: CommandSpec = {
  group: 'devices',
  action: 'groups',
  argsUsage: 'ID',
  minArgs: 1,
  maxArgs: 1,
  summary: 'the groups a device is a member of',
  options: {},
  async run({ args, out, connection }) {
    const c = connection();
    const response = await c.unary<acsV1.ListDeviceGroupsResponse>((md, o, cb) => c.groups.listDeviceGroups({ deviceId: args[0] }, md, o, cb));
    if (out.json) {
      out.document(acsV1.ListDeviceGroupsResponse.toJSON(response));
      return EXIT_OK;
    }
    // A nested group's parent is among the device's groups too (its members are within the parent's).
    out.table(response.groups, groupColumns(namesOf(response.groups)));
    out.note(`${response.groups.length} group(s)`);
    return EXIT_OK;
  },
};

