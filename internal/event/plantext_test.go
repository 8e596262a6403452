package event

import "testing"

func TestRestate(t *testing.T) {
	opt := planFacts{count: 150, start: "2026-12-07", end: "2026-12-20"}
	to := planFacts{count: 3, start: "2026-12-10", end: "2026-12-24"}
	cases := []struct{ name, in, want string }{
		{"count", "선착순 150명에게 발급", "선착순 3명에게 발급"},
		{"count with space and other units", "쿠폰 150 장, 150건까지, 150분께", "쿠폰 3 장, 3건까지, 3분께"},
		{"longer numbers stay", "1,150명 중 2150명, 스탬프 150개", "1,150명 중 2150명, 스탬프 150개"},
		{"range", "하늘빵집에서 12월 7일~12월 20일 방문하시는", "하늘빵집에서 12월 10일~12월 24일 방문하시는"},
		{"range without the end month", "12월 7일~20일 매일", "12월 10일~24일 매일"},
		{"end day", "12월 20일까지 사용할 수 있습니다.", "12월 24일까지 사용할 수 있습니다."},
		{"weekday re-rendered", "12월 7일(월)부터", "12월 10일(목)부터"},
		{"short forms", "기간: 12/7~12/20, 12.20(일)까지", "기간: 12/10~12/24, 12.24(목)까지"},
		{"other days stay", "12월 17일, 12/70, 1.5배", "12월 17일, 12/70, 1.5배"},
		{"unrelated numbers stay", "1인 1매, 30% 할인(1,500원)", "1인 1매, 30% 할인(1,500원)"},
	}
	for _, c := range cases {
		if got := restate(c.in, []planFacts{opt}, to); got != c.want {
			t.Errorf("%s: restate(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

// One pass: moving the period by its own length does not rewrite the new
// start (= the old end) a second time.
func TestRestateIsOnePass(t *testing.T) {
	from := planFacts{count: 10, start: "2026-12-07", end: "2026-12-13"}
	to := planFacts{count: 20, start: "2026-12-13", end: "2026-12-19"}
	got := restate("12월 7일부터 12월 13일까지 10명, 20명 아님", []planFacts{from}, to)
	if want := "12월 13일부터 12월 19일까지 20명, 20명 아님"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Across months and years, and a range whose month then differs.
func TestRestateAcrossMonths(t *testing.T) {
	from := planFacts{count: 1000, start: "2026-12-07", end: "2026-12-20"}
	to := planFacts{count: 1200, start: "2026-12-28", end: "2027-01-03"}
	got := restate("12월 7일~20일, 선착순 1,000명 (1000명)", []planFacts{from}, to)
	if want := "12월 28일~1월 3일, 선착순 1,200명 (1,200명)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Text saved from an earlier edit (3명) follows the next edit too.
func TestRestateFromSavedPlan(t *testing.T) {
	opt := planFacts{count: 150, start: "2026-12-07", end: "2026-12-20"}
	saved := planFacts{count: 3, start: "2026-12-10", end: "2026-12-24"}
	to := planFacts{count: 5, start: "2026-12-10", end: "2026-12-24"}
	if got := restate("선착순 3명 · 12월 24일까지", []planFacts{opt, saved}, to); got != "선착순 5명 · 12월 24일까지" {
		t.Errorf("got %q", got)
	}
}
