import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

import { acsV1 } from '@acs/contracts';
import type { CommandSpec } from '../cli/command';
import { CliError, EXIT_OK } from '../cli/cli-errors';
import type { ParsedOptions } from '../cli/parsed-options';
import { describeFileTargets, FILE_COLUMNS, formatBytes } from '../output/resource-views';
import { formatTime, type OutputWriter } from '../output/output-writer';
import { collectPages } from './paging';
import { PAGE_OPTIONS, pageScope } from './paging-options';

/** Bytes per upload message: well under the 1 MiB the API allows, small enough for smooth progress. */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

/** Short names for the standard TR-069 file types (`--type firmware`); the full text and `X <OUI> <name>` pass as they are. */
const FILE_TYPE_NAMES: Record<string, string> = {
  firmware: '1 Firmware Upgrade Image',
  web: '2 Web Content',
  config: '3 Vendor Configuration File',
  tone: '4 Tone File',
  ringer: '5 Ringer File',
};
const NUMBERED_TYPES = Object.values(FILE_TYPE_NAMES);

/** `firmware`, `1`, or the type's full text → the TR-069 FileType. The server validates what is left. */
export function fileTypeOf(text: string): string {
  const trimmed = text.trim();
  const named = FILE_TYPE_NAMES[trimmed.toLowerCase()];
  if (named) return named;
  const numbered = /^[1-5]$/.test(trimmed) ? NUMBERED_TYPES[Number(trimmed) - 1] : undefined;
  return numbered ?? trimmed;
}

/** `OUI:PRODUCTCLASS[:HW1,HW2]` → a target. */
export function fileTargetOf(text: string, options: ParsedOptions): acsV1.FileTarget {
  const [oui, productClass, hardware, ...rest] = text.split(':');
  if (!oui || !productClass || rest.length > 0) throw options.usage(`--model: "${text}" is not OUI:PRODUCTCLASS[:HW,...]`);
  return { oui, productClass, hardwareVersions: hardware ? hardware.split(',').map((v) => v.trim()).filter((v) => v !== '') : [] };
}

const TYPE_OPTION_DESCRIPTION = 'firmware|web|config|tone|ringer, 1-5, the full TR-069 type, or "X <OUI> <name>"';

export const FILE_COMMANDS: CommandSpec[] = [
  {
    group: 'files',
    action: 'upload',
    argsUsage: 'PATH',
    minArgs: 1,
    maxArgs: 1,
    summary: 'uploads a firmware image (or another file CPEs download), streamed, with progress on stderr',
    details: [
      'The server computes the size and SHA-256 as the bytes arrive, and keeps nothing of an upload that fails, is',
      'interrupted (Ctrl-C), is larger than its limit or does not match --sha256.',
    ],
    options: {
      type: { type: 'string', short: 't', valueName: 'T', description: `file type (required): ${TYPE_OPTION_DESCRIPTION}` },
      model: { type: 'string', multiple: true, valueName: 'OUI:PC[:HW,..]', description: 'a model the file is for (repeatable; none: any model)' },
      version: { type: 'string', valueName: 'V', description: 'the SoftwareVersion a device reports once it runs this image' },
      name: { type: 'string', valueName: 'NAME', description: 'the name shown and served (default: the file\'s name)' },
      notes: { type: 'string', valueName: 'TEXT', description: 'notes for people' },
      sha256: { type: 'string', valueName: 'HEX', description: 'refuse the upload unless the content has this SHA-256' },
    },
    async run({ args, options, out, connection, io }) {
      const type = options.string('type');
      if (type === undefined) throw options.usage('--type is required');
      const path = resolve(io.cwd, args[0]);
      const size = await fileSize(path);
      const metadata: acsV1.FileMetadata = {
        name: options.string('name') ?? basename(path),
        fileType: fileTypeOf(type),
        targets: options.strings('model').map((model) => fileTargetOf(model, options)),
        softwareVersion: options.string('version') ?? '',
        notes: options.string('notes') ?? '',
        expectedSha256: options.string('sha256') ?? '',
      };
      const c = connection();
      const response = await c.upload<acsV1.UploadFileRequest, acsV1.UploadFileResponse>(
        (md, o, cb) => c.files.uploadFile(md, o, cb),
        uploadMessages(metadata, path, size, out),
      );
      const file = response.file!;
      if (out.json) out.document(acsV1.UploadFileResponse.toJSON(response));
      else out.fields(fileFields(file));
      return EXIT_OK;
    },
  },
  {
    group: 'files',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'files, newest first',
    options: {
      type: { type: 'string', short: 't', valueName: 'T', description: `only files of this type: ${TYPE_OPTION_DESCRIPTION}` },
      model: { type: 'string', valueName: 'OUI[:PC[:HW]]', description: 'only files for this model (files for any model included)' },
      ...PAGE_OPTIONS,
    },
    async run({ options, out, connection }) {
      const type = options.string('type');
      const [oui = '', productClass = '', hardwareVersion = '', ...rest] = (options.string('model') ?? '').split(':');
      if (rest.length > 0) throw options.usage('--model: OUI[:PRODUCTCLASS[:HW]]');
      const request = { fileType: type === undefined ? '' : fileTypeOf(type), oui, productClass, hardwareVersion };
      const c = connection();
      const { items, more } = await collectPages(pageScope(options), async (pageToken, pageSize) => {
        const page = await c.unary<acsV1.ListFilesResponse>((md, o, cb) => c.files.listFiles({ ...request, pageSize, pageToken }, md, o, cb));
        return { items: page.files, nextPageToken: page.nextPageToken };
      });
      if (out.json) {
        out.document(acsV1.ListFilesResponse.toJSON({ files: items, nextPageToken: '' }));
        return EXIT_OK;
      }
      out.table(items, FILE_COLUMNS);
      out.note(`${items.length} file(s)${more ? '; --all or --limit N for more' : ''}`);
      return EXIT_OK;
    },
  },
  {
    group: 'files',
    action: 'get',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one file\'s metadata',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.GetFileResponse>((md, o, cb) => c.files.getFile({ fileId: args[0] }, md, o, cb));
      if (out.json) out.document(acsV1.GetFileResponse.toJSON(response));
      else out.fields(fileFields(response.file!));
      return EXIT_OK;
    },
  },
  {
    group: 'files',
    action: 'delete',
    argsUsage: 'ID',
    minArgs: 1,
    maxArgs: 1,
    summary: 'deletes a file and its content (refused while a campaign that has not ended uses it)',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      await c.unary<acsV1.DeleteFileResponse>((md, o, cb) => c.files.deleteFile({ fileId: args[0] }, md, o, cb));
      if (out.json) out.document({ deleted: { fileId: args[0] } });
      else out.line(`deleted ${args[0]}`);
      return EXIT_OK;
    },
  },
];

function fileFields(file: acsV1.File): Array<[string, string]> {
  return [
    ['id', file.id],
    ['name', file.name],
    ['type', file.fileType],
    ['models', describeFileTargets(file.targets)],
    ['version', file.softwareVersion],
    ['size', `${file.size} (${formatBytes(file.size)})`],
    ['sha256', file.sha256],
    ['created', formatTime(file.createdAt)],
    ['by', file.createdBy],
    ['notes', file.notes],
  ];
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`${path} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/**
 * The metadata message, then the file's bytes a chunk per message, reporting progress every tenth of the file, then
 * `complete` with the bytes sent (without it the server keeps nothing: see files.proto).
 */
async function* uploadMessages(metadata: acsV1.FileMetadata, path: string, size: number, out: OutputWriter): AsyncGenerator<acsV1.UploadFileRequest> {
  yield { part: { $case: 'metadata', metadata } };
  let sent = 0;
  let reportedTenth = 0;
  out.note(`uploading ${metadata.name}: ${formatBytes(size)}`);
  for await (const chunk of createReadStream(path, { highWaterMark: UPLOAD_CHUNK_BYTES })) {
    const bytes = chunk as Buffer;
    yield { part: { $case: 'chunk', chunk: bytes } };
    sent += bytes.length;
    const tenth = size === 0 ? 10 : Math.floor((sent * 10) / size);
    if (tenth > reportedTenth) {
      reportedTenth = tenth;
      out.note(`  ${formatBytes(sent)} of ${formatBytes(size)} (${tenth * 10}%)`);
    }
  }
  yield { part: { $case: 'complete', complete: { size: sent } } };
}
