package authn

import "testing"

func BenchmarkIssue(b *testing.B) {
	ks, _ := NewKeyset(SigningKey{ID: "k1", Secret: secretA})
	iss, _ := NewIssuer(ks)
	for b.Loop() {
		if _, _, err := iss.Issue("user-1", "store-1"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	ks, _ := NewKeyset(SigningKey{ID: "k1", Secret: secretA})
	iss, _ := NewIssuer(ks)
	tok, _, _ := iss.Issue("user-1", "store-1")
	for b.Loop() {
		if _, err := iss.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckPasswordDefaultCost measures one log-in's bcrypt work at
// DefaultBcryptCost (the figure behind the cost choice).
func BenchmarkCheckPasswordDefaultCost(b *testing.B) {
	h, err := HashPassword("abcd1234", DefaultBcryptCost)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := CheckPassword(h, "abcd1234"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFieldEncryptDecrypt(b *testing.B) {
	c, _ := NewFieldCipher(FieldKey{ID: 1, Key: key(1)}, key(2))
	pt := []byte("010-1234-5678")
	for b.Loop() {
		ct, _ := c.Encrypt(pt)
		if _, err := c.Decrypt(ct); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFieldHash(b *testing.B) {
	c, _ := NewFieldCipher(FieldKey{ID: 1, Key: key(1)}, key(2))
	for b.Loop() {
		_ = c.Hash("1248100998")
	}
}
