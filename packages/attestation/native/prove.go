package main

import (
	"fmt"
	"math/big"
	"math/bits"
	"os"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

type proof struct {
	a, c bn254.G1Affine
	b    bn254.G2Affine
}

// One core per multi-exponentiation: the server proves several witnesses side by side instead.
var msmConfig = ecc.MultiExpConfig{NbTasks: 1}

// quotientEvaluations computes what snarkjs' groth16 prover multiplies with the key's H points:
// A·w and B·w per constraint, interpolated, evaluated on the odd coset (shifted by the 2n-th
// root of unity), then A·B - C pointwise with C = A·B on the domain.
func quotientEvaluations(k *provingKey, w []fr.Element) []fr.Element {
	n := k.domainSize
	a := make([]fr.Element, n)
	b := make([]fr.Element, n)
	for i := range k.coefficients {
		co := &k.coefficients[i]
		var t fr.Element
		t.Mul(&co.value, &w[co.signal])
		if co.matrix == 0 {
			a[co.constraint].Add(&a[co.constraint], &t)
		} else {
			b[co.constraint].Add(&b[co.constraint], &t)
		}
	}
	c := make([]fr.Element, n)
	for i := range c {
		c[i].Mul(&a[i], &b[i])
	}
	shift := rootsOfUnity[bits.TrailingZeros(uint(n))+1]
	toOddCoset := func(v []fr.Element) {
		fft(v, true)
		var power fr.Element
		power.SetOne()
		for i := range v {
			v[i].Mul(&v[i], &power)
			power.Mul(&power, &shift)
		}
		fft(v, false)
	}
	toOddCoset(a)
	toOddCoset(b)
	toOddCoset(c)
	for i := range a {
		a[i].Mul(&a[i], &b[i]).Sub(&a[i], &c[i])
	}
	return a
}

func msmG1(points []bn254.G1Affine, scalars []fr.Element) (bn254.G1Jac, error) {
	var out bn254.G1Jac
	if os.Getenv("HOKUSAI_GROTH16_TIMING") != "" {
		defer func(t time.Time) { fmt.Fprintf(os.Stderr, "  g1 msm %d: %v\n", len(points), time.Since(t)) }(time.Now())
	}
	_, err := out.MultiExp(points, scalars, msmConfig)
	return out, err
}

func scalarBig(e *fr.Element) *big.Int {
	var b big.Int
	return e.BigInt(&b)
}

// prove makes a Groth16 proof for witness w under k, as snarkjs' groth16.prove does (same
// equations, fresh random r and s), so snarkjs and its Solidity verifier accept it.
func prove(k *provingKey, w []fr.Element) (*proof, error) {
	if len(w) != k.nVars {
		return nil, fmt.Errorf("witness has %d values, the key's circuit %d", len(w), k.nVars)
	}
	if k.domainSize > 1<<(twoAdicity-1) {
		return nil, fmt.Errorf("domain of 2^%d is too large", bits.TrailingZeros(uint(k.domainSize)))
	}
	t0 := time.Now()
	h := quotientEvaluations(k, w)
	t1 := time.Now()
	piA, err := msmG1(k.a, w)
	if err != nil {
		return nil, err
	}
	b1, err := msmG1(k.b1, w)
	if err != nil {
		return nil, err
	}
	var piB bn254.G2Jac
	if _, err := piB.MultiExp(k.b2, w, msmConfig); err != nil {
		return nil, err
	}
	piC, err := msmG1(k.c, w[k.nPublic+1:])
	if err != nil {
		return nil, err
	}
	resH, err := msmG1(k.h, h)
	if err != nil {
		return nil, err
	}
	if os.Getenv("HOKUSAI_GROTH16_TIMING") != "" {
		fmt.Fprintf(os.Stderr, "qap %v msm %v\n", t1.Sub(t0), time.Since(t1))
	}

	var r, s, rs fr.Element
	if _, err := r.SetRandom(); err != nil {
		return nil, err
	}
	if _, err := s.SetRandom(); err != nil {
		return nil, err
	}
	rs.Mul(&r, &s).Neg(&rs)
	var alpha1, beta1, delta1, t bn254.G1Jac
	alpha1.FromAffine(&k.alpha1)
	beta1.FromAffine(&k.beta1)
	delta1.FromAffine(&k.delta1)
	var beta2, delta2, t2 bn254.G2Jac
	beta2.FromAffine(&k.beta2)
	delta2.FromAffine(&k.delta2)

	// pi_a = A + alpha1 + r·delta1; pi_b = B2 + beta2 + s·delta2; b1 = B1 + beta1 + s·delta1;
	// pi_c = C + H + s·pi_a + r·b1 - r·s·delta1.
	piA.AddAssign(&alpha1).AddAssign(t.ScalarMultiplication(&delta1, scalarBig(&r)))
	piB.AddAssign(&beta2).AddAssign(t2.ScalarMultiplication(&delta2, scalarBig(&s)))
	b1.AddAssign(&beta1).AddAssign(t.ScalarMultiplication(&delta1, scalarBig(&s)))
	piC.AddAssign(&resH)
	piC.AddAssign(t.ScalarMultiplication(&piA, scalarBig(&s)))
	piC.AddAssign(t.ScalarMultiplication(&b1, scalarBig(&r)))
	piC.AddAssign(t.ScalarMultiplication(&delta1, scalarBig(&rs)))

	p := &proof{}
	p.a.FromJacobian(&piA)
	p.b.FromJacobian(&piB)
	p.c.FromJacobian(&piC)
	return p, nil
}
