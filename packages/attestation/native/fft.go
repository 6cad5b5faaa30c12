package main

import (
	"math/big"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// rootsOfUnity[k] is the 2^k-th root of unity snarkjs (ffjavascript) uses: with r-1 = 2^s·t (t odd)
// and q the smallest quadratic non-residue, w[s] = q^t and w[k] = w[k+1]². The QAP of a zkey is
// laid out over exactly these roots, so no other generator may be used.
var rootsOfUnity, twoAdicity = func() ([]fr.Element, int) {
	r := fr.Modulus()
	t := oddPart()
	s := new(big.Int).Sub(r, big.NewInt(1)).TrailingZeroBits()
	half := new(big.Int).Rsh(new(big.Int).Sub(r, big.NewInt(1)), 1)
	var q, minusOne, e fr.Element
	minusOne.SetOne().Neg(&minusOne)
	for q.SetUint64(2); ; q.Add(&q, new(fr.Element).SetOne()) {
		if e.Exp(q, half); e.Equal(&minusOne) {
			break
		}
	}
	w := make([]fr.Element, s+1)
	w[s].Exp(q, t)
	for k := int(s) - 1; k >= 0; k-- {
		w[k].Square(&w[k+1])
	}
	return w, int(s)
}()

// oddPart is t in r-1 = 2^s·t.
func oddPart() *big.Int {
	t := new(big.Int).Sub(fr.Modulus(), big.NewInt(1))
	return t.Rsh(t, t.TrailingZeroBits())
}

// fft evaluates, in place, the polynomial with coefficients a (natural order) at w^0..w^(n-1),
// w = rootsOfUnity[log2 n]; inverse interpolates. len(a) is a power of two.
func fft(a []fr.Element, inverse bool) {
	n := len(a)
	logN := bits.TrailingZeros(uint(n))
	for i := 0; i < n; i++ {
		j := int(bits.Reverse(uint(i)) >> (bits.UintSize - logN))
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		w := rootsOfUnity[bits.TrailingZeros(uint(size))]
		if inverse {
			w.Inverse(&w)
		}
		half := size / 2
		twiddles := make([]fr.Element, half)
		twiddles[0].SetOne()
		for k := 1; k < half; k++ {
			twiddles[k].Mul(&twiddles[k-1], &w)
		}
		for start := 0; start < n; start += size {
			for k := 0; k < half; k++ {
				var t fr.Element
				t.Mul(&a[start+k+half], &twiddles[k])
				a[start+k+half].Sub(&a[start+k], &t)
				a[start+k].Add(&a[start+k], &t)
			}
		}
	}
	if inverse {
		var nInv fr.Element
		nInv.SetUint64(uint64(n)).Inverse(&nInv)
		for i := range a {
			a[i].Mul(&a[i], &nInv)
		}
	}
}
