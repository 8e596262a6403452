package render

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/platform/kst"
)

// funcs are the template functions every page may use ("static" is added
// per Renderer).
var funcs = template.FuncMap{
	"won":      Won,
	"num":      Digits,
	"join":     strings.Join,
	"date":     DateKST,
	"datetime": DatetimeKST,
	// Event days, one way on every page (kst.Period): "12.19(토) ~ 12.25(금)".
	"period": kst.Period, // start, exclusive end
	"dates":  kst.Dates,  // a plan's inclusive YYYY-MM-DD days
	"day":    kst.Day,    // "12.19(토)"
	"until":  kst.Until,  // exclusive end → "12.25(금)까지"
	// ts shows an RFC 3339 time from an API answer read into a map.
	"ts": func(v any) string {
		str, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return str
		}
		return DatetimeKST(t)
	},
	"pct": func(v float64) string { return fmt.Sprintf("%.0f%%", v) },
	"add": func(a, b int) int { return a + b },
	// tel is a phone number's tel: link (digits and + only), which
	// html/template would otherwise refuse as an unsafe URL.
	"tel": func(phone string) template.URL {
		return template.URL("tel:" + strings.Map(func(r rune) rune {
			if (r >= '0' && r <= '9') || r == '+' {
				return r
			}
			return -1
		}, phone))
	},
	// fe picks one field's error for the "fielderr" partial.
	"fe": func(v View, name string) map[string]string {
		return map[string]string{"Name": name, "Msg": v.Fields[name]}
	},
	// inv marks an input invalid for assistive technology.
	"inv": func(v View, name string) template.HTMLAttr {
		if v.Fields[name] != "" {
			return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + name + `-error"`)
		}
		return ""
	},
}
