package imagegen

import (
	"context"
	"errors"
	"image"
	"image/color"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/autoevent/autoevent/internal/platform/resilience"
)

func TestProviderErrorRetryable(t *testing.T) {
	connRefused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  *ProviderError
		want bool
	}{
		{"400", &ProviderError{StatusCode: 400, Code: "bad_request"}, false},
		{"401", &ProviderError{StatusCode: 401}, false},
		{"402", &ProviderError{StatusCode: 402}, false},
		{"403", &ProviderError{StatusCode: 403}, false},
		{"404", &ProviderError{StatusCode: 404}, false},
		{"content policy 400", &ProviderError{StatusCode: 400, Err: ErrContentPolicy}, false},
		{"content filtered 200", &ProviderError{StatusCode: 200, Err: ErrContentPolicy}, false},
		{"408", &ProviderError{StatusCode: 408}, true},
		{"429", &ProviderError{StatusCode: 429, RetryAfter: time.Second}, true},
		{"429 quota", &ProviderError{StatusCode: 429, Code: "insufficient_quota", Err: ErrQuota}, false},
		{"500", &ProviderError{StatusCode: 500}, true},
		{"501", &ProviderError{StatusCode: 501}, false},
		{"503", &ProviderError{StatusCode: 503}, true},
		{"connection refused", &ProviderError{Err: connRefused}, true},
		{"deadline", &ProviderError{Err: context.DeadlineExceeded}, true},
		{"bad answer", BadAnswer("p", "no image"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.err.Provider = "p"
			if got := tt.err.Retryable(); got != tt.want {
				t.Errorf("Retryable() = %v, want %v", got, tt.want)
			}
			// The resilience policy must take the same decision.
			if got := resilience.IsRetryable(tt.err); got != tt.want {
				t.Errorf("resilience.IsRetryable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProviderErrorForTheBreaker(t *testing.T) {
	e := &ProviderError{Provider: "stability", StatusCode: 429, Code: "rate_limit_exceeded", RetryAfter: 3 * time.Second, Message: "Seoul cafe prompt"}
	var se *resilience.StatusError
	if !errors.As(e, &se) || se.StatusCode != 429 || se.RetryAfter != 3*time.Second {
		t.Fatalf("no StatusError with the Retry-After under %v", e)
	}
	if strings.Contains(e.Error(), "Seoul") {
		t.Errorf("Error() %q leaks the provider's message", e.Error())
	}
	if got, want := e.Error(), "stability: HTTP 429 (rate_limit_exceeded)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	cancelled := TransportError(canceledCtx(), "p", context.Canceled)
	var pe *ProviderError
	if errors.As(cancelled, &pe) {
		t.Error("a cancelled caller became a ProviderError (it would count against the provider)")
	}
}

func canceledCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestCoverFillsAndCrops(t *testing.T) {
	// 200×100: left half red, right half blue.
	src := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for y := range 100 {
		for x := range 200 {
			c := color.RGBA{255, 0, 0, 255}
			if x >= 100 {
				c = color.RGBA{0, 0, 255, 255}
			}
			src.SetRGBA(x, y, c)
		}
	}
	for _, sz := range [][2]int{{100, 100}, {1080, 1920}, {1920, 1080}, {300, 100}, {1, 1}} {
		got := Cover(src, sz[0], sz[1])
		if b := got.Bounds(); b.Dx() != sz[0] || b.Dy() != sz[1] {
			t.Errorf("Cover to %v gave %v", sz, b.Size())
		}
	}
	// A square crop keeps the middle: red on the left edge, blue on the right.
	sq := Cover(src, 100, 100)
	if l, r := sq.RGBAAt(2, 50), sq.RGBAAt(97, 50); l.R < 200 || r.B < 200 {
		t.Errorf("square crop not centred: left %v right %v", l, r)
	}
}

func TestPromptAsksForABackgroundWithoutText(t *testing.T) {
	for _, style := range []string{"simple", "vivid", "trendy", "unknown"} {
		p, n := Prompt(style, "CAFE", "크리스마스 커피 할인 이벤트", "아메리카노 1+1")
		for _, r := range p + n {
			if unicode.Is(unicode.Hangul, r) {
				t.Fatalf("%s prompt contains Hangul: %q", style, p)
			}
		}
		for _, want := range []string{"cafe", "christmas", "no text"} {
			if !strings.Contains(strings.ToLower(p), want) {
				t.Errorf("%s prompt lacks %q: %s", style, want, p)
			}
		}
		for _, want := range []string{"text", "letters", "watermark", "logo"} {
			if !strings.Contains(n, want) {
				t.Errorf("negative prompt lacks %q", want)
			}
		}
	}
	simple, _ := Prompt("simple", "", "", "")
	vivid, _ := Prompt("vivid", "", "", "")
	trendy, _ := Prompt("trendy", "", "", "")
	if simple == vivid || vivid == trendy || !strings.Contains(simple, "minimal") || !strings.Contains(vivid, "bokeh") || !strings.Contains(trendy, "geometric") {
		t.Errorf("styles do not read differently:\n%s\n%s\n%s", simple, vivid, trendy)
	}
}

func TestRequestValidate(t *testing.T) {
	ok := Request{Prompt: "p", Width: 1080, Height: 1920}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []Request{{Width: 10, Height: 10}, {Prompt: "p", Width: 0, Height: 10}, {Prompt: "p", Width: 5000, Height: 10}} {
		if r.Validate() == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}
