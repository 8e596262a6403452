package messages_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
)

// TestRegistry checks that every message type declared in this package is in
// the registry, that its subject follows events.<service>.<name>, and that a
// payload round-trips through Decode into the same type.
func TestRegistry(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if ok && fd.Name.Name == "Subject" && fd.Recv != nil {
					declared = append(declared, fd.Recv.List[0].Type.(*ast.Ident).Name)
				}
			}
		}
	}
	if got, want := len(messages.Subjects()), len(declared); got != want {
		t.Fatalf("registry has %d subjects, package declares %d message types (%v)", got, want, declared)
	}
	for _, s := range messages.Subjects() {
		parts := strings.Split(s, ".")
		if len(parts) != 3 || parts[0] != "events" {
			t.Errorf("subject %q: want events.<service>.<name>", s)
		}
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for _, m := range []messages.Message{
		messages.EventApproved{EventID: "e1", Method: messages.MethodFirstCome, CouponCount: 3, Channels: []string{messages.ChannelInstagram}, OccurredAt: now},
		messages.ParticipantRegistered{EventID: "e1", EntryNumber: 7, StoreVisit: true, OccurredAt: now},
		messages.EventEnded{EventID: "e1", Reason: messages.EndSoldOut, OccurredAt: now},
		messages.EntriesClosed{EventID: "e1", Reason: messages.EndDrawn, OccurredAt: now},
		messages.ContentReady{EventID: "e1", OwnerID: "u1", JobID: "j1", AssetCount: 40, Degraded: true, Notice: "기본 디자인", OccurredAt: now},
	} {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := messages.Decode(m.Subject(), b)
		if err != nil {
			t.Fatalf("Decode(%s): %v", m.Subject(), err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("Decode(%s) = %#v, want %#v", m.Subject(), got, m)
		}
	}
	if _, err := messages.Decode("events.nobody.nothing", []byte(`{}`)); err == nil {
		t.Error("Decode of an unknown subject: want an error")
	}
	if _, err := messages.Decode(messages.SubjectOf[messages.EventEnded](), []byte(`{"eventId":`)); err == nil {
		t.Error("Decode of broken JSON: want an error")
	}
}
