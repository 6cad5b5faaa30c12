#!/usr/bin/env node
// The `hokusai` command. This file is committed rather than built so that `npm ci` links the
// command before the TypeScript build has run (npm links only files that exist); it loads the
// built program and says what to do when the build is missing.
const built = new URL('../dist/bin.js', import.meta.url);
try {
  await import(built.href);
} catch (error) {
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(built.pathname);
  if (!missing) throw error;
  console.error('hokusai: the command is not built yet. Run `npm run build` in the repository (or `npx nx run @hokusai/cli:build`), then try again.');
  process.exitCode = 3;
}
