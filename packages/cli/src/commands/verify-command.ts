import type { Command } from 'commander';
import { verifyRun } from '@hokusai/orchestrator';
import { EXIT } from '../exit-codes.js';
import { renderReportHtml } from '../report/render-html.js';
import type { Output } from '../output.js';

export function registerVerifyCommand(program: Command, output: Output): void {
  program
    .command('verify <folder>')
    .description('check every claim of a finished run: hashes, Merkle root, proof, metrics, delta and report')
    .option('--trusted-vkey <sha256>', 'SHA-256 of the verification key you trust (from `hokusai zk setup` or the publisher); without it the key shipped with @hokusai/attestation for the circuit is required')
    .option('--benchmark <file>', 'the benchmark file: re-run both ONNX models on it and require the scores in predictions.json')
    .option('--require-proof', 'fail when the counts were not proved')
    .option('--require-inference', 'fail when the folder has no inference proof covering both models on every benchmark row (inference_proof.json), whatever the models\' family')
    .option('--allow-unproven-inference', 'accept a folder with proven counts and two linear models but no inference proof covering both on every row (by default it fails: a run proves it)')
    .option('--registry <file>', 'benchmark registry: the inference proof must cover the benchmark commitment registered for the run\'s benchmark id')
    .option('--strict', 'fail unless the proof is under a public ceremony powers of tau and a pinned key (the development setup fails)')
    .addHelpText('after', '\nExample:\n  hokusai verify results/\n  hokusai verify results/ --benchmark data/benchmark.csv --require-proof\n  hokusai verify results/ --trusted-vkey 685a5722... --strict')
    .action(async (folder: string, flags: { trustedVkey?: string; benchmark?: string; requireProof?: boolean; requireInference?: boolean; allowUnprovenInference?: boolean; strict?: boolean; registry?: string }) => {
      const verification = await verifyRun(folder, {
        renderReport: renderReportHtml,
        ...(flags.trustedVkey === undefined ? {} : { trustedVerificationKeySha256: flags.trustedVkey }),
        ...(flags.benchmark === undefined ? {} : { benchmark: flags.benchmark }),
        ...(flags.requireProof === true ? { requireProof: true } : {}),
        ...(flags.requireInference === true ? { requireInference: true } : {}),
        ...(flags.allowUnprovenInference === true ? { allowUnprovenInference: true } : {}),
        ...(flags.strict === true ? { strict: true } : {}),
        ...(flags.registry === undefined ? {} : { registry: flags.registry }),
      });
      const text = verification.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}${c.detail ? ` — ${c.detail}` : ''}`).join('\n');
      output.result(verification, `${text}\n\n${verification.ok ? verifiedLine(folder, verification.proven) : `NOT verified: ${verification.checks.filter((c) => !c.ok).length} check(s) failed for ${folder}.`}`);
      process.exitCode = verification.ok ? EXIT.ok : EXIT.rejected;
    });
}

/** The closing line of a passing folder, saying what it proves: passing checks without a proof prove nothing. */
export function verifiedLine(folder: string, proven: { counts: boolean; inference: boolean }): string {
  if (!proven.counts) return `Verified WITHOUT A PROOF: every check passed for ${folder}, but no Groth16 proof covers it, so its figures follow from predictions.json and nothing ties those to the models (--require-proof fails such a folder).`;
  return `Verified: every check passed for ${folder} (proven: the correct counts${proven.inference ? ", and both models' labels on every benchmark row" : '; not proven: that the models give the committed predictions'}).`;
}
