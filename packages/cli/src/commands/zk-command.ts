import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { DEFAULT_CIRCUIT_N, exportSolidityVerifier } from '@hokusai/attestation';
import type { Output } from '../output.js';

export function registerZkCommand(program: Command, output: Output): void {
  const zk = program.command('zk').description('the Groth16 circuit: set up keys, export a Solidity verifier');
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
