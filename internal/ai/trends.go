package ai

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/autoevent/autoevent/internal/platform/kst"
)

//go:embed data/trends.json data/planner.json
var dataFS embed.FS

// Industry codes known to the knowledge base.
const (
	IndustryCafe       = "CAFE"
	IndustryRestaurant = "RESTAURANT"
	IndustryBakery     = "BAKERY"
	IndustryHair       = "HAIR"
	IndustryNail       = "NAIL"
	IndustryAcademy    = "ACADEMY"
	IndustryFitness    = "FITNESS"
	IndustryFlower     = "FLOWER"
	IndustryMart       = "MART"
	IndustryOther      = "OTHER"
)

// How many trends of each kind an analysis returns.
const (
	maxIndustryTrends  = 4
	maxRegionalTrends  = 4
	maxSeasonalTrends  = 5
	minMomentRelevance = 0.15
)

// TrendScope says which part of the analysis an extra trend belongs to.
type TrendScope string

// Trend scopes.
const (
	ScopeIndustry TrendScope = "industry"
	ScopeRegion   TrendScope = "region"
	ScopeSeason   TrendScope = "season"
)

// ExtraTrend is a trend added at run time, e.g. by the learning service.
// Key is the industry or region code it applies to ("" = all); Months, when
// set, limit it to those months (1–12). An extra trend with the keyword of a
// built-in one replaces it.
type ExtraTrend struct {
	Scope  TrendScope `json:"scope"`
	Key    string     `json:"key,omitempty"`
	Trend  Trend      `json:"trend"`
	Months []int      `json:"months,omitempty"`
}

// KB is the trend knowledge base shipped with the product: industries,
// the 17 시/도 and notable 시/군/구, seasons and Korean seasonal moments.
// It is safe for concurrent use.
type KB struct {
	industries map[string]*kbIndustry
	regions    map[string]*kbRegion
	regionList []*kbRegion
	districts  []*kbDistrict
	seasons    []*kbSeason
	moments    []*kbMoment

	mu    sync.RWMutex
	extra []ExtraTrend
}

type kbTrend struct {
	Keyword     string  `json:"keyword"`
	Relevance   float64 `json:"relevance"`
	Description string  `json:"description"`
	Months      []int   `json:"months"`
}

type kbIndustry struct {
	Code    string    `json:"code"`
	Name    string    `json:"name"`
	Aliases []string  `json:"aliases"`
	Trends  []kbTrend `json:"trends"`
}

type kbRegion struct {
	Code            string    `json:"code"`
	Name            string    `json:"name"`
	Aliases         []string  `json:"aliases"`
	Audience        string    `json:"audience"`
	ReachFactor     float64   `json:"reachFactor"`
	BloomOffsetDays int       `json:"bloomOffsetDays"`
	Channels        []string  `json:"channels"`
	Trends          []kbTrend `json:"trends"`
}

type kbDistrict struct {
	Region      string    `json:"region"`
	Name        string    `json:"name"`
	Aliases     []string  `json:"aliases"`
	Audience    string    `json:"audience"`
	ReachFactor float64   `json:"reachFactor"`
	Trends      []kbTrend `json:"trends"`
}

type kbSeason struct {
	Code   string    `json:"code"`
	Name   string    `json:"name"`
	Months []int     `json:"months"`
	Trends []kbTrend `json:"trends"`
}

type kbMoment struct {
	Key           string             `json:"key"`
	Name          string             `json:"name"`
	Theme         string             `json:"theme"`
	Description   string             `json:"description"`
	Month         int                `json:"month"`
	Day           int                `json:"day"`
	EndMonth      int                `json:"endMonth"`
	EndDay        int                `json:"endDay"`
	Lunar         bool               `json:"lunar"`
	Rule          string             `json:"rule"`
	Dates         map[string]string  `json:"dates"`
	RegionalBloom bool               `json:"regionalBloom"`
	Lead          int                `json:"lead"`
	After         int                `json:"after"`
	Weights       map[string]float64 `json:"weights"`
	DefaultWeight float64            `json:"defaultWeight"`
}

type kbFile struct {
	Industries []*kbIndustry `json:"industries"`
	Regions    []*kbRegion   `json:"regions"`
	Districts  []*kbDistrict `json:"districts"`
	Seasons    []*kbSeason   `json:"seasons"`
	Moments    []*kbMoment   `json:"moments"`
}

// NewKB loads the knowledge base shipped in the binary.
func NewKB() (*KB, error) {
	raw, err := dataFS.ReadFile("data/trends.json")
	if err != nil {
		return nil, fmt.Errorf("ai: read trend data: %w", err)
	}
	return parseKB(raw)
}

func parseKB(raw []byte) (*KB, error) {
	var f kbFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("ai: parse trend data: %w", err)
	}
	kb := &KB{industries: map[string]*kbIndustry{}, regions: map[string]*kbRegion{}}
	for _, in := range f.Industries {
		kb.industries[in.Code] = in
	}
	if kb.industries[IndustryOther] == nil {
		return nil, fmt.Errorf("ai: trend data has no %s industry", IndustryOther)
	}
	for _, r := range f.Regions {
		if r.ReachFactor <= 0 {
			return nil, fmt.Errorf("ai: region %s: reachFactor must be positive", r.Code)
		}
		kb.regions[r.Code] = r
	}
	kb.regionList = f.Regions
	for _, d := range f.Districts {
		if kb.regions[d.Region] == nil {
			return nil, fmt.Errorf("ai: district %s: unknown region %s", d.Name, d.Region)
		}
	}
	kb.districts = f.Districts
	kb.seasons = f.Seasons
	kb.moments = f.Moments
	for _, m := range f.Moments {
		if m.Lead < 0 || m.After < 0 {
			return nil, fmt.Errorf("ai: moment %s: negative window", m.Key)
		}
		for y, d := range m.Dates {
			if _, err := time.ParseInLocation(time.DateOnly, d, kst.Location); err != nil || !strings.HasPrefix(d, y) {
				return nil, fmt.Errorf("ai: moment %s: bad date %s=%s", m.Key, y, d)
			}
		}
	}
	return kb, nil
}

// AddTrends adds trends at run time (the learning service's hook).
func (kb *KB) AddTrends(extra ...ExtraTrend) error {
	for _, e := range extra {
		switch e.Scope {
		case ScopeIndustry, ScopeRegion, ScopeSeason:
		default:
			return fmt.Errorf("%w: unknown trend scope %q", ErrInvalidRequest, e.Scope)
		}
		if strings.TrimSpace(e.Trend.Keyword) == "" || strings.TrimSpace(e.Trend.Description) == "" ||
			!(e.Trend.Relevance >= 0 && e.Trend.Relevance <= 1) {
			return fmt.Errorf("%w: extra trend needs keyword, description and relevance in [0,1]", ErrInvalidRequest)
		}
		for _, m := range e.Months {
			if m < 1 || m > 12 {
				return fmt.Errorf("%w: extra trend month %d", ErrInvalidRequest, m)
			}
		}
	}
	kb.mu.Lock()
	kb.extra = append(kb.extra, extra...)
	kb.mu.Unlock()
	return nil
}

// IndustryCode resolves an industry code or Korean name to a known code,
// OTHER when nothing matches.
func (kb *KB) IndustryCode(code, name string) string {
	if in := kb.industries[strings.ToUpper(strings.TrimSpace(code))]; in != nil {
		return in.Code
	}
	for _, s := range []string{code, name} {
		s = compact(s)
		if s == "" {
			continue
		}
		for _, in := range kb.industries {
			for _, a := range in.Aliases {
				if s == compact(a) {
					return in.Code
				}
			}
		}
		// Longer names such as "동네 커피전문점": a contained alias decides.
		for _, code := range sortedKeys(kb.industries) {
			in := kb.industries[code]
			for _, a := range in.Aliases {
				if len([]rune(a)) >= 2 && strings.Contains(s, compact(a)) && in.Code != IndustryOther {
					return in.Code
				}
			}
		}
	}
	return IndustryOther
}

// RegionCode resolves a 시/도 name (full, short or code) to its code, "" if unknown.
func (kb *KB) RegionCode(sido string) string {
	r := kb.region(sido)
	if r == nil {
		return ""
	}
	return r.Code
}

func (kb *KB) region(sido string) *kbRegion {
	if r := kb.regions[strings.ToUpper(strings.TrimSpace(sido))]; r != nil {
		return r
	}
	s := compact(sido)
	if s == "" {
		return nil
	}
	for _, r := range kb.regionList {
		for _, a := range r.Aliases {
			if s == compact(a) {
				return r
			}
		}
	}
	// "서울특별시 강남구" in one field: the longest alias at the start decides.
	var best *kbRegion
	bestLen := 0
	for _, r := range kb.regionList {
		for _, a := range r.Aliases {
			if ca := compact(a); strings.HasPrefix(s, ca) && len(ca) > bestLen {
				best, bestLen = r, len(ca)
			}
		}
	}
	return best
}

func (kb *KB) district(r *kbRegion, sigungu string) *kbDistrict {
	s := compact(sigungu)
	if r == nil || s == "" {
		return nil
	}
	for _, d := range kb.districts {
		if d.Region != r.Code {
			continue
		}
		for _, a := range d.Aliases {
			if strings.Contains(s, compact(a)) {
				return d
			}
		}
	}
	return nil
}

// TrendCacheKey is the seed's cache key ai:trend:{industry}:{region} for the
// request (region = 시/도 code, plus 시/군/구 when given). The seasonal part
// of an analysis depends on the day, so cache analyses made for "now" only,
// with the seed's 24 h TTL.
func (kb *KB) TrendCacheKey(req Request) string {
	region := kb.RegionCode(req.Region.Sido)
	if region == "" {
		region = "UNKNOWN"
	}
	if sg := compact(req.Region.Sigungu); sg != "" {
		region += "/" + sg
	}
	return "ai:trend:" + kb.IndustryCode(req.Industry, req.IndustryName) + ":" + region
}

// Analyze returns the trend analysis for the store's industry, region and
// the season of the reference date (zero date: now).
func (kb *KB) Analyze(req Request) TrendAnalysis {
	return kb.context(req).analysis
}

// planContext is everything the planner derives from the knowledge base.
type planContext struct {
	industry      *kbIndustry
	industryLabel string
	region        *kbRegion // nil when unknown
	district      *kbDistrict
	season        *kbSeason
	moments       []momentHit // relevant moments, most relevant first
	ref           time.Time   // reference date, midnight KST
	analysis      TrendAnalysis
}

type momentHit struct {
	m          *kbMoment
	start, end time.Time
	relevance  float64
}

// top returns the most relevant moment or nil.
func (c *planContext) top() *momentHit {
	if len(c.moments) == 0 {
		return nil
	}
	return &c.moments[0]
}

func (kb *KB) context(req Request) *planContext {
	ref := req.ReferenceDate
	if ref.IsZero() {
		ref = time.Now()
	}
	ref = ref.In(kst.Location)
	ref = time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, kst.Location)
	month := int(ref.Month())

	c := &planContext{ref: ref}
	c.industry = kb.industries[kb.IndustryCode(req.Industry, req.IndustryName)]
	c.industryLabel = c.industry.Name
	if c.industry.Code == IndustryOther {
		c.industryLabel = "매장"
		if n := strings.TrimSpace(req.IndustryName); n != "" && len([]rune(n)) <= 20 {
			c.industryLabel = n
		}
	}
	c.region = kb.region(req.Region.Sido)
	c.district = kb.district(c.region, req.Region.Sigungu)
	for _, s := range kb.seasons {
		if slices.Contains(s.Months, month) {
			c.season = s
		}
	}

	kb.mu.RLock()
	extra := slices.Clone(kb.extra)
	kb.mu.RUnlock()

	// Industry trends.
	var ind []Trend
	for _, t := range c.industry.Trends {
		ind = append(ind, t.at(month))
	}
	ind = mergeExtra(ind, extra, ScopeIndustry, c.industry.Code, month)
	c.analysis.IndustryTrends = topTrends(ind, maxIndustryTrends)

	// Regional trends: the district first, then the 시/도.
	var reg []Trend
	if c.district != nil {
		for _, t := range c.district.Trends {
			reg = append(reg, t.at(month))
		}
	}
	regionCode := ""
	if c.region != nil {
		regionCode = c.region.Code
		for _, t := range c.region.Trends {
			reg = append(reg, t.at(month))
		}
	} else {
		reg = append(reg, Trend{Keyword: "생활권 고객", Relevance: 0.5,
			Description: "매장 주변 생활권 고객이 주요 고객입니다"})
	}
	reg = mergeExtra(reg, extra, ScopeRegion, regionCode, month)
	c.analysis.RegionalTrends = topTrends(reg, maxRegionalTrends)

	// Seasonal trends: moments near the reference date, then the season.
	c.moments = kb.momentsAt(ref, c.industry.Code, c.region)
	var sea []Trend
	for _, h := range c.moments {
		sea = append(sea, Trend{
			Keyword:     h.m.Name,
			Relevance:   h.relevance,
			Description: fmt.Sprintf("%s (%s)", h.m.Description, dateSpan(h.start, h.end)),
		})
	}
	if c.season != nil {
		for _, t := range c.season.Trends {
			sea = append(sea, t.at(month))
		}
	}
	sea = mergeExtra(sea, extra, ScopeSeason, "", month)
	c.analysis.SeasonalTrends = topTrends(sea, maxSeasonalTrends)
	return c
}

// momentsAt scores every moment for the reference date: rising from 0.5 at
// the start of its lead window to 1 on the day, 1 while it lasts, falling
// from 0.8 to 0.4 in its after window; times the industry weight.
func (kb *KB) momentsAt(ref time.Time, industry string, region *kbRegion) []momentHit {
	var hits []momentHit
	for _, m := range kb.moments {
		w, ok := m.Weights[industry]
		if !ok {
			w = m.DefaultWeight
		}
		best := momentHit{m: m}
		for y := ref.Year() - 1; y <= ref.Year()+1; y++ {
			start, end, ok := m.occurrence(y, region)
			if !ok {
				continue
			}
			var prox float64
			switch {
			case ref.Before(start.AddDate(0, 0, -m.Lead)) || ref.After(end.AddDate(0, 0, m.After)):
				continue
			case ref.Before(start):
				prox = 1 - 0.5*days(ref, start)/float64(max(m.Lead, 1))
			case !ref.After(end):
				prox = 1
			default:
				prox = 0.8 - 0.4*days(end, ref)/float64(max(m.After, 1))
			}
			if r := round2(prox * w); r > best.relevance {
				best.relevance, best.start, best.end = r, start, end
			}
		}
		if best.relevance >= minMomentRelevance {
			hits = append(hits, best)
		}
	}
	slices.SortStableFunc(hits, func(a, b momentHit) int {
		switch {
		case a.relevance > b.relevance:
			return -1
		case a.relevance < b.relevance:
			return 1
		}
		return a.start.Compare(b.start)
	})
	return hits
}

// occurrence is the moment's window in year y; false when it is unknown
// (a lunar holiday outside the date table).
func (m *kbMoment) occurrence(y int, region *kbRegion) (start, end time.Time, ok bool) {
	switch {
	case m.Lunar || (m.Rule != "" && m.Dates[fmt.Sprint(y)] != ""):
		d, found := m.Dates[fmt.Sprint(y)]
		if !found {
			return time.Time{}, time.Time{}, false
		}
		start, _ = time.ParseInLocation(time.DateOnly, d, kst.Location)
		end = start
	case m.Rule == "suneung":
		// 수능 is usually on the second or third Thursday of November; the
		// table holds announced dates, the third Thursday is the estimate.
		start = nthWeekday(y, time.November, time.Thursday, 3)
		end = start
	default:
		start = time.Date(y, time.Month(m.Month), m.Day, 0, 0, 0, 0, kst.Location)
		end = start
		if m.EndMonth != 0 {
			end = time.Date(y, time.Month(m.EndMonth), m.EndDay, 0, 0, 0, 0, kst.Location)
		}
	}
	if m.RegionalBloom && region != nil {
		start = start.AddDate(0, 0, region.BloomOffsetDays)
		end = end.AddDate(0, 0, region.BloomOffsetDays)
	}
	return start, end, true
}

func nthWeekday(y int, mo time.Month, wd time.Weekday, n int) time.Time {
	t := time.Date(y, mo, 1, 0, 0, 0, 0, kst.Location)
	for t.Weekday() != wd {
		t = t.AddDate(0, 0, 1)
	}
	return t.AddDate(0, 0, 7*(n-1))
}

// at is the trend's relevance in a month: raised in its months, lowered outside them.
func (t kbTrend) at(month int) Trend {
	r := t.Relevance
	if len(t.Months) > 0 {
		if slices.Contains(t.Months, month) {
			r = math.Min(1, r+0.1)
		} else {
			r = math.Max(0.1, r-0.35)
		}
	}
	return Trend{Keyword: t.Keyword, Relevance: round2(r), Description: t.Description}
}

func mergeExtra(ts []Trend, extra []ExtraTrend, scope TrendScope, key string, month int) []Trend {
	for _, e := range extra {
		if e.Scope != scope || (e.Key != "" && !strings.EqualFold(e.Key, key)) {
			continue
		}
		if len(e.Months) > 0 && !slices.Contains(e.Months, month) {
			continue
		}
		t := e.Trend
		t.Relevance = round2(t.Relevance)
		if i := slices.IndexFunc(ts, func(x Trend) bool { return x.Keyword == t.Keyword }); i >= 0 {
			ts[i] = t
		} else {
			ts = append(ts, t)
		}
	}
	return ts
}

// topTrends sorts by relevance (stable: data order breaks ties) and keeps n.
func topTrends(ts []Trend, n int) []Trend {
	slices.SortStableFunc(ts, func(a, b Trend) int {
		switch {
		case a.Relevance > b.Relevance:
			return -1
		case a.Relevance < b.Relevance:
			return 1
		}
		return 0
	})
	if len(ts) > n {
		ts = ts[:n]
	}
	if ts == nil {
		ts = []Trend{}
	}
	return ts
}

func dateSpan(start, end time.Time) string {
	if start.Equal(end) {
		return fmt.Sprintf("%d월 %d일", start.Month(), start.Day())
	}
	return fmt.Sprintf("%d월 %d일~%d월 %d일", start.Month(), start.Day(), end.Month(), end.Day())
}

func days(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// compact lower-cases and removes spaces so "서울 특별시" matches "서울특별시".
func compact(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
