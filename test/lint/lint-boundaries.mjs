// Lints source texts at virtual paths with the repository's eslint.config.mjs, boundary rules only, and answers over
// IPC. It runs in a child of the jest spec because ESLint loads its flat config with import(), which jest's module
// sandbox refuses.
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';

const boundaryRules = new Set(['@nx/enforce-module-boundaries', 'no-restricted-imports']);

process.once('message', async ({ cwd, sources }) => {
  // The nx rule reads the cached project graph and is silently skipped without one (a clean clone has none yet).
  await createProjectGraphAsync({ exitOnError: false });
  const eslint = new ESLint({
    cwd,
    // Type information is for other rules, and the project service refuses files that are not on disk.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => boundaryRules.has(ruleId),
  });
  const results = [];
  for (const { filePath, text } of sources) {
    const [result] = await eslint.lintText(text, { filePath, warnIgnored: true });
    results.push({ filePath, messages: result.messages.map(({ ruleId, message }) => ({ ruleId, message })) });
  }
  process.send(results, () => process.exit(0));
});
