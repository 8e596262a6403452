// Package config is the one typed configuration of the binary. Defaults give
// the embedded mode (zero setup); every flag can also be set through an
// AUTOEVENT_* environment variable (flag > environment > default). Validate
// checks it at start and String prints it with secrets masked.
package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// AllServices lists every service the binary can run, in start order.
var AllServices = []string{"gateway", "user", "event", "ai", "content", "distribution", "participation", "analytics", "learning"}

// Config is the whole configuration. Field tags: `flag` is the flag name (the
// environment variable is AUTOEVENT_ + upper snake case of it), `secret`
// masks the value when printed.
type Config struct {
	Addr        string `flag:"addr" help:"listen address"`
	DataDir     string `flag:"data-dir" help:"directory for the SQLite file, bus storage, generated files and local secrets"`
	Services    string `flag:"services" help:"comma-separated services to run in this process (default: all)"`
	PublicURL   string `flag:"public-url" help:"external base URL used in links, QR codes and posters (default http://localhost<addr>)"`
	PostgresURL string `flag:"postgres-url" secret:"true" help:"PostgreSQL URL; empty = embedded SQLite"`
	RedisURL    string `flag:"redis-url" secret:"true" help:"Redis URL; empty = in-process cache"`
	NATSURL     string `flag:"nats-url" secret:"true" help:"external NATS URL; empty = embedded JetStream"`
	NATSListen  string `flag:"nats-listen" help:"host:port on which the embedded NATS accepts clients (default: no port)"`
	NATSPrefix  string `flag:"nats-prefix" help:"namespace for stream names and subjects, to share one NATS cluster between deployments"`
	BlobURL     string `flag:"blob-url" help:"where generated files go: empty = <data-dir>/blobs; s3://bucket[/prefix]?endpoint=https://host&region=r&use_path_style=true for S3-compatible storage"`
	BlobAccess  string `flag:"blob-access-key" secret:"true" help:"S3 access key id (default: $AWS_ACCESS_KEY_ID)"`
	BlobSecret  string `flag:"blob-secret-key" secret:"true" help:"S3 secret access key (default: $AWS_SECRET_ACCESS_KEY)"`
	ServiceURLs string `flag:"service-urls" help:"where services not run here live, e.g. user=http://10.0.0.2:8080,ai=http://10.0.0.3:8080"`
	Synchronous string `flag:"sqlite-synchronous" help:"SQLite synchronous pragma: FULL (survives power loss) or NORMAL"`

	Migrate AutoBool `flag:"migrate" help:"apply database migrations at start (default: true in embedded mode, false with --postgres-url, where 'autoevent migrate' applies them and a process whose schema is behind refuses to start)"`

	UserRateLimit   int      `flag:"user-rate-limit" help:"API requests per minute per signed-in user (0 = off)"`
	AnonRateLimit   int      `flag:"anon-rate-limit" help:"API requests per minute per client IP for anonymous calls (0 = off)"`
	EntryIPLimit    int      `flag:"entry-ip-limit" help:"event entries per minute per client IP above which entries are flagged for the owner's review; 10 times it are refused (0 = off; also off when anon-rate-limit is 0)"`
	EntryEventLimit int      `flag:"entry-event-limit" help:"entries per second per event and process, against floods (0 = off)"`
	TrustProxy      bool     `flag:"trust-proxy" help:"take the client IP from X-Forwarded-For (only behind a trusted proxy)"`
	CORSOrigins     string   `flag:"cors-origins" help:"comma-separated origins allowed to call the API from browsers"`
	TLSCert         string   `flag:"tls-cert" help:"TLS certificate file (PEM)"`
	TLSKey          string   `flag:"tls-key" help:"TLS key file (PEM)"`
	Resilience      string   `flag:"resilience" help:"per-system overrides of timeouts, retries, breaker and bulkhead, e.g. nts.timeout=3s;openai.max-retries=2"`
	ShutdownWait    Duration `flag:"shutdown-timeout" help:"how long shutdown waits for in-flight requests and jobs"`
	LogLevel        string   `flag:"log-level" help:"debug, info, warn or error"`
	Dev             bool     `flag:"dev" help:"read web templates from disk"`
	BcryptCost      int      `flag:"bcrypt-cost" help:"bcrypt cost for passwords (default 12)"`

	JWTSecret string `flag:"jwt-secret" secret:"true" help:"HMAC secret for access tokens (≥32 bytes); generated into the data dir when empty in embedded mode"`
	DataKey   string `flag:"data-key" secret:"true" help:"master key (base64, 32 bytes) for personal-data encryption and keyed hashes"`

	AIProvider     string `flag:"ai-provider" help:"local (offline planner) or remote (Claude + GPT in parallel)"`
	AnthropicURL   string `flag:"anthropic-url" help:"Anthropic API base URL (default: built-in sandbox)"`
	AnthropicKey   string `flag:"anthropic-key" secret:"true" help:"Anthropic API key"`
	AnthropicModel string `flag:"anthropic-model" help:"Claude model"`
	OpenAIURL      string `flag:"openai-url" help:"OpenAI-compatible base URL (default: built-in sandbox)"`
	OpenAIKey      string `flag:"openai-key" secret:"true" help:"OpenAI API key"`
	OpenAIModel    string `flag:"openai-model" help:"GPT model"`

	ImageProvider  string `flag:"image-provider" help:"pictures behind the event images: local (renderer only), stability, openai or a1111 (falls back to local)"`
	ImageURL       string `flag:"image-url" help:"image provider base URL (default: built-in sandbox)"`
	ImageKey       string `flag:"image-key" secret:"true" help:"image provider API key (a1111: user:password for --api-auth)"`
	ImageModel     string `flag:"image-model" help:"image provider model (default: the adapter's)"`
	TTSProvider    string `flag:"tts-provider" help:"voice of the ringback audio and video narration: local (espeak-ng or a tone) or clova (Naver Clova Voice, falls back to local)"`
	ClovaURL       string `flag:"clova-url" help:"Clova Voice base URL (default: built-in sandbox)"`
	ClovaKeyID     string `flag:"clova-key-id" secret:"true" help:"NCP API Gateway key id (x-ncp-apigw-api-key-id)"`
	ClovaKey       string `flag:"clova-key" secret:"true" help:"NCP API Gateway key (x-ncp-apigw-api-key)"`
	ContentWorkers int    `flag:"content-workers" help:"concurrent image jobs per process (renders share the CPUs whatever the number)"`

	NTSURL string `flag:"nts-url" help:"NTS business status API base URL (default: built-in sandbox)"`
	NTSKey string `flag:"nts-key" secret:"true" help:"data.go.kr service key (the decoding key)"`
	// Sandbox behaviour, for demos and resilience drills.
	SandboxNTSMode string `flag:"sandbox-nts-mode" help:"built-in NTS simulator: active, suspended, closed, slow or failing"`

	SENSURL       string `flag:"sens-url" help:"NCP SENS base URL (default: built-in sandbox)"`
	SENSAccessKey string `flag:"sens-access-key" secret:"true" help:"NCP access key"`
	SENSSecretKey string `flag:"sens-secret-key" secret:"true" help:"NCP secret key"`
	SENSSMSID     string `flag:"sens-sms-service-id" help:"SENS SMS service id"`
	SENSAlimtalk  string `flag:"sens-alimtalk-service-id" help:"SENS 알림톡 service id"`
	SENSSender    string `flag:"sens-sender" help:"registered SMS sender number"`
	KakaoChannel  string `flag:"kakao-plus-friend-id" help:"Kakao channel id (plusFriendId) for 알림톡"`
	NotifyRate    int    `flag:"notify-rate" help:"messages per second per provider (SENS 알림톡, SENS SMS), shared by every process"`
	NotifyWorkers int    `flag:"notify-workers" help:"concurrent senders of winner, coupon and announcement messages per process"`
	OptOutPhone   string `flag:"optout-phone" help:"free 080 number that takes advertising opt-outs, printed before each message's opt-out link (empty = link only)"`

	// Destruction of participants' personal data (PIPC giveaway guideline).
	RetentionEvery     Duration `flag:"retention-every" help:"how often the job destroying participants' personal data runs"`
	WinnerRetention    Duration `flag:"winner-retention" help:"a winner's contact is destroyed once the prize is marked delivered or this long after the draw"`
	RedrawPeriod       Duration `flag:"redraw-period" help:"every entrant's contact is kept this long after a lottery's first draw so a winner can be replaced; then non-winners' data is destroyed and redraws are refused"`
	FirstComeRetention Duration `flag:"first-come-retention" help:"first-come entrants' contacts are destroyed this long after the event ended (coupon redemption window)"`
	UndrawnRetention   Duration `flag:"undrawn-retention" help:"a lottery that ended without a draw keeps its entries this long for the owner to draw"`

	OIDCIssuer       string `flag:"oidc-issuer" help:"OpenID Connect issuer URL for federated log-in (empty = off)"`
	OIDCClientID     string `flag:"oidc-client-id" help:"OIDC client id"`
	OIDCClientSecret string `flag:"oidc-client-secret" secret:"true" help:"OIDC client secret"`
	OIDCName         string `flag:"oidc-name" help:"button label for the OIDC provider"`
}

// Duration is a time.Duration that parses from text.
type Duration struct{ time.Duration }

// AutoBool is a boolean whose default depends on other settings until it
// is set ("auto", "true" or "false").
type AutoBool struct{ Set, Value bool }

// String implements fmt.Stringer.
func (b AutoBool) String() string {
	if !b.Set {
		return "auto"
	}
	return strconv.FormatBool(b.Value)
}

// MarshalText prints it in the configuration dump.
func (b AutoBool) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Or returns the value when set, otherwise def.
func (b AutoBool) Or(def bool) bool {
	if b.Set {
		return b.Value
	}
	return def
}

// MigrateAtStart says whether serve applies migrations itself: by default
// only in embedded mode; scaled replicas leave it to `autoevent migrate`.
func (c Config) MigrateAtStart() bool { return c.Migrate.Or(!c.Scaled()) }

// Default returns the embedded-mode configuration.
func Default() Config {
	return Config{
		Addr:            ":8080",
		DataDir:         "./data",
		Synchronous:     "FULL",
		UserRateLimit:   100,
		AnonRateLimit:   600,
		EntryIPLimit:    60,
		EntryEventLimit: 20_000,
		ShutdownWait:    Duration{20 * time.Second},
		BcryptCost:      12,
		LogLevel:        "info",
		AIProvider:      "local",
		ImageProvider:   "local",
		TTSProvider:     "local",
		ContentWorkers:  4,
		OIDCName:        "KT 계정",
		NotifyRate:      20,
		NotifyWorkers:   4,

		RetentionEvery:     Duration{time.Hour},
		WinnerRetention:    Duration{30 * 24 * time.Hour},
		RedrawPeriod:       Duration{7 * 24 * time.Hour},
		FirstComeRetention: Duration{30 * 24 * time.Hour},
		UndrawnRetention:   Duration{30 * 24 * time.Hour},
	}
}

// EnvName is the environment variable for a flag name.
func EnvName(flagName string) string {
	return "AUTOEVENT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Bind registers every field as a flag on fs, with the environment already
// applied to the defaults so explicit flags still win.
func (c *Config) Bind(fs *flag.FlagSet) error {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("flag")
		if name == "" {
			continue
		}
		if env, ok := os.LookupEnv(EnvName(name)); ok {
			if err := setField(v.Field(i), env); err != nil {
				return fmt.Errorf("%s: %w", EnvName(name), err)
			}
		}
		help := f.Tag.Get("help") + " [$" + EnvName(name) + "]"
		fs.Var(fieldValue{v.Field(i)}, name, help)
	}
	return nil
}

type fieldValue struct{ v reflect.Value }

func (f fieldValue) String() string {
	if !f.v.IsValid() {
		return ""
	}
	if d, ok := f.v.Interface().(Duration); ok {
		return d.String()
	}
	return fmt.Sprint(f.v.Interface())
}

func (f fieldValue) Set(s string) error { return setField(f.v, s) }

func (f fieldValue) IsBoolFlag() bool {
	return f.v.IsValid() && (f.v.Kind() == reflect.Bool || f.v.Type() == reflect.TypeFor[AutoBool]())
}

func setField(v reflect.Value, s string) error {
	switch v.Interface().(type) {
	case AutoBool:
		if s == "auto" {
			v.Set(reflect.ValueOf(AutoBool{}))
			return nil
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", s)
		}
		v.Set(reflect.ValueOf(AutoBool{Set: true, Value: b}))
		return nil
	case Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(Duration{d}))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		v.SetInt(int64(n))
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", s)
		}
		v.SetBool(b)
	default:
		return fmt.Errorf("unsupported field kind %s", v.Kind())
	}
	return nil
}

// ServiceList returns the services to run here.
func (c Config) ServiceList() []string {
	if strings.TrimSpace(c.Services) == "" || c.Services == "all" {
		return AllServices
	}
	var out []string
	for _, s := range strings.Split(c.Services, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Runs reports whether service runs in this process.
func (c Config) Runs(service string) bool {
	for _, s := range c.ServiceList() {
		if s == service {
			return true
		}
	}
	return false
}

// Remotes parses ServiceURLs.
func (c Config) Remotes() (map[string]*url.URL, error) {
	out := map[string]*url.URL{}
	for _, pair := range strings.Split(c.ServiceURLs, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, raw, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("service-urls: %q is not name=url", pair)
		}
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("service-urls: %q is not an absolute URL", raw)
		}
		out[strings.TrimSpace(name)] = u
	}
	return out, nil
}

// Scaled reports whether the shared external stores are in use.
func (c Config) Scaled() bool { return c.PostgresURL != "" }

// Validate checks the configuration.
func (c Config) Validate() error {
	var errs []error
	known := map[string]bool{}
	for _, s := range AllServices {
		known[s] = true
	}
	for _, s := range c.ServiceList() {
		if !known[s] {
			errs = append(errs, fmt.Errorf("services: unknown service %q (known: %s)", s, strings.Join(AllServices, ",")))
		}
	}
	remotes, err := c.Remotes()
	if err != nil {
		errs = append(errs, err)
	}
	for name := range remotes {
		if !known[name] {
			errs = append(errs, fmt.Errorf("service-urls: unknown service %q", name))
		}
		if c.Runs(name) {
			errs = append(errs, fmt.Errorf("service-urls: %q runs in this process and also has a URL", name))
		}
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir must be set"))
	}
	if u, err := url.Parse(c.BlobURL); c.BlobURL != "" && (err != nil || (u.Scheme != "s3" && u.Scheme != "file")) {
		errs = append(errs, fmt.Errorf("blob-url %q: want s3://bucket?… or file:///dir (empty = the data dir)", c.BlobURL))
	}
	if (c.BlobAccess == "") != (c.BlobSecret == "") {
		errs = append(errs, errors.New("blob-access-key and blob-secret-key go together"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key go together"))
	}
	if c.UserRateLimit < 0 || c.AnonRateLimit < 0 || c.EntryIPLimit < 0 || c.EntryEventLimit < 0 {
		errs = append(errs, errors.New("rate limits must be ≥ 0"))
	}
	if c.NotifyRate < 1 || c.NotifyWorkers < 1 {
		errs = append(errs, errors.New("notify-rate and notify-workers must be ≥ 1"))
	}
	for name, d := range map[string]Duration{"retention-every": c.RetentionEvery, "winner-retention": c.WinnerRetention, "redraw-period": c.RedrawPeriod,
		"first-come-retention": c.FirstComeRetention, "undrawn-retention": c.UndrawnRetention} {
		if d.Duration < time.Minute {
			errs = append(errs, fmt.Errorf("%s %s: want at least 1m", name, d))
		}
	}
	switch strings.ToUpper(c.Synchronous) {
	case "FULL", "NORMAL":
	default:
		errs = append(errs, fmt.Errorf("sqlite-synchronous %q: want FULL or NORMAL", c.Synchronous))
	}
	switch c.AIProvider {
	case "local", "remote":
	default:
		errs = append(errs, fmt.Errorf("ai-provider %q: want local or remote", c.AIProvider))
	}
	switch c.ImageProvider {
	case "local", "stability", "openai", "a1111":
	default:
		errs = append(errs, fmt.Errorf("image-provider %q: want local, stability, openai or a1111", c.ImageProvider))
	}
	switch c.TTSProvider {
	case "local", "clova":
	default:
		errs = append(errs, fmt.Errorf("tts-provider %q: want local or clova", c.TTSProvider))
	}
	if c.ContentWorkers < 1 {
		errs = append(errs, fmt.Errorf("content-workers %d: want at least 1", c.ContentWorkers))
	}
	if c.Scaled() && (c.JWTSecret == "" || c.DataKey == "") {
		errs = append(errs, errors.New("with --postgres-url, set --jwt-secret and --data-key explicitly: every process must share them"))
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("jwt-secret must be at least 32 bytes"))
	}
	return errors.Join(errs...)
}

// String prints the configuration as JSON with secrets masked.
func (c Config) String() string {
	v := reflect.ValueOf(c)
	t := v.Type()
	out := map[string]any{}
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("flag")
		val := v.Field(i).Interface()
		if d, ok := val.(Duration); ok {
			val = d.String()
		}
		if f.Tag.Get("secret") == "true" && v.Field(i).String() != "" {
			val = "********"
		}
		out[name] = val
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return string(b)
}

// Path joins elem under the data dir.
func (c Config) Path(elem ...string) string {
	return filepath.Join(append([]string{c.DataDir}, elem...)...)
}
