package main

import (
	"encoding/binary"
	"fmt"
)

// binFile is a file in the iden3 binary container format shared by .zkey and .wtns: a 4-byte
// magic, a u32 version, a u32 section count, then sections of (u32 type, u64 size, bytes).
type binFile struct {
	kind     string
	sections map[uint32][]byte
}

func readBinFile(data []byte, magic string) (*binFile, error) {
	if len(data) < 12 || string(data[:4]) != magic {
		return nil, fmt.Errorf("not a %s file", magic)
	}
	count := binary.LittleEndian.Uint32(data[8:12])
	f := &binFile{kind: magic, sections: map[uint32][]byte{}}
	at := uint64(12)
	for i := uint32(0); i < count; i++ {
		if at+12 > uint64(len(data)) {
			return nil, fmt.Errorf("%s file: section %d header past the end", magic, i)
		}
		typ := binary.LittleEndian.Uint32(data[at:])
		size := binary.LittleEndian.Uint64(data[at+4:])
		at += 12
		if at+size > uint64(len(data)) {
			return nil, fmt.Errorf("%s file: section %d (type %d) past the end", magic, i, typ)
		}
		if _, twice := f.sections[typ]; twice {
			return nil, fmt.Errorf("%s file: section type %d appears twice", magic, typ)
		}
		f.sections[typ] = data[at : at+size]
		at += size
	}
	return f, nil
}

func (f *binFile) section(typ uint32, size int) ([]byte, error) {
	s, ok := f.sections[typ]
	if !ok {
		return nil, fmt.Errorf("%s file: section %d missing", f.kind, typ)
	}
	if size >= 0 && len(s) != size {
		return nil, fmt.Errorf("%s file: section %d has %d bytes, %d expected", f.kind, typ, len(s), size)
	}
	return s, nil
}
