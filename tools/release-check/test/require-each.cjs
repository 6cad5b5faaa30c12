/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- this script is the CommonJS consumer */
// Loads each package named on the command line (folder names under packages/) through require()
// from CommonJS, as a consumer on Node 20.19+ would (Node loads the ES modules through require).
// Prints one line per package.
for (const name of process.argv.slice(2)) {
  const exported = require(`@hokusai/${name}`);
  const keys = Object.keys(exported);
  if (keys.length === 0) throw new Error(`@hokusai/${name} exported nothing through require()`);
  console.log(`@hokusai/${name} ${keys.length} exports`);
}
