package e2e

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/authn"
	ntssandbox "github.com/autoevent/autoevent/internal/sandbox/nts"
)

// testJWTSecret is set explicitly so tests can mint tokens the way an
// attacker with (or without) the key would.
const testJWTSecret = "user-e2e-jwt-secret-0123456789abcdefgh"

func withJWTSecret(c *config.Config) { c.JWTSecret = testJWTSecret }

var phoneSeq = struct {
	sync.Mutex
	n int
}{}

// uniquePhone returns a mobile number no other test uses, so a search for
// it in bodies and tables cannot hit someone else's row.
func uniquePhone() string {
	phoneSeq.Lock()
	defer phoneSeq.Unlock()
	phoneSeq.n++
	return fmt.Sprintf("010-%04d-%04d", 5000+time.Now().Nanosecond()%4000, phoneSeq.n%10000)
}

// wrongCheckDigit changes the last digit of a valid number.
func wrongCheckDigit(n string) string {
	last := n[len(n)-1] - '0'
	return n[:len(n)-1] + strconv.Itoa(int(last+1)%10)
}

func signupBody(email, password, phone, bno string) map[string]any {
	return map[string]any{
		"email": email, "password": password, "ownerName": "김사장", "phone": phone, "businessNumber": bno,
		"store": map[string]string{"name": "하늘카페", "industry": "CAFE", "region": "서울 강남구", "address": "서울 강남구 테헤란로 123"},
	}
}

// rawDB opens the app's database directly (SQLite file or the test schema).
func rawDB(t *testing.T, e *Env) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+filepath.Join(e.Config.DataDir, "autoevent.db")+"?mode=ro"
	if e.Config.PostgresURL != "" {
		driver, dsn = "pgx", e.Config.PostgresURL
	}
	d, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func count(t *testing.T, d *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// fieldsOf lists the field names of a problem answer.
func fieldsOf(t *testing.T, r Response) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	_ = json.Unmarshal(r.Body, &p)
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

func TestSignupRefusalsLeaveNothing(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		sb := e.App.NTSSandbox()
		existing := e.SignupOwner("CAFE", "서울 강남구")
		// An owner with a known number, for the duplicate case.
		takenNumber := ValidBusinessNumber()
		if res := e.Do("POST", "/api/v1/auth/signup", "", signupBody("taken@example.kr", "passw0rd!", uniquePhone(), takenNumber)); res.Status != http.StatusCreated {
			t.Fatalf("setup signup = %d %s", res.Status, res.Body)
		}
		closed, suspended, unregistered := ValidBusinessNumber(), ValidBusinessNumber(), ValidBusinessNumber()
		for n, st := range map[string]ntssandbox.State{closed: ntssandbox.StateClosed, suspended: ntssandbox.StateSuspended, unregistered: ntssandbox.StateUnregistered} {
			if err := sb.SetOverride(n, st); err != nil {
				t.Fatal(err)
			}
		}
		d := rawDB(t, e)
		users, stores := count(t, d, "users"), count(t, d, "stores")

		const email = "retry@example.kr"
		tests := []struct {
			name                string
			email, password, bn string
			status              int
			code, field         string
		}{
			{"wrong check digit", email, "passw0rd!", wrongCheckDigit(ValidBusinessNumber()), 400, "business_number_check_digit", "businessNumber"},
			{"all zero number", email, "passw0rd!", "000-00-00000", 400, "business_number_invalid", "businessNumber"},
			{"too short number", email, "passw0rd!", "123-45-678", 400, "business_number_format", "businessNumber"},
			{"closed business", email, "passw0rd!", closed, 422, "business_closed", "businessNumber"},
			{"suspended business", email, "passw0rd!", suspended, 422, "business_suspended", "businessNumber"},
			{"unregistered business", email, "passw0rd!", unregistered, 422, "business_unregistered", "businessNumber"},
			{"duplicate business number", email, "passw0rd!", takenNumber, 409, "business_number_taken", "businessNumber"},
			{"duplicate email", existing.Email, "passw0rd!", ValidBusinessNumber(), 409, "email_taken", "email"},
			{"duplicate email other case", strings.ToUpper(existing.Email), "passw0rd!", ValidBusinessNumber(), 409, "email_taken", "email"},
			{"weak password", email, "abcdefgh", ValidBusinessNumber(), 400, "weak_password", "password"},
			{"short password", email, "a1", ValidBusinessNumber(), 400, "weak_password", "password"},
			{"malformed email", "not-an-email", "passw0rd!", ValidBusinessNumber(), 400, "invalid_email", "email"},
			{"email without domain dot", "owner@localhost", "passw0rd!", ValidBusinessNumber(), 400, "invalid_email", "email"},
		}
		for _, tc := range tests {
			res := e.Do("POST", "/api/v1/auth/signup", "", signupBody(tc.email, tc.password, uniquePhone(), tc.bn))
			if res.Status != tc.status || res.Code() != tc.code {
				t.Errorf("%s: got %d %q, want %d %q (%s)", tc.name, res.Status, res.Code(), tc.status, tc.code, res.Body)
			}
			if f := fieldsOf(t, res); len(f) != 1 || f[0] != tc.field {
				t.Errorf("%s: fields = %v, want [%s]", tc.name, f, tc.field)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("%s: content type %q", tc.name, ct)
			}
		}
		if got := count(t, d, "users"); got != users {
			t.Errorf("users after refusals = %d, want %d", got, users)
		}
		if got := count(t, d, "stores"); got != stores {
			t.Errorf("stores after refusals = %d, want %d", got, stores)
		}
		// Nothing was reserved: the email of every refused attempt still
		// signs up.
		if res := e.Do("POST", "/api/v1/auth/signup", "", signupBody(email, "passw0rd!", uniquePhone(), ValidBusinessNumber())); res.Status != http.StatusCreated {
			t.Errorf("later valid signup = %d %s", res.Status, res.Body)
		}
		// Many bad fields at once: one answer naming each.
		res := e.Do("POST", "/api/v1/auth/signup", "", map[string]any{"email": "x", "password": "1", "store": map[string]string{}})
		if res.Status != 400 || res.Code() != "validation_failed" || len(fieldsOf(t, res)) < 8 {
			t.Errorf("empty form = %d %q fields %v", res.Status, res.Code(), fieldsOf(t, res))
		}
	})
}

func TestSignupNTSDownIsPendingManual(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		t.Parallel() // the retries wait 1 s + 2 s + 4 s
		sb := e.App.NTSSandbox()
		if err := sb.SetMode(ntssandbox.ModeFailing); err != nil {
			t.Fatal(err)
		}
		before := sb.Requests()
		res := e.Do("POST", "/api/v1/auth/signup", "", signupBody("pending@example.kr", "passw0rd!", uniquePhone(), ValidBusinessNumber()))
		if res.Status != http.StatusCreated {
			t.Fatalf("signup with NTS down = %d %s", res.Status, res.Body)
		}
		var out struct {
			User    struct{ Verification string } `json:"user"`
			Message string                        `json:"message"`
		}
		res.JSON(t, &out)
		if out.User.Verification != "PENDING_MANUAL" || !strings.Contains(out.Message, "담당자") {
			t.Errorf("verification %q message %q, want PENDING_MANUAL and a note about manual review", out.User.Verification, out.Message)
		}
		// One call and three retries with backoff, then the fallback.
		if got := sb.Requests() - before; got != 4 {
			t.Errorf("NTS requests = %d, want 4 (1 + 3 retries)", got)
		}
		res = e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": "pending@example.kr", "password": "passw0rd!"})
		if res.Status != http.StatusOK {
			t.Fatalf("login = %d %s", res.Status, res.Body)
		}
	})
}

func TestSignupNTSSlowTimesOut(t *testing.T) {
	// The seed's 5 s timeout, shortened through --resilience so the test is
	// quick: each attempt is cut off, retried, then the fallback applies.
	// The sandbox would answer ACTIVE after 3 s, so PENDING_MANUAL shows
	// every attempt was cut by the timeout, whatever the machine's speed.
	EachDB(t, func(t *testing.T, e *Env) {
		sb := e.App.NTSSandbox()
		sb.SetLatency(3 * time.Second)
		if err := sb.SetMode(ntssandbox.ModeSlow); err != nil {
			t.Fatal(err)
		}
		before := sb.Requests()
		res := e.Do("POST", "/api/v1/auth/signup", "", signupBody("slow@example.kr", "passw0rd!", uniquePhone(), ValidBusinessNumber()))
		if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"PENDING_MANUAL"`) {
			t.Fatalf("signup with a slow NTS = %d %s", res.Status, res.Body)
		}
		if got := sb.Requests() - before; got != 4 {
			t.Errorf("NTS requests = %d, want 4 (each cut by the 200 ms timeout)", got)
		}
	}, func(c *config.Config) { c.Resilience = "nts.timeout=200ms;nts.backoff-base=10ms;nts.backoff-max=20ms" })
}

func TestSignupNTSAnswerCached(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		sb := e.App.NTSSandbox()
		// Active: the "사업자 확인" step asks the NTS; the sign-up right after
		// uses the cached answer.
		n := ValidBusinessNumber()
		before := sb.Requests()
		res := e.Do("POST", "/api/v1/auth/business-check", "", map[string]string{"businessNumber": n})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"VERIFIED"`) {
			t.Fatalf("business check = %d %s", res.Status, res.Body)
		}
		if strings.Contains(string(res.Body), n[5:]) {
			t.Errorf("business check echoes the full number: %s", res.Body)
		}
		if res := e.Do("POST", "/api/v1/auth/signup", "", signupBody("cached@example.kr", "passw0rd!", uniquePhone(), n)); res.Status != http.StatusCreated {
			t.Fatalf("signup = %d %s", res.Status, res.Body)
		}
		if got := sb.Requests() - before; got != 1 {
			t.Errorf("NTS requests for check + signup = %d, want 1", got)
		}
		// A refusal is cached too (for an hour): the second attempt with the
		// same suspended number does not reach the NTS.
		m := ValidBusinessNumber()
		if err := sb.SetOverride(m, ntssandbox.StateSuspended); err != nil {
			t.Fatal(err)
		}
		before = sb.Requests()
		for i := range 2 {
			res := e.Do("POST", "/api/v1/auth/signup", "", signupBody(fmt.Sprintf("susp%d@example.kr", i), "passw0rd!", uniquePhone(), m))
			if res.Code() != "business_suspended" {
				t.Fatalf("attempt %d = %d %s", i+1, res.Status, res.Body)
			}
		}
		if got := sb.Requests() - before; got != 1 {
			t.Errorf("NTS requests for two attempts = %d, want 1", got)
		}
		// The check digit is checked before any network call.
		before = sb.Requests()
		e.Do("POST", "/api/v1/auth/business-check", "", map[string]string{"businessNumber": wrongCheckDigit(ValidBusinessNumber())})
		if got := sb.Requests() - before; got != 0 {
			t.Errorf("NTS requests for a wrong check digit = %d, want 0", got)
		}
	})
}

// mint signs an access token with the app's secret (or another).
func mint(t *testing.T, secret, userID string, now time.Time) string {
	t.Helper()
	keys, err := authn.NewKeyset(authn.SigningKey{ID: "k1", Secret: []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	iss, err := authn.NewIssuer(keys, authn.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := iss.Issue(userID, "")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokensRefused(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		if res := e.Do("GET", "/api/v1/users/me", mint(t, testJWTSecret, o.UserID, time.Now()), nil); res.Status != http.StatusOK {
			t.Fatalf("a token minted with the app's secret must work (else this test proves nothing): %d %s", res.Status, res.Body)
		}
		parts := strings.Split(o.Token, ".")
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		var claims jwt.MapClaims
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatal(err)
		}
		b64 := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
		// Tampered: the same signature over a payload naming another store.
		claims2 := jwt.MapClaims{}
		for k, v := range claims {
			claims2[k] = v
		}
		claims2["sid"] = uuid.NewString()
		tampered := parts[0] + "." + b64(claims2) + "." + parts[2]
		none := b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "."
		hs512 := jwt.NewWithClaims(jwt.SigningMethodHS512, claims)
		hs512.Header["kid"] = "k1"
		hs512Tok, err := hs512.SignedString([]byte(testJWTSecret))
		if err != nil {
			t.Fatal(err)
		}
		unknownKid := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		unknownKid.Header["kid"] = "k9"
		unknownKidTok, _ := unknownKid.SignedString([]byte(testJWTSecret))

		tests := []struct {
			name, token, code string
		}{
			{"expired", mint(t, testJWTSecret, o.UserID, time.Now().Add(-2*time.Hour)), "token_expired"},
			{"tampered payload", tampered, "invalid_token"},
			{"alg none", none, "invalid_token"},
			{"alg HS512", hs512Tok, "invalid_token"},
			{"unknown key id", unknownKidTok, "invalid_token"},
			{"other secret", mint(t, "another-secret-0123456789abcdefghijklmn", o.UserID, time.Now()), "invalid_token"},
			{"garbage", "not.a.jwt", "invalid_token"},
		}
		for _, tc := range tests {
			res := e.Do("GET", "/api/v1/users/me", tc.token, nil)
			if res.Status != http.StatusUnauthorized || res.Code() != tc.code {
				t.Errorf("%s: got %d %q, want 401 %q", tc.name, res.Status, res.Code(), tc.code)
			}
		}
		// Revoked: log-out revokes the access token and the refresh family.
		if res := e.Do("POST", "/api/v1/auth/logout", o.Token, map[string]string{"refreshToken": o.Refresh}); res.Status != http.StatusNoContent {
			t.Fatalf("logout = %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/users/me", o.Token, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("revoked access token: got %d, want 401", res.Status)
		}
		if res := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": o.Refresh}); res.Status != http.StatusUnauthorized {
			t.Errorf("refresh after logout: got %d, want 401", res.Status)
		}
	}, withJWTSecret)
}

func login(t *testing.T, e *Env, email, password string) (access, refresh string) {
	t.Helper()
	res := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if res.Status != http.StatusOK {
		t.Fatalf("login = %d %s", res.Status, res.Body)
	}
	var tok struct {
		AccessToken, RefreshToken, TokenType string
		ExpiresIn                            int
	}
	res.JSON(t, &tok)
	if tok.TokenType != "Bearer" || tok.ExpiresIn < 3590 || tok.ExpiresIn > 3600 {
		t.Errorf("login answer tokenType %q expiresIn %d, want Bearer and 3600", tok.TokenType, tok.ExpiresIn)
	}
	return tok.AccessToken, tok.RefreshToken
}

func refresh(e *Env, rt string) (Response, string) {
	res := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": rt})
	var tok struct{ RefreshToken string }
	_ = json.Unmarshal(res.Body, &tok)
	return res, tok.RefreshToken
}

func TestTokenRefreshRotationAndReuse(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		a1, r1 := login(t, e, o.Email, o.Password)
		res, r2 := refresh(e, r1)
		if res.Status != http.StatusOK || r2 == "" || r2 == r1 {
			t.Fatalf("first refresh = %d %s", res.Status, res.Body)
		}
		var a3 string
		res, r3 := refresh(e, r2)
		if res.Status != http.StatusOK {
			t.Fatalf("second refresh = %d %s", res.Status, res.Body)
		}
		var tok struct{ AccessToken string }
		res.JSON(t, &tok)
		a3 = tok.AccessToken
		for _, a := range []string{a1, a3} {
			if res := e.Do("GET", "/api/v1/users/me", a, nil); res.Status != http.StatusOK {
				t.Fatalf("access token before reuse = %d", res.Status)
			}
		}
		// r1 again: reuse. Refused, and the whole family with it.
		if res, _ := refresh(e, r1); res.Status != http.StatusUnauthorized || res.Code() != "invalid_refresh_token" {
			t.Errorf("reused refresh token: got %d %q, want 401 invalid_refresh_token", res.Status, res.Code())
		}
		if res, _ := refresh(e, r3); res.Status != http.StatusUnauthorized {
			t.Errorf("newest token of a revoked family: got %d, want 401", res.Status)
		}
		// The access tokens the family issued stop too, not an hour later.
		for name, a := range map[string]string{"first": a1, "newest": a3} {
			if res := e.Do("GET", "/api/v1/users/me", a, nil); res.Status != http.StatusUnauthorized {
				t.Errorf("%s access token of the revoked family = %d, want 401", name, res.Status)
			}
		}
		// Another log-in is another family and still works.
		_, other := login(t, e, o.Email, o.Password)
		if res, _ := refresh(e, other); res.Status != http.StatusOK {
			t.Errorf("refresh of an unrelated family = %d %s", res.Status, res.Body)
		}
		for _, bad := range []string{"", "short", strings.Repeat("x", 300)} {
			if res, _ := refresh(e, bad); res.Status != http.StatusUnauthorized {
				t.Errorf("refresh %q: got %d, want 401", bad, res.Status)
			}
		}
	})
}

func TestTokenConcurrentRefreshOneWins(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		_, rt := login(t, e, o.Email, o.Password)
		const n = 8
		var wg sync.WaitGroup
		statuses := make([]int, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res, _ := refresh(e, rt)
				statuses[i] = res.Status
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusUnauthorized:
			default:
				t.Errorf("unexpected status %d", s)
			}
		}
		if ok != 1 {
			t.Errorf("concurrent refreshes with one token: %d succeeded (%v), want exactly 1", ok, statuses)
		}
	})
}

func TestStoreOwnerIsolation(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		a := e.SignupOwner("CAFE", "서울 강남구")
		b := e.SignupOwner("BAKERY", "부산 해운대구")
		var sa, sb struct{ ID, Name, Industry, RegionSido, RegionSigungu string }
		e.Do("GET", "/api/v1/stores/me", a.Token, nil).JSON(t, &sa)
		e.Do("GET", "/api/v1/stores/me", b.Token, nil).JSON(t, &sb)
		if sa.ID != a.StoreID || sb.ID != b.StoreID || sa.ID == sb.ID {
			t.Fatalf("stores: A %s (want %s), B %s (want %s)", sa.ID, a.StoreID, sb.ID, b.StoreID)
		}
		// B edits: only B's store changes.
		upd := map[string]string{"name": "B의 새 이름", "industry": "FLOWER", "region": "부산 수영구", "address": "부산 수영구 광안로 1"}
		res := e.Do("PUT", "/api/v1/stores/me", b.Token, upd)
		if res.Status != http.StatusOK {
			t.Fatalf("B update = %d %s", res.Status, res.Body)
		}
		// B names A's store in the body: refused as an unknown field, and A
		// is untouched either way.
		res = e.Do("PUT", "/api/v1/stores/me", b.Token, map[string]string{"id": a.StoreID, "name": "탈취", "industry": "CAFE", "region": "서울 강남구", "address": "x"})
		if res.Status != http.StatusBadRequest {
			t.Errorf("update naming another store's id = %d %s, want 400", res.Status, res.Body)
		}
		var after struct{ ID, Name, Industry, RegionSido string }
		e.Do("GET", "/api/v1/stores/me", a.Token, nil).JSON(t, &after)
		if after.Name != sa.Name || after.Industry != "CAFE" || after.RegionSido != "서울특별시" {
			t.Errorf("A's store after B's edits = %+v, want unchanged %+v", after, sa)
		}
		e.Do("GET", "/api/v1/stores/me", b.Token, nil).JSON(t, &after)
		if after.ID != b.StoreID || after.Name != "B의 새 이름" || after.Industry != "FLOWER" || after.RegionSido != "부산광역시" {
			t.Errorf("B's store = %+v", after)
		}
		// A token for a user that does not exist (deleted, or forged with a
		// leaked key) reaches no store.
		ghost := mint(t, testJWTSecret, uuid.NewString(), time.Now())
		for _, c := range []struct{ method, path string }{{"GET", "/api/v1/users/me"}, {"GET", "/api/v1/stores/me"}, {"PUT", "/api/v1/stores/me"}} {
			var body any
			if c.method == "PUT" {
				body = upd
			}
			if res := e.Do(c.method, c.path, ghost, body); res.Status != http.StatusNotFound {
				t.Errorf("%s %s with an unknown user's token = %d %s, want 404", c.method, c.path, res.Status, res.Body)
			}
			if res := e.Do(c.method, c.path, "", body); res.Status != http.StatusUnauthorized {
				t.Errorf("%s %s without a token = %d, want 401", c.method, c.path, res.Status)
			}
		}
		// Validation on update, field by field.
		res = e.Do("PUT", "/api/v1/stores/me", a.Token, map[string]string{"name": "", "industry": "SPACESHIP", "region": "화성 어딘가", "address": ""})
		if res.Status != http.StatusBadRequest || len(fieldsOf(t, res)) != 4 {
			t.Errorf("bad update = %d fields %v", res.Status, fieldsOf(t, res))
		}
	}, withJWTSecret)
}

func withTrustProxy(c *config.Config) { c.TrustProxy = true }

// An attacker who guesses an owner's password from one client cannot lock
// the owner out, cannot tell accounts from non-accounts by the answers, and
// the owner hears about it at the next log-in. (Before: five failures from
// anywhere locked the account for 15 minutes, the right password got 429
// account_locked, and unknown e-mails never locked.)
func TestLoginThrottle(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		o := e.SignupOwner("CAFE", "서울 강남구")
		from := func(ip, email, password string) Response {
			return e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, "X-Forwarded-For", ip)
		}
		for _, email := range []string{o.Email, "nobody@example.kr"} {
			for i := 1; i <= 5; i++ {
				if res := from("203.0.113.66", email, "wrong-pass1"); res.Status != http.StatusUnauthorized || res.Code() != "invalid_credentials" {
					t.Fatalf("%s guess %d = %d %s", email, i, res.Status, res.Body)
				}
			}
			// The attacker's client waits, with the right password too, the
			// same for an account and a non-account.
			res := from("203.0.113.66", email, o.Password)
			retry, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			if res.Status != http.StatusTooManyRequests || res.Code() != "login_throttled" || retry < 1 || retry > 60 {
				t.Errorf("%s after 5 failures = %d %q Retry-After %q, want 429 login_throttled within a minute",
					email, res.Status, res.Code(), res.Header.Get("Retry-After"))
			}
		}
		// The owner's own device is not held up, and is told.
		res := from("198.51.100.7", o.Email, o.Password)
		var tok struct {
			AccessToken    string
			FailedAttempts int `json:"failedAttemptsSinceLastLogin"`
		}
		if res.Status != http.StatusOK {
			t.Fatalf("owner after the attack = %d %s, want 200", res.Status, res.Body)
		}
		res.JSON(t, &tok)
		if tok.FailedAttempts != 5 {
			t.Errorf("failedAttemptsSinceLastLogin = %d, want 5", tok.FailedAttempts)
		}
	}, withTrustProxy)
}

// Sign-up and business-check tell owners "already registered", but each
// client gets a bounded number of those answers.
func TestSignupChecksThrottled(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		check := func(ip, bno string) Response {
			return e.Do("POST", "/api/v1/auth/business-check", "", map[string]string{"businessNumber": bno}, "X-Forwarded-For", ip)
		}
		bno := ValidBusinessNumber()
		// Registered from another client (127.0.0.1): not counted against the prober.
		if res := e.Do("POST", "/api/v1/auth/signup", "", signupBody("first@example.kr", "passw0rd!", uniquePhone(), bno)); res.Status != http.StatusCreated {
			t.Fatalf("signup = %d %s", res.Status, res.Body)
		}
		for i := 1; i <= 20; i++ {
			if res := check("203.0.113.66", bno); res.Status != http.StatusConflict || res.Code() != "business_number_taken" {
				t.Fatalf("check %d = %d %s", i, res.Status, res.Body)
			}
		}
		res := check("203.0.113.66", bno)
		if res.Status != http.StatusTooManyRequests || res.Code() != "signup_throttled" || res.Header.Get("Retry-After") == "" {
			t.Errorf("check 21 = %d %q Retry-After %q, want 429 signup_throttled", res.Status, res.Code(), res.Header.Get("Retry-After"))
		}
		if res := check("198.51.100.7", bno); res.Status != http.StatusConflict {
			t.Errorf("another client's check = %d, want 409", res.Status)
		}
	}, withTrustProxy)
}

func TestUserPersonalDataMaskedAndEncrypted(t *testing.T) {
	EachDB(t, func(t *testing.T, e *Env) {
		phone, bno := uniquePhone(), ValidBusinessNumber()
		phoneDigits := strings.ReplaceAll(phone, "-", "")
		bnoDashed := bno[:3] + "-" + bno[3:5] + "-" + bno[5:]
		secrets := []string{phone, phoneDigits, bno, bnoDashed, phoneDigits[3:], bno[5:]}
		var bodies []Response
		bodies = append(bodies, e.Do("POST", "/api/v1/auth/business-check", "", map[string]string{"businessNumber": bnoDashed}))
		bodies = append(bodies, e.Do("POST", "/api/v1/auth/signup", "", signupBody("masked@example.kr", "passw0rd!", phone, bnoDashed)))
		if bodies[1].Status != http.StatusCreated {
			t.Fatalf("signup = %d %s", bodies[1].Status, bodies[1].Body)
		}
		access, _ := login(t, e, "masked@example.kr", "passw0rd!")
		bodies = append(bodies, e.Do("GET", "/api/v1/users/me", access, nil), e.Do("GET", "/api/v1/stores/me", access, nil),
			e.Do("POST", "/api/v1/auth/signup", "", signupBody("masked2@example.kr", "passw0rd!", phone, bnoDashed)))
		for i, r := range bodies {
			for _, s := range secrets {
				if bytes.Contains(r.Body, []byte(s)) {
					t.Errorf("response %d contains %q: %s", i, s, r.Body)
				}
			}
		}
		var me struct {
			User struct{ Phone, BusinessNumber string } `json:"user"`
		}
		bodies[2].JSON(t, &me)
		if !strings.HasSuffix(me.User.Phone, phoneDigits[7:]) || !strings.Contains(me.User.Phone, "*") ||
			!strings.HasPrefix(me.User.BusinessNumber, bno[:3]) || !strings.Contains(me.User.BusinessNumber, "*") {
			t.Errorf("masked view = %+v", me.User)
		}

		// At rest: no column of the users table holds them in plain text.
		d := rawDB(t, e)
		rows, err := d.Query("SELECT * FROM users WHERE email = 'masked@example.kr'")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		found := false
		for rows.Next() {
			found = true
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				text := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					text = string(b)
				}
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("users.%s holds %q in plain text", cols[i], s)
					}
				}
			}
		}
		rows.Close()
		if !found {
			t.Fatal("no users row for the new owner")
		}
		// SQLite: not anywhere in the database files either (any table, the WAL).
		if e.Config.PostgresURL == "" {
			for _, name := range []string{"autoevent.db", "autoevent.db-wal"} {
				b, err := os.ReadFile(filepath.Join(e.Config.DataDir, name))
				if err != nil {
					continue
				}
				for _, s := range secrets[:4] {
					if bytes.Contains(b, []byte(s)) {
						t.Errorf("%s contains %q in plain text", name, s)
					}
				}
			}
		}
	})
}

// pageClient is a browser stand-in: cookies, no automatic redirects.
type pageClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newPageClient(t *testing.T, base string, follow bool) *pageClient {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return &pageClient{t: t, base: base, c: c}
}

type page struct {
	Status   int
	Location string
	URL      string
	Body     string
	Header   http.Header
}

func (p *pageClient) do(req *http.Request) page {
	p.t.Helper()
	res, err := p.c.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{Status: res.StatusCode, Location: res.Header.Get("Location"), URL: res.Request.URL.String(), Body: string(b), Header: res.Header}
}

func (p *pageClient) get(path string) page {
	p.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = p.base + path
	}
	req, _ := http.NewRequest("GET", u, nil)
	return p.do(req)
}

func (p *pageClient) post(path string, form url.Values) page {
	p.t.Helper()
	req, _ := http.NewRequest("POST", p.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return p.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf token in page: %.300s", body)
	}
	return m[1]
}

func TestUserPagesForms(t *testing.T) {
	e := Start(t)
	p := newPageClient(t, e.URL, false)
	signup := p.get("/signup")
	if signup.Status != 200 || !strings.Contains(signup.Body, `<label for="businessNumber">`) || !strings.Contains(signup.Body, "헬스/PT") ||
		!strings.Contains(signup.Body, "제주특별자치도") {
		t.Fatalf("signup page = %d", signup.Status)
	}
	form := url.Values{"csrf": {csrfOf(t, signup.Body)}, "email": {"page@example.kr"}, "password": {"secretpass1"},
		"password2": {"secretpass1"}, "terms": {"on"}, "ownerName": {"박사장"}, "phone": {"010-2222-3333"}, "businessNumber": {wrongCheckDigit(ValidBusinessNumber())},
		"store.name": {"꽃집 봄"}, "store.industry": {"FLOWER"}, "store.sido": {"경기도"}, "store.sigungu": {"성남시 분당구"},
		"store.address": {"분당로 1"}}
	bad := p.post("/signup", form)
	for _, want := range []string{`id="businessNumber-error"`, `aria-invalid="true"`, "사업자등록번호가 올바르지 않습니다", `value="page@example.kr"`,
		`value="성남시 분당구"`, `<option selected>경기도</option>`, `value="FLOWER" selected`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("form after a wrong check digit lacks %q", want)
		}
	}
	if bad.Status != http.StatusBadRequest || strings.Contains(bad.Body, "secretpass1") {
		t.Errorf("bad signup page = %d, password echoed: %v", bad.Status, strings.Contains(bad.Body, "secretpass1"))
	}
	// Without the CSRF token: refused, nothing created.
	noCSRF := url.Values{}
	for k, v := range form {
		noCSRF[k] = v
	}
	noCSRF.Set("csrf", "forged")
	noCSRF.Set("businessNumber", ValidBusinessNumber())
	if res := p.post("/signup", noCSRF); res.Status != http.StatusForbidden {
		t.Errorf("signup without a valid CSRF token = %d", res.Status)
	}
	// Fixed: signed up, logged in, on to /app with a flash.
	form.Set("businessNumber", ValidBusinessNumber())
	form.Set("csrf", csrfOf(t, p.get("/signup").Body))
	ok := p.post("/signup", form)
	if ok.Status != http.StatusSeeOther || ok.Location != "/app" {
		t.Fatalf("signup = %d → %q", ok.Status, ok.Location)
	}
	home := p.get("/app")
	if home.Status != 200 || !strings.Contains(home.Body, "가입이 완료되었습니다") || !strings.Contains(home.Body, "박사장") {
		t.Errorf("home after signup = %d %.400s", home.Status, home.Body)
	}
	// Log out needs the token too; with it, the session ends.
	if res := p.post("/logout", url.Values{"csrf": {"nope"}}); res.Location != "/app" {
		t.Errorf("logout without CSRF → %q, want back to /app", res.Location)
	}
	out := p.post("/logout", url.Values{"csrf": {csrfOf(t, home.Body)}})
	if out.Status != http.StatusSeeOther || out.Location != "/login" {
		t.Errorf("logout = %d → %q", out.Status, out.Location)
	}
	if res := p.get("/app"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login") {
		t.Errorf("/app after logout = %d → %q", res.Status, res.Location)
	}
	// Log in with ?next=, a wrong password first.
	lp := p.get("/login?next=/app/store")
	wrong := p.post("/login", url.Values{"csrf": {csrfOf(t, lp.Body)}, "email": {"page@example.kr"}, "password": {"nope-nope1"}, "next": {"/app/store"}})
	if wrong.Status != http.StatusUnauthorized || !strings.Contains(wrong.Body, "이메일 또는 비밀번호가 올바르지 않습니다") || !strings.Contains(wrong.Body, `value="page@example.kr"`) {
		t.Errorf("wrong password page = %d", wrong.Status)
	}
	in := p.post("/login", url.Values{"csrf": {csrfOf(t, lp.Body)}, "email": {"page@example.kr"}, "password": {"secretpass1"}, "next": {"/app/store"}})
	if in.Status != http.StatusSeeOther || in.Location != "/app/store" {
		t.Fatalf("login = %d → %q", in.Status, in.Location)
	}
	// An off-site next is ignored.
	if got := p.post("/login", url.Values{"csrf": {csrfOf(t, lp.Body)}, "email": {"page@example.kr"}, "password": {"secretpass1"}, "next": {"//evil.example/"}}); got.Location != "/app" {
		t.Errorf("login with next=//evil.example → %q, want /app", got.Location)
	}
	st := p.get("/app/store")
	for _, want := range []string{"꽃집 봄", "010-****-3333", "국세청 확인 완료", `value="성남시 분당구"`} {
		if !strings.Contains(st.Body, want) {
			t.Errorf("store page lacks %q", want)
		}
	}
	// Edit with an error, then fixed.
	badSave := p.post("/app/store", url.Values{"csrf": {csrfOf(t, st.Body)}, "name": {""}, "industry": {"FLOWER"}, "sido": {"경기도"}, "sigungu": {"성남시 분당구"}, "address": {"분당로 1"}})
	if badSave.Status != http.StatusBadRequest || !strings.Contains(badSave.Body, `id="name-error"`) {
		t.Errorf("store save without a name = %d", badSave.Status)
	}
	saved := p.post("/app/store", url.Values{"csrf": {csrfOf(t, st.Body)}, "name": {"꽃집 여름"}, "industry": {"FLOWER"}, "sido": {"경기도"}, "sigungu": {"수원시"}, "address": {"수원로 2"}, "phone": {"031-123-4567"}})
	if saved.Status != http.StatusSeeOther || saved.Location != "/app/store" {
		t.Fatalf("store save = %d → %q", saved.Status, saved.Location)
	}
	if st := p.get("/app/store"); !strings.Contains(st.Body, "매장 정보를 저장했습니다") || !strings.Contains(st.Body, `value="꽃집 여름"`) {
		t.Errorf("store page after save lacks the flash or the new name")
	}
}

func TestUserDemoOwnerCanLogIn(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir, cfg.BcryptCost, cfg.LogLevel = dir, 4, "warn"
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	var out bytes.Buffer
	for range 2 { // idempotent: the second run finds the owner there
		if err := app.Demo(t.Context(), cfg, log, &out); err != nil {
			t.Fatalf("demo: %v", err)
		}
	}
	if !strings.Contains(out.String(), app.DemoEmail) || !strings.Contains(out.String(), app.DemoPassword) {
		t.Errorf("demo output does not show the credentials: %s", out.String())
	}
	e := Start(t, func(c *config.Config) { c.DataDir = dir })
	p := newPageClient(t, e.URL, false)
	lp := p.get("/login")
	res := p.post("/login", url.Values{"csrf": {csrfOf(t, lp.Body)}, "email": {app.DemoEmail}, "password": {app.DemoPassword}, "next": {"/app/store"}})
	if res.Status != http.StatusSeeOther || res.Location != "/app/store" {
		t.Fatalf("demo log-in = %d → %q", res.Status, res.Location)
	}
	if st := p.get("/app/store"); !strings.Contains(st.Body, "하늘카페") || !strings.Contains(st.Body, "국세청 확인 완료") {
		t.Errorf("demo store page lacks the store or the verified badge")
	}
}
