import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex } from '@noble/hashes/utils';
import { CliError } from './cli-error.js';

/**
 * EIP-55: an address is written with mixed case where each hex letter is upper-case when the
 * matching nibble of keccak-256(lower-case address) is 8 or more. A mixed-case address must
 * match its checksum exactly; an all-lower or all-upper one carries none and is accepted.
 */
export function toChecksumAddress(address: string): string {
  const hex = address.slice(2).toLowerCase();
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(hex)));
  let out = '0x';
  for (let i = 0; i < hex.length; i++) {
    const c = hex[i] as string;
    out += parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

/** Returns the checksummed address, or throws a typed error saying what is wrong. */
export function checkContributorAddress(address: string): string {
  if (!/^0[xX][0-9a-fA-F]{40}$/.test(address)) {
    throw new CliError('HOKUSAI_CONTRIBUTOR_INVALID', `--contributor ${address} is not an Ethereum address: expected 0x followed by 40 hex digits.`);
  }
  const body = address.slice(2);
  const checksummed = toChecksumAddress(`0x${body}`);
  const uniformCase = body === body.toLowerCase() || body === body.toUpperCase();
  if (!uniformCase && checksummed.slice(2) !== body) {
    throw new CliError(
      'HOKUSAI_CONTRIBUTOR_CHECKSUM',
      `--contributor ${address} fails its EIP-55 checksum (a mistyped letter?); the checksummed form of these digits is ${checksummed}.`,
    );
  }
  return checksummed;
}
