package ai

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func productsJSON(t *testing.T, opts []Option) string {
	t.Helper()
	stripped := make([]Option, len(opts))
	for i, o := range opts {
		o.Copy = Copy{}
		stripped[i] = o
	}
	raw, err := json.Marshal(map[string]any{"recommendations": stripped})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestParseProducts(t *testing.T) {
	_, draft := testPlanner(t).Plan(baseRequest())
	slots := SlotsOf(draft)
	good := productsJSON(t, draft)

	t.Run("valid, fenced, out of order, ROI recomputed", func(t *testing.T) {
		var doc struct {
			Recommendations []Option `json:"recommendations"`
		}
		_ = json.Unmarshal([]byte(good), &doc)
		doc.Recommendations[0], doc.Recommendations[2] = doc.Recommendations[2], doc.Recommendations[0]
		doc.Recommendations[1].ExpectedMetrics.ROI = IntRange{Min: 1, Max: 99999} // a model's bad arithmetic
		raw, _ := json.Marshal(doc)
		opts, err := ParseProducts("여기 있습니다:\n```json\n"+string(raw)+"\n```", slots)
		if err != nil {
			t.Fatalf("ParseProducts: %v", err)
		}
		for i, o := range opts {
			if o.OptionNumber != i+1 {
				t.Errorf("option %d has number %d", i, o.OptionNumber)
			}
			if o.ExpectedMetrics.ROI != draft[i].ExpectedMetrics.ROI {
				t.Errorf("option %d ROI %v, want recomputed %v", i+1, o.ExpectedMetrics.ROI, draft[i].ExpectedMetrics.ROI)
			}
		}
	})

	bad := []struct {
		name, text, want string
	}{
		{"prose", "세 가지 이벤트를 추천드립니다.", "no JSON object"},
		{"truncated", good[:len(good)/2], "does not parse"},
		{"two options", `{"recommendations":[` + strings.Join(strings.SplitN(strings.TrimSuffix(strings.TrimPrefix(good, `{"recommendations":[`), "]}"), `},{"optionNumber":3`, 2)[:1], "") + `}]}`, "exactly 3 options"},
		{"slot mechanic changed", strings.Replace(good, `"type":"`+string(draft[1].Mechanics.Type)+`"`, `"type":"DISCOUNT"`, 1), "the slot says"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProducts(tt.text, slots)
			if !errors.Is(err, ErrInvalidOutput) {
				t.Fatalf("ParseProducts error = %v, want ErrInvalidOutput", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestParseCopies(t *testing.T) {
	got, err := ParseCopies(`{"copies":[
	 {"optionNumber":2,"headline":" 둘 ","body":"본문 둘","hashtags":["추첨 이벤트","#추첨이벤트","#카페"]},
	 {"optionNumber":1,"headline":"하나","body":"본문 하나","hashtags":["#선착순"]},
	 {"optionNumber":3,"headline":"셋","body":"본문 셋","hashtags":["#스탬프!"]}]}`)
	if err != nil {
		t.Fatalf("ParseCopies: %v", err)
	}
	if got[1].Headline != "둘" || strings.Join(got[1].Hashtags, ",") != "#추첨이벤트,#카페" {
		t.Errorf("copy 2 = %+v, want trimmed headline and normalised, deduplicated tags", got[1])
	}
	if got[2].Hashtags[0] != "#스탬프" {
		t.Errorf("tag = %q, want #스탬프", got[2].Hashtags[0])
	}
	for _, tt := range []struct{ name, text string }{
		{"missing option", `{"copies":[{"optionNumber":1,"headline":"a","body":"b","hashtags":["#a"]},{"optionNumber":2,"headline":"a","body":"b","hashtags":["#a"]}]}`},
		{"duplicate option", `{"copies":[{"optionNumber":1,"headline":"a","body":"b","hashtags":["#a"]},{"optionNumber":1,"headline":"a","body":"b","hashtags":["#a"]},{"optionNumber":3,"headline":"a","body":"b","hashtags":["#a"]}]}`},
		{"empty headline", `{"copies":[{"optionNumber":1,"headline":"","body":"b","hashtags":["#a"]},{"optionNumber":2,"headline":"a","body":"b","hashtags":["#a"]},{"optionNumber":3,"headline":"a","body":"b","hashtags":["#a"]}]}`},
		{"no tags", `{"copies":[{"optionNumber":1,"headline":"a","body":"b","hashtags":[]},{"optionNumber":2,"headline":"a","body":"b","hashtags":["#a"]},{"optionNumber":3,"headline":"a","body":"b","hashtags":["#a"]}]}`},
	} {
		if _, err := ParseCopies(tt.text); !errors.Is(err, ErrInvalidOutput) {
			t.Errorf("%s: error = %v, want ErrInvalidOutput", tt.name, err)
		}
	}
}

func TestBriefRoundTrip(t *testing.T) {
	req := baseRequest()
	a, draft := testPlanner(t).Plan(req)
	p := ProductsPrompt(req, a, draft)
	b, err := ParseBrief(p.Messages[0].Content)
	if err != nil {
		t.Fatalf("ParseBrief: %v", err)
	}
	if b.Task != TaskProducts || b.Request.EventID != req.EventID || len(b.Slots) != 3 || len(b.Reference) != 3 {
		t.Fatalf("brief = task %q event %q slots %d reference %d", b.Task, b.Request.EventID, len(b.Slots), len(b.Reference))
	}
	if b.Reference[0].Copy.Headline != "" {
		t.Error("the products brief carries copy; it should not")
	}
	if !strings.Contains(p.Messages[0].Content, "JSON") || !strings.Contains(p.System, "JSON") {
		t.Error("prompts must mention JSON (OpenAI json_object mode requires it)")
	}
	cp := CopyPrompt(req, a, draft)
	if cp.Schema == nil || cp.Schema.Name != "event_copies" || !cp.Schema.Strict {
		t.Fatalf("copy prompt schema = %+v", cp.Schema)
	}
	r := RepairPrompt(cp, "nope", errors.New("copies must hold exactly 3"))
	if len(r.Messages) != 3 || r.Messages[1].Role != RoleAssistant || !strings.Contains(r.Messages[2].Content, "exactly 3") {
		t.Errorf("repair prompt = %+v", r.Messages)
	}
	if len(cp.Messages) != 1 {
		t.Error("RepairPrompt changed the original prompt's messages")
	}
}
