package e2e

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/api.md from the served OpenAPI document")

const apiDoc = "../../docs/api.md"

// routesHeading starts the part of docs/api.md made from the document.
const routesHeading = "## Routes\n"

// docs/api.md lists the routes of the document the app serves; `make docs`
// regenerates it, and this test fails when someone forgot to.
func TestAPIDocIsCurrent(t *testing.T) {
	e := Start(t)
	res := e.Do("GET", "/api/v1/openapi.json", "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET openapi.json = %d", res.Status)
	}
	table, err := routeTable(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(apiDoc)
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(string(old), routesHeading)
	if !ok {
		t.Fatalf("%s has no %q section", apiDoc, strings.TrimSpace(routesHeading))
	}
	want := head + routesHeading + "\n" + table
	if *updateDocs {
		if err := os.WriteFile(apiDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(old) != want {
		t.Errorf("docs/api.md does not match the served OpenAPI document: run `make docs`")
	}
}

// routeTable renders the operations of an OpenAPI document as the Markdown
// table of docs/api.md, by service in the order of the journey.
func routeTable(spec []byte) (string, error) {
	var doc struct {
		Paths map[string]map[string]struct {
			Tags      []string                                    `json:"tags"`
			Summary   string                                      `json:"summary"`
			Security  []map[string]any                            `json:"security"`
			Responses map[string]struct{ Content map[string]any } `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(spec, &doc); err != nil {
		return "", err
	}
	order := map[string]int{"user": 0, "event": 1, "ai": 2, "participation": 3}
	rank := func(svc string) int {
		if r, ok := order[svc]; ok {
			return r
		}
		return len(order)
	}
	type row struct{ svc, method, path, access, answers, what string }
	var rows []row
	for path, ops := range doc.Paths {
		for method, op := range ops {
			access := "public"
			if len(op.Security) > 0 {
				access = "owner"
			}
			var answers []string
			for status, r := range op.Responses {
				if strings.HasSuffix(status, "XX") {
					continue // problem+json errors, the same for every route
				}
				a := status
				for media := range r.Content {
					if media != "application/json" {
						a += " " + media
					}
				}
				answers = append(answers, a)
			}
			slices.Sort(answers)
			rows = append(rows, row{op.Tags[0], strings.ToUpper(method), path, access, strings.Join(answers, ", "),
				strings.ReplaceAll(op.Summary, "|", "/")})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if rank(a.svc) != rank(b.svc) {
			return rank(a.svc) < rank(b.svc)
		}
		if a.svc != b.svc {
			return a.svc < b.svc
		}
		if a.path != b.path {
			return a.path < b.path
		}
		return a.method < b.method
	})
	var b strings.Builder
	b.WriteString("| service | method | path | access | answers | what |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s | %s |\n", r.svc, r.method, r.path, r.access, r.answers, r.what)
	}
	return b.String(), nil
}
