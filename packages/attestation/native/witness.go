package main

import (
	"encoding/binary"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// readWitness reads a circom .wtns file (version 2): section 1 holds n8, the prime and the
// count; section 2 the values, plain (not Montgomery) little-endian.
func readWitness(data []byte, nVars int) ([]fr.Element, error) {
	f, err := readBinFile(data, "wtns")
	if err != nil {
		return nil, err
	}
	header, err := f.section(1, 4+n8+4)
	if err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(header) != n8 {
		return nil, fmt.Errorf("witness field elements are not %d bytes", n8)
	}
	if count := int(binary.LittleEndian.Uint32(header[4+n8:])); count != nVars {
		return nil, fmt.Errorf("witness has %d values, the key's circuit %d", count, nVars)
	}
	values, err := f.section(2, nVars*n8)
	if err != nil {
		return nil, err
	}
	out := make([]fr.Element, nVars)
	for i := range out {
		if out[i], err = plainLE(values[i*n8:]); err != nil {
			return nil, fmt.Errorf("witness value %d: %w", i, err)
		}
	}
	return out, nil
}
