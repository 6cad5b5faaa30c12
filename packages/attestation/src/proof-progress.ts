/**
 * Phases of a proving run, in the order they run: compile (or find) the circuit, make (or find)
 * the Groth16 keys, then for every chunk of the benchmark compute the witness, prove and check the
 * proof against the verification key.
 */
export type ProofPhase = 'circuit' | 'setup' | 'witness' | 'prove' | 'verify';

export interface ProofProgress {
  phase: ProofPhase;
  /**
   * 'start' as a phase begins, 'end' once it is finished, 'update' for what snarkjs says it is
   * doing inside a long phase (setup, prove): at most a few a second.
   */
  state: 'start' | 'update' | 'end';
  /** Phases finished so far: never decreases, and equals total after the last 'end'. */
  done: number;
  /** Every phase of this run: 2 + 3 per chunk when proving, 2 for a setup alone. */
  total: number;
  /** The chunk (0-based) a witness, prove or verify phase works on, and how many there are. */
  chunk?: number;
  chunks?: number;
  /** What is happening, in words: "compiling the circuit for N=1024 with circom2", "chunk 2 of 3". */
  message: string;
}

export type ProofProgressListener = (progress: ProofProgress) => void;

/** The logger shape snarkjs calls (it only ever calls these four). */
export interface SnarkjsLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Least time between two 'update' reports of one phase; starts and ends always pass. */
const UPDATE_INTERVAL_MS = 250;

/** Counts phases as they run and turns them, and snarkjs's log lines, into ProofProgress reports. */
export class ProofProgressReporter {
  private done = 0;
  private lastUpdate = -Infinity;

  constructor(
    readonly total: number,
    private readonly listener: ProofProgressListener | undefined,
  ) {}

  /** Runs one phase between its 'start' and 'end' reports; `log` reports words from inside it. */
  async phase<T>(phase: ProofPhase, message: string, run: (log: SnarkjsLogger | undefined) => Promise<T>, chunk?: { index: number; of: number }): Promise<T> {
    const where = chunk === undefined ? {} : { chunk: chunk.index, chunks: chunk.of };
    this.report({ phase, state: 'start', done: this.done, total: this.total, ...where, message });
    const result = await run(this.listener === undefined ? undefined : this.logger(phase, where));
    this.done++;
    this.report({ phase, state: 'end', done: this.done, total: this.total, ...where, message });
    return result;
  }

  /** Reports words about a phase that are not a step of it (the native prover falling back to snarkjs). */
  note(phase: ProofPhase, message: string): void {
    this.report({ phase, state: 'update', done: this.done, total: this.total, message });
  }

  private logger(phase: ProofPhase, where: { chunk?: number; chunks?: number }): SnarkjsLogger {
    const update = (message: string): void => {
      const now = performance.now();
      if (now - this.lastUpdate < UPDATE_INTERVAL_MS) return;
      this.lastUpdate = now;
      this.report({ phase, state: 'update', done: this.done, total: this.total, ...where, message: `snarkjs: ${message}` });
    };
    // Warnings and errors are not progress: errors surface as the phase's exception.
    return { debug: update, info: update, warn: () => undefined, error: () => undefined };
  }

  private report(progress: ProofProgress): void {
    this.listener?.(progress);
  }
}
