// Command hokusai-groth16 makes snarkjs-compatible Groth16 proofs (BN254) natively, for
// @hokusai/attestation. It reads a .zkey once, then answers witnesses on stdin:
//
//	hokusai-groth16 <circuit.zkey>
//
// It first writes {"ready":true,...} on stdout. Each request is a little-endian u32 byte length
// followed by a circom .wtns file; each answer is one JSON line, {"proof":...,"publicSignals":[...]}
// in snarkjs' format, or {"error":"..."} (the process goes on with the next request). End of input
// ends the process.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// maxRequest bounds one witness file (64 MiB is 2M signals), so a corrupt length cannot
// make the process allocate without limit.
const maxRequest = 64 << 20

type snarkjsProof struct {
	PiA      [3]string    `json:"pi_a"`
	PiB      [3][2]string `json:"pi_b"`
	PiC      [3]string    `json:"pi_c"`
	Protocol string       `json:"protocol"`
	Curve    string       `json:"curve"`
}

type answer struct {
	Proof         *snarkjsProof `json:"proof,omitempty"`
	PublicSignals []string      `json:"publicSignals,omitempty"`
	Error         string        `json:"error,omitempty"`
}

func dec(e *fp.Element) string { return e.Text(10) }

func g1JSON(p *bn254.G1Affine) [3]string { return [3]string{dec(&p.X), dec(&p.Y), "1"} }

func toSnarkjs(p *proof) *snarkjsProof {
	return &snarkjsProof{
		PiA:      g1JSON(&p.a),
		PiB:      [3][2]string{{dec(&p.b.X.A0), dec(&p.b.X.A1)}, {dec(&p.b.Y.A0), dec(&p.b.Y.A1)}, {"1", "0"}},
		PiC:      g1JSON(&p.c),
		Protocol: "groth16",
		Curve:    "bn128",
	}
}

func answerFor(k *provingKey, wtns []byte) answer {
	w, err := readWitness(wtns, k.nVars)
	if err != nil {
		return answer{Error: err.Error()}
	}
	p, err := prove(k, w)
	if err != nil {
		return answer{Error: err.Error()}
	}
	signals := make([]string, k.nPublic)
	for i := range signals {
		signals[i] = w[i+1].Text(10)
	}
	return answer{Proof: toSnarkjs(p), PublicSignals: signals}
}

// serve answers requests in the order they came, proving up to `workers` of them at once (each
// proof's multi-exponentiations on one core: on few cores that beats splitting each one).
func serve(k *provingKey, in io.Reader, out *json.Encoder, workers int) error {
	r := bufio.NewReaderSize(in, 1<<20)
	answers := make(chan chan answer, workers)
	written := make(chan error, 1)
	go func() {
		var err error
		for a := range answers {
			if result := <-a; err == nil {
				err = out.Encode(result)
			}
		}
		written <- err
	}()
	slots := make(chan struct{}, workers)
	readErr := func() error {
		var size [4]byte
		for {
			if _, err := io.ReadFull(r, size[:]); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			n := binary.LittleEndian.Uint32(size[:])
			if n > maxRequest {
				return fmt.Errorf("request of %d bytes is over the limit of %d", n, maxRequest)
			}
			wtns := make([]byte, n)
			if _, err := io.ReadFull(r, wtns); err != nil {
				return fmt.Errorf("request cut short: %w", err)
			}
			result := make(chan answer, 1)
			slots <- struct{}{}
			answers <- result
			go func() {
				defer func() { <-slots }()
				result <- answerFor(k, wtns)
			}()
		}
	}()
	close(answers)
	if err := <-written; err != nil {
		return err
	}
	return readErr
}

func fail(out *json.Encoder, err error) {
	_ = out.Encode(answer{Error: err.Error()})
	os.Exit(1)
}

func main() {
	out := json.NewEncoder(os.Stdout)
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: hokusai-groth16 <circuit.zkey>")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(out, err)
	}
	k, err := readProvingKey(data)
	if err != nil {
		fail(out, fmt.Errorf("%s: %w", os.Args[1], err))
	}
	if os.Getenv("HOKUSAI_GROTH16_TIMING") != "" {
		inf := func(ps []bn254.G1Affine) int {
			n := 0
			for i := range ps {
				if ps[i].IsInfinity() {
					n++
				}
			}
			return n
		}
		n2 := 0
		for i := range k.b2 {
			if k.b2[i].IsInfinity() {
				n2++
			}
		}
		fmt.Fprintf(os.Stderr, "infinity: a %d/%d b1 %d b2 %d c %d/%d h %d/%d coeffs %d\n", inf(k.a), len(k.a), inf(k.b1), n2, inf(k.c), len(k.c), inf(k.h), len(k.h), len(k.coefficients))
	}
	ready := map[string]any{"ready": true, "nVars": k.nVars, "nPublic": k.nPublic, "domainSize": k.domainSize}
	if err := out.Encode(ready); err != nil {
		os.Exit(1)
	}
	if err := serve(k, os.Stdin, out, runtime.NumCPU()); err != nil {
		fail(out, err)
	}
}
