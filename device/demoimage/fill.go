package demoimage

import (
	"encoding/binary"
	"io"
)

// fillReader yields n deterministic pseudo-random bytes (xorshift64*).
type fillReader struct {
	left  int64
	state uint64
}

// filler is a reader of n pseudo-random bytes that depend only on seed.
func filler(n int64, seed uint64) io.Reader {
	return &fillReader{left: n, state: seed*0x9E3779B97F4A7C15 + 1}
}

func (f *fillReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n := len(p) &^ 7
	if n == 0 {
		var tmp [8]byte
		binary.LittleEndian.PutUint64(tmp[:], f.next())
		n = copy(p, tmp[:])
	} else {
		for i := 0; i < n; i += 8 {
			binary.LittleEndian.PutUint64(p[i:], f.next())
		}
	}
	f.left -= int64(n)
	return n, nil
}

func (f *fillReader) next() uint64 {
	x := f.state
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	f.state = x
	return x * 2685821657736338717
}
