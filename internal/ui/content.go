package ui

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/ui/apiclient"
)

// The owner's content page (/app/events/{id}/content): start the content
// job, follow it (content.js listens to the progress stream relayed by
// content/progress; a meta refresh every 3 s does without JavaScript),
// then the images of the three styles side by side per channel size with
// their edit and regenerate forms, the videos, the copy per platform with
// character counts, the ringback audio, the poster downloads and the
// channel → style choice. Every form posts, redirects and shows the page
// again (errors as errors, never in the success banner); the forms'
// handlers are in content_actions.go.

// contentStyles are the styles in the order the page shows them.
var contentStyles = []styleOption{
	{"simple", "심플", "여백을 살린 깔끔한 디자인"},
	{"vivid", "화려한", "선명한 색과 장식으로 눈길을 끄는 디자인"},
	{"trendy", "트렌디", "대담한 배색과 도형의 요즘 감성"},
}

type styleOption struct{ Value, Label, Hint string }

func styleLabel(s string) string {
	for _, o := range contentStyles {
		if o.Value == s {
			return o.Label
		}
	}
	return s
}

func validStyle(s string) bool { return styleLabel(s) != s }

// contentChannels are the channels that take an image style (the ringback
// channel takes audio).
var contentChannels = []styleOption{
	{"INSTAGRAM", "인스타그램", ""}, {"KAKAO_CHANNEL", "카카오 채널", ""}, {"NAVER_BLOG", "네이버 블로그", ""},
	{"URIDONGNE_TV", "우리동네TV", ""}, {"GENIE_TV", "지니TV", ""}, {"STORE_POSTER", "매장 QR 포스터", ""},
}

// sizeLabel names a channel size (the content service's size names) and
// ranks it for the tabs: Instagram, TV, Kakao, Naver, then the rest.
func sizeLabel(name string) (string, int) {
	switch {
	case name == "ig_square":
		return "인스타그램 정사각", 0
	case name == "ig_portrait":
		return "인스타그램 세로", 1
	case name == "ig_story":
		return "인스타그램 스토리", 2
	case name == "tv" || strings.HasPrefix(name, "tv_"):
		return "TV", 3
	case name == "kakao_square":
		return "카카오 채널 정사각", 4
	case name == "kakao_wide":
		return "카카오 채널 와이드", 4
	case name == "kakao_brand":
		return "카카오 브랜드 메시지", 4
	case strings.HasPrefix(name, "kakao"):
		return "카카오 채널", 4
	case strings.HasPrefix(name, "naver"):
		return "네이버 블로그", 5
	}
	return name, 6
}

// providerLabel says who drew an image's picture.
func contentProviderLabel(p string) string {
	switch strings.ToLower(p) {
	case "", "local":
		return "AutoEvent 기본 디자인"
	case "stability":
		return "Stability AI"
	case "openai", "openaiimg":
		return "OpenAI 이미지"
	case "a1111":
		return "Stable Diffusion (자체 서버)"
	}
	return p
}

// copyPlatforms name the copy's platforms, in the page's order.
var copyPlatforms = []styleOption{
	{"instagram", "인스타그램 게시글", ""}, {"naver_blog", "네이버 블로그 글", ""}, {"kakao_channel", "카카오 채널 메시지", ""},
	{"tv", "TV 자막", ""}, {"ringback", "링고비즈 통화연결음 원고", ""},
}

// instagramHashtagLimit is Instagram's hashtag cap per post.
const instagramHashtagLimit = 30

type contentPage struct {
	Event      event.Event
	Content    apiclient.Content
	Progress   int
	Message    string
	NoPlan     bool
	Empty      bool
	Generating bool
	Failed     bool
	Styles     []styleOption
	Sizes      []sizeGroup
	Videos     []mediaView
	// The videos are made after the images, by a job of their own.
	VideoPending, VideoFailed bool
	Audio                     []mediaView
	PosterPDF                 *apiclient.Asset
	PosterPNG                 *apiclient.Asset
	Copies                    []copyView
	Channels                  []channelChoice
	// The image whose edit form failed, to show it open with its errors.
	EditFor string
}

type sizeGroup struct {
	Name, Label, Dims string
	Wide              bool
	Cards             []imageCard
}

type imageCard struct {
	Asset                   apiclient.Asset
	Style                   string // the edit form's style
	StyleLabel, Provider    string
	Title, Benefit, CTA     string // the edit form's values
	Background, Accent, Ink string
	UseColors               bool
}

type mediaView struct {
	Asset    apiclient.Asset
	Poster   string // an image of the video's size, shown before it plays
	Label    string
	GIF      bool
	Duration string
}

type copyView struct {
	Platform, Label      string
	Title, Text          string
	ButtonLabel, Link    string
	Limit, Count         int64
	Rows                 int
	Over                 bool
	Hashtags, TagLimit   int
	TagsOver, ShowTitle  bool
	HasButton, Instagram bool
}

type channelChoice struct{ Code, Label, Style string }

func contentPath(id string) string { return eventPath(id) + "/content" }

func (s *Site) handleContent(w http.ResponseWriter, r *http.Request) {
	s.renderContent(w, r, http.StatusOK, View{}, "", nil)
}

// renderContent shows the page; a failed image edit comes back with its
// form open (editFor) and the values the owner typed (edit).
func (s *Site) renderContent(w http.ResponseWriter, r *http.Request, status int, v View, editFor string, edit *imageCard) {
	id := r.PathValue("id")
	var ev event.Event
	if err := s.api.Call(w, r, "GET", eventAPI(id), nil, &ev); err != nil {
		s.ownerError(w, r, err)
		return
	}
	p := contentPage{Event: ev, Styles: contentStyles, NoPlan: ev.Plan == nil, EditFor: editFor}
	if !p.NoPlan {
		c, err := s.api.Content(w, r, id)
		if err != nil {
			if apiclient.NeedLogin(err) || httpStatusNotFound(err) {
				s.ownerError(w, r, err)
				return
			}
			// Nothing is known of the content: say so, offer nothing.
			if v.Error == "" {
				v.Error, _ = apiclient.FormErrors(err)
			}
			status = max(status, statusFor(err))
		} else {
			p.Content = c
			s.fillContent(w, r, &p, edit)
		}
	}
	if p.Failed && v.Error == "" {
		v.Error = "콘텐츠를 만들지 못했어요. 잠시 후 다시 만들어 주세요."
		if p.Message != "" {
			v.Error = "콘텐츠를 만들지 못했어요: " + p.Message
		}
	}
	if p.Content.Notice != "" && v.Notice == "" {
		v.Notice = p.Content.Notice
	}
	v.Title, v.SignedIn, v.Data = "홍보 콘텐츠 · "+eventTitle(ev), true, p
	s.html.Render(w, r, status, "content.html", v)
}

func httpStatusNotFound(err error) bool { return statusFor(err) == http.StatusNotFound }

// fillContent lays the content out for the page.
func (s *Site) fillContent(w http.ResponseWriter, r *http.Request, p *contentPage, edit *imageCard) {
	c := p.Content
	switch c.Status {
	case apiclient.ContentGenerating:
		p.Generating = true
		p.Progress, p.Message = 3, "콘텐츠를 준비하고 있어요"
		if c.JobID != "" {
			// The job's own progress, for the page without JavaScript.
			if job, err := s.api.Job(w, r, c.JobID); err == nil {
				p.Progress = max(job.Progress, 3)
				if job.Message != "" {
					p.Message = job.Message
				}
			}
		}
	case apiclient.ContentFailed:
		p.Failed = true
		if c.JobID != "" {
			if job, err := s.api.Job(w, r, c.JobID); err == nil {
				p.Message = job.Message
			}
		}
	case apiclient.ContentReady:
	default:
		p.Empty = len(c.Assets) == 0
	}
	plan := p.Event.Plan
	groups := map[string]*sizeGroup{}
	for _, a := range c.Assets {
		switch a.Kind {
		case "image":
			g := groups[a.Size]
			if g == nil {
				label, _ := sizeLabel(a.Size)
				g = &sizeGroup{Name: a.Size, Label: label, Dims: fmt.Sprintf("%d×%d", a.Width, a.Height), Wide: a.Width > a.Height}
				groups[a.Size] = g
			}
			card := imageCard{Asset: a, Style: a.Style, StyleLabel: styleLabel(a.Style), Provider: contentProviderLabel(a.Provider),
				Title: plan.Title, Benefit: plan.Benefit, Background: "#ffffff", Accent: "#e6002d", Ink: "#1d2433"}
			if edit != nil && a.ID == p.EditFor {
				card.Title, card.Benefit, card.CTA, card.UseColors = edit.Title, edit.Benefit, edit.CTA, edit.UseColors
				card.Background, card.Accent, card.Ink = edit.Background, edit.Accent, edit.Ink
				if edit.Style != "" {
					card.Style = edit.Style
				}
			}
			g.Cards = append(g.Cards, card)
		case "video":
			label := "가로 영상 (TV)"
			if a.Height > a.Width {
				label = "세로 영상 (인스타그램 릴스·스토리)"
			}
			p.Videos = append(p.Videos, mediaView{Asset: a, Label: label, GIF: a.ContentType == "image/gif", Duration: seconds(a.DurationMs)})
		case "audio":
			p.Audio = append(p.Audio, mediaView{Asset: a, Label: "링고비즈 통화연결음", Duration: seconds(a.DurationMs)})
		case "poster_pdf":
			p.PosterPDF = &a
		case "poster_png":
			p.PosterPNG = &a
		}
	}
	for _, g := range groups {
		slices.SortFunc(g.Cards, func(a, b imageCard) int {
			return cmp.Compare(styleRank(a.Asset.Column()), styleRank(b.Asset.Column()))
		})
		p.Sizes = append(p.Sizes, *g)
	}
	slices.SortFunc(p.Sizes, func(a, b sizeGroup) int {
		_, ra := sizeLabel(a.Name)
		_, rb := sizeLabel(b.Name)
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.Name, b.Name))
	})
	// Two sizes of one channel (e.g. Kakao's) tell themselves apart by
	// their dimensions.
	seen := map[string]int{}
	for _, g := range p.Sizes {
		seen[g.Label]++
	}
	for i, g := range p.Sizes {
		if seen[g.Label] > 1 {
			p.Sizes[i].Label += " " + g.Dims
		}
	}
	slices.SortFunc(p.Videos, func(a, b mediaView) int { return cmp.Compare(b.Asset.Height, a.Asset.Height) })
	for i, v := range p.Videos {
		for _, g := range p.Sizes {
			if len(g.Cards) > 0 && g.Cards[0].Asset.Width == v.Asset.Width && g.Cards[0].Asset.Height == v.Asset.Height {
				p.Videos[i].Poster = g.Cards[0].Asset.URL
				break
			}
		}
	}
	if c.VideoJobID != "" && !p.Generating {
		if job, err := s.api.Job(w, r, c.VideoJobID); err == nil {
			switch job.Status {
			case "COMPLETED", "CANCELLED":
			case "FAILED":
				p.VideoFailed = len(p.Videos) == 0
			default:
				p.VideoPending = true
			}
		}
	}
	for _, pl := range copyPlatforms {
		for _, cp := range c.Copy {
			if cp.Platform == pl.Value {
				p.Copies = append(p.Copies, copyOf(cp, pl.Label))
			}
		}
	}
	if len(c.Assets) > 0 {
		for _, ch := range contentChannels {
			st := c.ChannelStyles[ch.Value]
			if !validStyle(st) {
				st = contentStyles[0].Value
			}
			p.Channels = append(p.Channels, channelChoice{Code: ch.Value, Label: ch.Label, Style: st})
		}
	}
}

func styleRank(s string) int {
	for i, o := range contentStyles {
		if o.Value == s {
			return i
		}
	}
	return len(contentStyles)
}

func seconds(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f초", float64(ms)/1000)
}

var hashtagRe = regexp.MustCompile(`#[^\s#]+`)

// copyOf is one platform's copy as the owner will paste it, counted the
// way content.js counts (code points), so the count without JavaScript
// is the same number.
func copyOf(c apiclient.Copy, label string) copyView {
	v := copyView{Platform: c.Platform, Label: label, Title: c.Title, Text: c.Body, ButtonLabel: c.ButtonLabel,
		Link: c.Link, Limit: int64(c.Limit), ShowTitle: c.Title != "" && c.Platform != "instagram",
		HasButton: c.ButtonLabel != "", Instagram: c.Platform == "instagram"}
	if v.Instagram {
		// The caption carries its hashtags, unless the body already does.
		if tags := strings.Join(c.Hashtags, " "); tags != "" && !strings.Contains(v.Text, tags) {
			v.Text = strings.TrimRight(v.Text, "\n") + "\n\n" + tags
		}
		v.Hashtags, v.TagLimit = len(hashtagRe.FindAllString(v.Text, -1)), instagramHashtagLimit
		v.TagsOver = v.Hashtags > v.TagLimit
	}
	v.Count = int64(utf8.RuneCountInString(v.Text))
	v.Over = v.Limit > 0 && v.Count > v.Limit
	v.Rows = min(max(strings.Count(v.Text, "\n")+2, 3), 14)
	return v
}
