import type { Table } from 'apache-arrow';
import type { AttestationInput, BuiltAttestation } from '@hokusai/attestation';
import type { IntegrationInput, IntegrationResult } from '@hokusai/data-integration';
import type { TrainOptions } from '@hokusai/training';
import { HookRegistry } from '../engine/hooks.js';
import type { EvaluateOutput } from './steps/evaluate-step.js';
import type { TrainOutput } from './steps/train-step.js';

/** The Hokusai flow's hook points and the payload each passes (a hook may return a replacement). */
export type HokusaiHookPayloads = {
  pre_integration: IntegrationInput;
  post_integration: IntegrationResult;
  pre_training: TrainOptions & { role: 'baseline' | 'new' };
  post_training: TrainOutput;
  pre_evaluation: { benchmark: Table; target: string };
  post_evaluation: EvaluateOutput;
  pre_attestation: AttestationInput;
  /** Seen, not replaced: the attestation is built and signed over by then. */
  post_attestation: BuiltAttestation;
};

/** Each point, in the order a run passes it, with what passes there. */
const HOKUSAI_HOOK_POINTS = {
  pre_integration: 'the integration request (the three loaded datasets, target, PII, quality and benchmark-check options)',
  post_integration: 'the integration result (treated base, contributed and benchmark tables, merged table, report)',
  pre_training: 'the training options of one model (role, family, params, seed, excluded columns)',
  post_training: 'the trained model (ONNX bytes, metadata, recipe)',
  pre_evaluation: 'the benchmark table and target both models are scored on',
  post_evaluation: 'the scores and metrics of both models',
  pre_attestation: 'the attestation input (hashes, config, results, predictions)',
  post_attestation: 'the built attestation (body, Merkle root, proof files)',
} as const satisfies { readonly [E in keyof HokusaiHookPayloads]: string };

export type HokusaiHookPoint = keyof HokusaiHookPayloads;

/** The hook points of the Hokusai flow, in the order a run passes them. */
export const HOKUSAI_HOOK_EVENTS = Object.keys(HOKUSAI_HOOK_POINTS) as readonly HokusaiHookPoint[];

export type HokusaiHooks = HookRegistry<HokusaiHookPayloads>;

/** An empty registry of the Hokusai flow's hooks. */
export function hokusaiHooks(): HokusaiHooks {
  return new HookRegistry<HokusaiHookPayloads>(HOKUSAI_HOOK_POINTS);
}
