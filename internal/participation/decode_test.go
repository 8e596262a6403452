package participation

import (
	"bytes"
	"encoding/json"
	"testing"
)

// strictDecode is decodeEntry without the fast path: the reference.
func strictDecode(b []byte) (EntryInput, bool) {
	var in EntryInput
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		return in, false
	}
	return in, true
}

var decodeSeeds = []struct {
	body     string
	wantFast bool // the fast path takes it (otherwise encoding/json decides)
}{
	{`{"name":"홍길동","phone":"010-1234-5678"}`, true},
	{` { "name" : "김", "phone":"01012345678", "consents": {"marketing": true}, "channel":"qr", "visitToken":"abc.def" } `, true},
	{`{"name":"a","phone":"b","consents":{"marketing":false}}`, true},
	{`{"name":"a","phone":"b","entryToken":"0123abcd.4567ef"}`, true},
	{`{"entryToken":"a","entryToken":"b"}`, false}, // repeated key
	{`{"name":"a","consents":{}}`, true},
	{`{}`, true},
	{"{\"name\":\"a\"}\n", true},
	{`{"name":"a\"b","phone":"1"}`, false},  // escape
	{`{"name":"\u00e9"}`, false},            // escape
	{`{"Name":"a"}`, false},                 // encoding/json matches keys case-insensitively
	{`{"name":"a","name":"b"}`, false},      // repeated key
	{`{"name":null}`, false},                // null
	{`{"name":1}`, false},                   // type error
	{`{"nickname":"a"}`, false},             // unknown field
	{`{"consents":{"marketing":1}}`, false}, // type error
	{`{"consents":{"marketing":truex}}`, false},
	{`{"consents":{"marketing":true,"x":1}}`, false},
	{`{"name":"a"} {"name":"b"}`, false}, // trailing value
	{`{"name":"a"}x`, false},
	{`{"name":"a",}`, false},
	{`{"name":"a"`, false},
	{"{\"name\":\"\xff\"}", false}, // invalid UTF-8
	{"{\"name\":\"a\tb\"}", false}, // control character
	{``, false},
	{`[]`, false},
}

func TestFastDecodeEntryAgreesWithEncodingJSON(t *testing.T) {
	for _, tc := range decodeSeeds {
		got, ok := fastDecodeEntry([]byte(tc.body))
		if ok != tc.wantFast {
			t.Errorf("fastDecodeEntry(%q) ok = %v, want %v", tc.body, ok, tc.wantFast)
		}
		if !ok {
			continue
		}
		want, wantOK := strictDecode([]byte(tc.body))
		if !wantOK || got != want {
			t.Errorf("fastDecodeEntry(%q) = %+v; encoding/json: %+v (ok %v)", tc.body, got, want, wantOK)
		}
	}
}

// FuzzFastDecodeEntry: whatever the fast path accepts, encoding/json
// accepts with the same value.
func FuzzFastDecodeEntry(f *testing.F) {
	for _, tc := range decodeSeeds {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := fastDecodeEntry(b)
		if !ok {
			return
		}
		want, wantOK := strictDecode(b)
		if !wantOK || got != want {
			t.Fatalf("fastDecodeEntry(%q) = %+v; encoding/json: %+v (ok %v)", b, got, want, wantOK)
		}
	})
}
