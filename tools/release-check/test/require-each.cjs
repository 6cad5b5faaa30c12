/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- this script is the CommonJS consumer */
// Loads every published package through require() from CommonJS, as a consumer on Node 20.19+
// would (Node loads the ES modules through require). Prints one line per package.
const names = ['data-integration', 'evaluation', 'attestation', 'tracking', 'training', 'orchestrator', 'cli'];
for (const name of names) {
  const exported = require(`@hokusai/${name}`);
  const keys = Object.keys(exported);
  if (keys.length === 0) throw new Error(`@hokusai/${name} exported nothing through require()`);
  console.log(`@hokusai/${name} ${keys.length} exports`);
}
