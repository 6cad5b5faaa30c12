package main

import (
	"encoding/binary"
	"strings"
	"testing"
)

func container(magic string, sections map[uint32][]byte) []byte {
	out := []byte(magic)
	out = binary.LittleEndian.AppendUint32(out, 1)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(sections)))
	for typ := uint32(1); typ <= 10; typ++ {
		if s, ok := sections[typ]; ok {
			out = binary.LittleEndian.AppendUint32(out, typ)
			out = binary.LittleEndian.AppendUint64(out, uint64(len(s)))
			out = append(out, s...)
		}
	}
	return out
}

func TestMalformedFilesAreErrorsNotPanics(t *testing.T) {
	cases := map[string][]byte{
		"empty":             {},
		"other magic":       []byte("r1cs\x01\x00\x00\x00\x00\x00\x00\x00"),
		"section past end":  append(container("zkey", nil)[:8], 1, 0, 0, 0, 1, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0),
		"plonk key":         container("zkey", map[uint32][]byte{1: {2, 0, 0, 0}}),
		"header cut short":  container("zkey", map[uint32][]byte{1: {1, 0, 0, 0}, 2: make([]byte, 100)}),
		"no groth16 header": container("zkey", map[uint32][]byte{1: {1, 0, 0, 0}}),
	}
	for name, data := range cases {
		if _, err := readProvingKey(data); err == nil {
			t.Errorf("%s: read as a proving key", name)
		}
	}
	if _, err := readWitness(container("wtns", map[uint32][]byte{1: make([]byte, 40)}), 10); err == nil || !strings.Contains(err.Error(), "bytes") {
		t.Errorf("a witness with a bad header was read: %v", err)
	}
}
