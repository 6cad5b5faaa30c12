#!/usr/bin/env node
import { hashInputsEarly } from './early-input-hashes.js';

// A run's inputs are hashed on another core while this one loads the program's modules.
const early = hashInputsEarly(process.argv);
const { main } = await import('./program.js');

// `hokusai ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv, early === undefined ? {} : { inputHashes: early.hashes });
early?.stop();
// The command is done. Connections that retry without end (Redis gone mid-run) must not keep the
// process alive; the timer does not keep it alive either when nothing else does.
setTimeout(() => process.exit(process.exitCode), 2000).unref();
