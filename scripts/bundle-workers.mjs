#!/usr/bin/env node
// Bundles worker-thread entries of a built package into one file each, next to the entry:
// `node ../../scripts/bundle-workers.mjs match-worker` (from the package folder, after tsc)
// writes dist/match-worker.bundle.js (and its source map).
//
// Why: every worker thread starts with an empty module cache, and an entry that imports the
// package, zod and apache-arrow resolves, reads and compiles about 300 ES modules: 110-150 ms
// of CPU per thread here, and a run starts nine or ten threads. One bundled file compiles in
// 20-60 ms. `builtScript` (@hokusai/core) picks `<entry>.bundle.js` over `<entry>.js` when the
// build made one.
//
// Not every entry is worth it: bundling data-integration's load-worker as well made 1M-row runs
// 0.2 s faster but raised their peak RSS by about 100 MB (median of 4 runs, 2026-12-05; why was
// not found), so the loader threads keep their module graph. Threads a default run does not
// start are not bundled either: each bundle adds 1-3 MB with its map to the published package.
// See tools/bench/README.md.
//
// Entries must sit at the root of dist/: modules that find files or other workers from
// `import.meta.url` then resolve them as they do unbundled. Packages that load files of their
// own at run time (WebAssembly, native bindings, optional backends) stay outside the bundle.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EXTERNAL = ['parquet-wasm', 'onnxruntime-node', '@tensorflow/*', 'snarkjs', 'circomlibjs', 'circom2'];
// A CommonJS module inside the bundle may require() a Node built-in; an ES module has no
// require of its own.
const REQUIRE_SHIM = "import { createRequire as __hokusaiCreateRequire } from 'node:module';\nconst require = __hokusaiCreateRequire(import.meta.url);";

const entries = process.argv.slice(2);
if (entries.length === 0 || entries.some((e) => e.includes('/'))) {
  console.error('usage: node scripts/bundle-workers.mjs ENTRY... (names of files at the root of dist/, without .js)');
  process.exit(2);
}
for (const entry of entries) {
  const input = join('dist', `${entry}.js`);
  if (!existsSync(input)) {
    console.error(`bundle-workers: ${input} does not exist (run tsc first)`);
    process.exit(1);
  }
  const notices = `${entry}.bundle.js.LICENSE.txt`;
  const { metafile } = await build({
    entryPoints: [input],
    outfile: join('dist', `${entry}.bundle.js`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: `/*! Holds third-party code: their licenses are in ${notices}. */\n${REQUIRE_SHIM}` },
    metafile: true,
    // The packages say "sideEffects": false; a worker runs every module as unbundled, so nothing
    // is dropped on that promise.
    ignoreAnnotations: true,
    sourcemap: 'linked',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  writeFileSync(join('dist', notices), thirdPartyNotices(`${entry}.bundle.js`, Object.keys(metafile.inputs)));
}

/**
 * The name, version, license and license text of every third-party package whose code went into
 * a bundle: their licenses (MIT, Apache-2.0, ...) ask that the notice travel with the code, and
 * the published package carries the bundle.
 */
function thirdPartyNotices(bundle, inputs) {
  const roots = new Set();
  for (const input of inputs) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = input.slice(at + 'node_modules/'.length).split('/');
    roots.add(input.slice(0, at) + 'node_modules/' + parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join('/'));
  }
  const sections = [...roots].sort().map((root) => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const file = readdirSync(root).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
    const text = file === undefined ? `(no license file in the package; its package.json says ${manifest.license ?? 'nothing'})` : readFileSync(join(root, file), 'utf8').trim();
    return `${manifest.name} ${manifest.version} (${manifest.license ?? 'license not stated'})\n\n${text}\n`;
  });
  return `Third-party packages whose code is in ${bundle} (scripts/bundle-workers.mjs):\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`;
}
