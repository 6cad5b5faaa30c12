// Maintainer tool, run once per circuit change: makes the Groth16 keys shipped with the package
// under keys/<circuit hash>/, so every machine proves and verifies with the same pinned key.
// Phase 2 = one contribution with fresh randomness (discarded when this process ends) followed by
// a public beacon, on the development powers of tau in dev-ptau/.
//   node dist/make-shipped-keys.js 1024,32,linear   (sizes of the counting circuit; `linear` = the inference circuit)
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSnarkjs } from './snarkjs-loader.js';
import { compiledCircuit } from './circuit-compile.js';
import { circuitHash, PACKAGE_ROOT } from './circuit-source.js';
import { canonicalJson } from './canonical-json.js';
import { defaultCacheDir, releaseCurve } from './groth16-setup.js';
import { beaconFor, BEACON_ITERATIONS_EXP, DEV_PTAU_FILE, SHIPPED_KEYS_DIR } from './shipped-keys.js';
import { fileDigests } from './ptau-ceremonies.js';
import { sha256Hex } from './sha256.js';
import { ptauInfo } from './binfile-header.js';
import { compiledLinearCircuit, linearCircuitHash, LINEAR_CIRCUIT_NAME, LINEAR_FEATURES, LINEAR_LOGIT_BITS, LINEAR_ROWS } from './linear-circuit.js';

const sizes = (process.argv[2] ?? '1024,32').split(',');
const snarkjs = await loadSnarkjs();
const ptauPath = join(PACKAGE_ROOT, 'dev-ptau', DEV_PTAU_FILE);
const ptau = { power: (await ptauInfo(ptauPath)).power, ...(await fileDigests(ptauPath)) };
for (const size of sizes) {
  const started = Date.now();
  const linear = size === 'linear';
  const n = linear ? LINEAR_ROWS : Number(size);
  const circuit = linear ? await compiledLinearCircuit(defaultCacheDir()) : await compiledCircuit(n, defaultCacheDir());
  const hash = linear ? linearCircuitHash() : circuitHash(n);
  const dir = join(SHIPPED_KEYS_DIR, hash);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, '.tmp');
  try {
    await snarkjs.zKey.newZKey(circuit.r1csPath, ptauPath, `${tmp}.0.zkey`);
    const contribution = await snarkjs.zKey.contribute(`${tmp}.0.zkey`, `${tmp}.1.zkey`, 'hokusai maintainer', randomBytes(32).toString('hex'));
    await snarkjs.zKey.beacon(`${tmp}.1.zkey`, join(dir, 'circuit.zkey'), 'hokusai beacon', beaconFor(hash), BEACON_ITERATIONS_EXP);
    const vkey = await snarkjs.zKey.exportVerificationKey(join(dir, 'circuit.zkey'));
    await writeFile(join(dir, 'verification_key.json'), `${JSON.stringify(vkey, null, 2)}\n`);
    const transcript = {
      circuit: linear ? { name: LINEAR_CIRCUIT_NAME, rows: LINEAR_ROWS, features: LINEAR_FEATURES, logit_bits: LINEAR_LOGIT_BITS, hash } : { n, hash },
      ptau: { file: DEV_PTAU_FILE, ...ptau },
      phase2: [
        { name: 'hokusai maintainer', kind: 'contribution', note: 'fresh randomness, discarded', hash: contribution === undefined ? null : Buffer.from(contribution as Uint8Array).toString('hex') },
        { name: 'hokusai beacon', kind: 'beacon', beacon: beaconFor(hash), iterations_exp: BEACON_ITERATIONS_EXP },
      ],
      verification_key_sha256: sha256Hex(canonicalJson(vkey)),
    };
    await writeFile(join(dir, 'transcript.json'), `${JSON.stringify(transcript, null, 2)}\n`);
    console.log(`${linear ? 'linear' : `N=${n}`}: ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s, verification key sha256 ${transcript.verification_key_sha256}`);
  } finally {
    await rm(`${tmp}.0.zkey`, { force: true });
    await rm(`${tmp}.1.zkey`, { force: true });
  }
}
await releaseCurve();
