import { createRequire } from 'node:module';
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type TfBackendName = 'tfjs-node' | 'tfjs-wasm' | 'tfjs-cpu';

let chosen: Promise<{ tf: Tf; backend: TfBackendName }> | undefined;

/**
 * The best TensorFlow.js backend present: tfjs-node when it is installed (its installer needs a
 * native download, so it is optional), else the WebAssembly backend, else plain JavaScript.
 * `HOKUSAI_TF_BACKEND=wasm|cpu` pins one, for reproducing a result made on another machine.
 */
export function tensorflow(): Promise<{ tf: Tf; backend: TfBackendName }> {
  chosen ??= choose();
  return chosen;
}

// Loaded on first use: importing the package must not pay for TensorFlow.js unless an MLP is trained.
async function choose(): Promise<{ tf: Tf; backend: TfBackendName }> {
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  const pinned = process.env['HOKUSAI_TF_BACKEND'];
  if (pinned === undefined || pinned === 'node') {
    try {
      // A variable specifier keeps bundlers and the type checker from requiring the optional package.
      const nodeModule = '@tensorflow/tfjs-node';
      const tfNode = (await import(nodeModule)) as Tf;
      await tfNode.ready();
      return { tf: tfNode, backend: 'tfjs-node' };
    } catch {
      // Not installed: fall through to wasm.
    }
  }
  if (pinned === undefined || pinned === 'wasm' || pinned === 'node') {
    try {
      const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
      setWasmPaths(entry.slice(0, entry.lastIndexOf('/') + 1));
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { tf, backend: 'tfjs-wasm' };
      }
    } catch {
      // wasm could not start: fall through to cpu.
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: 'tfjs-cpu' };
}
