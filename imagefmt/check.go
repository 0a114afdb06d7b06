package imagefmt

import (
	"bytes"
	"crypto"
	"strings"
)

// Check is the verdict on one signature block.
type Check struct {
	Name  string      // the block: "Kernel", "RootFS", … or "Global"
	Block Block       // the block as read
	Key   *Key        // the key that made the block, nil when none of the keys did
	Hash  crypto.Hash // the hash the block names (known when Key is set)
	// HashChecked is false when the block's hash was not computed while
	// streaming (the image was read for another hash generation).
	HashChecked bool
	Err         error // nil when the block verifies; wraps ErrWrongSignature otherwise
}

// OK reports whether the block verified.
func (c Check) OK() bool { return c.Err == nil }

// CheckSigned finds which of keys made the block and whether it matches the data.
func CheckSigned(s *Signed, keys []*Key) Check {
	c := Check{Name: s.Name, Block: s.Block}
	if s.shape != nil {
		c.Err = s.shape
		return c
	}
	for _, k := range keys {
		if k == nil {
			continue
		}
		alg, want, ok := s.Block.Recover(k.Public)
		if !ok {
			continue
		}
		c.Key, c.Hash = k, alg
		got, computed := s.Digest(alg)
		if !computed {
			c.Err = wrap(ErrWrongSignature, "the %s block is signed with %s by %s, but the image was read for %s",
				s.Name, HashName(alg), k, hashList(s.digests))
			return c
		}
		c.HashChecked = true
		if !bytes.Equal(got, want) {
			c.Err = wrap(ErrWrongSignature, "the %s block was made by %s, but the data no longer matches it (changed after signing)", s.Name, k)
		}
		return c
	}
	if len(keys) == 0 {
		c.Err = wrap(ErrWrongSignature, "no trusted key to check the %s block with", s.Name)
	} else {
		c.Err = wrap(ErrWrongSignature, "none of the trusted keys made the %s block", s.Name)
	}
	return c
}

func hashList(d map[crypto.Hash][]byte) string {
	var names []string
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		if _, ok := d[h]; ok {
			names = append(names, HashName(h))
		}
	}
	if len(names) == 0 {
		return "no hash"
	}
	return strings.Join(names, " and ")
}
