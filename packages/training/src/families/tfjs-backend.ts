import { createRequire } from 'node:module';
import * as tfjs from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

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

async function choose(): Promise<{ tf: Tf; backend: TfBackendName }> {
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
      const require = createRequire(import.meta.url);
      const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
      setWasmPaths(entry.slice(0, entry.lastIndexOf('/') + 1));
      if (await tfjs.setBackend('wasm')) {
        await tfjs.ready();
        return { tf: tfjs, backend: 'tfjs-wasm' };
      }
    } catch {
      // wasm could not start: fall through to cpu.
    }
  }
  await tfjs.setBackend('cpu');
  await tfjs.ready();
  return { tf: tfjs, backend: 'tfjs-cpu' };
}
