package authn

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, FieldKeyBytes) }

func newTestCipher(t *testing.T, current FieldKey, previous ...FieldKey) *FieldCipher {
	t.Helper()
	c, err := NewFieldCipher(current, key(0xAA), previous...)
	if err != nil {
		t.Fatalf("NewFieldCipher: %v", err)
	}
	return c
}

func TestFieldEncryptRoundTrip(t *testing.T) {
	c := newTestCipher(t, FieldKey{ID: 1, Key: key(1)})
	for _, pt := range []string{"", "1248100998", "010-1234-5678", strings.Repeat("긴 값 ", 500)} {
		ct, err := c.Encrypt([]byte(pt))
		if err != nil {
			t.Fatalf("Encrypt: %v", err)
		}
		if len(ct) != len(pt)+fieldOverhead {
			t.Errorf("len(ct) = %d, want %d", len(ct), len(pt)+fieldOverhead)
		}
		if ct[0] != 1 || ct[1] != 1 {
			t.Errorf("header = %x, want version 01 key 01", ct[:2])
		}
		if pt != "" && bytes.Contains(ct, []byte(pt)) {
			t.Error("ciphertext contains the plaintext")
		}
		got, err := c.Decrypt(ct)
		if err != nil || string(got) != pt {
			t.Errorf("Decrypt = %q, %v; want %q", got, err, pt)
		}

		s, err := c.EncryptString(pt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			t.Errorf("EncryptString output is not standard base64: %v", err)
		}
		if got, err := c.DecryptString(s); err != nil || got != pt {
			t.Errorf("DecryptString = %q, %v; want %q", got, err, pt)
		}
	}
}

// The format is documented in fieldcrypt.go; decrypting by hand with the
// standard library pins it, so stored data stays readable by other tools.
func TestFieldEncryptWireFormat(t *testing.T) {
	k := key(7)
	c := newTestCipher(t, FieldKey{ID: 3, Key: k})
	ct, _ := c.Encrypt([]byte("1248100998"))
	block, _ := aes.NewCipher(k)
	gcm, _ := cipher.NewGCM(block)
	pt, err := gcm.Open(nil, ct[2:14], ct[14:], ct[:2])
	if err != nil || string(pt) != "1248100998" {
		t.Fatalf("manual open = %q, %v", pt, err)
	}
}

func TestFieldNoncesDiffer(t *testing.T) {
	c := newTestCipher(t, FieldKey{ID: 1, Key: key(1)})
	seen := map[string]bool{}
	for range 200 {
		ct, _ := c.Encrypt([]byte("same value"))
		nonce := string(ct[2:14])
		if seen[nonce] {
			t.Fatal("nonce repeated")
		}
		seen[nonce] = true
	}
}

func TestFieldTamperDetection(t *testing.T) {
	c := newTestCipher(t, FieldKey{ID: 1, Key: key(1)}, FieldKey{ID: 2, Key: key(2)})
	ct, _ := c.Encrypt([]byte("010-1234-5678"))
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		if _, err := c.Decrypt(bad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("flipping byte %d: err = %v, want ErrDecrypt", i, err)
		}
	}
	for _, bad := range [][]byte{nil, ct[:fieldOverhead-1], ct[:len(ct)-1], append(bytes.Clone(ct), 0)} {
		if _, err := c.Decrypt(bad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Decrypt(len %d) = %v, want ErrDecrypt", len(bad), err)
		}
	}
	if _, err := c.DecryptString("%%% not base64"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("DecryptString(garbage) = %v, want ErrDecrypt", err)
	}
}

func TestFieldWrongKeyFails(t *testing.T) {
	a := newTestCipher(t, FieldKey{ID: 1, Key: key(1)})
	b := newTestCipher(t, FieldKey{ID: 1, Key: key(2)}) // same id, other key
	ct, _ := a.Encrypt([]byte("secret"))
	if _, err := b.Decrypt(ct); !errors.Is(err, ErrDecrypt) {
		t.Errorf("other key: err = %v, want ErrDecrypt", err)
	}
	other := newTestCipher(t, FieldKey{ID: 9, Key: key(1)}) // right key bytes, unknown id
	if _, err := other.Decrypt(ct); !errors.Is(err, ErrDecrypt) {
		t.Errorf("unknown key id: err = %v, want ErrDecrypt", err)
	}
}

func TestFieldKeyRotation(t *testing.T) {
	old := newTestCipher(t, FieldKey{ID: 1, Key: key(1)})
	oldCT, _ := old.Encrypt([]byte("phone"))

	rotated := newTestCipher(t, FieldKey{ID: 2, Key: key(2)}, FieldKey{ID: 1, Key: key(1)})
	if got, err := rotated.Decrypt(oldCT); err != nil || string(got) != "phone" {
		t.Errorf("rotated cipher reading old row = %q, %v", got, err)
	}
	if !rotated.NeedsReencrypt(oldCT) {
		t.Error("NeedsReencrypt(old row) = false")
	}
	newCT, _ := rotated.Encrypt([]byte("phone"))
	if newCT[1] != 2 || rotated.NeedsReencrypt(newCT) {
		t.Errorf("new row key id = %d, NeedsReencrypt = %v; want 2, false", newCT[1], rotated.NeedsReencrypt(newCT))
	}
	if old.Hash("x") != rotated.Hash("x") {
		t.Error("rotating the encryption key changed the lookup hash")
	}
}

func TestFieldHash(t *testing.T) {
	c := newTestCipher(t, FieldKey{ID: 1, Key: key(1)})
	m := hmac.New(sha256.New, key(0xAA))
	m.Write([]byte("1248100998"))
	if got, want := c.Hash("1248100998"), hex.EncodeToString(m.Sum(nil)); got != want {
		t.Errorf("Hash = %s, want HMAC-SHA256 hex %s", got, want)
	}
	if c.Hash("1248100998") == c.Hash("1248100999") {
		t.Error("different values hash equal")
	}
	d, _ := NewFieldCipher(FieldKey{ID: 1, Key: key(1)}, key(0xBB))
	if c.Hash("1248100998") == d.Hash("1248100998") {
		t.Error("hash does not depend on the key")
	}
}

func TestDeriveFieldKeys(t *testing.T) {
	enc, hash, err := DeriveFieldKeys(key(5))
	if err != nil {
		t.Fatal(err)
	}
	if len(enc) != 32 || len(hash) != 32 || bytes.Equal(enc, hash) || bytes.Equal(enc, key(5)) {
		t.Errorf("derived keys not 32 distinct bytes: enc %x hash %x", enc, hash)
	}
	enc2, hash2, _ := DeriveFieldKeys(key(5))
	if !bytes.Equal(enc, enc2) || !bytes.Equal(hash, hash2) {
		t.Error("derivation is not deterministic")
	}
	if _, _, err := DeriveFieldKeys(key(5)[:31]); !errors.Is(err, ErrWeakSecret) {
		t.Errorf("short master: err = %v, want ErrWeakSecret", err)
	}
}

func TestNewFieldCipherFromConfig(t *testing.T) {
	masterHex := hex.EncodeToString(key(5))
	masterB64 := base64.StdEncoding.EncodeToString(key(5))

	fromHex, err := NewFieldCipherFromConfig(FieldConfig{MasterKey: masterHex})
	if err != nil {
		t.Fatal(err)
	}
	fromB64, err := NewFieldCipherFromConfig(FieldConfig{MasterKey: masterB64})
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := fromHex.Encrypt([]byte("v"))
	if got, err := fromB64.Decrypt(ct); err != nil || string(got) != "v" {
		t.Errorf("hex and base64 forms of one master disagree: %q, %v", got, err)
	}
	if fromHex.Hash("v") != fromB64.Hash("v") {
		t.Error("hash differs between hex and base64 master")
	}
	// The derived subkeys are what a derived cipher uses.
	enc, hash, _ := DeriveFieldKeys(key(5))
	explicit, _ := NewFieldCipher(FieldKey{ID: 1, Key: enc}, hash)
	if got, err := explicit.Decrypt(ct); err != nil || string(got) != "v" || explicit.Hash("v") != fromHex.Hash("v") {
		t.Errorf("derived cipher differs from explicit subkeys: %q, %v", got, err)
	}

	// Explicit keys override the master; previous keys decrypt.
	rot, err := NewFieldCipherFromConfig(FieldConfig{
		MasterKey:       masterHex,
		EncryptionKey:   base64.RawURLEncoding.EncodeToString(key(9)),
		EncryptionKeyID: 2,
		PreviousKeys:    map[byte]string{1: hex.EncodeToString(enc)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rot.Decrypt(ct); err != nil || string(got) != "v" {
		t.Errorf("rotated config reading old row: %q, %v", got, err)
	}
	if rot.Hash("v") != fromHex.Hash("v") {
		t.Error("hash key changed although only the encryption key rotated")
	}

	bad := []FieldConfig{
		{},
		{EncryptionKey: masterHex},
		{HashKey: masterHex},
		{MasterKey: "short"},
		{MasterKey: hex.EncodeToString(key(1)[:16])},
		{MasterKey: masterHex, PreviousKeys: map[byte]string{1: masterHex}}, // id clash with current
		{MasterKey: masterHex, PreviousKeys: map[byte]string{0: masterHex}},
	}
	for i, cfg := range bad {
		if _, err := NewFieldCipherFromConfig(cfg); err == nil {
			t.Errorf("bad config %d accepted", i)
		}
	}
}

func TestDecodeKey(t *testing.T) {
	k := key(0xFB) // 0xFB bytes produce '+' '/' or '-' '_' in base64
	for _, s := range []string{
		hex.EncodeToString(k),
		strings.ToUpper(hex.EncodeToString(k)),
		base64.StdEncoding.EncodeToString(k),
		base64.RawStdEncoding.EncodeToString(k),
		base64.URLEncoding.EncodeToString(k),
		"  " + base64.RawURLEncoding.EncodeToString(k) + "\n",
	} {
		got, err := DecodeKey(s)
		if err != nil || !bytes.Equal(got, k) {
			t.Errorf("DecodeKey(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "zz", base64.StdEncoding.EncodeToString(k[:31]), hex.EncodeToString(append(k, 1)), "not a key at all!"} {
		if _, err := DecodeKey(s); !errors.Is(err, ErrBadKey) {
			t.Errorf("DecodeKey(%q) err = %v, want ErrBadKey", s, err)
		}
	}
}

func TestNewFieldCipherValidation(t *testing.T) {
	tests := []struct {
		name    string
		current FieldKey
		hashKey []byte
		prev    []FieldKey
	}{
		{"short key", FieldKey{ID: 1, Key: key(1)[:16]}, key(2), nil},
		{"id zero", FieldKey{ID: 0, Key: key(1)}, key(2), nil},
		{"short hash key", FieldKey{ID: 1, Key: key(1)}, key(2)[:31], nil},
		{"duplicate id", FieldKey{ID: 1, Key: key(1)}, key(2), []FieldKey{{ID: 1, Key: key(3)}}},
	}
	for _, tc := range tests {
		if _, err := NewFieldCipher(tc.current, tc.hashKey, tc.prev...); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}
