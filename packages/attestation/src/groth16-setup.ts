import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { loadSnarkjs } from './snarkjs-loader.js';
import { ptauInfo, r1csInfo } from './binfile-header.js';
import { canonicalJson } from './canonical-json.js';
import type { CompiledCircuit } from './circuit-compile.js';
import { PACKAGE_ROOT } from './circuit-source.js';
import type { SnarkjsLogger } from './proof-progress.js';
import { AttestationError } from './errors.js';
import { withLock } from './file-lock.js';
import { sha256Hex } from './sha256.js';
import { fileDigests, knownCeremony } from './ptau-ceremonies.js';
import { shippedKey } from './shipped-keys.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface Groth16Setup {
  zkeyPath: string;
  verificationKey: Record<string, unknown>;
  verificationKeySha256: string;
  ptauSha256: string;
  ptauBlake2b512: string;
  ptauPower: number;
  /** The public ceremony file the ptau is (by its BLAKE2b-512 hash), or null. */
  ceremony: string | null;
  /** 'shipped': the package's pinned key; 'local': phase 2 made on this machine. */
  keyOrigin: 'shipped' | 'local';
  /** The public beacon that closed phase 2 of a shipped key; null for a local key. */
  beacon: string | null;
  /** True unless the ptau is a known public ceremony file. */
  insecure: boolean;
  note: string;
  constraints: number;
}

export const INSECURE_NOTE = 'INSECURE: development powers of tau made by one party (bundled with the repository or generated on this machine); anyone holding its toxic waste could forge proofs. Supply a ptau from a public ceremony for real use.';
export const SHIPPED_NOTE = 'INSECURE development key shipped with @hokusai/attestation and pinned by verify: phase 2 (one maintainer contribution, then a public beacon) on the development powers of tau, which has one contribution and no beacon, so whoever made that ptau could forge proofs. For production, make a key from a public ceremony ptau (hokusai zk setup --ptau) and have verifiers pin it.';
export const CEREMONY_NOTE = 'powers of tau from a public ceremony (hash in the known-ceremony table); phase-2 key made on this machine, so a verifier must pin a key it trusts (made by someone other than the prover).';

/** Development powers of tau kept in the repository (not published), so a fresh clone proves without a long local ceremony. */
const DEV_PTAU_DIR = join(PACKAGE_ROOT, 'dev-ptau');

/** The note recorded for a setup: fixed texts, so the verifier can check a note against the facts. */
export function setupNote(facts: { keyOrigin: 'shipped' | 'local'; ceremony: string | null }): string {
  if (facts.ceremony !== null) return CEREMONY_NOTE;
  return facts.keyOrigin === 'shipped' ? SHIPPED_NOTE : INSECURE_NOTE;
}

/**
 * `$HOKUSAI_ZK_CACHE`, else `$XDG_CACHE_HOME/hokusai/zk`, else `~/.cache/hokusai/zk`: the user's
 * cache folder, never the package's own folder (node_modules is read-only in many installs).
 */
export function defaultCacheDir(): string {
  const env = process.env;
  if (env.HOKUSAI_ZK_CACHE !== undefined && env.HOKUSAI_ZK_CACHE !== '') return env.HOKUSAI_ZK_CACHE;
  // XDG Base Directory: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'hokusai', 'zk');
  return join(homedir(), '.cache', 'hokusai', 'zk');
}


/** snarkjs keeps worker threads alive through a global curve; stopping them lets the process exit. */
export async function releaseCurve(): Promise<void> {
  const slot = globalThis as { curve_bn128?: { terminate?: () => Promise<void> } | null };
  const curve = slot.curve_bn128;
  if (curve?.terminate) await curve.terminate();
  // A single-threaded curve's terminate() leaves it in place; clear it so proving gets workers again.
  slot.curve_bn128 = null;
}

export function requiredPower(info: { constraints: number; publicInputs: number; outputs: number }): number {
  const needed = info.constraints + info.publicInputs + info.outputs + 1;
  return Math.max(8, Math.ceil(Math.log2(needed)));
}

async function bundledDevPtau(power: number): Promise<string | undefined> {
  if (!existsSync(DEV_PTAU_DIR)) return undefined;
  const found = (await readdir(DEV_PTAU_DIR))
    .map((f) => /^insecure-bn128-p(\d+)\.ptau$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= power)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  return found[0] === undefined ? undefined : join(DEV_PTAU_DIR, found[0][0]);
}

/**
 * A local powers of tau for development, reused when one of at least the needed power exists.
 * Generated with fresh randomness (never reproducible) and always reported as insecure.
 */
async function localInsecurePtau(cacheDir: string, power: number, logger: SnarkjsLogger | undefined): Promise<string> {
  const dir = join(cacheDir, 'ptau');
  await mkdir(dir, { recursive: true });
  const existing = async (): Promise<string | undefined> => {
    const found = (await readdir(dir))
      .map((f) => /^insecure-bn128-p(\d+)\.ptau$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= power)
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    return found[0] === undefined ? undefined : join(dir, found[0][0]);
  };
  const ready = (await existing()) ?? (await bundledDevPtau(power));
  if (ready !== undefined) return ready;
  const target = join(dir, `insecure-bn128-p${power}.ptau`);
  return withLock(target, async () => {
    const again = await existing();
    if (again !== undefined) return again;
    const tmp = `${target}.${process.pid}.tmp`;
    const snarkjs = await loadSnarkjs();
    const curve = await snarkjs.curves.getCurveFromName('bn128');
    logger?.info(`making a local insecure powers of tau of power ${power}`);
    try {
      await snarkjs.powersOfTau.newAccumulator(curve, power, `${tmp}.0`, logger);
      await snarkjs.powersOfTau.contribute(`${tmp}.0`, `${tmp}.1`, 'hokusai local insecure', randomBytes(32).toString('hex'), logger);
      await snarkjs.powersOfTau.preparePhase2(`${tmp}.1`, `${tmp}.2`, logger);
      await rename(`${tmp}.2`, target);
    } finally {
      await Promise.all([0, 1, 2].map((i) => rm(`${tmp}.${i}`, { force: true })));
      await releaseCurve();
    }
    return target;
  });
}

/**
 * Groth16 proving and verification keys for a compiled circuit, cached by circuit hash and ptau
 * hash. The phase-2 contribution uses fresh randomness, so a new cache gives a new (equally
 * valid) key; the attestation records which verification key its proof is for.
 */
export async function groth16Setup(circuit: CompiledCircuit, options: { ptauPath?: string; cacheDir?: string; logger?: SnarkjsLogger | undefined } = {}): Promise<Groth16Setup> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const info = await r1csInfo(circuit.r1csPath);
  const power = requiredPower(info);
  // Without a ptau of their own, every machine proves with the key the package ships, so every
  // verifier can pin one key per circuit.
  const shipped = options.ptauPath === undefined ? shippedKey(circuit.n) : undefined;
  if (shipped !== undefined) {
    return {
      zkeyPath: shipped.zkeyPath,
      verificationKey: shipped.verificationKey,
      verificationKeySha256: shipped.verificationKeySha256,
      ptauSha256: shipped.ptauSha256,
      ptauBlake2b512: shipped.ptauBlake2b512,
      ptauPower: shipped.ptauPower,
      ceremony: null,
      keyOrigin: 'shipped',
      beacon: shipped.beacon,
      insecure: true,
      note: SHIPPED_NOTE,
      constraints: info.constraints,
    };
  }
  const ptauPath = options.ptauPath ?? (await localInsecurePtau(cacheDir, power, options.logger));
  const ptau = await ptauInfo(ptauPath);
  if (ptau.power < power) {
    throw new AttestationError('HOKUSAI_ZK_SETUP', `${ptauPath} has power ${ptau.power} but the circuit for N=${circuit.n} has ${info.constraints} constraints and needs power ${power}; use a larger ptau or a smaller circuitN`);
  }
  if (!ptau.preparedPhase2) {
    throw new AttestationError('HOKUSAI_ZK_SETUP', `${ptauPath} is not prepared for phase 2; run \`snarkjs powersoftau prepare phase2\` on it or use a *_final.ptau file`);
  }
  const digests = await fileDigests(ptauPath);
  const ptauSha256 = digests.sha256;
  const ceremony = knownCeremony(digests.blake2b512)?.name ?? null;
  const facts = { keyOrigin: 'local' as const, ceremony };
  const dir = join(cacheDir, 'zkey', `${circuit.hash.slice(0, 32)}-${ptauSha256.slice(0, 32)}`);
  const zkeyPath = join(dir, 'circuit.zkey');
  const vkeyPath = join(dir, 'verification_key.json');
  const load = async (): Promise<Groth16Setup | undefined> => {
    if (!existsSync(zkeyPath) || !existsSync(vkeyPath)) return undefined;
    const verificationKey = JSON.parse(await readFile(vkeyPath, 'utf8')) as Record<string, unknown>;
    return {
      zkeyPath,
      verificationKey,
      verificationKeySha256: sha256Hex(canonicalJson(verificationKey)),
      ptauSha256,
      ptauBlake2b512: digests.blake2b512,
      ptauPower: ptau.power,
      ...facts,
      beacon: null,
      // A user-supplied ptau is secure only when it is a known public ceremony file.
      insecure: ceremony === null,
      note: setupNote(facts),
      constraints: info.constraints,
    };
  };
  const cached = await load();
  if (cached !== undefined) return cached;
  return withLock(dir, async () => {
    const again = await load();
    if (again !== undefined) return again;
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${process.pid}`);
    const snarkjs = await loadSnarkjs();
    const logger = options.logger;
    logger?.info(`making the proving key for N=${circuit.n} (${info.constraints} constraints)`);
    try {
      await snarkjs.zKey.newZKey(circuit.r1csPath, ptauPath, `${tmp}.0.zkey`, logger);
      await snarkjs.zKey.contribute(`${tmp}.0.zkey`, `${tmp}.1.zkey`, 'hokusai phase 2', randomBytes(32).toString('hex'), logger);
      const vkey = await snarkjs.zKey.exportVerificationKey(`${tmp}.1.zkey`, logger);
      await rename(`${tmp}.1.zkey`, zkeyPath);
      await writeFileAtomic(vkeyPath, `${JSON.stringify(vkey, null, 2)}\n`);
    } catch (error) {
      if (error instanceof AttestationError) throw error;
      throw new AttestationError('HOKUSAI_ZK_SETUP', `Groth16 setup for N=${circuit.n} with ${ptauPath} failed: ${(error as Error).message}`, { cause: error });
    } finally {
      await rm(`${tmp}.0.zkey`, { force: true });
      await rm(`${tmp}.1.zkey`, { force: true });
      await releaseCurve();
    }
    const built = await load();
    if (built === undefined) throw new AttestationError('HOKUSAI_ZK_SETUP', `setup finished but ${dir} is incomplete`);
    return built;
  });
}
