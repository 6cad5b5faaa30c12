package main

import (
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

const n8 = 32 // bytes per field element of BN254 (base field and scalar field alike)

// coefficient is one non-zero entry of the A or B matrix: matrix[constraint][signal] = value.
type coefficient struct {
	matrix     uint32 // 0 = A, 1 = B
	constraint uint32
	signal     uint32
	value      fr.Element
}

// provingKey is a snarkjs Groth16 .zkey, read once and used for every proof.
type provingKey struct {
	nVars, nPublic, domainSize int
	alpha1, beta1, delta1      bn254.G1Affine
	beta2, delta2              bn254.G2Affine
	coefficients               []coefficient
	a, b1, c, h                []bn254.G1Affine
	b2                         []bn254.G2Affine
}

// The key stores points in Montgomery form, little-endian, which is exactly the limb layout of
// gnark-crypto's fp.Element: the words are copied, not converted.
func montgomeryFp(b []byte) fp.Element {
	var e fp.Element
	for i := range e {
		e[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return e
}

func g1At(b []byte) bn254.G1Affine {
	return bn254.G1Affine{X: montgomeryFp(b), Y: montgomeryFp(b[n8:])}
}

func g2At(b []byte) bn254.G2Affine {
	var p bn254.G2Affine
	p.X.A0, p.X.A1 = montgomeryFp(b), montgomeryFp(b[n8:])
	p.Y.A0, p.Y.A1 = montgomeryFp(b[2*n8:]), montgomeryFp(b[3*n8:])
	return p
}

// readPoints reads count points of size bytes each with at, checking that each is on the curve.
func readPoints[T any, P interface {
	*T
	IsInfinity() bool
	IsOnCurve() bool
}](s []byte, count, size int, at func([]byte) T) ([]T, error) {
	if len(s) != count*size {
		return nil, fmt.Errorf("section of %d bytes, %d points of %d bytes expected", len(s), count, size)
	}
	out := make([]T, count)
	for i := range out {
		out[i] = at(s[i*size:])
		if p := P(&out[i]); !p.IsInfinity() && !p.IsOnCurve() {
			return nil, fmt.Errorf("point %d is not on the curve", i)
		}
	}
	return out, nil
}

// rInverseSquared is R^-2 mod r for R = 2^256: snarkjs stores each coefficient c as the integer
// c·R² mod r (so that one Montgomery product with a plain witness value gives c·w in Montgomery form).
var rInverseSquared = func() fr.Element {
	r := fr.Modulus()
	R := new(big.Int).Lsh(big.NewInt(1), 256)
	inv := new(big.Int).ModInverse(R, r)
	inv.Mul(inv, inv).Mod(inv, r)
	var e fr.Element
	e.SetBigInt(inv)
	return e
}()

func plainLE(b []byte) (fr.Element, error) {
	var buf [n8]byte
	copy(buf[:], b[:n8])
	return fr.LittleEndian.Element(&buf)
}

func readProvingKey(data []byte) (*provingKey, error) {
	f, err := readBinFile(data, "zkey")
	if err != nil {
		return nil, err
	}
	protocol, err := f.section(1, 4)
	if err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(protocol) != 1 {
		return nil, fmt.Errorf("zkey file is not a Groth16 key")
	}
	h, err := f.section(2, -1)
	if err != nil {
		return nil, err
	}
	// Header: n8q, q, n8r, r, nVars, nPublic, domainSize, alpha1, beta1, beta2, gamma2, delta1, delta2.
	if len(h) != 4+n8+4+n8+12+2*n8*3+4*n8*3 || binary.LittleEndian.Uint32(h) != n8 {
		return nil, fmt.Errorf("zkey header is not for BN254")
	}
	if new(big.Int).SetBytes(reversed(h[4:4+n8])).Cmp(fp.Modulus()) != 0 || new(big.Int).SetBytes(reversed(h[8+n8:8+2*n8])).Cmp(fr.Modulus()) != 0 {
		return nil, fmt.Errorf("zkey is for another curve than BN254")
	}
	at := 8 + 2*n8
	k := &provingKey{
		nVars:      int(binary.LittleEndian.Uint32(h[at:])),
		nPublic:    int(binary.LittleEndian.Uint32(h[at+4:])),
		domainSize: int(binary.LittleEndian.Uint32(h[at+8:])),
	}
	if k.domainSize <= 0 || k.domainSize&(k.domainSize-1) != 0 || k.domainSize > 1<<27 {
		return nil, fmt.Errorf("zkey domain size %d is not a power of two", k.domainSize)
	}
	at += 12
	k.alpha1, k.beta1 = g1At(h[at:]), g1At(h[at+2*n8:])
	at += 4 * n8
	k.beta2 = g2At(h[at:])
	at += 2 * 4 * n8 // beta2, gamma2 (gamma2 is only used by verifiers)
	k.delta1 = g1At(h[at:])
	k.delta2 = g2At(h[at+2*n8:])

	if k.coefficients, err = readCoefficients(f, k); err != nil {
		return nil, err
	}
	sections := []struct {
		typ   uint32
		count int
		into  *[]bn254.G1Affine
	}{{5, k.nVars, &k.a}, {6, k.nVars, &k.b1}, {8, k.nVars - k.nPublic - 1, &k.c}, {9, k.domainSize, &k.h}}
	for _, s := range sections {
		raw, err := f.section(s.typ, -1)
		if err != nil {
			return nil, err
		}
		if *s.into, err = readPoints(raw, s.count, 2*n8, g1At); err != nil {
			return nil, fmt.Errorf("zkey section %d: %w", s.typ, err)
		}
	}
	raw, err := f.section(7, -1)
	if err != nil {
		return nil, err
	}
	if k.b2, err = readPoints(raw, k.nVars, 4*n8, g2At); err != nil {
		return nil, fmt.Errorf("zkey section 7: %w", err)
	}
	return k, nil
}

func readCoefficients(f *binFile, k *provingKey) ([]coefficient, error) {
	s, err := f.section(4, -1)
	if err != nil {
		return nil, err
	}
	if len(s) < 4 {
		return nil, fmt.Errorf("zkey coefficient section is empty")
	}
	const size = 12 + n8
	count := int(binary.LittleEndian.Uint32(s))
	if len(s) != 4+count*size {
		return nil, fmt.Errorf("zkey coefficient section has %d bytes for %d coefficients", len(s), count)
	}
	out := make([]coefficient, count)
	for i := range out {
		e := s[4+i*size:]
		c := coefficient{matrix: binary.LittleEndian.Uint32(e), constraint: binary.LittleEndian.Uint32(e[4:]), signal: binary.LittleEndian.Uint32(e[8:])}
		if c.matrix > 1 || int(c.constraint) >= k.domainSize || int(c.signal) >= k.nVars {
			return nil, fmt.Errorf("zkey coefficient %d is out of range", i)
		}
		v, err := plainLE(e[12:])
		if err != nil {
			return nil, fmt.Errorf("zkey coefficient %d: %w", i, err)
		}
		c.value.Mul(&v, &rInverseSquared)
		out[i] = c
	}
	return out, nil
}

func reversed(b []byte) []byte {
	out := make([]byte, len(b))
	for i := range b {
		out[len(b)-1-i] = b[i]
	}
	return out
}
