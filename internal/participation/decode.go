package participation

import "unicode/utf8"

// fastDecodeEntry parses the common shape of an entry body without
// reflection: one flat object with the known keys spelled exactly, string
// values without escapes, and an optional "consents" object holding
// "marketing": true|false. It reports ok=false for anything else (escapes,
// nulls, other types, unknown or repeated keys, trailing data), and the
// caller then runs encoding/json, which stays the authority on what is
// accepted and on every error message. Whatever it accepts, encoding/json
// decodes to the same value: the differential test checks that.
//
// The entry path is the one hot path of the service: a reflective,
// strict json.Decoder spent more CPU per entry than the encryption.
func fastDecodeEntry(b []byte) (in EntryInput, ok bool) {
	p := scanner{b: b}
	if !p.byte('{') {
		return in, false
	}
	var seen uint8
	if p.peek('}') {
		p.i++
		return in, p.end()
	}
	for {
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return in, false
		}
		var bit uint8
		switch key {
		case "name":
			bit = 1
			in.Name, ok = p.str()
		case "phone":
			bit = 2
			in.Phone, ok = p.str()
		case "visitToken":
			bit = 4
			in.VisitToken, ok = p.str()
		case "channel":
			bit = 8
			in.Channel, ok = p.str()
		case "consents":
			bit = 16
			in.Consents, ok = p.consents()
		case "entryToken":
			bit = 32
			in.EntryToken, ok = p.str()
		default:
			return in, false
		}
		if !ok || seen&bit != 0 {
			return in, false
		}
		seen |= bit
		if p.byte(',') {
			continue
		}
		if p.byte('}') {
			return in, p.end()
		}
		return in, false
	}
}

type scanner struct {
	b []byte
	i int
}

func (p *scanner) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c after optional whitespace.
func (p *scanner) byte(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *scanner) peek(c byte) bool {
	p.ws()
	return p.i < len(p.b) && p.b[p.i] == c
}

// end reports whether only whitespace follows.
func (p *scanner) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// str reads a string without escapes or control characters, valid UTF-8.
func (p *scanner) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", false // encoding/json would substitute U+FFFD
			}
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

func (p *scanner) consents() (Consents, bool) {
	var c Consents
	if !p.byte('{') {
		return c, false
	}
	if p.byte('}') {
		return c, true
	}
	key, ok := p.str()
	if !ok || key != "marketing" || !p.byte(':') {
		return c, false
	}
	p.ws()
	switch {
	case len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "true":
		c.Marketing, p.i = true, p.i+4
	case len(p.b)-p.i >= 5 && string(p.b[p.i:p.i+5]) == "false":
		p.i += 5
	default:
		return c, false
	}
	return c, p.byte('}')
}
