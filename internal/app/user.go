package app

import (
	"context"
	"net/http"

	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/resilience"
	ntssandbox "github.com/autoevent/autoevent/internal/sandbox/nts"
	"github.com/autoevent/autoevent/internal/user"
	"github.com/autoevent/autoevent/internal/user/nts"
	"github.com/autoevent/autoevent/internal/user/sqlstore"
)

// sandboxKey is the service key the built-in simulators expect; it is not a
// secret of any real system.
const sandboxKey = "sandbox-key"

// userModule is the user service: accounts, stores, tokens, the NTS check
// (the NTS simulator at /sandbox/nts/ when no NTS URL is configured) and
// the optional OIDC log-in.
func (a *App) userModule() module {
	return module{
		Name: "user",
		Open: func(ctx context.Context) (err error) {
			a.users, err = a.openUser(ctx)
			return err
		},
		Routes: func(r *httpapi.Router) {
			user.NewAPI(a.users, func(r *http.Request) (authn.Claims, error) { return a.verifyRequest(r) }, a.cfg.TrustProxy).Routes(r)
		},
	}
}

func (a *App) openUser(ctx context.Context) (*user.Service, error) {
	repo := sqlstore.New(a.db, a.cipher)
	if err := repo.Migrate(ctx); err != nil {
		return nil, err
	}
	base, key := a.cfg.NTSURL, a.cfg.NTSKey
	if base == "" {
		mode, err := ntssandbox.ParseMode(a.cfg.SandboxNTSMode)
		if err != nil {
			return nil, err
		}
		sim, err := ntssandbox.New(ntssandbox.Config{ServiceKey: sandboxKey, Mode: mode})
		if err != nil {
			return nil, err
		}
		a.ntsSandbox = sim
		a.sandbox.Handle("/sandbox/nts/", sim)
		base, key = a.baseURL+"/sandbox/nts", sandboxKey
	}
	client, err := nts.New(nts.Config{BaseURL: base, ServiceKey: key})
	if err != nil {
		return nil, err
	}
	passwords, err := authn.NewPasswords(a.cfg.BcryptCost)
	if err != nil {
		return nil, err
	}
	fed, err := a.federation()
	if err != nil {
		return nil, err
	}
	return user.NewService(user.Deps{
		DB: a.db, Repo: repo, Cache: a.cache, Publish: a.relay.Publish, Issuer: a.issuer, Passwords: passwords,
		Cipher: a.cipher, NTS: client, NTSPolicy: a.policies.Policy(resilience.SystemNTS), Log: a.log.With("service", "user"),
		Federation: fed,
	}), nil
}

// NTSSandbox is the built-in NTS simulator, for tests and drills that switch
// its mode or fix the state of one number; nil when a real NTS URL is
// configured or the user service runs elsewhere.
func (a *App) NTSSandbox() *ntssandbox.Server { return a.ntsSandbox }
