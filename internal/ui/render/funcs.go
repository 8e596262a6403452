package render

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// funcs are the template functions every page may use ("static" is added
// per Renderer).
var funcs = template.FuncMap{
	"won":      Won,
	"num":      Digits,
	"join":     strings.Join,
	"date":     DateKST,
	"datetime": DatetimeKST,
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
