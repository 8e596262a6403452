package ai

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/autoevent/autoevent/internal/messages"
)

// Tasks of a brief.
const (
	TaskProducts = "products" // Claude: event products and participation method
	TaskCopy     = "copy"     // GPT: promotional copy
)

// Markers around the brief JSON in the user message, so the brief can be
// found again (by the sandbox simulators, and in logs of prompts).
const (
	briefOpen  = "<brief>"
	briefClose = "</brief>"
)

// maxEchoRunes bounds how much of a bad answer is sent back in a repair turn.
const maxEchoRunes = 24000

// Brief is the structured input a remote model receives. Both providers get
// the same slots (the mechanic and participation method of each option,
// chosen by the local planner), which is what lets the products and the copy
// be written in parallel and still fit together.
type Brief struct {
	Task          string        `json:"task"`
	Request       Request       `json:"request"`
	TrendAnalysis TrendAnalysis `json:"trendAnalysis"`
	Slots         []Slot        `json:"slots"`
	// Reference is the local planner's draft, with its assumptions in each
	// description: a baseline to improve on, not to copy.
	Reference []Option `json:"reference"`
}

// Slot fixes what one option is about.
type Slot struct {
	OptionNumber      int               `json:"optionNumber"`
	MechanicsType     messages.Mechanic `json:"mechanicsType"`
	ParticipationType messages.Method   `json:"participationType"`
	Title             string            `json:"title"`
	Benefit           string            `json:"benefit"`
}

// SlotsOf returns the slots of a set of options.
func SlotsOf(opts []Option) []Slot {
	s := make([]Slot, len(opts))
	for i, o := range opts {
		s[i] = Slot{
			OptionNumber:      o.OptionNumber,
			MechanicsType:     o.Mechanics.Type,
			ParticipationType: o.ParticipationMethod.Type,
			Title:             o.Title,
			Benefit:           o.Mechanics.Details,
		}
	}
	return s
}

const productsSystem = `당신은 한국 소상공인의 이벤트를 기획하는 마케팅 전문가입니다.
입력(<brief>의 JSON)에는 매장 정보(request), 트렌드 분석(trendAnalysis), 세 개의 슬롯(slots), 로컬 기획 초안(reference)이 있습니다.
각 슬롯마다 이벤트 상품과 참여 방법을 하나씩, 모두 세 개 기획하세요.

규칙:
- 답은 JSON 객체 하나만 출력합니다. 설명이나 마크다운은 쓰지 않습니다.
- 형식: {"recommendations":[{"optionNumber":1,"concept":"","title":"","benefit":"","description":"","targetAudience":"","duration":{"recommendedDays":14,"recommendedPeriod":"2주","startDate":"YYYY-MM-DD","endDate":"YYYY-MM-DD"},"mechanics":{"type":"","details":""},"promotionChannels":[""],"estimatedCost":{"min":0,"max":0,"breakdown":{"항목":0}},"expectedMetrics":{"newCustomers":{"min":0,"max":0},"revenueIncrease":{"min":0,"max":0},"roi":{"min":0,"max":0}},"differentiator":"","participationMethod":{"type":"","couponCount":0}}]}
- optionNumber는 1, 2, 3이고 각 슬롯의 mechanicsType과 participationType을 그대로 mechanics.type과 participationMethod.type에 씁니다. 슬롯의 혜택(benefit)의 핵심 내용은 유지합니다.
- 모든 문장은 한국어로, 사장님이 바로 이해할 수 있게 구체적으로 씁니다.
- 금액은 원(KRW) 정수입니다. estimatedCost는 사장님이 실제로 쓰는 비용(채널 비용, 인쇄비, 할인액, 경품·사은품 원가)이고 min ≤ max, breakdown 항목의 합은 min 이상 max 이하입니다.
- revenueIncrease는 이벤트 기간과 이후 한 달의 매출 증가액(원), newCustomers는 신규 고객 수이며 모두 min ≤ max입니다.
- roi는 (이익 증가액 − 비용) / 비용 × 100 (%)이며 시스템이 다시 계산합니다. 이익 증가액(expectedMetrics.profitIncrease, 매출 증가액 × 마진율)을 적으면 그것으로, 없으면 매출 증가액으로 계산합니다.
- 손님은 전화번호 하나로 한 번만 참여합니다(선착순 쿠폰 또는 기간 후 추첨). 여러 번 방문해야 하는 스탬프 적립은 운영할 수 없으니 제안하지 않습니다.
- 사장님이 적은 목표(request.purposeText)에 상품이나 메뉴가 있으면 모든 안의 제목·콘셉트·혜택에 그 이름을 씁니다.
- description에 숫자의 산정 근거(노출, 참여율, 방문율, 객단가 등 가정)를 적습니다. reference의 가정을 기준으로 삼되 매장과 트렌드에 맞게 개선하세요.
- benefit은 손님이 받는 혜택(경품·할인)을 100자 이내로 짧게 씁니다(예: "아메리카노 30% 할인"). 제목을 되풀이하지 않습니다.
- participationMethod.couponCount는 선착순(FIRST_COME)이면 쿠폰·보상 수량, 추첨(LOTTERY)이면 당첨 인원입니다.
- 세 기획안의 제목(title)은 서로 달라야 합니다.`

const copySystem = `당신은 한국 소상공인 이벤트의 홍보 문구를 쓰는 카피라이터입니다.
입력(<brief>의 JSON)에는 매장 정보(request), 트렌드 분석(trendAnalysis), 세 개의 슬롯(slots)이 있습니다.
슬롯마다 SNS와 매장 포스터에 쓸 홍보 문구를 하나씩 쓰세요.

규칙:
- 답은 JSON 객체 하나만 출력합니다. 설명이나 마크다운은 쓰지 않습니다.
- 형식: {"copies":[{"optionNumber":1,"headline":"","body":"","hashtags":["#태그"]}]}
- optionNumber는 1, 2, 3이며 각 슬롯의 혜택(benefit)과 참여 방법(participationType: FIRST_COME은 선착순, LOTTERY는 추첨)을 정확히 전달합니다.
- 숫자(할인율, 인원, 날짜)는 슬롯의 benefit에 있는 것만 씁니다.
- headline은 60자 이내, body는 2~3문장 300자 이내, hashtags는 공백 없는 '#' 태그 3~7개입니다.
- 과장 광고, 최저가·1위 같은 근거 없는 표현, 개인정보 요구 문구는 쓰지 않습니다.`

// ProductsPrompt builds the prompt for the product provider.
func ProductsPrompt(req Request, analysis TrendAnalysis, draft []Option) Prompt {
	ref := make([]Option, len(draft))
	for i, o := range draft {
		o.Copy = Copy{}
		ref[i] = o
	}
	b := Brief{Task: TaskProducts, Request: req, TrendAnalysis: analysis, Slots: SlotsOf(draft), Reference: ref}
	return Prompt{
		System:   productsSystem,
		Messages: []Message{{Role: RoleUser, Content: briefMessage("아래 매장의 이벤트 기획안 세 개를 JSON으로 작성해 주세요.", b)}},
	}
}

// CopyPrompt builds the prompt for the copy provider.
func CopyPrompt(req Request, analysis TrendAnalysis, draft []Option) Prompt {
	ref := make([]Option, len(draft))
	copy(ref, draft)
	b := Brief{Task: TaskCopy, Request: req, TrendAnalysis: analysis, Slots: SlotsOf(draft), Reference: ref}
	return Prompt{
		System:   copySystem,
		Messages: []Message{{Role: RoleUser, Content: briefMessage("아래 세 이벤트의 홍보 문구를 JSON으로 작성해 주세요.", b)}},
		Schema:   &JSONSchema{Name: "event_copies", Schema: copiesSchema(), Strict: true},
	}
}

func briefMessage(ask string, b Brief) string {
	raw, _ := json.Marshal(b) // plain data types: cannot fail
	return ask + "\n" + briefOpen + "\n" + string(raw) + "\n" + briefClose
}

// RepairPrompt appends the bad answer and the validation problems, asking
// for the whole JSON again.
func RepairPrompt(p Prompt, badAnswer string, problem error) Prompt {
	echo := []rune(badAnswer)
	if len(echo) > maxEchoRunes {
		echo = echo[:maxEchoRunes]
	}
	msgs := slices.Clone(p.Messages)
	msgs = append(msgs,
		Message{Role: RoleAssistant, Content: string(echo)},
		Message{Role: RoleUser, Content: "위 답은 요구한 JSON 형식에 맞지 않습니다. 문제: " + problem.Error() +
			"\n문제를 모두 고쳐 JSON 객체 하나만 다시 출력해 주세요."},
	)
	p.Messages = msgs
	return p
}

// ParseBrief finds the brief in a prompt message.
func ParseBrief(text string) (Brief, error) {
	i := strings.Index(text, briefOpen)
	j := strings.LastIndex(text, briefClose)
	if i < 0 || j < i {
		return Brief{}, errors.New("ai: no brief in message")
	}
	var b Brief
	if err := json.Unmarshal([]byte(text[i+len(briefOpen):j]), &b); err != nil {
		return Brief{}, fmt.Errorf("ai: parse brief: %w", err)
	}
	return b, nil
}

// ParseProducts reads the product provider's answer: three options matching
// the slots. ROI is recomputed from cost and revenue. Any problem is an
// ErrInvalidOutput naming what is wrong, fit to send back for repair.
func ParseProducts(text string, slots []Slot) ([]Option, error) {
	var out struct {
		Recommendations []Option `json:"recommendations"`
	}
	if err := decodeJSON(text, &out); err != nil {
		return nil, err
	}
	opts := out.Recommendations
	slices.SortStableFunc(opts, func(a, b Option) int { return a.OptionNumber - b.OptionNumber })
	var p problems
	for i := range opts {
		o := &opts[i]
		o.Copy = Copy{}
		trimOption(o)
		o.RecomputeROI()
		if i < len(slots) && o.OptionNumber == slots[i].OptionNumber {
			if o.Mechanics.Type != slots[i].MechanicsType {
				p.add("recommendations[%d].mechanics.type is %q, the slot says %q", i, o.Mechanics.Type, slots[i].MechanicsType)
			}
			if o.ParticipationMethod.Type != slots[i].ParticipationType {
				p.add("recommendations[%d].participationMethod.type is %q, the slot says %q", i, o.ParticipationMethod.Type, slots[i].ParticipationType)
			}
		}
	}
	p.options(opts, false)
	if len(p) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidOutput, strings.Join(p, "; "))
	}
	return opts, nil
}

// ParseCopies reads the copy provider's answer: one copy per option 1..3.
// Hashtags are normalised (leading '#', no spaces, no duplicates).
func ParseCopies(text string) ([]Copy, error) {
	var out struct {
		Copies []struct {
			OptionNumber int      `json:"optionNumber"`
			Headline     string   `json:"headline"`
			Body         string   `json:"body"`
			Hashtags     []string `json:"hashtags"`
		} `json:"copies"`
	}
	if err := decodeJSON(text, &out); err != nil {
		return nil, err
	}
	var p problems
	copies := make([]Copy, OptionCount)
	seen := map[int]bool{}
	for i, c := range out.Copies {
		if c.OptionNumber < 1 || c.OptionNumber > OptionCount || seen[c.OptionNumber] {
			p.add("copies[%d].optionNumber %d must be one of 1..%d, once each", i, c.OptionNumber, OptionCount)
			continue
		}
		seen[c.OptionNumber] = true
		cp := Copy{Headline: strings.TrimSpace(c.Headline), Body: strings.TrimSpace(c.Body), Hashtags: normalizeTags(c.Hashtags)}
		p.copy(fmt.Sprintf("copies[%d]", i), cp)
		copies[c.OptionNumber-1] = cp
	}
	if len(seen) != OptionCount {
		p.add("copies must hold exactly %d entries for options 1..%d, got %d", OptionCount, OptionCount, len(out.Copies))
	}
	if len(p) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidOutput, strings.Join(p, "; "))
	}
	return copies, nil
}

// decodeJSON takes the JSON object out of a model answer, tolerating a
// markdown fence or words around it.
func decodeJSON(text string, v any) error {
	s := strings.TrimSpace(text)
	i, j := strings.Index(s, "{"), strings.LastIndex(s, "}")
	if i < 0 || j < i {
		return fmt.Errorf("%w: the answer holds no JSON object", ErrInvalidOutput)
	}
	if err := json.Unmarshal([]byte(s[i:j+1]), v); err != nil {
		return fmt.Errorf("%w: JSON does not parse: %v", ErrInvalidOutput, err)
	}
	return nil
}

func trimOption(o *Option) {
	for _, s := range []*string{&o.Concept, &o.Title, &o.Description, &o.TargetAudience, &o.Differentiator,
		&o.Mechanics.Details, &o.Duration.RecommendedPeriod, &o.Duration.StartDate, &o.Duration.EndDate} {
		*s = strings.TrimSpace(*s)
	}
	chs := o.PromotionChannels[:0]
	for _, c := range o.PromotionChannels {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(chs, c) {
			chs = append(chs, c)
		}
	}
	o.PromotionChannels = chs
}

func normalizeTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		w := tagWord(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		if w == "" {
			continue
		}
		w = "#" + w
		if !slices.Contains(out, w) && len(out) < MaxHashtags {
			out = append(out, w)
		}
	}
	return out
}

// copiesSchema is the JSON Schema of the copy answer, in the subset OpenAI
// strict structured output accepts (every property required, no extras).
func copiesSchema() map[string]any {
	str := map[string]any{"type": "string"}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"copies": map[string]any{
				"type": "array",
				"items": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"optionNumber": map[string]any{"type": "integer"},
						"headline":     str,
						"body":         str,
						"hashtags":     map[string]any{"type": "array", "items": str},
					},
					"required":             []string{"optionNumber", "headline", "body", "hashtags"},
					"additionalProperties": false,
				},
			},
		},
		"required":             []string{"copies"},
		"additionalProperties": false,
	}
}
