import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFolderAtomic } from '@hokusai/core';
import { z } from 'zod';
import { TrackingError } from './errors.js';

/**
 * Versions written into a model folder's MLmodel and requirements: the Python packages that load
 * it (`mlflow.pyfunc.load_model`). They match what scripts/setup.sh installs for the tests.
 */
export const MODEL_FOLDER_PYTHON_PACKAGES = { mlflow: '3.17.2', onnx: '1.23.2', onnxruntime: '1.32.0' } as const;

/** One graph input of an ONNX model that takes one column per input, shaped [N, 1]. */
export interface OnnxColumnInput {
  name: string;
  type: 'float' | 'string';
}

export interface OnnxModelFolderOptions {
  /** The ONNX file's bytes, written as `model.onnx`. */
  onnx: Uint8Array;
  /** Graph inputs in graph order: they become the signature (one named [-1, 1] tensor each). */
  inputs: OnnxColumnInput[];
  /** A few rows of model input, one value per input in `inputs` order (null for a missing value). */
  inputExample?: Array<Array<number | string | null>>;
  /** The logged model id (`m-...`) the folder belongs to, as MLflow 3 writes it. */
  modelId?: string;
  /** Python version recorded for `python_function` (MLflow writes the saving interpreter's). */
  pythonVersion?: string;
  /** ISO time written as `utc_time_created`; default now. */
  createdAt?: Date;
}

const optionsSchema = z.object({
  onnx: z.instanceof(Uint8Array).refine((b) => b.length > 0, 'empty ONNX bytes'),
  inputs: z.array(z.object({ name: z.string().min(1), type: z.enum(['float', 'string']) })).min(1),
  inputExample: z.array(z.array(z.union([z.number(), z.string(), z.null()]))).optional(),
  modelId: z.string().min(1).optional(),
  pythonVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/).optional(),
  createdAt: z.date().optional(),
});

/** Files of a model folder, relative to it, in the order they are written. */
export const MODEL_FOLDER_FILES = ['model.onnx', 'MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt'] as const;

/**
 * Writes an MLflow model folder for an ONNX model, laid out as `mlflow.onnx.save_model` lays it
 * out: `MLmodel` with the `onnx` and `python_function` flavors, the ONNX file, a tensor signature
 * with one named input per column (pyfunc reshapes a DataFrame column to [-1, 1] and casts it),
 * an input example, and the environment files. The folder is built under a temporary name and
 * renamed, so a crash never leaves a half folder. Returns the relative paths written.
 */
export async function writeOnnxModelFolder(dir: string, options: OnnxModelFolderOptions): Promise<string[]> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `Model folder option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`);
  }
  const o = options;
  for (const row of o.inputExample ?? []) {
    if (row.length !== o.inputs.length) {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `Input example rows must have ${o.inputs.length} values (one per model input), got ${row.length}.`);
    }
  }
  const v = MODEL_FOLDER_PYTHON_PACKAGES;
  const python = o.pythonVersion ?? '3.11';
  const signature = JSON.stringify(
    o.inputs.map((i) => ({ name: i.name, type: 'tensor', 'tensor-spec': { dtype: i.type === 'float' ? 'float32' : 'object', shape: [-1, 1] } })),
  );
  const files: Array<[string, string | Uint8Array]> = [['model.onnx', o.onnx]];
  const hasExample = o.inputExample !== undefined && o.inputExample.length > 0;
  if (hasExample) {
    const columns = o.inputs.map((i) => i.name);
    files.push(['input_example.json', JSON.stringify({ columns, data: o.inputExample })]);
    files.push(['serving_input_example.json', JSON.stringify({ dataframe_split: { columns, data: o.inputExample } }, null, 2)]);
  }
  const requirements = [`mlflow==${v.mlflow}`, 'numpy', `onnx==${v.onnx}`, `onnxruntime==${v.onnxruntime}`];
  const created = (o.createdAt ?? new Date()).toISOString().replace('T', ' ').replace('Z', '');
  const size = files.reduce((n, [, body]) => n + (typeof body === 'string' ? Buffer.byteLength(body) : body.length), 0);
  const mlmodel = [
    'flavors:',
    '  onnx:',
    '    code: null',
    '    data: model.onnx',
    '    onnx_session_options: null',
    `    onnx_version: ${v.onnx}`,
    '    providers:',
    '    - CPUExecutionProvider',
    '  python_function:',
    '    data: model.onnx',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    '    loader_module: mlflow.onnx',
    `    python_version: '${python}'`,
    'is_signature_from_type_hint: false',
    `mlflow_version: ${v.mlflow}`,
    `model_id: ${o.modelId === undefined ? 'null' : yamlString(o.modelId)}`,
    `model_size_bytes: ${size}`,
    `model_uuid: ${randomUUID().replace(/-/g, '')}`,
    'prompts: null',
    ...(hasExample
      ? ['saved_input_example_info:', '  artifact_path: input_example.json', '  pandas_orient: split', '  serving_input_path: serving_input_example.json', '  type: dataframe']
      : []),
    'signature:',
    `  inputs: ${yamlString(signature)}`,
    '  outputs: null',
    '  params: null',
    'type_hint_from_example: false',
    `utc_time_created: '${created}'`,
    '',
  ].join('\n');
  files.push(['MLmodel', mlmodel]);
  files.push([
    'conda.yaml',
    ['channels:', '- conda-forge', 'dependencies:', `- python=${python}`, '- pip', '- pip:', ...requirements.map((r) => `  - ${r}`), 'name: mlflow-env', ''].join('\n'),
  ]);
  files.push(['python_env.yaml', [`python: '${python}'`, 'build_dependencies:', '- pip', '- setuptools', '- wheel', 'dependencies:', '- -r requirements.txt', ''].join('\n')]);
  files.push(['requirements.txt', requirements.join('\n')]);

  try {
    await replaceFolderAtomic(
      dir,
      async (staging) => {
        for (const [name, body] of files) await writeFile(join(staging, name), body);
      },
      { suffix: `${process.pid}-${randomBytes(4).toString('hex')}` },
    );
  } catch (cause) {
    throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Could not write the model folder ${dir}: ${(cause as Error).message}.`, { where: dir, cause });
  }
  return files.map(([name]) => name).sort();
}

/** A YAML scalar in single quotes (the only escape is a doubled quote). */
function yamlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
