package db

import "time"

// Times are stored as Unix microseconds (BIGINT / INTEGER) in every
// dialect: one format, exact to the microsecond, comparable as numbers.

// Micros is t as stored: Unix microseconds, 0 for the zero time.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros reads a stored time back, in UTC; 0 is the zero time.
func FromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}
