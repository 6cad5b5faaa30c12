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

type Snarkjs = Awaited<ReturnType<typeof loadSnarkjs>>;

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

/** What the caller trusts and requires. */
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

/** Records one named check and returns whether it passed. */
type CheckRecorder = (name: string, ok: boolean, detail: string) => boolean;

async function readAttestation(outDir: string, check: CheckRecorder): Promise<Attestation | undefined> {
  const path = join(outDir, 'attestation.json');
  try {
    const attestation = JSON.parse(await readFile(path, 'utf8')) as Attestation;
    check('attestation.json readable', true, path);
    return attestation;
  } catch (error) {
    check('attestation.json readable', false, `${path}: ${(error as Error).message}`);
    return undefined;
  }
}

/** The body hash, every leaf recomputed from the body, and the Merkle root over them. */
function checkBodyAndRoot(attestation: Attestation, check: CheckRecorder): void {
  const body = attestation.body;
  const bodyHash = sha256Hex(canonicalJson(body));
  check('body hash', bodyHash === attestation.body_sha256, bodyHash === attestation.body_sha256 ? bodyHash : `body hashes to ${bodyHash}, attestation says ${attestation.body_sha256}`);
  const leaves = attestationLeaves(body);
  const leavesOk = canonicalJson(leaves) === canonicalJson(attestation.leaves);
  const badLeaves = leavesOk ? [] : leaves.filter((l, i) => attestation.leaves[i]?.name !== l.name || attestation.leaves[i]?.hash !== l.hash).map((l) => l.name);
  check('leaves recomputed', leavesOk, leavesOk ? `${leaves.length} leaves` : `differ from the body: ${badLeaves.slice(0, 5).join(', ') || 'leaf count'}`);
  const root = merkleRoot(leaves);
  check('merkle root', root === attestation.merkle_root, root === attestation.merkle_root ? root : `leaves give ${root}, attestation says ${attestation.merkle_root}`);
}

/** Every attested file re-hashed from the folder. */
async function checkAttestedFiles(outDir: string, files: Record<string, string>, check: CheckRecorder): Promise<void> {
  for (const [name, hash] of Object.entries(files)) {
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
}

/** The commitments and counts recomputed from the caller's predictions. */
function checkCommitments(preds: AttestedPredictions, predictions: PredictionBits | undefined, check: CheckRecorder): void {
  if (predictions === undefined) {
    check('commitments recomputed', false, 'no predictions given; read labels and 0/1 predictions from the predictions file and pass them');
    return;
  }
  try {
    const again = commitPredictions(predictions, preds.circuit_n);
    const same = canonicalJson({ ...again, proof_system: preds.proof_system, setup: preds.setup }) === canonicalJson(preds);
    const differing = again.chunks.filter((c, i) => canonicalJson(c) !== canonicalJson(preds.chunks[i])).map((c) => c.index);
    check('commitments recomputed', same, same ? `${preds.chunks.length} chunk(s) of ${preds.circuit_n} rows` : `the predictions give different commitments or counts (chunks ${differing.join(', ') || 'totals'})`);
  } catch (error) {
    check('commitments recomputed', false, (error as Error).message);
  }
}

/** The claimed accuracies and delta, in the predictions and (when present) the results, against the chunks' counts. */
function checkClaimedAccuracies(preds: AttestedPredictions, results: unknown, check: CheckRecorder): void {
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
    ['results.baseline_metrics.accuracy', get(results, 'baseline_metrics', 'accuracy'), sumB / rows],
    ['results.new_metrics.accuracy', get(results, 'new_metrics', 'accuracy'), sumN / rows],
    ['results.delta.metrics.accuracy.absolute_delta', get(results, 'delta', 'metrics', 'accuracy', 'absolute_delta'), sumN / rows - sumB / rows],
  ];
  for (const c of optional) if (typeof c[1] === 'number') claims.push(c);
  const wrong = claims.filter(([, claimed, expected]) => typeof claimed !== 'number' || Math.abs(claimed - expected) > TOLERANCE);
  check('claimed accuracies', wrong.length === 0, wrong.length === 0 ? `baseline ${sumB}/${rows}, new ${sumN}/${rows}; ${claims.length} figures follow from the counts` : wrong.map(([name, claimed, expected]) => `${name} is ${String(claimed)}, counts give ${expected}`).join('; '));
}

/**
 * Whether the body and the folder agree on there being a proof. Returns 'stop' when a proof is
 * carried that the body disowns, 'unproved' when there is no proof to check (after checking that
 * none was promised), and 'proved' when the proof is to be checked.
 */
function checkProofPresence(outDir: string, attestation: Attestation, options: VerifyAttestationOptions, check: CheckRecorder): 'stop' | 'unproved' | 'proved' {
  const preds = attestation.body.predictions;
  const proof = attestation.proof;
  const setup = preds?.setup ?? null;
  if (options.requireProof === true && (preds === null || preds.proof_system !== 'groth16' || setup === null)) {
    check('proof required', false, 'the attested body says the counts were not proved (--require-proof)');
  }
  if (proof !== undefined && (preds?.proof_system !== 'groth16' || setup === null)) {
    check('groth16 proof', false, 'attestation.json carries a proof but the attested body says the counts were not proved');
    return 'stop';
  }
  if (preds !== null && preds.proof_system === 'none' && setup !== null) check('groth16 proof', false, 'the attested body names a setup but says the counts were not proved');
  if (proof !== undefined && setup !== null) return 'proved';
  const stray = [...PROOF_FILES_AT_ROOT, 'proofs'].filter((f) => existsSync(join(outDir, f)));
  const promised = preds?.proof_system === 'groth16';
  check(
    'groth16 proof',
    stray.length === 0 && !promised,
    promised ? 'the attested body says the counts were proved, but attestation.json carries no proof' : stray.length === 0 ? 'not proved (the run was made without a proof)' : `${stray.join(', ')} present but attestation.json carries no proof`,
  );
  if (options.strict === true) check('trusted setup', false, 'no proof: --strict requires a proof under a ceremony setup');
  return 'unproved';
}

/** The proof files read and checked against their attested hashes, parsed; undefined when not JSON. */
async function readProofFiles(outDir: string, proof: NonNullable<Attestation['proof']>, chunkCount: number, check: CheckRecorder): Promise<{ vkey: unknown; proofs: unknown[]; publics: unknown[] } | undefined> {
  const expectedNames = proofFileNames(chunkCount);
  const texts = new Map<string, string>();
  const fileProblems: string[] = [];
  const attestedNames = Object.keys(proof.files).sort();
  if (canonicalJson(attestedNames) !== canonicalJson([...expectedNames].sort())) fileProblems.push(`attested proof files ${attestedNames.join(', ')} are not the ${expectedNames.length} expected for ${chunkCount} chunk(s)`);
  for (const name of expectedNames) {
    const text = await readFile(join(outDir, name), 'utf8').catch(() => undefined);
    if (text === undefined) fileProblems.push(`${name} missing`);
    else {
      texts.set(name, text);
      if (sha256Hex(text) !== proof.files[name]) fileProblems.push(`${name} hashes to ${sha256Hex(text)}, attested ${proof.files[name] ?? 'nothing'}`);
    }
  }
  check('proof files', fileProblems.length === 0, fileProblems.length === 0 ? `${VERIFICATION_KEY_FILE} and ${chunkCount} proof(s) under proofs/` : fileProblems.slice(0, 5).join('; '));
  try {
    const vkey: unknown = JSON.parse(texts.get(VERIFICATION_KEY_FILE) ?? 'null');
    const proofs: unknown[] = [];
    const publics: unknown[] = [];
    for (let i = 0; i < chunkCount; i++) {
      proofs.push(JSON.parse(texts.get(chunkProofFile(i)) ?? 'null'));
      publics.push(JSON.parse(texts.get(chunkPublicFile(i)) ?? 'null'));
    }
    return { vkey, proofs, publics };
  } catch (error) {
    check('groth16 proof', false, `proof files are not JSON: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * The verification key against its attested hash and its pin. The key is pinned by the circuit's
 * identity: the key this package ships for the circuit, or one the caller trusts; never merely
 * the key the folder brings. Returns the pinned hash (undefined when nothing pins it).
 */
function checkVerificationKey(vkey: unknown, setup: AttestedSetup, options: VerifyAttestationOptions, check: CheckRecorder): string | undefined {
  const vkeyHash = vkey === null ? 'missing' : sha256Hex(canonicalJson(vkey));
  const shipped = shippedVerificationKeySha256(setup.circuit.n);
  const pinned = options.verificationKeySha256 ?? shipped;
  const pinSource = options.verificationKeySha256 !== undefined ? 'the trusted key given' : `the key @hokusai/attestation ships for N=${setup.circuit.n}`;
  if (vkeyHash !== setup.key.verification_key_sha256) check('verification key hash', false, `verification_key.json hashes to ${vkeyHash}, attested ${setup.key.verification_key_sha256}`);
  else if (pinned !== undefined && pinned !== vkeyHash) check('verification key hash', false, `verification key ${vkeyHash} is not ${pinSource} (${pinned}); pass --trusted-vkey ${vkeyHash} only if you trust whoever made this key`);
  else if (pinned === undefined) check('verification key hash', options.strict !== true, `WARNING ${vkeyHash} is not pinned: the package ships no key for N=${setup.circuit.n}; pass the hash of a key you trust`);
  else check('verification key hash', true, `${vkeyHash}, ${pinSource}`);
  return pinned;
}

/** The attested circuit is this package's circuit, at the size the commitments use. */
function checkCircuit(setup: AttestedSetup, preds: AttestedPredictions, check: CheckRecorder): void {
  let expectedCircuit = 'unknown';
  try {
    expectedCircuit = circuitHash(setup.circuit.n);
  } catch (error) {
    expectedCircuit = (error as Error).message;
  }
  const circuitOk = expectedCircuit === setup.circuit.hash && setup.circuit.n === preds.circuit_n && setup.circuit.name === CIRCUIT_NAME;
  check('circuit hash', circuitOk, circuitOk ? `${setup.circuit.name} N=${setup.circuit.n}: ${expectedCircuit}` : `attested ${setup.circuit.hash} for N=${setup.circuit.n}; this package's circuit hashes to ${expectedCircuit}${setup.circuit.n !== preds.circuit_n ? `; commitments use N=${preds.circuit_n}` : ''}`);
}

/** Each chunk's proof verified by snarkjs against the body's signals, not public.json, so the proof speaks for the attested numbers. */
async function checkGroth16Proofs(verifier: Promise<Snarkjs>, files: { vkey: unknown; proofs: unknown[] }, expectedSignals: unknown[], check: CheckRecorder): Promise<void> {
  const failed: number[] = [];
  const snarkjs = await verifier;
  try {
    for (let i = 0; i < expectedSignals.length; i++) {
      const ok = await snarkjs.groth16.verify(files.vkey, expectedSignals[i], files.proofs[i]).catch(() => false);
      if (!ok) failed.push(i);
    }
  } finally {
    await releaseCurve();
  }
  check('groth16 proof', expectedSignals.length > 0 && failed.length === 0, failed.length === 0 ? `snarkjs verified ${expectedSignals.length} proof(s)` : `snarkjs rejected the proof of chunk(s) ${failed.join(', ')}`);
}

/**
 * Checks an output folder without trusting the machine that wrote it: the attestation's schema,
 * body hash, every leaf recomputed from the body, the Merkle root, every attested file re-hashed,
 * the commitments and counts recomputed from the predictions the caller read from its
 * predictions file, the claimed accuracies and delta against the counts, and the Groth16 proof
 * with snarkjs against the verification key. Each failure names its check.
 */
export async function verifyAttestation(outDir: string, options: VerifyAttestationOptions = {}): Promise<VerificationReport> {
  const checks: VerificationCheck[] = [];
  const check: CheckRecorder = (name, ok, detail) => {
    checks.push({ name, ok, detail });
    return ok;
  };
  const done = (): VerificationReport => ({ ok: checks.length > 0 && checks.every((c) => c.ok), checks });

  const attestation = await readAttestation(outDir, check);
  if (attestation === undefined) return done();
  // Loading snarkjs and building the curve take most of a fresh process's time; start them now so
  // they overlap with schema compilation and file hashing.
  const verifier = attestation.proof === undefined ? undefined : prepareVerifier();
  verifier?.catch(() => undefined);
  const schemaErrors = validateAttestationJson(attestation);
  if (!check('attestation schema', schemaErrors === null, schemaErrors ?? 'valid against attestation-1.0.schema.json')) return done();

  const body = attestation.body;
  checkBodyAndRoot(attestation, check);
  await checkAttestedFiles(outDir, body.files, check);
  const preds = body.predictions;
  if (preds !== null) {
    checkCommitments(preds, options.predictions, check);
    checkClaimedAccuracies(preds, body.results, check);
    checkChunkChain(preds, check);
  }

  const presence = checkProofPresence(outDir, attestation, options, check);
  if (presence === 'stop') return done();
  const proof = attestation.proof;
  const setup = preds?.setup ?? null;
  if (presence === 'unproved' || proof === undefined || setup === null || preds === null) {
    await checkZkOutput(outDir, attestation, check);
    return done();
  }
  const chunks = preds.chunks;
  const files = await readProofFiles(outDir, proof, chunks.length, check);
  if (files === undefined) return done();
  const pinned = checkVerificationKey(files.vkey, setup, options, check);
  checkCircuit(setup, preds, check);

  const metaProblems = await setupProblems(setup);
  check('proof metadata', metaProblems.length === 0, metaProblems.length === 0 ? `setup facts consistent (${setup.key.origin} key, ptau ${setup.ptau.ceremony ?? 'not a known ceremony'})` : metaProblems.join('; '));

  const expectedSignals = chunks.map(chunkPublicSignals);
  const signalsOk = canonicalJson(files.publics) === canonicalJson(expectedSignals) && canonicalJson(proof.public_signals) === canonicalJson(expectedSignals);
  check('public signals', signalsOk, signalsOk ? `${expectedSignals.length} chunk(s): index, accumulators, rows, three commitments, two counts` : 'a chunk\'s public.json or the attested public signals differ from the commitments and counts in the body');

  await checkGroth16Proofs(verifier ?? prepareVerifier(), files, expectedSignals, check);
  const secure = !setup.insecure && pinned !== undefined;
  const setupWords = setup.insecure ? `WARNING ${setup.note}` : pinned === undefined ? `WARNING ${setup.note} The key is not pinned.` : setup.note;
  check('trusted setup', options.strict !== true || secure, options.strict === true && !secure ? `--strict: ${setupWords}` : setupWords);
  await checkZkOutput(outDir, attestation, check);
  return done();
}

/** Each chunk's place and running accumulator, recomputed: a duplicated, reordered or missing chunk fails. */
function checkChunkChain(preds: AttestedPredictions, check: CheckRecorder): void {
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
async function checkZkOutput(outDir: string, attestation: Attestation, check: CheckRecorder): Promise<void> {
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
async function prepareVerifier(): Promise<Snarkjs> {
  const snarkjs = await loadSnarkjs();
  const slot = globalThis as { curve_bn128?: unknown };
  if (slot.curve_bn128 == null) slot.curve_bn128 = await snarkjs.curves.getCurveFromName('bn128', { singleThread: true });
  return snarkjs;
}
