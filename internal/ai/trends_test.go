package ai

import (
	"slices"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/kst"
)

func testKB(t testing.TB) *KB {
	t.Helper()
	kb, err := NewKB()
	if err != nil {
		t.Fatalf("NewKB: %v", err)
	}
	return kb
}

func TestRegionCode(t *testing.T) {
	kb := testKB(t)
	tests := []struct{ in, want string }{
		{"서울", "SEOUL"}, {"서울특별시", "SEOUL"}, {"서울 특별시", "SEOUL"}, {"seoul", "SEOUL"},
		{"서울특별시 강남구", "SEOUL"}, {"강원도", "GANGWON"}, {"강원특별자치도", "GANGWON"},
		{"전라북도", "JEONBUK"}, {"전북특별자치도", "JEONBUK"}, {"제주", "JEJU"}, {"세종시", "SEJONG"},
		{"광주광역시", "GWANGJU"}, {"경기", "GYEONGGI"}, {"", ""}, {"아틀란티스", ""},
	}
	for _, tt := range tests {
		if got := kb.RegionCode(tt.in); got != tt.want {
			t.Errorf("RegionCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := len(kb.regionList); n != 17 {
		t.Errorf("knowledge base has %d 시/도, want 17", n)
	}
}

func TestIndustryCode(t *testing.T) {
	kb := testKB(t)
	tests := []struct{ code, name, want string }{
		{"CAFE", "", "CAFE"}, {"cafe", "", "CAFE"}, {"", "카페", "CAFE"}, {"", "커피전문점", "CAFE"},
		{"", "동네 커피전문점", "CAFE"}, {"", "헬스장", "FITNESS"}, {"", "필라테스", "FITNESS"},
		{"", "제과점", "BAKERY"}, {"", "식당", "RESTAURANT"}, {"", "꽃집", "FLOWER"}, {"", "편의점", "MART"},
		{"PET", "애견샵", "OTHER"}, {"", "", "OTHER"},
	}
	for _, tt := range tests {
		if got := kb.IndustryCode(tt.code, tt.name); got != tt.want {
			t.Errorf("IndustryCode(%q, %q) = %q, want %q", tt.code, tt.name, got, tt.want)
		}
	}
}

func keywords(ts []Trend) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Keyword
	}
	return out
}

func relevanceOf(ts []Trend, kw string) float64 {
	for _, t := range ts {
		if t.Keyword == kw {
			return t.Relevance
		}
	}
	return -1
}

func TestAnalyzeSeasonalMoments(t *testing.T) {
	kb := testKB(t)
	tests := []struct {
		name     string
		industry string
		sido     string
		date     time.Time
		want     string // a seasonal keyword that must be present
	}{
		{"seollal 2026 (lunar table)", IndustryMart, "서울", time.Date(2026, 2, 1, 0, 0, 0, 0, kst.Location), "설날"},
		{"chuseok 2025", IndustryMart, "부산", time.Date(2025, 9, 20, 0, 0, 0, 0, kst.Location), "추석"},
		{"valentine", IndustryBakery, "대구", time.Date(2025, 2, 5, 0, 0, 0, 0, kst.Location), "발렌타인데이"},
		{"white day", IndustryFlower, "서울", time.Date(2025, 3, 5, 0, 0, 0, 0, kst.Location), "화이트데이"},
		{"parents day", IndustryFlower, "경기", time.Date(2025, 4, 28, 0, 0, 0, 0, kst.Location), "어버이날"},
		{"suneung 2026", IndustryAcademy, "대구", time.Date(2026, 11, 1, 0, 0, 0, 0, kst.Location), "수능"},
		{"after suneung", IndustryHair, "서울", time.Date(2025, 11, 25, 0, 0, 0, 0, kst.Location), "수능"},
		{"pepero", IndustryMart, "인천", time.Date(2025, 11, 1, 0, 0, 0, 0, kst.Location), "빼빼로데이"},
		{"christmas", IndustryBakery, "서울", time.Date(2025, 12, 10, 0, 0, 0, 0, kst.Location), "크리스마스"},
		{"boknal", IndustryRestaurant, "대전", time.Date(2025, 7, 10, 0, 0, 0, 0, kst.Location), "복날"},
		{"new year across the year end", IndustryFitness, "서울", time.Date(2025, 12, 20, 0, 0, 0, 0, kst.Location), "새해"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := kb.Analyze(Request{Industry: tt.industry, Region: Region{Sido: tt.sido}, ReferenceDate: tt.date})
			if err := a.Validate(); err != nil {
				t.Fatalf("analysis invalid: %v", err)
			}
			if !slices.Contains(keywords(a.SeasonalTrends), tt.want) {
				t.Errorf("seasonal trends = %v, want %q among them", keywords(a.SeasonalTrends), tt.want)
			}
		})
	}
}

func TestAnalyzeVariesWithInputs(t *testing.T) {
	kb := testKB(t)
	// Cherry blossoms open earlier in Jeju than in Seoul.
	d := time.Date(2025, 3, 22, 0, 0, 0, 0, kst.Location)
	jeju := relevanceOf(kb.Analyze(Request{Industry: IndustryCafe, Region: Region{Sido: "제주"}, ReferenceDate: d}).SeasonalTrends, "벚꽃 시즌")
	seoul := relevanceOf(kb.Analyze(Request{Industry: IndustryCafe, Region: Region{Sido: "서울"}, ReferenceDate: d}).SeasonalTrends, "벚꽃 시즌")
	if !(jeju > seoul && seoul > 0) {
		t.Errorf("벚꽃 relevance on %s: 제주 %v, 서울 %v; want 제주 > 서울 > 0", d.Format(time.DateOnly), jeju, seoul)
	}
	// Christmas matters more to a bakery than to a hair salon.
	d = time.Date(2025, 12, 15, 0, 0, 0, 0, kst.Location)
	bakery := relevanceOf(kb.Analyze(Request{Industry: IndustryBakery, ReferenceDate: d}).SeasonalTrends, "크리스마스")
	hair := relevanceOf(kb.Analyze(Request{Industry: IndustryHair, ReferenceDate: d}).SeasonalTrends, "크리스마스")
	if !(bakery > hair) {
		t.Errorf("크리스마스 relevance: bakery %v, hair %v; want bakery > hair", bakery, hair)
	}
	// Seasonal industry trends move with the month.
	july := relevanceOf(kb.Analyze(Request{Industry: IndustryCafe, ReferenceDate: time.Date(2025, 7, 1, 0, 0, 0, 0, kst.Location)}).IndustryTrends, "아이스 음료·빙수")
	jan := relevanceOf(kb.Analyze(Request{Industry: IndustryCafe, ReferenceDate: time.Date(2025, 1, 10, 0, 0, 0, 0, kst.Location)}).IndustryTrends, "아이스 음료·빙수")
	if !(july > jan) {
		t.Errorf("아이스 음료 relevance: July %v, January %v; want July higher (or January absent = -1)", july, jan)
	}
	// A district adds its own trend ahead of the 시/도 ones.
	gangnam := kb.Analyze(Request{Industry: IndustryCafe, Region: Region{Sido: "서울", Sigungu: "강남구"}, ReferenceDate: d})
	if !slices.Contains(keywords(gangnam.RegionalTrends), "오피스 상권 점심 경쟁") {
		t.Errorf("강남구 regional trends = %v, want the district trend", keywords(gangnam.RegionalTrends))
	}
}

func TestAnalyzeRelevanceAlwaysInRange(t *testing.T) {
	kb := testKB(t)
	for code := range kb.industries {
		for _, r := range kb.regionList {
			for m := 1; m <= 12; m++ {
				for _, day := range []int{1, 15} {
					req := Request{Industry: code, Region: Region{Sido: r.Name}, ReferenceDate: time.Date(2026, time.Month(m), day, 0, 0, 0, 0, kst.Location)}
					a := kb.Analyze(req)
					if err := a.Validate(); err != nil {
						t.Fatalf("%s %s %d/%d: %v", code, r.Code, m, day, err)
					}
					if len(a.IndustryTrends) == 0 || len(a.RegionalTrends) == 0 || len(a.SeasonalTrends) == 0 {
						t.Fatalf("%s %s %d/%d: empty trend group %+v", code, r.Code, m, day, a)
					}
				}
			}
		}
	}
}

func TestAddTrends(t *testing.T) {
	kb := testKB(t)
	req := Request{Industry: IndustryCafe, Region: Region{Sido: "서울"}, ReferenceDate: refDate}
	err := kb.AddTrends(
		ExtraTrend{Scope: ScopeIndustry, Key: IndustryCafe, Trend: Trend{Keyword: "말차 디저트", Relevance: 0.97, Description: "학습된 트렌드"}},
		ExtraTrend{Scope: ScopeIndustry, Key: IndustryBakery, Trend: Trend{Keyword: "베이커리 전용", Relevance: 0.99, Description: "다른 업종"}},
		ExtraTrend{Scope: ScopeRegion, Key: "SEOUL", Trend: Trend{Keyword: "SNS 핫플 탐방", Relevance: 0.1, Description: "학습으로 낮아짐"}},
		ExtraTrend{Scope: ScopeSeason, Trend: Trend{Keyword: "여름 한정", Relevance: 0.99, Description: "여름만"}, Months: []int{7}},
	)
	if err != nil {
		t.Fatalf("AddTrends: %v", err)
	}
	a := kb.Analyze(req)
	if got := a.IndustryTrends[0].Keyword; got != "말차 디저트" {
		t.Errorf("top industry trend = %q, want the learned 말차 디저트", got)
	}
	if slices.Contains(keywords(a.IndustryTrends), "베이커리 전용") {
		t.Errorf("a bakery trend leaked into a cafe analysis: %v", keywords(a.IndustryTrends))
	}
	if got := relevanceOf(a.RegionalTrends, "SNS 핫플 탐방"); got != 0.1 {
		t.Errorf("replaced regional trend relevance = %v, want 0.1", got)
	}
	if slices.Contains(keywords(a.SeasonalTrends), "여름 한정") {
		t.Errorf("a July-only trend appears in December: %v", keywords(a.SeasonalTrends))
	}
	for _, bad := range []ExtraTrend{
		{Scope: "weather", Trend: Trend{Keyword: "x", Relevance: 0.5, Description: "y"}},
		{Scope: ScopeIndustry, Trend: Trend{Keyword: "", Relevance: 0.5, Description: "y"}},
		{Scope: ScopeIndustry, Trend: Trend{Keyword: "x", Relevance: 1.5, Description: "y"}},
		{Scope: ScopeSeason, Trend: Trend{Keyword: "x", Relevance: 0.5, Description: "y"}, Months: []int{13}},
	} {
		if err := kb.AddTrends(bad); err == nil {
			t.Errorf("AddTrends(%+v) = nil, want an error", bad)
		}
	}
}

func TestTrendCacheKey(t *testing.T) {
	kb := testKB(t)
	got := kb.TrendCacheKey(Request{Industry: "", IndustryName: "카페", Region: Region{Sido: "서울특별시", Sigungu: "성동구"}})
	if want := "ai:trend:CAFE:SEOUL/성동구"; got != want {
		t.Errorf("TrendCacheKey = %q, want %q", got, want)
	}
}

func TestSuneungDate(t *testing.T) {
	kb := testKB(t)
	var m *kbMoment
	for _, x := range kb.moments {
		if x.Key == "SUNEUNG" {
			m = x
		}
	}
	tests := []struct {
		year int
		want string
	}{{2025, "2025-11-13"}, {2026, "2026-11-19"}, {2027, "2027-11-18"}}
	for _, tt := range tests {
		s, _, ok := m.occurrence(tt.year, nil)
		if !ok || s.Format(time.DateOnly) != tt.want {
			t.Errorf("수능 %d = %s (ok %v), want %s", tt.year, s.Format(time.DateOnly), ok, tt.want)
		}
	}
}
