import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('@hokusai/training bundled', () => {
  // The package declares "sideEffects": false, so a bundler drops any module imported only for
  // what it does on load. The built-in families must still be there after tree-shaking.
  it('keeps the built-in model families', async () => {
    const bundle = await build({
      stdin: {
        contents: "import { registeredModels } from '@hokusai/training';\nconsole.log(JSON.stringify(registeredModels()));\n",
        resolveDir: packageRoot,
        loader: 'js',
      },
      bundle: true,
      treeShaking: true,
      platform: 'node',
      format: 'esm',
      write: false,
      // Third-party code stays outside the bundle; only the package's own modules are shaken.
      external: ['@tensorflow/*', 'onnxruntime-node', 'apache-arrow', 'zod'],
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]?.text ?? '';
    const out = execFileSync(process.execPath, ['--input-type=module'], { cwd: packageRoot, input: code, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['gbdt', 'logistic_regression', 'mlp']);
  });
});
