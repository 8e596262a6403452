// Package kst holds Korea Standard Time, the product's calendar: event
// periods, seasons, quiet hours for messages and dates shown to people are
// all KST (UTC+9, no daylight saving).
package kst

import "time"

// Location is Korea Standard Time.
var Location = time.FixedZone("KST", 9*60*60)
