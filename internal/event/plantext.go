package event

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/kst"
)

// The plan's structured fields (count, first and last day) are the truth;
// the AI's copy restates them in words ("선착순 150명에게", "12월 7일~12월
// 20일"). When the owner edits a field, the copy is not left saying the old
// value: every place the text states a value it was written for is
// re-rendered from the edited field (restate). Text the owner wrote about
// other things is left as it is.

// planFacts are the values a plan's text states.
type planFacts struct {
	count      int
	start, end string // YYYY-MM-DD, inclusive
}

func factsOf(p Plan) planFacts {
	n := p.CouponCount
	if p.Method == messages.MethodLottery {
		n = p.WinnerCount
	}
	return planFacts{count: n, start: p.StartDate, end: p.EndDate}
}

// countUnits are the counters a count is stated with ("150명", "150장",
// "150건"). 개 and 매 are left out on purpose: "스탬프 8개", "1인 1매" state
// other numbers.
const countUnits = `명|분|장|건|팀`

// rule is one value to re-render: every match of re becomes repl(match
// groups) unless it is part of a longer number (see bounded); digitAfter
// also refuses a match followed by a digit or a slash ("12/70").
type rule struct {
	re         *regexp.Regexp
	repl       func(m []string) string
	digitAfter bool
}

// bounded reports a match at text[i:j] that is a whole value: not preceded
// by a digit or a separator ("1,150명", "2.150", "1/7"), nor, for rules
// that ask, followed by a digit or a slash.
func bounded(text string, i, j int, r rule) bool {
	if i > 0 && strings.ContainsRune("0123456789,./", rune(text[i-1])) {
		return false
	}
	return !r.digitAfter || j == len(text) || !strings.ContainsRune("0123456789/", rune(text[j]))
}

// restate rewrites text written for any of the values in from so that it
// states the values in to. Replacement is one pass over the original text,
// so a new value that equals another old one is not rewritten again.
func restate(text string, from []planFacts, to planFacts) string {
	if text == "" {
		return text
	}
	var rules []rule
	for _, f := range from {
		if f.count > 0 && to.count > 0 && f.count != to.count {
			rules = append(rules, countRule(f.count, to.count))
		}
		rules = append(rules, dateRules(f, to)...)
	}
	if len(rules) == 0 {
		return text
	}
	type hit struct {
		start, end, rule int
		groups           []string
	}
	var hits []hit
	for i, r := range rules {
		for _, loc := range r.re.FindAllStringSubmatchIndex(text, -1) {
			if !bounded(text, loc[0], loc[1], r) {
				continue
			}
			g := make([]string, len(loc)/2)
			for j := range g {
				if loc[2*j] >= 0 {
					g[j] = text[loc[2*j]:loc[2*j+1]]
				}
			}
			hits = append(hits, hit{loc[0], loc[1], i, g})
		}
	}
	// Leftmost first; at one position the earlier (longer, range) rule.
	sort.SliceStable(hits, func(a, b int) bool {
		if hits[a].start != hits[b].start {
			return hits[a].start < hits[b].start
		}
		return hits[a].rule < hits[b].rule
	})
	var b strings.Builder
	at := 0
	for _, h := range hits {
		if h.start < at {
			continue
		}
		b.WriteString(text[at:h.start])
		b.WriteString(rules[h.rule].repl(h.groups))
		at = h.end
	}
	b.WriteString(text[at:])
	return b.String()
}

func countRule(from, to int) rule {
	alts := []string{regexp.QuoteMeta(strconv.Itoa(from))}
	if g := grouped(from); g != alts[0] {
		alts = append([]string{regexp.QuoteMeta(g)}, alts...)
	}
	re := regexp.MustCompile(`(?:` + strings.Join(alts, "|") + `)(\s?(?:` + countUnits + `))`)
	return rule{re: re, repl: func(m []string) string { return grouped(to) + m[1] }}
}

// grouped writes n with thousands separators: 1,000.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// weekday is an optional "(목)" after a date, re-rendered for the new day.
const weekday = `(\s?\([월화수목금토일]\))?`

// dateRules re-render the first and last day wherever the text states them:
// "12월 7일", "12/7", "12.7(월)", a range whose end leaves out the month
// ("12월 7일~20일"), each with an optional weekday.
func dateRules(f, to planFacts) []rule {
	fs, fsok := parseDay(f.start)
	fe, feok := parseDay(f.end)
	ts, tsok := parseDay(to.start)
	te, teok := parseDay(to.end)
	var rules []rule
	if fsok && feok && tsok && teok && (f.start != to.start || f.end != to.end) && fs.Month() == fe.Month() {
		// "12월 7일~20일": the end's month is the start's.
		re := regexp.MustCompile(koreanDay(fs) + weekday + `(\s?[~\-–]\s?)` + strconv.Itoa(fe.Day()) + `일` + weekday)
		rules = append(rules, rule{re: re, repl: func(m []string) string {
			end := strconv.Itoa(te.Day()) + "일"
			if te.Month() != ts.Month() || te.Year() != ts.Year() {
				end = longDay(te)
			}
			return longDay(ts) + withWeekday(m[1], ts) + m[2] + end + withWeekday(m[3], te)
		}})
	}
	pairs := [][2]string{{f.start, to.start}, {f.end, to.end}}
	for _, p := range pairs {
		old, ook := parseDay(p[0])
		nu, nok := parseDay(p[1])
		if !ook || !nok || p[0] == p[1] {
			continue
		}
		rules = append(rules,
			rule{re: regexp.MustCompile(koreanDay(old) + weekday), repl: func(m []string) string {
				return longDay(nu) + withWeekday(m[1], nu)
			}},
			rule{re: regexp.MustCompile(strconv.Itoa(int(old.Month())) + `\.` + strconv.Itoa(old.Day()) + `\s?\([월화수목금토일]\)`), repl: func([]string) string {
				return kst.Day(nu)
			}},
			rule{re: regexp.MustCompile(strconv.Itoa(int(old.Month())) + `/` + strconv.Itoa(old.Day()) + weekday), digitAfter: true, repl: func(m []string) string {
				return strconv.Itoa(int(nu.Month())) + "/" + strconv.Itoa(nu.Day()) + withWeekday(m[1], nu)
			}},
		)
	}
	return rules
}

// days is the length of an inclusive period of YYYY-MM-DD days (0 when
// either is not a date).
func days(first, last string) int {
	a, aok := parseDay(first)
	b, bok := parseDay(last)
	if !aok || !bok {
		return 0
	}
	return int(b.Sub(a).Hours()/24) + 1
}

func parseDay(s string) (time.Time, bool) {
	t, err := kst.ParseDate(s)
	return t, err == nil
}

// koreanDay matches "12월 7일" (with or without the space).
func koreanDay(t time.Time) string {
	return strconv.Itoa(int(t.Month())) + `월\s?` + strconv.Itoa(t.Day()) + `일`
}

func longDay(t time.Time) string {
	return strconv.Itoa(int(t.Month())) + "월 " + strconv.Itoa(t.Day()) + "일"
}

// withWeekday re-renders a matched "(월)" for the new day; none stays none.
func withWeekday(matched string, t time.Time) string {
	if matched == "" {
		return ""
	}
	sp := ""
	if strings.HasPrefix(matched, " ") {
		sp = " "
	}
	return sp + "(" + kst.Weekday(t) + ")"
}
