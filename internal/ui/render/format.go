package render

import (
	"strconv"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/kst"
)

// Won shows an amount of money the Korean way: "1,250,000원".
func Won(n int64) string { return Digits(n) + "원" }

// Digits groups the digits of n by thousands: "-1,234".
func Digits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// DateKST shows the day of t in Korea Standard Time ("" for the zero time).
func DateKST(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(kst.Location).Format("2006.01.02")
}

// DatetimeKST shows t as Korea Standard Time, minutes precision ("" for the
// zero time).
func DatetimeKST(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(kst.Location).Format("2006.01.02 15:04")
}
