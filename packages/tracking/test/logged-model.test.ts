import { cp, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createTracker, MlflowClient, readJournal, syncJournal, writeOnnxModelFolder } from '../src/index.js';
import { pipelineOutput } from './fixtures.js';


/** An output folder with a model folder under tracking/, journaled without a server. */
async function journaledOutput(experimentName: string, registeredName: string): Promise<{ dir: string; runId: string }> {
  const { dir, model } = await pipelineOutput();
  const modelDir = join(dir, 'tracking', 'mlflow-models', 'model');
  await writeOnnxModelFolder(modelDir, {
    onnx: new Uint8Array(model),
    inputs: [
      { name: 'age', type: 'float' },
      { name: 'plan', type: 'string' },
    ],
    inputExample: [[42, 'pro']],
  });
  const tracker = await createTracker({ journalPath: join(dir, 'tracking', 'journal.jsonl'), experimentName }, { env: {} });
  const run = await tracker.startRun({ name: 'pipeline' });
  await run.logArtifact(join(dir, 'report.json'));
  await run.logArtifact(join(dir, 'manifests'), 'manifests');
  const logged = await tracker.logModel({ runId: run.runId, name: 'model', localPath: modelDir, modelType: 'onnx', register: { name: registeredName, alias: 'accepted' } });
  expect(logged).toEqual({ modelId: undefined, version: undefined, journaled: true });
  await run.end('FINISHED');
  await tracker.close();
  return { dir, runId: run.runId };
}

describe.each([
  ['SQLite', inject('mlflowUri')],
  ['PostgreSQL', inject('mlflowPostgresUri')],
])('models as MLflow logged models, and journals that travel (%s backend store)', (_store, uri) => {
  it('writes an MLmodel with the onnx and python_function flavors and a per-column tensor signature', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'hokusai-mlmodel-')), 'model');
    const files = await writeOnnxModelFolder(dir, {
      onnx: new Uint8Array([8, 1]),
      inputs: [
        { name: 'age', type: 'float' },
        { name: 'plan', type: 'string' },
      ],
      inputExample: [[1, 'a']],
      modelId: 'm-0123',
    });
    expect(files).toEqual(['MLmodel', 'conda.yaml', 'input_example.json', 'model.onnx', 'python_env.yaml', 'requirements.txt', 'serving_input_example.json']);
    const mlmodel = await readFile(join(dir, 'MLmodel'), 'utf8');
    expect(mlmodel).toContain('  onnx:\n    code: null\n    data: model.onnx\n');
    expect(mlmodel).toContain('  python_function:\n    data: model.onnx\n');
    expect(mlmodel).toContain('    loader_module: mlflow.onnx\n');
    expect(mlmodel).toContain("model_id: 'm-0123'\n");
    expect(mlmodel).toContain(`"name": "plan", "type": "tensor", "tensor-spec": {"dtype": "object", "shape": [-1, 1]}`.replace(/: /g, ':').replace(/, /g, ','));
    expect(await readFile(join(dir, 'requirements.txt'), 'utf8')).toMatch(/^mlflow==3\.17\.2\nnumpy\nonnx==1\.23\.2\nonnxruntime==1\.32\.0$/);
    await expect(writeOnnxModelFolder(dir, { onnx: new Uint8Array([1]), inputs: [{ name: 'a', type: 'float' }], inputExample: [[1, 2]] })).rejects.toMatchObject({
      code: 'HOKUSAI_TRACKING_INVALID_VALUE',
    });
  });

  it('syncs a journaled run after its output folder moved: artifacts, the logged model READY, and a version from its folder', async () => {
    const { dir } = await journaledOutput('moved-folder', 'moved-model');
    const { entries } = await readJournal(join(dir, 'tracking', 'journal.jsonl'));
    for (const e of entries) if (e.op === 'artifact' || e.op === 'logModel') expect(e.localPath.startsWith('/'), e.localPath).toBe(false);
    const moved = `${dir}-moved`;
    await rename(dir, moved);
    const result = await syncJournal(join(moved, 'tracking', 'journal.jsonl'), uri);
    expect(result.errors).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.modelVersions).toEqual([{ name: 'moved-model', version: '1' }]);
    const client = new MlflowClient(uri);
    try {
      const runId = result.runs[entries[0]?.run as string] as string;
      expect(Buffer.compare(await client.readArtifact(runId, 'manifests/contributed.json'), await readFile(join(moved, 'manifests', 'contributed.json')))).toBe(0);
      const version = await client.getModelVersionByAlias('moved-model', 'accepted');
      const run = await client.getRun(runId);
      const [model] = await client.searchLoggedModels({ experimentIds: [run.info.experimentId], filter: `source_run_id = '${runId}'` });
      expect(model?.status).toBe('LOGGED_MODEL_READY');
      expect(version?.source).toBe(model?.artifactLocation);
      const listed = (await client.listModelArtifacts(model?.modelId as string)).map((f) => f.path);
      expect(listed).toContain('MLmodel');
      // A second sync creates nothing twice.
      const again = await syncJournal(join(moved, 'tracking', 'journal.jsonl'), uri);
      expect(again.failed).toBe(0);
      expect(again.modelVersions).toEqual([]);
      expect((await client.searchModelVersions(`name = 'moved-model'`)).length).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('never registers a version when a model file is missing, and says which', async () => {
    const { dir } = await journaledOutput('missing-file', 'missing-model');
    const copy = `${dir}-copy`;
    await cp(dir, copy, { recursive: true });
    await rm(join(copy, 'tracking', 'mlflow-models', 'model', 'model.onnx'));
    const result = await syncJournal(join(copy, 'tracking', 'journal.jsonl'), uri);
    expect(result.failed).toBe(1);
    expect(result.errors.join('\n')).toMatch(/logModel .*model\.onnx .*is gone/);
    expect(result.modelVersions).toEqual([]);
    const client = new MlflowClient(uri);
    try {
      expect(await client.getModelVersionByAlias('missing-model', 'accepted')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('does not send again a call the server refused for good (4xx), and reports it each time', async () => {
    const { dir } = await pipelineOutput();
    const journal = join(dir, 'tracking', 'journal.jsonl');
    const tracker = await createTracker({ journalPath: journal, experimentName: 'refused-call' }, { env: {} });
    const run = await tracker.startRun({ name: 'pipeline' });
    await run.logParams({ seed: 1 });
    // MLflow refuses to change a logged param (400 INVALID_PARAMETER_VALUE), however often asked.
    await run.logParams({ seed: 2 });
    await run.end('FINISHED');
    await tracker.close();
    const first = await syncJournal(journal, uri);
    expect(first.failed).toBe(1);
    expect(first.errors.join('\n')).toMatch(/answered 400/);
    const second = await syncJournal(journal, uri);
    expect(second.failed).toBe(1);
    expect(second.errors.join('\n')).toMatch(/refused by the server in an earlier sync, not sent again/);
  });
});
