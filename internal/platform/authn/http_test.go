package authn

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    string
		wantErr error
	}{
		{"none", nil, "", ErrMissingToken},
		{"bearer", []string{"Bearer abc.def.ghi"}, "abc.def.ghi", nil},
		{"lower-case scheme", []string{"bearer abc.def-_~+/=="}, "abc.def-_~+/==", nil},
		{"extra spaces", []string{"Bearer   tok"}, "tok", nil},
		{"basic", []string{"Basic dXNlcjpwYXNz"}, "", ErrMalformedAuthHeader},
		{"scheme only", []string{"Bearer"}, "", ErrMalformedAuthHeader},
		{"empty token", []string{"Bearer "}, "", ErrMalformedAuthHeader},
		{"two tokens", []string{"Bearer a b"}, "", ErrMalformedAuthHeader},
		{"two headers", []string{"Bearer a", "Bearer b"}, "", ErrMalformedAuthHeader},
		{"padding inside", []string{"Bearer a=b"}, "", ErrMalformedAuthHeader},
		{"non-ascii", []string{"Bearer 토큰"}, "", ErrMalformedAuthHeader},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, h := range tc.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := BearerToken(r)
			if !errors.Is(err, tc.wantErr) || got != tc.want {
				t.Errorf("BearerToken = %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestClaimsContext(t *testing.T) {
	if _, ok := ClaimsFrom(context.Background()); ok {
		t.Error("ClaimsFrom(empty ctx) ok = true")
	}
	want := Claims{UserID: "u", StoreID: "s", TokenID: "j"}
	got, ok := ClaimsFrom(WithClaims(context.Background(), want))
	if !ok || got != want {
		t.Errorf("ClaimsFrom = %+v, %v; want %+v", got, ok, want)
	}
}

func TestMiddleware(t *testing.T) {
	clk := newClock()
	iss := newTestIssuer(t, clk, SigningKey{ID: "k1", Secret: secretA})
	revoked := NewMemoryRevocations(clk.Now)
	v := NewVerifier(iss, revoked)
	good, _, _ := iss.Issue("user-1", "store-1")
	bad, exp, _ := iss.Issue("user-2", "")
	badClaims, _ := iss.Verify(bad)
	_ = revoked.Revoke(context.Background(), badClaims.TokenID, exp)

	var gotErr error
	onError := func(w http.ResponseWriter, r *http.Request, err error) {
		gotErr = err
		w.WriteHeader(http.StatusUnauthorized)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := ClaimsFrom(r.Context())
		if ok {
			w.Header().Set("X-User", c.UserID)
		}
		w.WriteHeader(http.StatusNoContent)
	})

	tests := []struct {
		name     string
		optional bool
		auth     string
		wantCode int
		wantUser string
		wantErr  error
	}{
		{"valid", false, "Bearer " + good, 204, "user-1", nil},
		{"missing", false, "", 401, "", ErrMissingToken},
		{"missing, optional", true, "", 204, "", nil},
		{"malformed", false, "Token " + good, 401, "", ErrMalformedAuthHeader},
		{"malformed, optional", true, "Token " + good, 401, "", ErrMalformedAuthHeader},
		{"invalid", false, "Bearer x.y.z", 401, "", ErrTokenInvalid},
		{"revoked", false, "Bearer " + bad, 401, "", ErrTokenRevoked},
		{"valid, optional", true, "Bearer " + good, 204, "user-1", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotErr = nil
			mw := Middleware(v, onError)
			if tc.optional {
				mw = OptionalMiddleware(v, onError)
			}
			r := httptest.NewRequest(http.MethodGet, "/api/v1/users/me", nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			w := httptest.NewRecorder()
			mw(next).ServeHTTP(w, r)
			if w.Code != tc.wantCode || w.Header().Get("X-User") != tc.wantUser {
				t.Errorf("code %d user %q, want %d %q", w.Code, w.Header().Get("X-User"), tc.wantCode, tc.wantUser)
			}
			if !errors.Is(gotErr, tc.wantErr) || (tc.wantErr == nil && gotErr != nil) {
				t.Errorf("onError got %v, want %v", gotErr, tc.wantErr)
			}
		})
	}
}
