import { startCommitments, type PredictionBits, type StartedCommitments } from '@hokusai/attestation';

/**
 * The attestation's commitments to a run's predictions, started by the evaluate step as soon as
 * both models are scored: on a thread of their own they are made while this thread computes the
 * rest of the evaluation and the delta (at 200k benchmark rows, 196 chunks of four Poseidon
 * hashes, about 0.25 s). The attest step hands them to buildAttestation, which uses them only
 * if they are of the predictions it attests (a hook may change those) and otherwise commits
 * them itself. Only a run in one process starts them; a resumed run commits in attest as before.
 */
export class EarlyCommitments {
  private started: StartedCommitments | undefined;

  /** Starts the commitments of `bits` (chunks of n rows), ending any started before. */
  start(bits: PredictionBits, n: number): void {
    this.cancel();
    this.started = startCommitments(bits, n);
    // Nobody may ever await it (a later failure of the run): its rejection is not unhandled.
    this.started?.result.catch(() => undefined);
  }

  /** The commitments started last, handed over once. */
  take(): StartedCommitments | undefined {
    const started = this.started;
    this.started = undefined;
    return started;
  }

  /** Ends commitments no step took (the run failed or was stopped). */
  cancel(): void {
    this.started?.cancel();
    this.started = undefined;
  }
}
