package kst

import (
	"testing"
	"time"
)

// day is KST midnight of y-m-d.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Location) }

func TestDay(t *testing.T) {
	cases := []struct {
		in   time.Time
		want string
	}{
		{day(2026, 12, 25), "12.25(금)"},
		{day(2026, 12, 19), "12.19(토)"},
		{day(2027, 1, 4), "1.4(월)"},
		// 15:30 UTC on the 24th is already the 25th in Korea.
		{time.Date(2026, 12, 24, 15, 30, 0, 0, time.UTC), "12.25(금)"},
		// 14:59 UTC is still the 24th.
		{time.Date(2026, 12, 24, 14, 59, 0, 0, time.UTC), "12.24(목)"},
		{time.Time{}, ""},
	}
	for _, c := range cases {
		if got := Day(c.in); got != c.want {
			t.Errorf("Day(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// An event's end is stored as midnight after its last day; the last day,
// not the next one, is what people must read.
func TestPeriodShowsTheInclusiveLastDay(t *testing.T) {
	cases := []struct {
		name       string
		start, end time.Time
		want       string
	}{
		{"week", day(2026, 12, 19), day(2026, 12, 26), "12.19(토) ~ 12.25(금)"},
		{"stored in UTC", day(2026, 12, 19).UTC(), day(2026, 12, 26).UTC(), "12.19(토) ~ 12.25(금)"},
		{"month boundary", day(2026, 11, 28), day(2026, 12, 1), "11.28(토) ~ 11.30(월)"},
		{"ends on the last of February", day(2027, 2, 20), day(2027, 3, 1), "2.20(토) ~ 2.28(일)"},
		{"leap year", day(2028, 2, 27), day(2028, 3, 1), "2.27(일) ~ 2.29(화)"},
		{"year boundary", day(2026, 12, 29), day(2027, 1, 5), "2026.12.29(화) ~ 2027.1.4(월)"},
		{"ends on New Year's Eve", day(2026, 12, 24), day(2027, 1, 1), "12.24(목) ~ 12.31(목)"},
		{"one day", day(2026, 12, 25), day(2026, 12, 26), "12.25(금)"},
		{"end not at midnight", day(2026, 12, 19), time.Date(2026, 12, 25, 14, 0, 0, 0, Location), "12.19(토) ~ 12.25(금)"},
		{"no end", day(2026, 12, 19), time.Time{}, "12.19(토)부터"},
		{"no start", time.Time{}, day(2026, 12, 26), "12.25(금)까지"},
	}
	for _, c := range cases {
		if got := Period(c.start, c.end); got != c.want {
			t.Errorf("%s: Period = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestUntil(t *testing.T) {
	if got := Until(day(2026, 12, 26)); got != "12.25(금)까지" {
		t.Errorf("Until = %q", got)
	}
	if got := Until(day(2027, 1, 1).UTC()); got != "12.31(목)까지" {
		t.Errorf("Until across the year = %q", got)
	}
	if Until(time.Time{}) != "" {
		t.Error("Until of zero time not empty")
	}
}

func TestDatesAreInclusive(t *testing.T) {
	cases := [][3]string{
		{"2026-12-19", "2026-12-25", "12.19(토) ~ 12.25(금)"},
		{"2026-12-25", "2026-12-25", "12.25(금)"},
		{"2026-12-30", "2027-01-02", "2026.12.30(수) ~ 2027.1.2(토)"},
		{"2026-12-19", "", "2026-12-19"},
		{"soon", "later", "soon ~ later"},
	}
	for _, c := range cases {
		if got := Dates(c[0], c[1]); got != c[2] {
			t.Errorf("Dates(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestWeekday(t *testing.T) {
	want := []string{"월", "화", "수", "목", "금", "토", "일"}
	for i, w := range want {
		if got := Weekday(day(2026, 12, 7+i)); got != w {
			t.Errorf("Weekday(12-%d) = %q, want %q", 7+i, got, w)
		}
	}
}
