import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMlflowServer, type MlflowServer } from '@hokusai/test-helpers';
import { exampleModule, readmeExamples } from './readme-examples.js';
import { PUBLISHED, WORKSPACE_ROOT, packageDir } from './workspace-packages.js';

// Every README example runs as written, in an empty folder that has the workspace's packages and
// the quickstart data (`examples/`), as a reader who copied it would run it. A new example block
// changes the count below, so it cannot be left out of the test by accident.

interface ExampleCase {
  /** How many runnable blocks the README holds (every ```ts/```js block importing a @hokusai package). */
  blocks: number;
  /** Files the example takes as given (its own outputs it must make itself). */
  prepare?: (folder: string) => void;
  env?: (block: number) => Promise<Record<string, string | undefined>>;
  /** What the blocks' output must contain, in order. */
  prints?: RegExp[];
}

const PII_KEY = { HOKUSAI_PII_KEY: 'readme-example-pii-key-0123456789' };
let mlflow: MlflowServer | undefined;

const CASES: Record<string, ExampleCase | undefined> = {
  'data-integration': { blocks: 1, env: async () => PII_KEY },
  evaluation: { blocks: 1, prints: [/NOT_SIGNIFICANT/] },
  core: { blocks: 3, prints: [/HOKUSAI_TYPE_MISMATCH input data\.csv 3 age/, /^true$/m, /^input$/m, /623629084/, /^3\n2$/m] },
  attestation: { blocks: 1, prints: [/^true \[/m] },
  tracking: {
    blocks: 2,
    // The example logs a model file that an earlier step of a pipeline would have written.
    prepare: (folder) => {
      mkdirSync(join(folder, 'out'));
      writeFileSync(join(folder, 'out/model.onnx'), 'onnx bytes');
    },
    // First without a server (journal only), then the sync into a real MLflow server.
    env: async (block) => {
      if (block === 0) return { MLFLOW_TRACKING_URI: undefined };
      mlflow ??= await startMlflowServer();
      return { MLFLOW_TRACKING_URI: mlflow.uri };
    },
    prints: [/^journal \[/m, /failed: 0/],
  },
  training: { blocks: 2, prints: [/^\{"l2":0\.0001\}$/m] },
  orchestrator: { blocks: 2, env: async () => PII_KEY, prints: [/\ntrue\n/] },
  server: { blocks: 0 },
  cli: { blocks: 0 },
};

const folders: string[] = [];
afterAll(async () => {
  await mlflow?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe.each(PUBLISHED)('@hokusai/%s README', (name) => {
  const examples = readmeExamples(join(packageDir(name), 'README.md'));
  const spec = CASES[name] ?? { blocks: -1 };

  it(`holds the runnable example blocks listed for it here`, () => {
    if (spec.blocks < 0) throw new Error(`@hokusai/${name} has no entry in CASES of this test: list its README examples there`);
    expect(examples.map((e) => e.heading)).toHaveLength(spec.blocks);
  });

  it.runIf(spec.blocks > 0)('runs its examples as written', async () => {
    const folder = mkdtempSync(join(tmpdir(), `hokusai-readme-${name}-`));
    folders.push(folder);
    symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(folder, 'node_modules'));
    symlinkSync(join(WORKSPACE_ROOT, 'examples'), join(folder, 'examples'));
    spec.prepare?.(folder);
    let printed = '';
    for (const [i, example] of examples.entries()) {
      const file = join(folder, `example-${i}.mjs`);
      writeFileSync(file, exampleModule(example));
      const env: NodeJS.ProcessEnv = { ...process.env, ...(await spec.env?.(i)) };
      for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
      // console.log colours its values when FORCE_COLOR is set (CI sets it): read what a reader sees.
      delete env.FORCE_COLOR;
      env.NO_COLOR = '1';
      const run = spawnSync(process.execPath, [file], { cwd: folder, env, encoding: 'utf8', timeout: 240_000 });
      expect(run.status, `${example.heading} block ${i}:\n${run.stdout}\n${run.stderr}`).toBe(0);
      printed += run.stdout;
    }
    for (const pattern of spec.prints ?? []) expect(printed).toMatch(pattern);
  });
});
