package providers

import (
	"testing"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/ai/anthropic"
	"github.com/autoevent/autoevent/internal/ai/openai"
)

func TestApply(t *testing.T) {
	remote := Config{Mode: ModeRemote,
		Anthropic: anthropic.Config{APIKey: "a"},
		OpenAI:    openai.Config{APIKey: "o", BaseURL: "http://localhost:11434/v1"}}
	tests := []struct {
		name       string
		cfg        Config
		wantRemote bool
		wantErr    bool
	}{
		{"default is local", Config{}, false, false},
		{"local", Config{Mode: "local"}, false, false},
		{"remote", remote, true, false},
		{"remote without anthropic key", Config{Mode: ModeRemote, OpenAI: openai.Config{APIKey: "o"}}, false, true},
		{"unknown mode", Config{Mode: "gemini"}, false, true},
	}
	for _, tt := range tests {
		var rc ai.Config
		err := Apply(tt.cfg, nil, &rc)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if got := rc.Products != nil && rc.Copy != nil; got != tt.wantRemote {
			t.Errorf("%s: remote completers set = %v, want %v", tt.name, got, tt.wantRemote)
		}
	}
}
