import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { EXIT_OK } from '../cli/cli-errors';
import { parseTimeOrAgo } from '../cli/duration';
import { AUDIT_COLUMNS } from '../output/resource-views';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

export const AUDIT_COMMANDS: CommandSpec[] = [
  {
    group: 'audit',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'the audit log of the public API, newest first',
    options: {
      client: { type: 'string', valueName: 'C', description: 'only this client\'s records' },
      outcome: { type: 'string', valueName: 'O', description: 'only this outcome: OK, PERMISSION_DENIED, INVALID_ARGUMENT…' },
      resource: { type: 'string', valueName: 'TYPE', description: 'only this resource type: devices, tasks, presets…' },
      since: { type: 'string', valueName: '2h|TIME', description: 'only calls from then on (a duration back from now, or an ISO time)' },
      until: { type: 'string', valueName: '1h|TIME', description: 'only calls before then' },
      ...PAGE_OPTIONS,
    },
    async run({ options, out, connection }) {
      const now = Date.now();
      const since = options.string('since');
      const until = options.string('until');
      const request = {
        client: options.string('client') ?? '',
        outcome: options.string('outcome')?.toUpperCase() ?? '',
        resourceType: options.string('resource') ?? '',
        ...(since !== undefined ? { startTime: parseTimeOrAgo(since, '--since', now) } : {}),
        ...(until !== undefined ? { endTime: parseTimeOrAgo(until, '--until', now) } : {}),
      };
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListAuditRecordsResponse>((md, o, cb) => c.audit.listAuditRecords({ ...request, pageSize, pageToken }, md, o, cb));
        return { items: page.records, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListAuditRecordsResponse.toJSON({ records: items, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, AUDIT_COLUMNS);
      out.note(`${items.length} record(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
];
