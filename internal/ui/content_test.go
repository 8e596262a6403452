package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/ui/uitest"
)

// contentJSON is GET /events/{id}/content as the content service answers
// it: every style at three sizes, both videos (one a GIF fallback), the
// ringback audio, the poster and the copy of each platform.
func contentJSON(status string) obj {
	var assets []obj
	sizes := []struct {
		name string
		w, h int
	}{{"ig_square", 1080, 1080}, {"tv", 1920, 1080}, {"ig_story", 1080, 1920}}
	providers := map[string]string{"simple": "local", "vivid": "stability", "trendy": "a1111"}
	for _, sz := range sizes {
		for _, st := range []string{"trendy", "simple", "vivid"} { // the page orders them
			id := "img-" + st + "-" + sz.name
			assets = append(assets, obj{"id": id, "kind": "image", "style": st, "size": sz.name, "width": sz.w, "height": sz.h,
				"url": "/media/" + id + ".png", "contentType": "image/png", "provider": providers[st], "sha256": "ab", "bytes": 1000,
				"createdAt": "2026-12-01T01:00:00Z"})
		}
	}
	assets = append(assets,
		obj{"id": "vid-v", "kind": "video", "width": 1080, "height": 1920, "durationMs": 15000, "url": "/media/v.mp4", "contentType": "video/mp4", "provider": "ffmpeg"},
		obj{"id": "vid-h", "kind": "video", "width": 1920, "height": 1080, "durationMs": 15000, "url": "/media/h.gif", "contentType": "image/gif", "provider": "gif"},
		obj{"id": "aud", "kind": "audio", "durationMs": 21000, "url": "/media/ring.mp3", "contentType": "audio/mpeg", "provider": "clova"},
		obj{"id": "pdf", "kind": "poster_pdf", "style": "vivid", "url": "/media/poster.pdf", "contentType": "application/pdf"},
		obj{"id": "png", "kind": "poster_png", "style": "vivid", "width": 1240, "height": 1754, "url": "/media/poster.png", "contentType": "image/png"})
	return obj{"eventId": "ev1", "status": status, "jobId": "job9", "notice": "",
		"assets": assets,
		"copy": []obj{
			{"platform": "instagram", "body": "붕어빵이 왔어요 🐟 추첨으로 10분께 드려요", "hashtags": []string{"#붕어빵", "#강남카페"}, "limit": 2200, "link": "https://ae.example/e/abc?c=ig"},
			{"platform": "naver_blog", "title": "행복카페 겨울 붕어빵 추첨", "body": "<p>붕어빵 세트를 드려요</p>", "limit": 5000, "link": "https://ae.example/e/abc?c=nb"},
			{"platform": "kakao_channel", "body": strings.Repeat("가", 410), "buttonLabel": "참여하기", "limit": 400, "link": "https://ae.example/e/abc?c=kk"},
			{"platform": "ringback", "body": "안녕하세요, 행복카페입니다.", "limit": 150},
		},
		"channelStyles": obj{"INSTAGRAM": "vivid", "NAVER_BLOG": "simple"}}
}

// contentAPI stubs the event and its content.
func contentAPI(t *testing.T, c obj) *uitest.API {
	return uitest.NewAPI(t).
		JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("PLANNED")).
		JSON("GET /api/v1/events/{id}/content", http.StatusOK, c).
		JSON("GET /api/v1/jobs/{id}", http.StatusOK, obj{"id": "job9", "kind": "image-job", "status": "RUNNING", "progress": 40, "message": "이미지 9개 중 4개 완성"})
}

func TestContentPageEmpty(t *testing.T) {
	api := contentAPI(t, obj{"eventId": "ev1", "status": "NONE", "assets": []obj{}, "copy": []obj{}})
	b := signedIn(t, api)
	b.Get("/app/events/ev1/content").WantHTML(http.StatusOK).WantTitle("홍보 콘텐츠 · 겨울 붕어빵 추첨 · AutoEvent").
		WantText("아직 만든 홍보 콘텐츠가 없어요", "겨울 붕어빵 추첨", `name="style" value="simple" checked`, "화려한", "트렌디").
		WantNoText("콘텐츠를 만들고 있어요", "http-equiv=\"refresh\"", `id="images"`).
		WantForms("/logout", "/app/events/ev1/content")
	wantAuth(t, api.Last("GET", "/api/v1/events/ev1/content"))

	api.JSON("POST /api/v1/events/{id}/content", http.StatusAccepted, obj{"id": "job9", "status": "PENDING"})
	b.Post("/app/events/ev1/content", url.Values{"styles": {"1"}, "style": {"simple", "trendy"}}).WantRedirect("/app/events/ev1/content")
	var in struct {
		Styles     []string `json:"styles"`
		Regenerate bool     `json:"regenerate"`
	}
	c := api.Last("POST", "/api/v1/events/ev1/content")
	c.Decode(t, &in)
	wantAuth(t, c)
	if strings.Join(in.Styles, ",") != "simple,trendy" || in.Regenerate {
		t.Errorf("start body = %+v, want styles simple,trendy without regenerate", in)
	}

	// No style ticked, or one the page does not offer: nothing is sent.
	before := len(api.Calls())
	b.Post("/app/events/ev1/content", url.Values{"styles": {"1"}}).WantRedirect("/app/events/ev1/content")
	b.Get("/app/events/ev1/content").WantAlert("스타일을 하나 이상 골라 주세요.")
	b.Post("/app/events/ev1/content", url.Values{"styles": {"1"}, "style": {"neon"}}).WantRedirect("/app/events/ev1/content")
	if n := countCalls(api, "POST", "/api/v1/events/ev1/content"); n != 1 {
		t.Errorf("%d content starts reached the API, want 1 (calls after: %d)", n, len(api.Calls())-before)
	}
}

// A content service that has never made anything may answer 404 (not
// the event's 404): the page shows the empty state.
func TestContentPageNeverMade(t *testing.T) {
	api := contentAPI(t, nil).Problem("GET /api/v1/events/{id}/content", apperr.NotFound, "content_not_found", "콘텐츠가 없습니다.")
	signedIn(t, api).Get("/app/events/ev1/content").WantHTML(http.StatusOK).WantText("아직 만든 홍보 콘텐츠가 없어요")
}

func TestContentPageNoPlan(t *testing.T) {
	api := contentAPI(t, contentJSON("NONE")).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("DRAFT"))
	signedIn(t, api).Get("/app/events/ev1/content").WantHTML(http.StatusOK).
		WantText("먼저 이벤트 기획안을 골라 주세요", `href="/app/events/ev1/planning"`).
		WantForms("/logout")
	if api.Called("GET", "/api/v1/events/ev1/content") {
		t.Error("content asked for an event without a plan")
	}
}

func TestContentPageGenerating(t *testing.T) {
	c := contentJSON("GENERATING")
	c["assets"] = []obj{}
	c["copy"] = []obj{}
	api := contentAPI(t, c)
	b := signedIn(t, api)
	p := b.Get("/app/events/ev1/content").WantHTML(http.StatusOK).
		WantText("콘텐츠를 만들고 있어요", `<meta http-equiv="refresh" content="3">`, `aria-valuenow="40"`, "width: 40%",
			"이미지 9개 중 4개 완성", `data-src="/app/events/ev1/content/progress"`, "content.js", "만들기 멈추기").
		WantNoText("아직 만든 홍보 콘텐츠가 없어요").
		WantForms("/logout", "/app/events/ev1/content/cancel")
	_ = p
	wantAuth(t, api.Last("GET", "/api/v1/jobs/job9"))

	api.JSON("POST /api/v1/jobs/{id}/cancel", http.StatusOK, obj{"id": "job9", "status": "CANCELLED"})
	b.Post("/app/events/ev1/content/cancel", nil).WantRedirect("/app/events/ev1/content")
	wantAuth(t, api.Last("POST", "/api/v1/jobs/job9/cancel"))
	b.Get("/app/events/ev1/content").WantText("콘텐츠 만들기를 멈췄어요.")

	// Nothing running: the page says so, as an error, and cancels nothing.
	api.JSON("GET /api/v1/events/{id}/content", http.StatusOK, contentJSON("READY"))
	b.Post("/app/events/ev1/content/cancel", nil).WantRedirect("/app/events/ev1/content")
	b.Get("/app/events/ev1/content").WantAlert("진행 중인 작업이 없어요.").WantNoText(`<div class="flash"`)
	if n := countCalls(api, "POST", "/api/v1/jobs/job9/cancel"); n != 1 {
		t.Errorf("%d cancels, want 1", n)
	}
}

// The progress route relays the API's event stream with the session's
// bearer token.
func TestContentProgressStream(t *testing.T) {
	api := contentAPI(t, contentJSON("GENERATING")).Handle("GET /api/v1/events/{id}/content/progress", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, "event: progress\ndata: {\"done\":1,\"total\":9}\n\n")
		w.(http.Flusher).Flush()
		fmt.Fprint(w, "event: done\ndata: {}\n\n")
	})
	p := signedIn(t, api).Get("/app/events/ev1/content/progress").WantStatus(http.StatusOK)
	if ct := p.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !strings.Contains(p.Body, "event: progress\ndata: {\"done\":1,\"total\":9}") || !strings.Contains(p.Body, "event: done") {
		t.Errorf("stream = %q", p.Body)
	}
	wantAuth(t, api.Last("GET", "/api/v1/events/ev1/content/progress"))

	// Another owner's event: the API's 404 goes through, no stream.
	api.Problem("GET /api/v1/events/{id}/content/progress", apperr.NotFound, "event_not_found", "이벤트가 없습니다.")
	signedIn(t, api).Get("/app/events/ev2/content/progress").WantStatus(http.StatusNotFound)
}

func TestContentPageReady(t *testing.T) {
	c := contentJSON("READY")
	c["notice"] = "원격 이미지 생성이 실패해 기본 디자인으로 만들었어요"
	api := contentAPI(t, c)
	b := signedIn(t, api)
	p := b.Get("/app/events/ev1/content").WantHTML(http.StatusOK).
		WantText(
			// Sizes in channel order, each with the three styles.
			`href="#size-ig_square"`, `href="#size-ig_story"`, `href="#size-tv"`, "인스타그램 정사각", "인스타그램 스토리", "TV", "1920×1080",
			`src="/media/img-vivid-tv.png"`, "Stability AI", "AutoEvent 기본 디자인", "Stable Diffusion (자체 서버)",
			"이 스타일 다시 만들기", "문구·색상 고치기", `value="겨울 붕어빵 추첨"`, `value="붕어빵 세트"`, `type="color"`,
			// Videos: the MP4 plays inline, the GIF is an image with its notice.
			`<video controls playsinline preload="metadata" src="/media/v.mp4" poster="/media/img-simple-ig_story.png"`, `<img src="/media/h.gif"`, "움직이는 이미지(GIF)로 만들었어요",
			"15초",
			// Copy with counts against the limits (server-rendered), the
			// Instagram caption with its hashtags.
			"인스타그램 게시글", "#붕어빵 #강남카페", "/ 2,200자", "해시태그 <span data-tags>2</span> / 30개",
			"카카오 채널 메시지", "410</span> / 400자", "400자를 넘었어요", "참여하기", "https://ae.example/e/abc?c=kk",
			"네이버 블로그 글", "행복카페 겨울 붕어빵 추첨", "링고비즈 통화연결음 원고",
			// Ringback audio, poster downloads, the channel choice.
			`<audio controls preload="none" src="/media/ring.mp3">`, "21초",
			`href="/media/poster.pdf" download`, `href="/media/poster.png" download`,
			"채널별 스타일 고르기", `<option value="vivid" selected>화려한</option>`).
		WantNoText("콘텐츠를 만들고 있어요", "http-equiv=\"refresh\"", `<div class="flash"`, `<div class="alert"`)
	// The degraded result is a notice, not a success and not an error.
	if !strings.Contains(p.Body, `<div class="notice" role="status">원격 이미지 생성이 실패해 기본 디자인으로 만들었어요</div>`) {
		t.Errorf("no degraded notice")
	}
	// Three styles per size, simple first.
	if i, j := strings.Index(p.Body, "img-simple-ig_square"), strings.Index(p.Body, "img-trendy-ig_square"); i < 0 || j < i {
		t.Errorf("styles out of order: simple at %d, trendy at %d", i, j)
	}
	if i, j := strings.Index(p.Body, `id="size-ig_square"`), strings.Index(p.Body, `id="size-tv"`); i < 0 || j < i {
		t.Errorf("sizes out of order")
	}
	var forms []string
	for _, sz := range []string{"ig_square", "tv", "ig_story"} {
		for _, st := range []string{"simple", "vivid", "trendy"} {
			forms = append(forms, "/app/events/ev1/content/styles/"+st+"/regenerate",
				"/app/events/ev1/content/assets/img-"+st+"-"+sz+"/regenerate")
		}
	}
	// Sizes are shown in channel order: square, story, TV.
	want := append([]string{"/logout"}, forms[0:6]...)
	want = append(want, forms[12:18]...)
	want = append(want, forms[6:12]...)
	want = append(want, "/app/events/ev1/content/channel-styles", "/app/events/ev1/content")
	p.WantForms(want...)
}

func TestContentPageFailed(t *testing.T) {
	c := contentJSON("FAILED")
	c["assets"], c["copy"] = []obj{}, []obj{}
	api := contentAPI(t, c).JSON("GET /api/v1/jobs/{id}", http.StatusOK, obj{"id": "job9", "status": "FAILED", "message": "이미지를 저장하지 못했어요"})
	b := signedIn(t, api)
	b.Get("/app/events/ev1/content").WantHTML(http.StatusOK).
		WantAlert("콘텐츠를 만들지 못했어요: 이미지를 저장하지 못했어요").
		WantText("다시 만들기").WantNoText(`<div class="flash"`).
		WantForms("/logout", "/app/events/ev1/content")
	api.JSON("POST /api/v1/events/{id}/content", http.StatusAccepted, obj{"id": "job10", "status": "PENDING"})
	b.Post("/app/events/ev1/content", url.Values{"regenerate": {"1"}}).WantRedirect("/app/events/ev1/content")
	var in map[string]any
	api.Last("POST", "/api/v1/events/ev1/content").Decode(t, &in)
	if in["regenerate"] != true || in["styles"] != nil {
		t.Errorf("retry body = %v, want regenerate and every style", in)
	}
}

// An API refusal of an action comes back red, never green.
func TestContentActionRefused(t *testing.T) {
	api := contentAPI(t, contentJSON("READY")).
		Problem("POST /api/v1/events/{id}/content/styles/{style}/regenerate", apperr.Conflict, "content_busy", "지금 만들고 있는 콘텐츠가 있어요.")
	b := signedIn(t, api)
	b.Get("/app/events/ev1/content")
	b.Post("/app/events/ev1/content/styles/vivid/regenerate", nil).WantRedirect("/app/events/ev1/content")
	b.Get("/app/events/ev1/content").WantAlert("지금 만들고 있는 콘텐츠가 있어요.").WantNoText(`<div class="flash"`)
}

func TestContentRegenerateStyle(t *testing.T) {
	api := contentAPI(t, contentJSON("READY")).
		JSON("POST /api/v1/events/{id}/content/styles/{style}/regenerate", http.StatusAccepted, obj{"id": "job11", "status": "PENDING"})
	b := signedIn(t, api)
	b.Get("/app/events/ev1/content")
	b.Post("/app/events/ev1/content/styles/trendy/regenerate", nil).WantRedirect("/app/events/ev1/content")
	wantAuth(t, api.Last("POST", "/api/v1/events/ev1/content/styles/trendy/regenerate"))
	b.Get("/app/events/ev1/content").WantText("‘트렌디’ 스타일 이미지를 다시 만들고 있어요.")

	b.Post("/app/events/ev1/content/styles/neon/regenerate", nil).WantRedirect("/app/events/ev1/content")
	b.Get("/app/events/ev1/content").WantAlert("알 수 없는 스타일이에요. 다시 골라 주세요.")
	if api.Called("POST", "/api/v1/events/ev1/content/styles/neon/regenerate") {
		t.Error("an unknown style reached the API")
	}
}

func TestContentEditAsset(t *testing.T) {
	api := contentAPI(t, contentJSON("READY")).
		JSON("POST /api/v1/events/{id}/content/assets/{asset}/regenerate", http.StatusAccepted, obj{"id": "job12", "status": "PENDING"})
	b := signedIn(t, api)
	b.Get("/app/events/ev1/content")
	b.Post("/app/events/ev1/content/assets/img-vivid-tv/regenerate", url.Values{
		"title": {" 붕어빵 대잔치 "}, "benefit": {"2개 사면 1개 더"}, "cta": {"지금 참여"}, "style": {"trendy"},
		"useColors": {"1"}, "background": {"#102030"}, "accent": {"#ffcc00"}, "text": {"#ffffff"}}).
		WantRedirect("/app/events/ev1/content")
	var in struct {
		Style, Title, Benefit, CTA string
		Colors                     map[string]string
	}
	c := api.Last("POST", "/api/v1/events/ev1/content/assets/img-vivid-tv/regenerate")
	c.Decode(t, &in)
	wantAuth(t, c)
	if in.Style != "trendy" || in.Title != "붕어빵 대잔치" || in.Benefit != "2개 사면 1개 더" || in.CTA != "지금 참여" ||
		in.Colors["background"] != "#102030" || in.Colors["accent"] != "#ffcc00" || in.Colors["text"] != "#ffffff" {
		t.Errorf("edit body = %s", c.Body)
	}
	b.Get("/app/events/ev1/content").WantText("이미지를 고친 내용으로 다시 만들고 있어요.")

	// Without "색상 직접 고르기" the colours stay the style's.
	b.Post("/app/events/ev1/content/assets/img-simple-tv/regenerate", url.Values{"title": {"겨울 붕어빵 추첨"}, "background": {"#000000"}})
	var body map[string]any
	api.Last("POST", "/api/v1/events/ev1/content/assets/img-simple-tv/regenerate").Decode(t, &body)
	if _, ok := body["colors"]; ok {
		t.Errorf("colours sent without the owner choosing them: %v", body)
	}

	// A bad colour is caught on the page, with that image's form open.
	before := countCalls(api, "POST", "/api/v1/events/ev1/content/assets/img-vivid-tv/regenerate")
	p := b.Post("/app/events/ev1/content/assets/img-vivid-tv/regenerate", url.Values{"title": {"붕어빵"}, "useColors": {"1"},
		"background": {"red"}, "accent": {"#ffcc00"}, "text": {"#ffffff"}}).
		WantHTML(http.StatusUnprocessableEntity).WantAlert("입력한 내용을 확인해 주세요. 표시된 항목을 고치면 됩니다.").
		WantField("background", "색상은 #RRGGBB 형식으로 골라 주세요.")
	if !strings.Contains(p.Body, `<details class="ct-edit" open>`) || strings.Count(p.Body, "<details class=\"ct-edit\" open>") != 1 {
		t.Errorf("the failed form is not the one open")
	}
	if countCalls(api, "POST", "/api/v1/events/ev1/content/assets/img-vivid-tv/regenerate") != before {
		t.Error("a bad colour reached the API")
	}

	// The API's field errors show inline, with what the owner typed.
	api.Problem("POST /api/v1/events/{id}/content/assets/{asset}/regenerate", apperr.Invalid, "title_too_long",
		"제목이 너무 길어요.", "title", "제목은 60자까지 쓸 수 있어요.")
	b.Post("/app/events/ev1/content/assets/img-vivid-tv/regenerate", url.Values{"title": {"아주 긴 제목"}}).
		WantHTML(http.StatusBadRequest).WantField("title", "제목은 60자까지 쓸 수 있어요.").
		WantText(`value="아주 긴 제목"`).WantNoText(`<div class="flash"`)
}

func TestContentChannelStyles(t *testing.T) {
	api := contentAPI(t, contentJSON("READY")).
		JSON("PUT /api/v1/events/{id}/content/channel-styles", http.StatusOK, contentJSON("READY"))
	b := signedIn(t, api)
	f := b.Get("/app/events/ev1/content").WantForm("/app/events/ev1/content/channel-styles")
	_ = f
	b.Post("/app/events/ev1/content/channel-styles", url.Values{"INSTAGRAM": {"trendy"}, "KAKAO_CHANNEL": {"vivid"}, "NOPE": {"simple"}}).
		WantRedirect("/app/events/ev1/content")
	var in map[string]string
	c := api.Last("PUT", "/api/v1/events/ev1/content/channel-styles")
	c.Decode(t, &in)
	wantAuth(t, c)
	if len(in) != 2 || in["INSTAGRAM"] != "trendy" || in["KAKAO_CHANNEL"] != "vivid" {
		t.Errorf("channel styles = %v", in)
	}
	b.Get("/app/events/ev1/content").WantText("채널별 스타일을 저장했어요.")

	b.Post("/app/events/ev1/content/channel-styles", url.Values{"INSTAGRAM": {"gold"}}).WantRedirect("/app/events/ev1/content")
	b.Get("/app/events/ev1/content").WantAlert("인스타그램에 보낼 스타일을 다시 골라 주세요.")
	if n := countCalls(api, "PUT", "/api/v1/events/ev1/content/channel-styles"); n != 1 {
		t.Errorf("%d channel-style saves, want 1", n)
	}
}

// Another owner's event is the not-found page; the page never shows or
// asks for its content.
func TestContentPageOtherOwner(t *testing.T) {
	api := uitest.NewAPI(t).
		Problem("GET /api/v1/events/{id}", apperr.NotFound, "event_not_found", "이벤트가 없습니다.").
		Problem("GET /api/v1/events/{id}/content", apperr.NotFound, "event_not_found", "이벤트가 없습니다.")
	signedIn(t, api).Get("/app/events/ev2/content").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요")
	// The event is readable but its content is refused (a race, or a
	// service that checks on its own): still the not-found page.
	api.JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON("PLANNED"))
	signedIn(t, api).Get("/app/events/ev2/content").WantErrorPage(http.StatusNotFound, "이벤트를 찾을 수 없어요").
		WantNoText("홍보 콘텐츠 만들기")
	// Signed out: the log-in page, back here afterwards.
	anon := uitest.NewAPI(t).Problem("GET /api/v1/events/{id}", apperr.Unauthenticated, "unauthenticated", "로그인")
	newBrowser(t, anon).Get("/app/events/ev1/content").WantRedirect("/login?next=%2Fapp%2Fevents%2Fev1%2Fcontent")
}

// Every content form needs the page's token: a forged or missing one
// reaches no API and comes back as an error.
func TestContentFormsCSRF(t *testing.T) {
	api := contentAPI(t, contentJSON("GENERATING"))
	b := signedIn(t, api)
	b.Get("/app/events/ev1/content")
	before := len(api.Calls())
	for _, path := range []string{
		"/app/events/ev1/content",
		"/app/events/ev1/content/cancel",
		"/app/events/ev1/content/styles/simple/regenerate",
		"/app/events/ev1/content/assets/img-simple-tv/regenerate",
		"/app/events/ev1/content/channel-styles",
	} {
		for _, tok := range []string{"forged", ""} {
			b.Post(path, url.Values{"csrf": {tok}, "regenerate": {"1"}, "INSTAGRAM": {"vivid"}, "title": {"x"}}).
				WantRedirect("/app/events/ev1/content")
		}
	}
	if after := api.Calls()[before:]; len(after) != 0 {
		t.Errorf("forged forms reached the API: %d calls", len(after))
	}
	b.Get("/app/events/ev1/content").WantAlert(pageExpired)
}

// The event page leads to the content once a plan is chosen.
func TestEventDetailContentLink(t *testing.T) {
	for status, label := range map[string]string{"PLANNED": "홍보 콘텐츠 만들기", "CONTENT_READY": "홍보 콘텐츠 보기", "ACTIVE": "홍보 콘텐츠 보기"} {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON(status))
		signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).
			WantText(`href="/app/events/ev1/content"`, label)
	}
	for _, status := range []string{"DRAFT", "CANCELLED"} {
		api := uitest.NewAPI(t).JSON("GET /api/v1/events/{id}", http.StatusOK, eventJSON(status))
		signedIn(t, api).Get("/app/events/ev1").WantHTML(http.StatusOK).WantNoText(`href="/app/events/ev1/content"`)
	}
}

func countCalls(api *uitest.API, method, path string) int {
	n := 0
	for _, c := range api.Calls() {
		if c.Method == method && c.Path == path {
			n++
		}
	}
	return n
}

// The videos follow the images in a job of their own: the page says they
// are coming (content.js swaps them in), or that they failed, as an error.
func TestContentPageVideoJob(t *testing.T) {
	c := contentJSON("READY")
	c["videoJobId"] = "vj1"
	var rest []obj
	for _, a := range c["assets"].([]obj) {
		if a["kind"] != "video" {
			rest = append(rest, a)
		}
	}
	c["assets"] = rest
	api := contentAPI(t, c).JSON("GET /api/v1/jobs/{id}", http.StatusOK, obj{"id": "vj1", "kind": "video-job", "status": "PROCESSING", "progress": 50})
	b := signedIn(t, api)
	b.Get("/app/events/ev1/content").WantHTML(http.StatusOK).
		WantText(`id="video" aria-labelledby="video-h" data-pending="1"`, "이미지로 영상을 만들고 있어요.").
		WantNoText("<video", "영상을 만들지 못했어요", "http-equiv=\"refresh\"")
	wantAuth(t, api.Last("GET", "/api/v1/jobs/vj1"))

	api.JSON("GET /api/v1/jobs/{id}", http.StatusOK, obj{"id": "vj1", "kind": "video-job", "status": "FAILED"})
	b.Get("/app/events/ev1/content").WantHTML(http.StatusOK).
		WantText(`<p class="field-error ct-video-error" role="alert">영상을 만들지 못했어요.`).
		WantNoText("data-pending", `<div class="flash"`)

	// Done: the videos, nothing pending.
	api.JSON("GET /api/v1/events/{id}/content", http.StatusOK, with(contentJSON("READY"), "videoJobId", "vj1")).
		JSON("GET /api/v1/jobs/{id}", http.StatusOK, obj{"id": "vj1", "kind": "video-job", "status": "COMPLETED"})
	b.Get("/app/events/ev1/content").WantText("<video controls").WantNoText("data-pending", "영상을 만들지 못했어요")
}

// The content cannot be read (the service is down): an error, and no
// empty state that would invite making it again.
func TestContentPageUnavailable(t *testing.T) {
	api := contentAPI(t, nil).Handle("GET /api/v1/events/{id}/content", func(w http.ResponseWriter, r *http.Request) {
		uitest.WriteProblem(w, r, apperr.New(apperr.Unavailable, "service_unavailable", "콘텐츠 서비스에 연결하지 못했어요."))
	})
	signedIn(t, api).Get("/app/events/ev1/content").WantHTML(http.StatusBadGateway).
		WantAlert("콘텐츠 서비스에 연결하지 못했어요.").
		WantNoText("아직 만든 홍보 콘텐츠가 없어요", `<div class="flash"`).
		WantForms("/logout")
}

// Each size tab is named for its channel; two sizes of one name tell
// themselves apart by their dimensions.
func TestContentSizeLabels(t *testing.T) {
	c := contentJSON("READY")
	assets := c["assets"].([]obj)
	for _, sz := range []struct {
		name string
		w, h int
	}{{"kakao_square", 800, 800}, {"kakao_x", 800, 500}, {"kakao_y", 700, 700}, {"naver_blog", 966, 966}} {
		assets = append(assets, obj{"id": "k-" + sz.name, "kind": "image", "style": "simple", "size": sz.name, "width": sz.w, "height": sz.h,
			"url": "/media/" + sz.name + ".png", "contentType": "image/png", "provider": "local"})
	}
	c["assets"] = assets
	p := signedIn(t, contentAPI(t, c)).Get("/app/events/ev1/content").WantHTML(http.StatusOK).
		WantText(`data-tab="size-kakao_square">카카오 채널 정사각</a>`, `data-tab="size-kakao_x">카카오 채널 800×500</a>`,
			`data-tab="size-kakao_y">카카오 채널 700×700</a>`, `data-tab="size-naver_blog">네이버 블로그</a>`)
	if i, j := strings.Index(p.Body, `data-tab="size-tv"`), strings.Index(p.Body, `data-tab="size-naver_blog"`); i < 0 || j < i {
		t.Errorf("TV tab should come before Naver's")
	}
}
