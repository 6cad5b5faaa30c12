import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSnarkjs } from './snarkjs-loader.js';
import { attestationLeaves, type Attestation, type AttestedPredictions, type AttestedSetup } from './attestation.js';
import { isSafeFileName } from './attestation-input.js';
import { canonicalJson } from './canonical-json.js';
import { CIRCUIT_NAME, circuitHash } from './circuit-source.js';
import { chunkAccumulator, commitPredictions, type PredictionBits } from './commitments.js';
import { chunkProofFile, chunkPublicFile, chunkPublicSignals, proofFileNames, VERIFICATION_KEY_FILE } from './groth16-prover.js';
import { knownCeremony } from './ptau-ceremonies.js';
import { shippedKey, shippedVerificationKeySha256 } from './shipped-keys.js';
import { zkOutputInfoFromFolder, zkOutputV1Document } from './zk-output-v1.js';
import { defaultCacheDir, releaseCurve, requiredPower, setupNote } from './groth16-setup.js';
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

/** Proof files at the folder's root; chunk proofs live under proofs/. */
const PROOF_FILES_AT_ROOT = [VERIFICATION_KEY_FILE, 'proof.json', 'public.json'] as const;
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
  /** Fail when the counts were not proved. */
  requireProof?: boolean;
  /** Fail unless the proof is under a known public ceremony ptau and a pinned key. */
  strict?: boolean;
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
        const same = canonicalJson({ ...again, proof_system: preds.proof_system, setup: preds.setup }) === canonicalJson(preds);
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

  if (preds !== null) checkChunkChain(preds, check);

  const proof = attestation.proof;
  const setup = preds?.setup ?? null;
  if (options.requireProof === true && (preds === null || preds.proof_system !== 'groth16' || setup === null)) {
    check('proof required', false, 'the attested body says the counts were not proved (--require-proof)');
  }
  if (proof !== undefined && (preds?.proof_system !== 'groth16' || setup === null)) {
    check('groth16 proof', false, 'attestation.json carries a proof but the attested body says the counts were not proved');
    return done();
  }
  if (preds !== null && preds.proof_system === 'none' && setup !== null) check('groth16 proof', false, 'the attested body names a setup but says the counts were not proved');
  if (proof === undefined || setup === null) {
    const stray = [...PROOF_FILES_AT_ROOT, 'proofs'].filter((f) => existsSync(join(outDir, f)));
    const promised = preds?.proof_system === 'groth16';
    check(
      'groth16 proof',
      stray.length === 0 && !promised,
      promised ? 'the attested body says the counts were proved, but attestation.json carries no proof' : stray.length === 0 ? 'not proved (the run was made without a proof)' : `${stray.join(', ')} present but attestation.json carries no proof`,
    );
    if (options.strict === true) check('trusted setup', false, 'no proof: --strict requires a proof under a ceremony setup');
    await checkZkOutput(outDir, attestation, check);
    return done();
  }
  const chunks = preds?.chunks ?? [];
  const expectedNames = proofFileNames(chunks.length);
  const texts = new Map<string, string>();
  const fileProblems: string[] = [];
  const attestedNames = Object.keys(proof.files).sort();
  if (canonicalJson(attestedNames) !== canonicalJson([...expectedNames].sort())) fileProblems.push(`attested proof files ${attestedNames.join(', ')} are not the ${expectedNames.length} expected for ${chunks.length} chunk(s)`);
  for (const name of expectedNames) {
    const text = await readFile(join(outDir, name), 'utf8').catch(() => undefined);
    if (text === undefined) fileProblems.push(`${name} missing`);
    else {
      texts.set(name, text);
      if (sha256Hex(text) !== proof.files[name]) fileProblems.push(`${name} hashes to ${sha256Hex(text)}, attested ${proof.files[name] ?? 'nothing'}`);
    }
  }
  check('proof files', fileProblems.length === 0, fileProblems.length === 0 ? `${VERIFICATION_KEY_FILE} and ${chunks.length} proof(s) under proofs/` : fileProblems.slice(0, 5).join('; '));
  let vkey: unknown;
  const proofs: unknown[] = [];
  const publics: unknown[] = [];
  try {
    vkey = JSON.parse(texts.get(VERIFICATION_KEY_FILE) ?? 'null');
    for (let i = 0; i < chunks.length; i++) {
      proofs.push(JSON.parse(texts.get(chunkProofFile(i)) ?? 'null'));
      publics.push(JSON.parse(texts.get(chunkPublicFile(i)) ?? 'null'));
    }
  } catch (error) {
    check('groth16 proof', false, `proof files are not JSON: ${(error as Error).message}`);
    return done();
  }
  const vkeyHash = vkey === null ? 'missing' : sha256Hex(canonicalJson(vkey));
  // The key is pinned by the circuit's identity: the key this package ships for the circuit, or
  // one the caller trusts; never merely the key the folder brings.
  const shipped = shippedVerificationKeySha256(setup.circuit.n);
  const pinned = options.verificationKeySha256 ?? shipped;
  const pinSource = options.verificationKeySha256 !== undefined ? 'the trusted key given' : `the key @hokusai/attestation ships for N=${setup.circuit.n}`;
  if (vkeyHash !== setup.key.verification_key_sha256) check('verification key hash', false, `verification_key.json hashes to ${vkeyHash}, attested ${setup.key.verification_key_sha256}`);
  else if (pinned !== undefined && pinned !== vkeyHash) check('verification key hash', false, `verification key ${vkeyHash} is not ${pinSource} (${pinned}); pass --trusted-vkey ${vkeyHash} only if you trust whoever made this key`);
  else if (pinned === undefined) check('verification key hash', options.strict !== true, `WARNING ${vkeyHash} is not pinned: the package ships no key for N=${setup.circuit.n}; pass the hash of a key you trust`);
  else check('verification key hash', true, `${vkeyHash}, ${pinSource}`);
  let expectedCircuit = 'unknown';
  try {
    expectedCircuit = circuitHash(setup.circuit.n);
  } catch (error) {
    expectedCircuit = (error as Error).message;
  }
  const circuitOk = expectedCircuit === setup.circuit.hash && preds !== null && setup.circuit.n === preds.circuit_n && setup.circuit.name === CIRCUIT_NAME;
  check('circuit hash', circuitOk, circuitOk ? `${setup.circuit.name} N=${setup.circuit.n}: ${expectedCircuit}` : `attested ${setup.circuit.hash} for N=${setup.circuit.n}; this package's circuit hashes to ${expectedCircuit}${preds !== null && setup.circuit.n !== preds.circuit_n ? `; commitments use N=${preds.circuit_n}` : ''}`);

  const metaProblems = await setupProblems(setup);
  check('proof metadata', metaProblems.length === 0, metaProblems.length === 0 ? `setup facts consistent (${setup.key.origin} key, ptau ${setup.ptau.ceremony ?? 'not a known ceremony'})` : metaProblems.join('; '));

  const expectedSignals = chunks.map(chunkPublicSignals);
  const signalsOk = canonicalJson(publics) === canonicalJson(expectedSignals) && canonicalJson(proof.public_signals) === canonicalJson(expectedSignals);
  check('public signals', signalsOk, signalsOk ? `${expectedSignals.length} chunk(s): index, accumulators, rows, three commitments, two counts` : 'a chunk\'s public.json or the attested public signals differ from the commitments and counts in the body');

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
  const secure = !setup.insecure && pinned !== undefined;
  const setupWords = setup.insecure ? `WARNING ${setup.note}` : pinned === undefined ? `WARNING ${setup.note} The key is not pinned.` : setup.note;
  check('trusted setup', options.strict !== true || secure, options.strict === true && !secure ? `--strict: ${setupWords}` : setupWords);
  await checkZkOutput(outDir, attestation, check);
  return done();
}

/** Each chunk's place and running accumulator, recomputed: a duplicated, reordered or missing chunk fails. */
function checkChunkChain(preds: AttestedPredictions, check: (name: string, ok: boolean, detail: string) => boolean): void {
  const problems: string[] = [];
  let previous = '0';
  let offset = 0;
  preds.chunks.forEach((c, i) => {
    if (c.index !== i) problems.push(`chunk at position ${i} says index ${c.index}`);
    if (c.offset !== offset) problems.push(`chunk ${i} starts at row ${c.offset}, expected ${offset}`);
    if (c.previous_accumulator !== previous) problems.push(`chunk ${i} does not continue chunk ${i - 1}'s accumulator`);
    let again = 'invalid';
    try {
      again = chunkAccumulator(c.previous_accumulator, c);
    } catch {
      // An accumulator that is not a field element is reported below.
    }
    if (again !== c.accumulator) problems.push(`chunk ${i}'s accumulator does not follow from its contents`);
    previous = c.accumulator;
    offset += c.rows;
  });
  if (preds.accumulator !== previous) problems.push('the final accumulator is not the last chunk\'s');
  check('chunk chain', problems.length === 0, problems.length === 0 ? `${preds.chunks.length} chunk(s) in order, final accumulator ${preds.accumulator.slice(0, 12)}...` : problems.slice(0, 5).join('; '));
}

/** Facts of the attested setup that must agree with each other and with what this package ships. */
async function setupProblems(setup: AttestedSetup): Promise<string[]> {
  const problems: string[] = [];
  const ceremony = knownCeremony(setup.ptau.blake2b512);
  if ((ceremony?.name ?? null) !== setup.ptau.ceremony) problems.push(`ptau.ceremony says ${String(setup.ptau.ceremony)} but its BLAKE2b-512 hash is ${ceremony === null ? 'not a known ceremony file' : ceremony.name}`);
  if (ceremony !== null && ceremony.power !== setup.ptau.power) problems.push(`ptau.power ${setup.ptau.power} is not the ceremony file's ${ceremony.power}`);
  if (setup.insecure !== (setup.ptau.ceremony === null)) problems.push('insecure must be true exactly when the ptau is not a known ceremony file');
  if (setup.note !== setupNote({ keyOrigin: setup.key.origin, ceremony: setup.ptau.ceremony })) problems.push('note does not match the setup facts');
  if (setup.key.origin === 'shipped') {
    const shipped = shippedKey(setup.circuit.n);
    if (shipped === undefined) problems.push(`key.origin is shipped but this package ships no key for N=${setup.circuit.n}`);
    else if (shipped.verificationKeySha256 !== setup.key.verification_key_sha256 || shipped.beacon !== setup.key.beacon || shipped.ptauSha256 !== setup.ptau.sha256 || shipped.ptauBlake2b512 !== setup.ptau.blake2b512 || shipped.ptauPower !== setup.ptau.power) {
      problems.push('key.origin is shipped but the key, beacon or ptau differ from the shipped key\'s transcript');
    }
  } else if (setup.key.beacon !== null) problems.push('a local key has no beacon');
  try {
    const compiled = findCompiledCircuit(setup.circuit.n, defaultCacheDir());
    if (compiled !== undefined) {
      const info = await r1csInfo(compiled.r1csPath);
      if (info.constraints !== setup.circuit.constraints) problems.push(`circuit.constraints is ${setup.circuit.constraints}, the compiled circuit has ${info.constraints}`);
      if (setup.ptau.power < requiredPower(info)) problems.push(`ptau.power ${setup.ptau.power} is too small for this circuit`);
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
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
    // Only the attested manifest's columns and the verification key come from outside the body.
    const fromFolder = await zkOutputInfoFromFolder(outDir, attestation);
    const vkeyText = attestation.proof === undefined ? undefined : await readFile(join(outDir, VERIFICATION_KEY_FILE), 'utf8').catch(() => undefined);
    const proofFiles = vkeyText === undefined ? undefined : { [VERIFICATION_KEY_FILE]: JSON.parse(vkeyText) as unknown };
    const rebuilt = zkOutputV1Document(attestation, { ...fromFolder, ...(proofFiles === undefined ? {} : { proofFiles }) });
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
