package main

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

func TestRootsOfUnityHaveTheirOrder(t *testing.T) {
	if twoAdicity != 28 {
		t.Fatalf("BN254's scalar field has 2-adicity 28, got %d", twoAdicity)
	}
	var one, minusOne fr.Element
	one.SetOne()
	minusOne.Neg(&one)
	for k := 1; k <= twoAdicity; k++ {
		w := rootsOfUnity[k]
		// w^(2^(k-1)) = -1 makes w a primitive 2^k-th root.
		for i := 0; i < k-1; i++ {
			w.Square(&w)
		}
		if !w.Equal(&minusOne) {
			t.Fatalf("rootsOfUnity[%d] is not a primitive 2^%d-th root of unity", k, k)
		}
	}
	// ffjavascript takes q = 5, the smallest non-residue, for this field: w[28] = 5^t.
	var five fr.Element
	five.SetUint64(5)
	if got := rootsOfUnity[twoAdicity]; !got.Equal(new(fr.Element).Exp(five, oddPart())) {
		t.Fatal("rootsOfUnity[28] is not 5^t")
	}
}

func TestFFTEvaluatesAndInterpolates(t *testing.T) {
	const n = 16
	coefficients := make([]fr.Element, n)
	for i := range coefficients {
		coefficients[i].SetUint64(uint64(i*i + 3))
	}
	values := append([]fr.Element(nil), coefficients...)
	fft(values, false)
	// Direct evaluation at w^j.
	w := rootsOfUnity[4]
	var x fr.Element
	x.SetOne()
	for j := 0; j < n; j++ {
		var sum, power fr.Element
		power.SetOne()
		for i := range coefficients {
			var term fr.Element
			term.Mul(&coefficients[i], &power)
			sum.Add(&sum, &term)
			power.Mul(&power, &x)
		}
		if !sum.Equal(&values[j]) {
			t.Fatalf("fft value %d differs from the polynomial at w^%d", j, j)
		}
		x.Mul(&x, &w)
	}
	fft(values, true)
	for i := range values {
		if !values[i].Equal(&coefficients[i]) {
			t.Fatalf("inverse fft does not give coefficient %d back", i)
		}
	}
}
