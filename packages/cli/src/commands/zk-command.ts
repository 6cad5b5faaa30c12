import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { DEFAULT_CIRCUIT_N, exportSolidityVerifier, prepareZkSetup } from '@hokusai/attestation';
import type { Output } from '../output.js';

export function registerZkCommand(program: Command, output: Output): void {
  const zk = program
    .command('zk')
    .description('the Groth16 circuit: set up keys, export a Solidity verifier')
    .addHelpText('after', '\nExamples:\n  hokusai zk setup --n 1024\n  hokusai zk export-verifier --out HokusaiVerifier.sol');
  zk.command('setup')
    .description('compile the circuit and make (or find, cached by circuit hash) its proving and verification keys')
    .option('--n <rows>', 'circuit size: benchmark rows per proof', String(DEFAULT_CIRCUIT_N))
    .option('--ptau <file>', 'powers of tau from a public ceremony (else a development one, marked insecure)')
    .addHelpText('after', '\nExample:\n  hokusai zk setup --n 1024 --ptau powersOfTau28_hez_final_14.ptau')
    .action(async (flags: { n: string; ptau?: string }) => {
      // Compiling and the phase-2 key can take minutes at large N: shown as the pipeline's steps are.
      const step = 'zk setup';
      const started = Date.now();
      const cpuAtStart = process.cpuUsage();
      output.event({ type: 'step_started', runId: '', step, attempt: 1, time: started });
      const setup = await prepareZkSetup({
        circuitN: Number(flags.n),
        ...(flags.ptau === undefined ? {} : { ptauPath: flags.ptau }),
        onProgress: (p) => output.event({ type: 'progress', runId: '', step, time: Date.now(), unit: 'phases', done: p.done, total: p.total, message: `${p.phase}: ${p.message}` }),
      });
      const cpu = process.cpuUsage(cpuAtStart);
      output.event({
        type: 'step_finished',
        runId: '',
        step,
        attempt: 1,
        time: Date.now(),
        durationMs: Date.now() - started,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
      const text = [
        `circuit N=${setup.circuitN}: ${setup.constraints} constraints, hash ${setup.circuitHash}`,
        `proving key:       ${setup.zkeyPath}`,
        `verification key:  sha256 ${setup.verificationKeySha256}`,
        `powers of tau:     2^${setup.ptauPower}, sha256 ${setup.ptauSha256}`,
        `${setup.insecure ? 'WARNING ' : ''}${setup.note}`,
      ].join('\n');
      output.result(setup, text);
    });
  zk.command('export-verifier')
    .description('write a Solidity contract that verifies this circuit\'s proofs on chain')
    .requiredOption('-o, --out <file>', 'Solidity file to write')
    .option('--n <rows>', 'circuit size', String(DEFAULT_CIRCUIT_N))
    .option('--ptau <file>', 'powers-of-tau file')
    .addHelpText('after', '\nExample:\n  hokusai zk export-verifier --out HokusaiVerifier.sol')
    .action(async (flags: { out: string; n: string; ptau?: string }) => {
      const source = await exportSolidityVerifier({ circuitN: Number(flags.n), ...(flags.ptau === undefined ? {} : { ptauPath: flags.ptau }) });
      await writeFile(flags.out, source);
      output.result({ out: flags.out, bytes: source.length }, `wrote ${flags.out} (${source.length} bytes)`);
    });
}
