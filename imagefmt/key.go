package imagefmt

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// MaxKeyFileSize bounds a key file; keys are a few KiB.
const MaxKeyFileSize = 1 << 20

// Key is an OpenPGP RSA-2048 key that signs or checks image blocks.
type Key struct {
	Name        string          // the user id's name, e.g. "STB_PUBLIC"
	UserID      string          // the whole user id, e.g. "STB_PUBLIC (Public key!!)"
	ID          uint64          // OpenPGP key id
	Fingerprint []byte          // OpenPGP fingerprint
	Public      *rsa.PublicKey  // the RSA key that checks blocks
	Private     *rsa.PrivateKey // nil for a public key
	// External signs for a key whose secret part lives elsewhere (gpg-agent);
	// nil when Private signs or the key cannot sign.
	External DigestSigner
	Entity   *openpgp.Entity
	// Certification is the manufacturer's block over PublicBytes, when the key
	// came in the stb_pub_sign.key form.
	Certification *Block
	publicBytes   []byte
}

// DigestSigner makes the RSA PKCS#1 v1.5 signature of a digest with a secret
// key held outside this program.
type DigestSigner interface {
	SignDigest(alg crypto.Hash, digest []byte) ([]byte, error)
}

// CanSign reports whether the key can make blocks: its secret part is loaded,
// or an outside signer holds it.
func (k *Key) CanSign() bool { return k != nil && (k.Private != nil || k.External != nil) }

// IDString is the key id as 16 upper-case hex digits.
func (k *Key) IDString() string { return fmt.Sprintf("%016X", k.ID) }

// FingerprintString is the fingerprint in groups of four, as gpg prints it.
func (k *Key) FingerprintString() string {
	hex := fmt.Sprintf("%X", k.Fingerprint)
	var parts []string
	for i := 0; i < len(hex); i += 4 {
		parts = append(parts, hex[i:min(i+4, len(hex))])
	}
	return strings.Join(parts, " ")
}

// String names the key with its id, e.g. "STB_PUBLIC (8D87EE656BEED1ED)".
func (k *Key) String() string { return fmt.Sprintf("%s (%s)", k.Name, k.IDString()) }

// PublicBytes is the binary public key (as `gpg --export` writes it); it is
// what a certification block signs.
func (k *Key) PublicBytes() []byte { return k.publicBytes }

// Same reports whether two keys have the same RSA public key.
func (k *Key) Same(o *Key) bool {
	return k != nil && o != nil && k.Public.N.Cmp(o.Public.N) == 0 && k.Public.E == o.Public.E
}

// PublicOnly returns a copy of k without its secret part.
func (k *Key) PublicOnly() *Key {
	c := *k
	c.Private, c.External = nil, nil
	return &c
}

// KeyOptions say which key of a file to take and how to unlock it.
type KeyOptions struct {
	// ID picks one key of a file that holds several: a key id (16 or 8 hex
	// digits), a fingerprint, or a part of the user id.
	ID string
	// Passphrase is asked for the passphrase of a protected secret key; nil
	// means a protected key is refused with a word on how to give it.
	Passphrase func(k *Key) ([]byte, error)
}

// LoadKeyFile reads a key file in any form LoadKey accepts.
func LoadKeyFile(path string) (*Key, error) {
	return LoadKeyFileWith(path, KeyOptions{})
}

// LoadKeyFileWith reads a key file as LoadKeyWith does.
func LoadKeyFileWith(path string, opts KeyOptions) (*Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	k, err := LoadKeyWith(data, opts)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// LoadKey reads one key: ASCII-armored or binary OpenPGP, public or secret
// (unprotected), or the stb_pub_sign.key form (base64 of a binary public key
// followed by a 263-byte certification block).
func LoadKey(data []byte) (*Key, error) { return LoadKeyWith(data, KeyOptions{}) }

// LoadKeyWith reads a key as LoadKey does; opts pick one key of a file that
// holds several and unlock a passphrase-protected secret key.
func LoadKeyWith(data []byte, opts KeyOptions) (*Key, error) {
	list, certified, err := readKeyData(data)
	if err != nil || certified != nil {
		return certified, err
	}
	return fromList(list, opts)
}

// LoadKeys reads every key of a file (a keyring export may hold several);
// a file of one key gives one, as LoadKey reads it.
func LoadKeys(data []byte) ([]*Key, error) {
	list, certified, err := readKeyData(data)
	if err != nil {
		return nil, err
	}
	if certified != nil {
		return []*Key{certified}, nil
	}
	if len(list) == 0 {
		return nil, errors.New("the file holds no key")
	}
	out := make([]*Key, 0, len(list))
	for _, e := range list {
		k, err := fromEntity(e, KeyOptions{})
		if err != nil {
			return nil, fmt.Errorf("key %016X of the file: %w", e.PrimaryKey.KeyId, err)
		}
		out = append(out, k)
	}
	return out, nil
}

// readKeyData reads a key file's OpenPGP keys, or the one key of the
// stb_pub_sign.key form.
func readKeyData(data []byte) (openpgp.EntityList, *Key, error) {
	if len(data) > MaxKeyFileSize {
		return nil, nil, fmt.Errorf("a key file is at most %d KiB", MaxKeyFileSize>>10)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil, errors.New("the key file is empty")
	}
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN PGP")) {
		list, err := readArmoredKeys(trimmed)
		if err != nil {
			return nil, nil, fmt.Errorf("not a readable armored OpenPGP key: %v", err)
		}
		return list, nil, nil
	}
	if raw, err := base64.StdEncoding.DecodeString(string(joinLines(trimmed))); err == nil && len(raw) > BlockSize {
		k, err := loadCertified(raw)
		return nil, k, err
	}
	// Binary: OpenPGP keys (one or several), else the binary
	// stb_pub_sign.key form (a key, then a block that is no OpenPGP packet).
	list, err := openpgp.ReadKeyRing(bytes.NewReader(data))
	if err == nil && len(list) > 0 {
		return list, nil, nil
	}
	if len(data) > BlockSize {
		if k, cerr := loadCertified(data); cerr == nil {
			return nil, k, nil
		}
	}
	if err == nil {
		err = errors.New("no key found")
	}
	return nil, nil, fmt.Errorf("not an OpenPGP key (armored, binary or stb_pub_sign.key form): %v", err)
}

func joinLines(b []byte) []byte {
	return bytes.Join(bytes.Fields(b), nil)
}

// loadCertified reads binary key bytes followed by a certification block.
func loadCertified(raw []byte) (*Key, error) {
	keyBytes, blockBytes := raw[:len(raw)-BlockSize], raw[len(raw)-BlockSize:]
	list, err := openpgp.ReadKeyRing(bytes.NewReader(keyBytes))
	if err != nil {
		return nil, fmt.Errorf("stb_pub_sign.key form: the key part is not an OpenPGP key: %v", err)
	}
	k, err := fromList(list, KeyOptions{})
	if err != nil {
		return nil, err
	}
	blk, err := ParseBlock(blockBytes)
	if err != nil {
		return nil, fmt.Errorf("stb_pub_sign.key form: %w", err)
	}
	k.Certification = &blk
	k.publicBytes = append([]byte(nil), keyBytes...)
	return k, nil
}

func fromList(list openpgp.EntityList, opts KeyOptions) (*Key, error) {
	if len(list) == 0 {
		return nil, errors.New("the file holds no key")
	}
	if opts.ID != "" {
		var picked openpgp.EntityList
		for _, e := range list {
			if entityMatches(e, opts.ID) {
				picked = append(picked, e)
			}
		}
		if len(picked) == 0 {
			return nil, fmt.Errorf("no key %q in the file, which holds %s; give one of these ids", opts.ID, describeEntities(list))
		}
		if len(picked) > 1 {
			return nil, fmt.Errorf("%q names %d keys of the file (%s); give a key id or fingerprint", opts.ID, len(picked), describeEntities(picked))
		}
		list = picked
	}
	if len(list) > 1 {
		return nil, fmt.Errorf("the file holds %d keys (%s); pick one by its id with FILE#ID (in image build, --key-id ID too)", len(list), describeEntities(list))
	}
	return fromEntity(list[0], opts)
}

// entityMatches reports whether id names the key: its key id (16 or the last
// 8 hex digits), its fingerprint, or a part of a user id.
func entityMatches(e *openpgp.Entity, id string) bool {
	hexID := strings.ToUpper(strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(id), " ", ""), "0x"))
	keyID := fmt.Sprintf("%016X", e.PrimaryKey.KeyId)
	fpr := fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
	if hexID != "" && (hexID == keyID || hexID == fpr || (len(hexID) == 8 && strings.HasSuffix(keyID, hexID))) {
		return true
	}
	for name := range e.Identities {
		if strings.Contains(strings.ToLower(name), strings.ToLower(strings.TrimSpace(id))) {
			return true
		}
	}
	return false
}

// describeEntities lists keys by id and user id: 8D87EE656BEED1ED "STB_PUBLIC".
func describeEntities(list openpgp.EntityList) string {
	parts := make([]string, 0, len(list))
	for _, e := range list {
		uid := "no user id"
		if id := e.PrimaryIdentity(); id != nil {
			uid = id.Name
		}
		parts = append(parts, fmt.Sprintf("%016X %q", e.PrimaryKey.KeyId, uid))
	}
	return strings.Join(parts, ", ")
}

// readArmoredKeys reads every armored key block of data (a file may hold
// several, one after the other, as gpg --armor --export of several keys).
func readArmoredKeys(data []byte) (openpgp.EntityList, error) {
	var all openpgp.EntityList
	rest := data
	for len(bytes.TrimSpace(rest)) > 0 {
		start := bytes.Index(rest, []byte("-----BEGIN PGP"))
		if start < 0 {
			break
		}
		end := bytes.Index(rest[start:], []byte("-----END PGP"))
		if end < 0 {
			return nil, errors.New("an armored block has no END line")
		}
		stop := start + end
		if nl := bytes.IndexByte(rest[stop:], '\n'); nl >= 0 {
			stop += nl + 1
		} else {
			stop = len(rest)
		}
		list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(rest[start:stop]))
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		rest = rest[stop:]
	}
	return all, nil
}

func fromEntity(e *openpgp.Entity, opts KeyOptions) (*Key, error) {
	pub, ok := e.PrimaryKey.PublicKey.(*rsa.PublicKey)
	if !ok || pub.N.BitLen() != 2048 {
		return nil, fmt.Errorf("%w (this key is %s)", ErrUnsupportedKey, describeAlgo(e.PrimaryKey))
	}
	k := &Key{Entity: e, Public: pub, ID: e.PrimaryKey.KeyId, Fingerprint: e.PrimaryKey.Fingerprint}
	if id := e.PrimaryIdentity(); id != nil {
		k.UserID = id.Name
		k.Name = id.UserId.Name
		if k.Name == "" {
			k.Name = id.Name
		}
	}
	if e.PrivateKey != nil {
		if e.PrivateKey.Encrypted {
			if opts.Passphrase == nil {
				return nil, passphraseError(fmt.Sprintf("the secret key %s is protected by a passphrase; give it with --passphrase-file FILE, or run in a terminal to be asked", k))
			}
			pass, err := opts.Passphrase(k)
			if err != nil {
				return nil, err
			}
			if err := e.PrivateKey.Decrypt(pass); err != nil {
				return nil, passphraseError(fmt.Sprintf("the passphrase does not unlock the secret key %s; check it and try again", k))
			}
		}
		priv, ok := e.PrivateKey.PrivateKey.(*rsa.PrivateKey)
		if !ok {
			return nil, ErrUnsupportedKey
		}
		k.Private = priv
	}
	var buf bytes.Buffer
	if err := e.Serialize(&buf); err != nil {
		return nil, fmt.Errorf("serialize public key: %v", err)
	}
	k.publicBytes = buf.Bytes()
	return k, nil
}

func describeAlgo(pk *packet.PublicKey) string {
	if pk == nil {
		return "missing"
	}
	bits, err := pk.BitLength()
	if pk.PubKeyAlgo == packet.PubKeyAlgoRSA && err == nil {
		return fmt.Sprintf("RSA-%d", bits)
	}
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoEd25519:
		return "Ed25519"
	case packet.PubKeyAlgoECDSA:
		return "ECDSA"
	case packet.PubKeyAlgoDSA:
		return "DSA"
	}
	return fmt.Sprintf("algorithm %d", pk.PubKeyAlgo)
}

// GenerateKey makes an RSA-2048 OpenPGP key with user id "name", as gpg would.
func GenerateKey(name, comment string, created time.Time) (*Key, error) {
	cfg := &packet.Config{
		Algorithm:   packet.PubKeyAlgoRSA,
		RSABits:     2048,
		DefaultHash: crypto.SHA256,
		Time:        func() time.Time { return created },
	}
	e, err := openpgp.NewEntity(name, comment, "", cfg)
	if err != nil {
		return nil, fmt.Errorf("generate key: %v", err)
	}
	// Round-trip through the serialized form so that the key is exactly what its file will load as.
	var buf bytes.Buffer
	if err := e.SerializePrivate(&buf, cfg); err != nil {
		return nil, fmt.Errorf("serialize key: %v", err)
	}
	return LoadKey(buf.Bytes())
}

// ArmoredPublic is the public key, ASCII-armored (gpg --armor --export).
func (k *Key) ArmoredPublic() ([]byte, error) {
	return armored(openpgp.PublicKeyType, k.publicBytes)
}

// ArmoredSecret is the secret key, ASCII-armored (gpg --armor --export-secret-keys).
func (k *Key) ArmoredSecret() ([]byte, error) {
	if k.Private == nil {
		return nil, errors.New("this is a public key; it has no secret part")
	}
	var buf bytes.Buffer
	if err := k.Entity.SerializePrivateWithoutSigning(&buf, nil); err != nil {
		return nil, fmt.Errorf("serialize secret key: %v", err)
	}
	return armored(openpgp.PrivateKeyType, buf.Bytes())
}

func armored(blockType string, data []byte) ([]byte, error) {
	var out bytes.Buffer
	w, err := armor.Encode(&out, blockType, nil)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Certify makes the stb_pub_sign.key form of key: base64 of its binary public
// key followed by a block in which by (the MANUFACTURER key) signs those bytes.
func Certify(by *Key, key *Key, alg crypto.Hash, created time.Time) ([]byte, error) {
	blk, err := SignBytes(by, alg, key.publicBytes, created)
	if err != nil {
		return nil, err
	}
	raw := append(append([]byte(nil), key.publicBytes...), blk.Bytes()...)
	enc := base64.StdEncoding.EncodeToString(raw)
	var out strings.Builder
	for len(enc) > 64 {
		out.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	out.WriteString(enc + "\n")
	return []byte(out.String()), nil
}

// VerifyCertification checks that the key's certification block was made by
// manufacturer over the key's binary bytes; it returns the hash used.
func (k *Key) VerifyCertification(manufacturer *Key) (crypto.Hash, error) {
	if k.Certification == nil {
		return 0, wrap(ErrSignatureInit, "%s carries no certification block (it is not in the stb_pub_sign.key form)", k)
	}
	alg, digest, ok := k.Certification.Recover(manufacturer.Public)
	if !ok {
		return 0, wrap(ErrSignatureInit, "the certification block of %s was not made by %s", k, manufacturer)
	}
	h := alg.New()
	h.Write(k.publicBytes)
	if !bytes.Equal(k.Certification.Digest(h), digest) {
		return alg, wrap(ErrSignatureInit, "the certification of %s by %s does not match the key bytes", k, manufacturer)
	}
	return alg, nil
}

// Certifier is the key among candidates that made k's certification block,
// nil when none did (or k carries no certification). It names who certified
// a key that does not verify with the MANUFACTURER key.
func (k *Key) Certifier(candidates []*Key) *Key {
	if k.Certification == nil {
		return nil
	}
	for _, c := range candidates {
		if c != nil {
			if _, _, ok := k.Certification.Recover(c.Public); ok {
				return c
			}
		}
	}
	return nil
}

// passphraseError is a key that stays locked; it matches ErrPassphrase.
type passphraseError string

func (e passphraseError) Error() string        { return string(e) }
func (e passphraseError) Is(target error) bool { return target == ErrPassphrase }
