package app

import (
	"context"
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	ntssandbox "github.com/autoevent/autoevent/internal/sandbox/nts"
	"github.com/autoevent/autoevent/internal/user"
	"github.com/autoevent/autoevent/internal/user/nts"
	"github.com/autoevent/autoevent/internal/user/sqlstore"
)

func init() { modules["user"] = append(modules["user"], wireUser) }

// sandboxKey is the service key the built-in simulators expect; it is not a
// secret of any real system.
const sandboxKey = "sandbox-key"

func wireUser(ctx context.Context, a *App, local bool) error {
	if !local {
		user.NewAPI(nil, nil).Routes(a.router)
		return nil
	}
	repo := sqlstore.New(a.db, a.cipher)
	if err := repo.Migrate(ctx); err != nil {
		return err
	}
	base, key := a.cfg.NTSURL, a.cfg.NTSKey
	if base == "" {
		mode, err := ntssandbox.ParseMode(a.cfg.SandboxNTSMode)
		if err != nil {
			return err
		}
		sim, err := ntssandbox.New(ntssandbox.Config{ServiceKey: sandboxKey, Mode: mode})
		if err != nil {
			return err
		}
		a.ntsSandbox = sim
		a.sandbox.Handle("/sandbox/nts/", sim)
		base, key = a.baseURL+"/sandbox/nts", sandboxKey
	}
	client, err := nts.New(nts.Config{BaseURL: base, ServiceKey: key})
	if err != nil {
		return err
	}
	passwords, err := authn.NewPasswords(a.cfg.BcryptCost)
	if err != nil {
		return err
	}
	fed, err := a.federation()
	if err != nil {
		return err
	}
	svc := user.NewService(user.Deps{
		DB: a.db, Repo: repo, Cache: a.cache, Publish: a.publish, Issuer: a.issuer, Passwords: passwords,
		Cipher: a.cipher, NTS: client, NTSPolicy: a.policies.Policy(resilience.SystemNTS), Log: a.log.With("service", "user"),
		Federation: fed,
	})
	a.users = svc
	user.NewAPI(svc, func(r *http.Request) (authn.Claims, error) { return a.verifyRequest(r) }).Routes(a.router)
	return nil
}

// NTSSandbox is the built-in NTS simulator, for tests and drills that switch
// its mode or fix the state of one number; nil when a real NTS URL is
// configured or the user service runs elsewhere.
func (a *App) NTSSandbox() *ntssandbox.Server { return a.ntsSandbox }
