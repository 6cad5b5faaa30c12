import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSnarkjs } from './snarkjs-loader.js';
import { attestationLeaves, type Attestation } from './attestation.js';
import { isSafeFileName } from './attestation-input.js';
import { canonicalJson } from './canonical-json.js';
import { circuitHash } from './circuit-source.js';
import { commitPredictions, type PredictionBits } from './commitments.js';
import { chunkPublicSignals, type ProofFiles } from './groth16-prover.js';
import { zkOutputInfoFromFile, zkOutputInfoFromFolder, zkOutputV1Document } from './zk-output-v1.js';
import { defaultCacheDir, INSECURE_NOTE, releaseCurve, requiredPower, SUPPLIED_NOTE } from './groth16-setup.js';
import { findCompiledCircuit } from './circuit-compile.js';
import { r1csInfo } from './binfile-header.js';
import { jsonFileText } from './json-file-text.js';
import { merkleRoot } from './merkle.js';
import { validateAttestationJson } from './schemas.js';
import { sha256Hex } from './sha256.js';

export interface VerificationCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  ok: boolean;
  checks: VerificationCheck[];
}

const PROOF_FILES = ['proof.json', 'public.json', 'verification_key.json'] as const;
// Accuracies are stored as doubles computed by the same division; any real tampering moves them
// by at least 1/rows, far above this.
const TOLERANCE = 1e-12;

function get(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * Checks an output folder without trusting the machine that wrote it: the attestation's schema,
 * body hash, every leaf recomputed from the body, the Merkle root, every attested file re-hashed,
 * the commitments and counts recomputed from the predictions the caller read from its
 * predictions file, the claimed accuracies and delta against the counts, and the Groth16 proof
 * with snarkjs against the verification key. Each failure names its check.
 */
export interface VerifyAttestationOptions {
  /** Labels and 0/1 predictions read from the run's predictions file. */
  predictions?: PredictionBits;
  /**
   * SHA-256 (of the canonical JSON) of the verification key you trust, e.g. from a published
   * ceremony. Without it any key the folder brings is accepted, and whoever made that key's setup
   * could have forged the proof; the counts are then only as trustworthy as the recomputation
   * from the predictions.
   */
  verificationKeySha256?: string;
}

export async function verifyAttestation(outDir: string, options: VerifyAttestationOptions = {}): Promise<VerificationReport> {
  const checks: VerificationCheck[] = [];
  const check = (name: string, ok: boolean, detail: string): boolean => {
    checks.push({ name, ok, detail });
    return ok;
  };
  const done = (): VerificationReport => ({ ok: checks.length > 0 && checks.every((c) => c.ok), checks });

  let attestation: Attestation;
  try {
    attestation = JSON.parse(await readFile(join(outDir, 'attestation.json'), 'utf8')) as Attestation;
    check('attestation.json readable', true, join(outDir, 'attestation.json'));
  } catch (error) {
    check('attestation.json readable', false, `${join(outDir, 'attestation.json')}: ${(error as Error).message}`);
    return done();
  }
  // Loading snarkjs and building the curve take most of a fresh process's time; start them now so
  // they overlap with schema compilation and file hashing.
  const verifier = attestation.proof === undefined ? undefined : prepareVerifier();
  verifier?.catch(() => undefined);
  const schemaErrors = validateAttestationJson(attestation);
  if (!check('attestation schema', schemaErrors === null, schemaErrors ?? 'valid against attestation-1.0.schema.json')) return done();

  const body = attestation.body;
  const bodyHash = sha256Hex(canonicalJson(body));
  check('body hash', bodyHash === attestation.body_sha256, bodyHash === attestation.body_sha256 ? bodyHash : `body hashes to ${bodyHash}, attestation says ${attestation.body_sha256}`);

  const leaves = attestationLeaves(body);
  const leavesOk = canonicalJson(leaves) === canonicalJson(attestation.leaves);
  const badLeaves = leavesOk ? [] : leaves.filter((l, i) => attestation.leaves[i]?.name !== l.name || attestation.leaves[i]?.hash !== l.hash).map((l) => l.name);
  check('leaves recomputed', leavesOk, leavesOk ? `${leaves.length} leaves` : `differ from the body: ${badLeaves.slice(0, 5).join(', ') || 'leaf count'}`);
  const root = merkleRoot(leaves);
  check('merkle root', root === attestation.merkle_root, root === attestation.merkle_root ? root : `leaves give ${root}, attestation says ${attestation.merkle_root}`);

  for (const [name, hash] of Object.entries(body.files)) {
    // A forged attestation must not make the verifier read outside the folder it was given.
    if (!isSafeFileName(name)) {
      check(`file ${name}`, false, `"${name}" is not a relative path inside the output folder`);
      continue;
    }
    const bytes = await readFile(join(outDir, name)).catch(() => undefined);
    if (bytes === undefined) check(`file ${name}`, false, `${name} is missing from ${outDir}`);
    else {
      const actual = sha256Hex(bytes);
      check(`file ${name}`, actual === hash, actual === hash ? hash : `${name} hashes to ${actual}, attested ${hash}`);
    }
  }

  const preds = body.predictions;
  if (preds !== null) {
    if (options.predictions === undefined) {
      check('commitments recomputed', false, 'no predictions given; read labels and 0/1 predictions from the predictions file and pass them');
    } else {
      try {
        const again = commitPredictions(options.predictions, preds.circuit_n);
        const same = canonicalJson({ ...again, proof_system: preds.proof_system }) === canonicalJson(preds);
        const differing = again.chunks.filter((c, i) => canonicalJson(c) !== canonicalJson(preds.chunks[i])).map((c) => c.index);
        check('commitments recomputed', same, same ? `${preds.chunks.length} chunk(s) of ${preds.circuit_n} rows` : `the predictions give different commitments or counts (chunks ${differing.join(', ') || 'totals'})`);
      } catch (error) {
        check('commitments recomputed', false, (error as Error).message);
      }
    }
    const sumB = preds.chunks.reduce((s, c) => s + c.baseline_correct, 0);
    const sumN = preds.chunks.reduce((s, c) => s + c.new_correct, 0);
    const rows = preds.chunks.reduce((s, c) => s + c.rows, 0);
    const claims: [string, unknown, number][] = [
      ['predictions.baseline_correct', preds.baseline_correct, sumB],
      ['predictions.new_correct', preds.new_correct, sumN],
      ['predictions.rows', preds.rows, rows],
      ['predictions.baseline_accuracy', preds.baseline_accuracy, sumB / rows],
      ['predictions.new_accuracy', preds.new_accuracy, sumN / rows],
      ['predictions.accuracy_delta', preds.accuracy_delta, sumN / rows - sumB / rows],
    ];
    const optional: [string, unknown, number][] = [
      ['results.baseline_metrics.accuracy', get(body.results, 'baseline_metrics', 'accuracy'), sumB / rows],
      ['results.new_metrics.accuracy', get(body.results, 'new_metrics', 'accuracy'), sumN / rows],
      ['results.delta.metrics.accuracy.absolute_delta', get(body.results, 'delta', 'metrics', 'accuracy', 'absolute_delta'), sumN / rows - sumB / rows],
    ];
    for (const c of optional) if (typeof c[1] === 'number') claims.push(c);
    const wrong = claims.filter(([, claimed, expected]) => typeof claimed !== 'number' || Math.abs(claimed - expected) > TOLERANCE);
    check('claimed accuracies', wrong.length === 0, wrong.length === 0 ? `baseline ${sumB}/${rows}, new ${sumN}/${rows}; ${claims.length} figures follow from the counts` : wrong.map(([name, claimed, expected]) => `${name} is ${String(claimed)}, counts give ${expected}`).join('; '));
  }

  const proof = attestation.proof;
  if (proof !== undefined && preds?.proof_system !== 'groth16') {
    check('groth16 proof', false, 'attestation.json carries a proof but the attested body says the counts were not proved');
    return done();
  }
  if (proof === undefined) {
    const stray = PROOF_FILES.filter((f) => existsSync(join(outDir, f)));
    const promised = preds?.proof_system === 'groth16';
    check(
      'groth16 proof',
      stray.length === 0 && !promised,
      promised ? 'the attested body says the counts were proved, but attestation.json carries no proof' : stray.length === 0 ? 'not proved (the run was made without a proof)' : `${stray.join(', ')} present but attestation.json carries no proof`,
    );
    await checkZkOutput(outDir, attestation, check);
    return done();
  }
  const texts: Partial<Record<(typeof PROOF_FILES)[number], string>> = {};
  const fileProblems: string[] = [];
  for (const name of PROOF_FILES) {
    const text = await readFile(join(outDir, name), 'utf8').catch(() => undefined);
    if (text === undefined) fileProblems.push(`${name} missing`);
    else {
      texts[name] = text;
      if (sha256Hex(text) !== proof.files[name]) fileProblems.push(`${name} hashes to ${sha256Hex(text)}, attested ${proof.files[name]}`);
    }
  }
  check('proof files', fileProblems.length === 0, fileProblems.length === 0 ? PROOF_FILES.join(', ') : fileProblems.join('; '));
  let vkey: unknown;
  let proofJson: unknown;
  let publicJson: unknown;
  try {
    vkey = JSON.parse(texts['verification_key.json'] ?? 'null');
    proofJson = JSON.parse(texts['proof.json'] ?? 'null');
    publicJson = JSON.parse(texts['public.json'] ?? 'null');
  } catch (error) {
    check('groth16 proof', false, `proof files are not JSON: ${(error as Error).message}`);
    return done();
  }
  const vkeyHash = vkey === null ? 'missing' : sha256Hex(canonicalJson(vkey));
  const pinned = options.verificationKeySha256;
  if (vkeyHash !== proof.verification_key_sha256) check('verification key hash', false, `verification_key.json hashes to ${vkeyHash}, attested ${proof.verification_key_sha256}`);
  else if (pinned !== undefined && pinned !== vkeyHash) check('verification key hash', false, `verification key ${vkeyHash} is not the trusted key ${pinned}`);
  else check('verification key hash', true, pinned === undefined ? `${vkeyHash} (not pinned: pass verificationKeySha256 to require a trusted key)` : `${vkeyHash}, the trusted key`);
  let expectedCircuit = 'unknown';
  try {
    expectedCircuit = circuitHash(proof.circuit.n);
  } catch (error) {
    expectedCircuit = (error as Error).message;
  }
  const circuitOk = expectedCircuit === proof.circuit.hash && preds !== null && proof.circuit.n === preds.circuit_n;
  check('circuit hash', circuitOk, circuitOk ? `${proof.circuit.name} N=${proof.circuit.n}: ${expectedCircuit}` : `attested ${proof.circuit.hash} for N=${proof.circuit.n}; this package's circuit hashes to ${expectedCircuit}${preds !== null && proof.circuit.n !== preds.circuit_n ? `; commitments use N=${preds.circuit_n}` : ''}`);

  // The setup facts sit outside the Merkle root (the proof is randomized); check what can be checked.
  const metaProblems: string[] = [];
  const expectedNote = proof.setup.insecure ? INSECURE_NOTE : SUPPLIED_NOTE;
  if (proof.setup.note !== expectedNote) metaProblems.push('setup.note does not match setup.insecure');
  let compiled: ReturnType<typeof findCompiledCircuit>;
  try {
    compiled = findCompiledCircuit(proof.circuit.n, defaultCacheDir());
    if (compiled !== undefined) {
      const info = await r1csInfo(compiled.r1csPath);
      if (info.constraints !== proof.circuit.constraints) metaProblems.push(`circuit.constraints is ${proof.circuit.constraints}, the compiled circuit has ${info.constraints}`);
      if (proof.setup.ptau_power < requiredPower(info)) metaProblems.push(`setup.ptau_power ${proof.setup.ptau_power} is too small for this circuit`);
    }
  } catch (error) {
    metaProblems.push((error as Error).message);
  }
  check('proof metadata', metaProblems.length === 0, metaProblems.length === 0 ? `circuit ${compiled === undefined ? 'not compiled here; constraints not rechecked' : `${proof.circuit.constraints} constraints rechecked`}, setup note consistent; ptau hash is informational` : metaProblems.join('; '));

  const chunks = preds?.chunks ?? [];
  const single = chunks.length === 1;
  const proofs = single ? [proofJson] : Array.isArray(proofJson) ? proofJson : [];
  const publics = (single ? [publicJson] : Array.isArray(publicJson) ? publicJson : []) as unknown[];
  const expectedSignals = chunks.map(chunkPublicSignals);
  const signalsOk = canonicalJson(publics) === canonicalJson(expectedSignals) && canonicalJson(proof.public_signals) === canonicalJson(expectedSignals);
  check('public signals', signalsOk, signalsOk ? `${expectedSignals.length} chunk(s): rows, three commitments, two counts` : 'public.json or the attested public signals differ from the commitments and counts in the body');

  const failed: number[] = [];
  const snarkjs = await (verifier ?? prepareVerifier());
  try {
    for (let i = 0; i < chunks.length; i++) {
      // Verify against the body's signals, not public.json, so the proof speaks for the attested numbers.
      const ok = await snarkjs.groth16.verify(vkey, expectedSignals[i], proofs[i]).catch(() => false);
      if (!ok) failed.push(i);
    }
  } finally {
    await releaseCurve();
  }
  check('groth16 proof', chunks.length > 0 && failed.length === 0, failed.length === 0 ? `snarkjs verified ${chunks.length} proof(s)` : `snarkjs rejected the proof of chunk(s) ${failed.join(', ')}`);
  check('trusted setup', true, proof.setup.insecure ? `WARNING ${proof.setup.note}` : proof.setup.note);
  await checkZkOutput(outDir, attestation, check);
  return done();
}

/**
 * zk_output_v1.json is derived from the attestation: rebuild it (taking from the file only the
 * facts the attestation cannot supply, and the column count from the attested manifest) and
 * compare byte for byte.
 */
async function checkZkOutput(outDir: string, attestation: Attestation, check: (name: string, ok: boolean, detail: string) => boolean): Promise<void> {
  const name = 'zk_output_v1.json';
  const text = await readFile(join(outDir, name), 'utf8').catch(() => undefined);
  if (text === undefined) return;
  try {
    const fromFile = zkOutputInfoFromFile(JSON.parse(text) as unknown);
    const fromFolder = await zkOutputInfoFromFolder(outDir, attestation);
    let proofFiles: ProofFiles | undefined;
    if (attestation.proof !== undefined) {
      const read = async (f: string): Promise<unknown> => JSON.parse(await readFile(join(outDir, f), 'utf8')) as unknown;
      proofFiles = { 'proof.json': await read('proof.json'), 'public.json': await read('public.json'), 'verification_key.json': await read('verification_key.json') };
    }
    const rebuilt = zkOutputV1Document(attestation, { ...fromFile, ...fromFolder, ...(proofFiles === undefined ? {} : { proofFiles }) });
    const same = jsonFileText(rebuilt) === text;
    check(name, same, same ? 'rebuilt from attestation.json and identical' : 'differs from the file rebuilt from attestation.json');
  } catch (error) {
    check(name, false, `cannot be rebuilt from attestation.json: ${(error as Error).message}`);
  }
}

/**
 * snarkjs with a single-threaded curve in place: a few pairings do not pay for starting worker
 * threads, and ffjavascript hands out the curve kept in globalThis.curve_bn128, so the one put
 * there is what groth16.verify uses.
 */
async function prepareVerifier(): Promise<Awaited<ReturnType<typeof loadSnarkjs>>> {
  const snarkjs = await loadSnarkjs();
  const slot = globalThis as { curve_bn128?: unknown };
  if (slot.curve_bn128 == null) slot.curve_bn128 = await snarkjs.curves.getCurveFromName('bn128', { singleThread: true });
  return snarkjs;
}
