package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/app"
	"github.com/autoevent/autoevent/internal/config"
	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

// TestScaledTwoProcesses runs the user service in one app and the gateway in
// another, both on PostgreSQL, Redis and the external NATS, and drives the
// user journey through the gateway, which proxies to the user process.
func TestScaledTwoProcesses(t *testing.T) {
	redisURL, natsURL := testenv.RedisURL(t), testenv.NATSURL(t)
	pg := WithPostgres(t)
	prefix := fmt.Sprintf("e2e%d", time.Now().UnixNano()%1e9)
	t.Cleanup(func() { // first registered: runs after the apps stopped
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := bus.DeleteStreams(ctx, natsURL, prefix); err != nil {
			t.Error(err)
		}
	})
	scaled := func(c *config.Config) {
		pg(c)
		c.RedisURL, c.NATSURL, c.NATSPrefix = redisURL, natsURL, prefix
		c.Migrate = config.AutoBool{} // scaled default: serve does not migrate
	}
	// A replica on a schema that was never migrated refuses to start and
	// says what to do.
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Services = "127.0.0.1:0", t.TempDir(), "user"
	scaled(&cfg)
	quiet := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if a, err := app.New(context.Background(), cfg, quiet); err == nil {
		a.Close()
		t.Fatal("serve started on an unmigrated schema without --migrate")
	} else if !errors.Is(err, db.ErrSchemaBehind) || !strings.Contains(err.Error(), "autoevent migrate") {
		t.Fatalf("serve on an unmigrated schema: %v, want ErrSchemaBehind naming autoevent migrate", err)
	}
	// `autoevent migrate`, run by two replicas at once, as a deployment
	// with an init step per replica would.
	cfg.Services = ""
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- app.Migrate(context.Background(), cfg, quiet) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	users := Start(t, scaled, func(c *config.Config) { c.Services = "user" })
	gw := Start(t, scaled, func(c *config.Config) {
		c.Services = "gateway"
		c.ServiceURLs = "user=" + users.URL
	})
	for _, e := range []*Env{users, gw} {
		if res := e.Do("GET", "/readyz", "", nil); res.Status != http.StatusOK {
			t.Fatalf("readyz %s = %d %s", e.URL, res.Status, res.Body)
		}
	}
	o := gw.SignupOwner("BAKERY", "부산 해운대구")
	res := gw.Do("GET", "/api/v1/users/me", o.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("me through the gateway = %d %s", res.Status, res.Body)
	}
	// The gateway verifies tokens itself: a bad one never reaches the service.
	if res := gw.Do("GET", "/api/v1/users/me", "not-a-token", nil); res.Status != http.StatusUnauthorized {
		t.Errorf("bad token through the gateway = %d", res.Status)
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeSelfSigned(t, dir)
	e := startTLS(t, cert, key)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	res, err := client.Get(e + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.TLS == nil {
		t.Fatalf("https healthz = %d tls=%v", res.StatusCode, res.TLS != nil)
	}
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS header over TLS")
	}
}

func startTLS(t *testing.T, cert, key string) string {
	t.Helper()
	e := Start(t, func(c *config.Config) { c.TLSCert, c.TLSKey = cert, key })
	return e.URL
}

func writeSelfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(priv)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}
