package kst

import (
	"strconv"
	"time"
)

// weekdays are the one-letter Korean weekday names, Sunday first.
var weekdays = [7]string{"일", "월", "화", "수", "목", "금", "토"}

// Weekday is the one-letter Korean name of t's KST weekday: "목".
func Weekday(t time.Time) string { return weekdays[t.In(Location).Weekday()] }

// Day shows t's KST calendar day as people read it on a poster: "12.25(목)"
// ("" for the zero time).
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	k := t.In(Location)
	return strconv.Itoa(int(k.Month())) + "." + strconv.Itoa(k.Day()) + "(" + Weekday(k) + ")"
}

// dayWithYear is Day with the year in front: "2026.12.29(화)".
func dayWithYear(t time.Time) string {
	return strconv.Itoa(t.In(Location).Year()) + "." + Day(t)
}

// LastDay is the last day a period ending at the exclusive instant end
// covers: an event stored as ending at midnight after 12-25 ends on 12-25.
func LastDay(end time.Time) time.Time { return end.Add(-time.Nanosecond) }

// Period shows the days of [start, end) — end exclusive, as events store
// it — inclusively, the way people read it: "12.19(금) ~ 12.25(목)", a
// one-day period as "12.25(목)", and a period across New Year with years:
// "2026.12.29(화) ~ 2027.1.4(월)". A zero start gives Until(end), a zero
// end "12.19(금)부터".
func Period(start, end time.Time) string {
	switch {
	case start.IsZero() && end.IsZero():
		return ""
	case start.IsZero():
		return Until(end)
	case end.IsZero():
		return Day(start) + "부터"
	}
	last := LastDay(end)
	if !last.After(start) {
		last = start
	}
	a, b := start.In(Location), last.In(Location)
	switch {
	case a.Year() != b.Year():
		return dayWithYear(a) + " ~ " + dayWithYear(b)
	case a.YearDay() == b.YearDay():
		return Day(a)
	}
	return Day(a) + " ~ " + Day(b)
}

// Until shows the last day of a period ending (exclusively) at end:
// "12.25(목)까지".
func Until(end time.Time) string {
	if end.IsZero() {
		return ""
	}
	return Day(LastDay(end)) + "까지"
}

// ParseDate reads a calendar day written YYYY-MM-DD as KST midnight.
func ParseDate(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, Location)
}

// Dates is Period for a plan's inclusive YYYY-MM-DD days ("2026-12-19",
// "2026-12-25" → "12.19(금) ~ 12.25(목)"); text that is not a date is shown
// as it is.
func Dates(first, last string) string {
	a, aerr := ParseDate(first)
	b, berr := ParseDate(last)
	if aerr != nil || berr != nil {
		if first == "" || last == "" {
			return first + last
		}
		return first + " ~ " + last
	}
	return Period(a, b.AddDate(0, 0, 1))
}
