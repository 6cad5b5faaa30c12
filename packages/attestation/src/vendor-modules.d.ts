// circomlibjs and snarkjs ship no type declarations; these cover only the calls this package makes.
declare module 'circomlibjs' {
  export interface PoseidonField {
    toObject(element: Uint8Array): bigint;
  }
  export interface Poseidon {
    (inputs: bigint[]): Uint8Array;
    F: PoseidonField;
  }
  export function buildPoseidon(): Promise<Poseidon>;
}

declare module 'snarkjs' {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface Curve {
    terminate(): Promise<void>;
  }
  export const curves: {
    getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<Curve>;
  };
  export const powersOfTau: {
    newAccumulator(curve: Curve, power: number, fileName: string, logger?: unknown): Promise<unknown>;
    contribute(oldPtau: string, newPtau: string, name: string, entropy: string, logger?: unknown): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: unknown): Promise<unknown>;
  };
  export const r1cs: {
    info(r1csName: string, logger?: unknown): Promise<{ nConstraints: number; nPubInputs: number; nOutputs: number; nVars: number }>;
  };
  export const zKey: {
    newZKey(r1csName: string, ptauName: string, zkeyName: string, logger?: unknown): Promise<unknown>;
    contribute(zkeyOld: string, zkeyNew: string, name: string, entropy: string, logger?: unknown): Promise<unknown>;
    beacon(zkeyOld: string, zkeyNew: string, name: string, beaconHashStr: string, numIterationsExp: number, logger?: unknown): Promise<unknown>;
    exportVerificationKey(zkeyName: string, logger?: unknown): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkeyName: string, templates: { groth16: string }, logger?: unknown): Promise<string>;
  };
  /** A witness kept in memory instead of a file. */
  export interface MemFile {
    type: 'mem';
    data?: Uint8Array;
  }
  export const wtns: {
    calculate(input: Record<string, unknown>, wasmFile: string, wtnsFile: MemFile | string, options?: unknown): Promise<void>;
  };
  export const groth16: {
    prove(zkeyFile: string, witness: MemFile | string, logger?: unknown): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    fullProve(input: Record<string, unknown>, wasmFile: string, zkeyFile: string, logger?: unknown): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: unknown, proof: unknown, logger?: unknown): Promise<boolean>;
  };
}

declare module 'circom_runtime' {
  /** A circom wasm witness program, instantiated once and run for many inputs. */
  export interface WitnessCalculator {
    /** The witness in the .wtns binary format snarkjs reads. */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: number): Promise<Uint8Array>;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: Record<string, unknown>): Promise<WitnessCalculator>;
}
