package imagefmt

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"encoding/binary"
	"fmt"
	"hash"
	"math/big"
	"strings"
	"time"

	_ "crypto/sha1"   // SHA-1 blocks (MAG250/254/270 generation)
	_ "crypto/sha256" // SHA-256 blocks (MAG256 and later)
)

// Block is a 263-byte signature block (FORMAT.md §3).
type Block struct {
	Class     byte      // signature class, 0x00 for a binary document
	Created   uint32    // creation time, Unix seconds
	Bits      uint16    // bit length of the signature integer
	Signature [256]byte // RSA-2048 signature, left-padded with zeros
}

// ParseBlock decodes a 263-byte block; it checks the shape, not the signature.
func ParseBlock(b []byte) (Block, error) {
	var blk Block
	if len(b) != BlockSize {
		return blk, wrap(ErrWrongSignature, "a signature block is %d bytes, not %d", BlockSize, len(b))
	}
	blk.Class = b[0]
	blk.Created = binary.BigEndian.Uint32(b[1:5])
	blk.Bits = binary.BigEndian.Uint16(b[5:7])
	copy(blk.Signature[:], b[7:])
	if got := new(big.Int).SetBytes(blk.Signature[:]).BitLen(); got != int(blk.Bits) {
		return blk, wrap(ErrWrongSignature, "block says %d signature bits, holds %d", blk.Bits, got)
	}
	return blk, nil
}

// Bytes encodes the block in its 263-byte form.
func (b Block) Bytes() []byte {
	out := make([]byte, BlockSize)
	out[0] = b.Class
	binary.BigEndian.PutUint32(out[1:5], b.Created)
	binary.BigEndian.PutUint16(out[5:7], b.Bits)
	copy(out[7:], b.Signature[:])
	return out
}

// Time is the block's creation time.
func (b Block) Time() time.Time { return time.Unix(int64(b.Created), 0).UTC() }

// trailer is what the OpenPGP version-3 rule appends to the data before hashing.
func (b Block) trailer() []byte {
	t := make([]byte, 5)
	t[0] = b.Class
	binary.BigEndian.PutUint32(t[1:], b.Created)
	return t
}

// Digest finishes h, which has hashed the signed data, with the block's class and time.
func (b Block) Digest(h hash.Hash) []byte {
	h.Write(b.trailer())
	return h.Sum(nil)
}

// Sign makes a block over the data already written into h, a fresh hash of kind alg.
func Sign(key *Key, alg crypto.Hash, h hash.Hash, created time.Time) (Block, error) {
	if !key.CanSign() {
		return Block{}, fmt.Errorf("signing needs a secret key")
	}
	if key.Public == nil || key.Public.N.BitLen() != 2048 {
		return Block{}, ErrUnsupportedKey
	}
	var b Block
	b.Created = uint32(created.Unix())
	digest := b.Digest(h)
	var sig []byte
	var err error
	if key.Private != nil {
		sig, err = rsa.SignPKCS1v15(nil, key.Private, alg, digest)
	} else {
		sig, err = key.External.SignDigest(alg, digest)
		if err == nil && rsa.VerifyPKCS1v15(key.Public, alg, digest, sig) != nil {
			err = fmt.Errorf("the signature made for %s does not verify with its public key", key)
		}
	}
	if err != nil {
		return Block{}, fmt.Errorf("sign: %w", err)
	}
	if len(sig) > 256 {
		return Block{}, ErrUnsupportedKey
	}
	copy(b.Signature[256-len(sig):], sig)
	b.Bits = uint16(new(big.Int).SetBytes(sig).BitLen())
	return b, nil
}

// SignBytes makes a block over data.
func SignBytes(key *Key, alg crypto.Hash, data []byte, created time.Time) (Block, error) {
	h := alg.New()
	h.Write(data)
	return Sign(key, alg, h, created)
}

// digestInfoPrefix is the DER prefix of PKCS#1 v1.5 DigestInfo for each hash.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA1:   {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA224: {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c},
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// Recover opens the block with a public key: when the key made the block it
// returns the hash named in the DigestInfo and the digest that was signed.
// ok is false when the key did not make this block.
func (b Block) Recover(pub *rsa.PublicKey) (alg crypto.Hash, digest []byte, ok bool) {
	if pub == nil || pub.N.BitLen() != 2048 {
		return 0, nil, false
	}
	s := new(big.Int).SetBytes(b.Signature[:])
	if s.Cmp(pub.N) >= 0 {
		return 0, nil, false
	}
	m := new(big.Int).Exp(s, big.NewInt(int64(pub.E)), pub.N)
	em := m.FillBytes(make([]byte, 256))
	// EMSA-PKCS1-v1_5: 00 01 FF…FF 00 DigestInfo
	if em[0] != 0 || em[1] != 1 {
		return 0, nil, false
	}
	i := 2
	for i < len(em) && em[i] == 0xff {
		i++
	}
	if i < 10 || i >= len(em) || em[i] != 0 {
		return 0, nil, false
	}
	info := em[i+1:]
	for h, prefix := range digestInfoPrefix {
		if bytes.HasPrefix(info, prefix) && len(info) == len(prefix)+h.Size() {
			return h, info[len(prefix):], true
		}
	}
	return 0, nil, false
}

// HashName is the name of a block hash as people write it.
func HashName(h crypto.Hash) string {
	switch h {
	case crypto.SHA1:
		return "SHA-1"
	case crypto.SHA224:
		return "SHA-224"
	case crypto.SHA256:
		return "SHA-256"
	case crypto.SHA384:
		return "SHA-384"
	case crypto.SHA512:
		return "SHA-512"
	}
	return "unknown hash"
}

// ParseHash reads "sha1" / "sha256" (and their hyphenated forms).
func ParseHash(s string) (crypto.Hash, error) {
	switch strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "") {
	case "sha1":
		return crypto.SHA1, nil
	case "sha256":
		return crypto.SHA256, nil
	}
	return 0, fmt.Errorf("unknown hash %q: use sha1 or sha256", s)
}
