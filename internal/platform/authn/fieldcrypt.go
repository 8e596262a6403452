package authn

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
	"sync"
)

// Field ciphertext layout:
//
//	[0]      format version (fieldVersion)
//	[1]      key id (which encryption key; lets keys rotate)
//	[2:14]   random 96-bit GCM nonce
//	[14:]    AES-256-GCM ciphertext and 16-byte tag
//
// Bytes 0–1 are also the GCM additional data, so the header cannot be
// altered without failing authentication.
const (
	fieldVersion   byte = 1
	fieldHeaderLen      = 2
	fieldNonceLen       = 12
	fieldOverhead       = fieldHeaderLen + fieldNonceLen + 16
	// FieldKeyBytes is the length of an AES-256 key and of a master secret.
	FieldKeyBytes = 32
)

// HKDF "info" labels: one master secret, two unrelated subkeys.
const (
	hkdfInfoEncryption = "autoevent/field-encryption/v1"
	hkdfInfoLookupHash = "autoevent/field-lookup-hash/v1"
)

// FieldKey is one AES-256 key and its id (1–255) in the ciphertext header.
type FieldKey struct {
	ID  byte
	Key []byte
}

// FieldCipher encrypts personal data for storage (business numbers, phone
// numbers) and computes keyed lookup hashes for unique indexes.
type FieldCipher struct {
	current byte
	aeads   map[byte]cipher.AEAD
	hashKey []byte
	// macs reuses keyed HMAC states: hmac.New derives the inner and outer
	// pads on every call, a third of a lookup hash's cost on the entry path.
	macs sync.Pool
}

// NewFieldCipher builds a FieldCipher: current encrypts, previous keys still
// decrypt. hashKey (≥ 32 bytes) keys the lookup hash; it must never change
// while hashes made with it are stored, so it is separate from the
// rotating encryption keys.
func NewFieldCipher(current FieldKey, hashKey []byte, previous ...FieldKey) (*FieldCipher, error) {
	if len(hashKey) < FieldKeyBytes {
		return nil, fmt.Errorf("%w: lookup hash key has %d bytes, need at least %d", ErrWeakSecret, len(hashKey), FieldKeyBytes)
	}
	c := &FieldCipher{current: current.ID, aeads: make(map[byte]cipher.AEAD), hashKey: append([]byte(nil), hashKey...)}
	for _, k := range append([]FieldKey{current}, previous...) {
		if k.ID == 0 {
			return nil, fmt.Errorf("%w: field key id 0 is reserved", ErrBadKey)
		}
		if len(k.Key) != FieldKeyBytes {
			return nil, fmt.Errorf("%w: field key %d has %d bytes, need %d", ErrBadKey, k.ID, len(k.Key), FieldKeyBytes)
		}
		if _, dup := c.aeads[k.ID]; dup {
			return nil, fmt.Errorf("%w: duplicate field key id %d", ErrBadKey, k.ID)
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, fmt.Errorf("authn: field key %d: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("authn: field key %d: %w", k.ID, err)
		}
		c.aeads[k.ID] = aead
	}
	return c, nil
}

// DeriveFieldKeys derives the encryption key and the lookup-hash key from one
// 32-byte master secret with HKDF-SHA256, for deployments that configure a
// single secret.
func DeriveFieldKeys(master []byte) (encKey, hashKey []byte, err error) {
	if len(master) < FieldKeyBytes {
		return nil, nil, fmt.Errorf("%w: master key has %d bytes, need at least %d", ErrWeakSecret, len(master), FieldKeyBytes)
	}
	if encKey, err = hkdf.Key(sha256.New, master, nil, hkdfInfoEncryption, FieldKeyBytes); err != nil {
		return nil, nil, fmt.Errorf("authn: derive encryption key: %w", err)
	}
	if hashKey, err = hkdf.Key(sha256.New, master, nil, hkdfInfoLookupHash, FieldKeyBytes); err != nil {
		return nil, nil, fmt.Errorf("authn: derive hash key: %w", err)
	}
	return encKey, hashKey, nil
}

// FieldConfig is the configuration form of the field keys; every key is a
// 32-byte value written as hex or base64 (see DecodeKey).
type FieldConfig struct {
	// MasterKey, when set, supplies whichever of EncryptionKey and HashKey is
	// empty, by HKDF derivation.
	MasterKey string
	// EncryptionKey is the current encryption key, with id EncryptionKeyID
	// (0 means 1).
	EncryptionKey   string
	EncryptionKeyID byte
	// PreviousKeys are retired encryption keys by id, kept for decryption
	// until a re-encryption pass (see NeedsReencrypt) has moved all rows.
	PreviousKeys map[byte]string
	// HashKey keys the lookup hashes. Never rotate it without rehashing.
	HashKey string
}

// NewFieldCipherFromConfig decodes and validates cfg.
func NewFieldCipherFromConfig(cfg FieldConfig) (*FieldCipher, error) {
	var encKey, hashKey []byte
	if cfg.MasterKey != "" {
		master, err := DecodeKey(cfg.MasterKey)
		if err != nil {
			return nil, fmt.Errorf("field master key: %w", err)
		}
		if encKey, hashKey, err = DeriveFieldKeys(master); err != nil {
			return nil, err
		}
	}
	if cfg.EncryptionKey != "" {
		k, err := DecodeKey(cfg.EncryptionKey)
		if err != nil {
			return nil, fmt.Errorf("field encryption key: %w", err)
		}
		encKey = k
	}
	if cfg.HashKey != "" {
		k, err := DecodeKey(cfg.HashKey)
		if err != nil {
			return nil, fmt.Errorf("field hash key: %w", err)
		}
		hashKey = k
	}
	if encKey == nil || hashKey == nil {
		return nil, fmt.Errorf("%w: configure a field master key, or both an encryption key and a hash key", ErrBadKey)
	}
	id := cfg.EncryptionKeyID
	if id == 0 {
		id = 1
	}
	prev := make([]FieldKey, 0, len(cfg.PreviousKeys))
	for pid, s := range cfg.PreviousKeys {
		k, err := DecodeKey(s)
		if err != nil {
			return nil, fmt.Errorf("previous field key %d: %w", pid, err)
		}
		prev = append(prev, FieldKey{ID: pid, Key: k})
	}
	return NewFieldCipher(FieldKey{ID: id, Key: encKey}, hashKey, prev...)
}

// DecodeKey decodes a 32-byte key written as 64 hex digits or as base64
// (standard or URL alphabet, padded or not). Surrounding spaces are ignored.
func DecodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*FieldKeyBytes {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil {
			if len(b) != FieldKeyBytes {
				return nil, fmt.Errorf("%w: decoded to %d bytes, need %d", ErrBadKey, len(b), FieldKeyBytes)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("%w: not hex or base64", ErrBadKey)
}

// Encrypt seals plaintext under the current key with a fresh random nonce.
func (c *FieldCipher) Encrypt(plaintext []byte) ([]byte, error) {
	aead := c.aeads[c.current]
	out := make([]byte, fieldHeaderLen+fieldNonceLen, fieldOverhead+len(plaintext))
	out[0], out[1] = fieldVersion, c.current
	// Random 96-bit nonces are safe for up to 2^32 encryptions per key
	// (NIST SP 800-38D §8.3); far beyond a shop platform's volume.
	_, _ = rand.Read(out[fieldHeaderLen:])
	return aead.Seal(out, out[fieldHeaderLen:], plaintext, out[:fieldHeaderLen]), nil
}

// Decrypt opens a ciphertext made by Encrypt under any configured key. Every
// failure is ErrDecrypt, without detail.
func (c *FieldCipher) Decrypt(ciphertext []byte) ([]byte, error) {
	if len(ciphertext) < fieldOverhead || ciphertext[0] != fieldVersion {
		return nil, ErrDecrypt
	}
	aead, ok := c.aeads[ciphertext[1]]
	if !ok {
		return nil, ErrDecrypt
	}
	nonce := ciphertext[fieldHeaderLen : fieldHeaderLen+fieldNonceLen]
	pt, err := aead.Open(nil, nonce, ciphertext[fieldHeaderLen+fieldNonceLen:], ciphertext[:fieldHeaderLen])
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// EncryptString encrypts s and returns standard base64, for text columns.
func (c *FieldCipher) EncryptString(s string) (string, error) {
	ct, err := c.Encrypt([]byte(s))
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// DecryptString reverses EncryptString.
func (c *FieldCipher) DecryptString(s string) (string, error) {
	ct, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return "", ErrDecrypt
	}
	pt, err := c.Decrypt(ct)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// Hash is hex(HMAC-SHA256(hashKey, value)): a deterministic, keyed lookup
// value for unique indexes on encrypted columns. Normalise the value first
// (e.g. bizno.Normalize), or equal values will hash differently.
func (c *FieldCipher) Hash(value string) string {
	m, _ := c.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, c.hashKey)
	}
	m.Reset()
	m.Write([]byte(value))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0]))
	c.macs.Put(m)
	return out
}

// NeedsReencrypt reports whether ciphertext was made under a key other than
// the current one, for a background re-encryption pass after rotation.
func (c *FieldCipher) NeedsReencrypt(ciphertext []byte) bool {
	return len(ciphertext) < fieldHeaderLen || ciphertext[0] != fieldVersion || ciphertext[1] != c.current
}
