import { status, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { isServiceError } from '@acs/platform';
import type { CommandContext, CommandSpec } from '../cli/command';
import { CliError, EXIT_FAILED, EXIT_OK } from '../cli/cli-errors';
import type { AcsConnection } from '../connection/acs-connection';
import { formatServiceError, statusName } from '../output/grpc-error.format';
import { PRESET_COLUMNS } from '../output/resource-views';
import { locateInFile, readPresetDocuments, type PresetDocument } from '../presets/preset-documents.reader';
import { duplicateNames, planPresetApply, type DesiredPreset, type PresetChange, type PresetChangeKind } from '../presets/preset-apply.planner';
import { presetToFileYaml } from '../presets/preset-yaml.export';
import { collectPages } from './paging';

const FILE_OPTION = {
  file: { type: 'string' as const, short: 'f', multiple: true, valueName: 'FILE|DIR', description: 'a presets file, or a directory of *.yaml files (repeatable)' },
};

const DONE_WORDS: Record<PresetChangeKind, string> = { create: 'created', update: 'updated', unchanged: 'unchanged', delete: 'deleted' };
const PLANNED_WORDS: Record<PresetChangeKind, string> = { create: 'would create', update: 'would update', unchanged: 'unchanged', delete: 'would delete' };

export const PRESET_COMMANDS: CommandSpec[] = [
  {
    group: 'presets',
    action: 'list',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'every preset, by name',
    options: {},
    async run({ out, connection }) {
      const presets = await allPresets(connection());
      if (out.json) out.document(acsV1.ListPresetsResponse.toJSON({ presets, nextPageToken: '' }));
      else out.table(presets, PRESET_COLUMNS);
      return EXIT_OK;
    },
  },
  {
    group: 'presets',
    action: 'get',
    argsUsage: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    summary: 'one preset, written in the presets-file format (YAML) that `presets apply` reads',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      const response = await c.unary<acsV1.GetPresetResponse>((md, o, cb) => c.presets.getPreset({ name: args[0] }, md, o, cb));
      if (out.json) out.document(acsV1.GetPresetResponse.toJSON(response));
      else if (response.preset) out.line(presetToFileYaml(response.preset).trimEnd());
      return EXIT_OK;
    },
  },
  {
    group: 'presets',
    action: 'delete',
    argsUsage: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    summary: 'deletes a preset',
    options: {},
    async run({ args, out, connection }) {
      const c = connection();
      await c.unary<acsV1.DeletePresetResponse>((md, o, cb) => c.presets.deletePreset({ name: args[0] }, md, o, cb));
      if (out.json) out.document({ deleted: args[0] });
      else out.line(`deleted ${args[0]}`);
      return EXIT_OK;
    },
  },
  {
    group: 'presets',
    action: 'validate',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'checks preset files with the server, storing nothing',
    options: FILE_OPTION,
    async run(context) {
      const documents = readDocuments(context);
      const { valid, invalid } = await validateDocuments(context.connection(), documents);
      const { out } = context;
      if (out.json) {
        out.document({
          presets: [
            ...valid.map((v) => ({ source: v.document.source, name: v.preset.name, valid: true })),
            ...invalid.map((i) => ({ source: i.document.source, name: i.document.name ?? '', valid: false, errors: documentError(i.document, i.error).map((l) => l.trim()) })),
          ],
        });
      } else {
        for (const v of valid) out.line(`ok       ${v.preset.name} (${v.document.source})`);
        printInvalid(context, invalid);
      }
      return invalid.length > 0 ? EXIT_FAILED : EXIT_OK;
    },
  },
  {
    group: 'presets',
    action: 'apply',
    argsUsage: '',
    minArgs: 0,
    maxArgs: 0,
    summary: 'makes the server\'s presets those of the files: creates, updates, and with --prune deletes',
    details: [
      'Every preset is validated by the server first; if any is invalid, nothing is changed. A preset is updated only ' +
        'when its stored form differs from the file\'s. --dry-run prints the plan and changes nothing.',
    ],
    options: {
      ...FILE_OPTION,
      prune: { type: 'boolean', description: 'delete the server\'s presets that no file defines' },
      'dry-run': { type: 'boolean', description: 'print what would be done, change nothing' },
    },
    async run(context) {
      const { options, out } = context;
      const dryRun = options.flag('dry-run');
      const documents = readDocuments(context);
      const c = context.connection();
      const { valid, invalid } = await validateDocuments(c, documents);
      if (invalid.length > 0) {
        printInvalid(context, invalid);
        out.note('nothing applied: fix the presets above first');
        return EXIT_FAILED;
      }
      const duplicates = duplicateNames(valid);
      if (duplicates.length > 0) throw new CliError(duplicates.join('\n'));
      const stored = new Map<string, acsV1.Preset>();
      for (const { preset } of valid) {
        const current = await storedPreset(c, preset.name);
        if (current) stored.set(preset.name, current);
      }
      const serverNames = options.flag('prune') ? (await allPresets(c)).map((p) => p.name) : undefined;
      const plan = planPresetApply(valid, stored, serverNames);
      const results: Array<{ change: PresetChange; error?: ServiceError }> = [];
      for (const change of plan) {
        const error = dryRun ? undefined : await executeChange(c, change);
        results.push(error ? { change, error } : { change });
        if (!out.json) printChange(context, change, dryRun, error);
      }
      const failed = results.filter((r) => r.error).length;
      const counts = (kind: PresetChangeKind): number => results.filter((r) => r.change.kind === kind && !r.error).length;
      const summary = { created: counts('create'), updated: counts('update'), unchanged: counts('unchanged'), deleted: counts('delete'), failed };
      if (out.json) {
        out.document({
          dryRun,
          changes: results.map(({ change, error }) => ({
            name: change.name,
            action: dryRun ? PLANNED_WORDS[change.kind].replace(/^would /, '') : DONE_WORDS[change.kind],
            ...(change.document ? { source: change.document.source } : {}),
            ...(change.fields.length > 0 ? { fields: change.fields } : {}),
            ...(error ? { error: documentError(change.document, error).map((l) => l.trim()) } : {}),
          })),
          summary,
        });
      } else {
        const words = dryRun ? PLANNED_WORDS : DONE_WORDS;
        out.note(
          `${summary.created} ${words.create}, ${summary.updated} ${words.update}, ${summary.unchanged} unchanged, ${summary.deleted} ${words.delete}` +
            `${failed > 0 ? `, ${failed} failed` : ''}${dryRun ? ' (dry run)' : ''}`,
        );
      }
      return failed > 0 ? EXIT_FAILED : EXIT_OK;
    },
  },
];

function readDocuments({ options, io }: CommandContext): PresetDocument[] {
  const paths = options.list('file');
  if (paths.length === 0) throw options.usage('give the preset files with -f FILE|DIR');
  const documents = readPresetDocuments(paths, io.cwd);
  if (documents.length === 0) throw new CliError(`no presets found in ${paths.join(', ')}`);
  return documents;
}

interface InvalidDocument {
  document: PresetDocument;
  error: ServiceError;
}

/** ValidatePreset for each document: the server's form of the valid ones, the refusal of the others. */
async function validateDocuments(c: AcsConnection, documents: readonly PresetDocument[]): Promise<{ valid: DesiredPreset[]; invalid: InvalidDocument[] }> {
  const valid: DesiredPreset[] = [];
  const invalid: InvalidDocument[] = [];
  for (const document of documents) {
    try {
      const response = await c.unary<acsV1.ValidatePresetResponse>((md, o, cb) =>
        c.presets.validatePreset({ source: { $case: 'yaml', yaml: document.yaml } }, md, o, cb),
      );
      if (!response.preset) throw new CliError(`${document.source}: the server validated the preset but returned none`);
      valid.push({ document, preset: response.preset });
    } catch (error) {
      // Only a refusal of this preset is per-document; anything else (auth, network) stops the command.
      if (isServiceError(error) && error.code === status.INVALID_ARGUMENT) invalid.push({ document, error });
      else throw error;
    }
  }
  return { valid, invalid };
}

async function storedPreset(c: AcsConnection, name: string): Promise<acsV1.Preset | undefined> {
  try {
    const response = await c.unary<acsV1.GetPresetResponse>((md, o, cb) => c.presets.getPreset({ name }, md, o, cb));
    return response.preset;
  } catch (error) {
    if (isServiceError(error) && error.code === status.NOT_FOUND) return undefined;
    throw error;
  }
}

async function allPresets(c: AcsConnection): Promise<acsV1.Preset[]> {
  const { items } = await collectPages({ all: true }, async (pageToken, pageSize) => {
    const page = await c.unary<acsV1.ListPresetsResponse>((md, o, cb) => c.presets.listPresets({ pageSize, pageToken }, md, o, cb));
    return { items: page.presets, nextPageToken: page.nextPageToken };
  });
  return items;
}

/** Carries out one change; a refusal of this preset is returned (the others still go ahead), anything else thrown. */
async function executeChange(c: AcsConnection, change: PresetChange): Promise<ServiceError | undefined> {
  try {
    switch (change.kind) {
      case 'create':
        await c.unary<acsV1.CreatePresetResponse>((md, o, cb) => c.presets.createPreset({ source: { $case: 'yaml', yaml: change.document!.yaml } }, md, o, cb));
        return undefined;
      case 'update':
        await c.unary<acsV1.UpdatePresetResponse>((md, o, cb) => c.presets.updatePreset({ source: { $case: 'yaml', yaml: change.document!.yaml } }, md, o, cb));
        return undefined;
      case 'delete':
        await c.unary<acsV1.DeletePresetResponse>((md, o, cb) => c.presets.deletePreset({ name: change.name }, md, o, cb));
        return undefined;
      case 'unchanged':
        return undefined;
    }
  } catch (error) {
    if (isServiceError(error) && error.code !== status.UNAVAILABLE && error.code !== status.UNAUTHENTICATED) return error;
    throw error;
  }
}

function printChange({ out }: CommandContext, change: PresetChange, dryRun: boolean, error: ServiceError | undefined): void {
  const word = (dryRun ? PLANNED_WORDS : DONE_WORDS)[change.kind];
  const where = change.document ? ` (${change.document.source})` : '';
  const fields = change.fields.length > 0 ? ` [${change.fields.join(', ')}]` : '';
  if (!error) {
    out.line(`${word.padEnd(12)} ${change.name}${fields}${where}`);
    return;
  }
  const [first, ...rest] = documentError(change.document, error);
  out.line(`failed       ${change.name}${where}: ${first}`);
  for (const line of rest) out.line(`  ${line}`);
}

function printInvalid({ out }: CommandContext, invalid: readonly InvalidDocument[]): void {
  for (const { document, error } of invalid) {
    const [first, ...rest] = documentError(document, error);
    out.note(`invalid  ${document.name ?? '(no name)'} (${document.source}): ${first}`);
    for (const line of rest) out.note(line);
  }
}

/**
 * The server's refusal of one preset, its lines pointing into the file. With violations listed the summary message
 * (which repeats the first of them) gives way to the status code alone.
 */
function documentError(document: PresetDocument | undefined, error: ServiceError): string[] {
  const [first, ...details] = formatServiceError(error).map((line) => (document ? locateInFile(document, line) : line));
  const violations = details.filter((line) => !line.trimStart().startsWith('hint:'));
  return [violations.length > 0 ? statusName(error.code) : first.replace(/^error: /, ''), ...details];
}
