package user_test

import (
	"context"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

// The sign-up's consent to the terms and privacy notice is stored with its
// time and shown back; an account made without it records none.
func TestSignupStoresTermsConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		in := signup("terms@example.kr", bnoA)
		in.AgreeTerms = true
		res, err := f.svc.Signup(ctx, in, testIP)
		if err != nil {
			t.Fatal(err)
		}
		if res.User.TermsAgreedAt.IsZero() {
			t.Fatalf("sign-up answer has no consent time")
		}
		me, err := f.svc.Me(ctx, res.User.ID)
		if err != nil || !me.User.TermsAgreedAt.Equal(res.User.TermsAgreedAt) {
			t.Errorf("stored consent = %v (%v), want %v", me.User.TermsAgreedAt, err, res.User.TermsAgreedAt)
		}

		res, err = f.svc.Signup(ctx, signup("noterms@example.kr", bnoC), testIP)
		if err != nil {
			t.Fatal(err)
		}
		if me, err := f.svc.Me(ctx, res.User.ID); err != nil || !me.User.TermsAgreedAt.IsZero() {
			t.Errorf("an account without consent records %v (%v)", me.User.TermsAgreedAt, err)
		}
	})
}
