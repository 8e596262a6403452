package ui

import (
	"net/http"

	"github.com/autoevent/autoevent/internal/ui/render"
)

// OIDCCallbackPath is where the OpenID provider sends the browser back;
// PublicURL + OIDCCallbackPath is the redirect URI registered at the
// provider.
const OIDCCallbackPath = "/auth/oidc/callback"

// Mux is where the pages are registered (an *http.ServeMux).
type Mux interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Routes registers every page on mux. The handlers live in the file named
// for their page, and each page has a test (site_test.go fails the package
// when a route is never requested by one).
func (s *Site) Routes(mux Mux) {
	// Unknown paths and methods get the site's Korean pages (notfound.go).
	mux.HandleFunc(catchAll, s.guard(s.handleUnknown(mux)))
	mux = guardedMux{mux: mux, s: s}
	mux.HandleFunc(render.StaticPattern, s.html.ServeStatic)
	mux.HandleFunc("GET /{$}", s.handleLanding)
	mux.HandleFunc("GET /app", s.handleHome)

	// Account and store (user service).
	mux.HandleFunc("GET /signup", s.handleSignupPage)
	mux.HandleFunc("POST /signup", s.handleSignup)
	mux.HandleFunc("GET /login", s.handleLoginPage)
	mux.HandleFunc("POST /login", s.handleLogin)
	mux.HandleFunc("POST /logout", s.handleLogout)
	mux.HandleFunc("GET /app/store", s.handleStorePage)
	mux.HandleFunc("POST /app/store", s.handleStoreSave)
	mux.HandleFunc("POST /auth/oidc/login", s.handleOIDCLogin)
	mux.HandleFunc("POST /app/store/oidc", s.handleOIDCLink)
	mux.HandleFunc("GET "+OIDCCallbackPath, s.handleOIDCCallback)

	// The event wizard and detail (event and AI services).
	mux.HandleFunc("GET /app/events/new", s.handleEventNew)
	mux.HandleFunc("POST /app/events", s.handleEventCreate)
	mux.HandleFunc("GET /app/events/{id}/planning", s.handleEventPlanning)
	mux.HandleFunc("GET /app/events/{id}/job-status", s.handleEventJobStatus)
	mux.HandleFunc("POST /app/events/{id}/recommend", s.handleEventRecommend)
	mux.HandleFunc("GET /app/events/{id}/options", s.handleEventOptions)
	mux.HandleFunc("POST /app/events/{id}/selection", s.handleEventSelection)
	mux.HandleFunc("GET /app/events/{id}", s.handleEventDetail)
	mux.HandleFunc("POST /app/events/{id}/approve", s.eventAction("approve", "이벤트를 시작했어요. 매장 QR 포스터를 붙이고 손님을 맞아 보세요!"))
	mux.HandleFunc("POST /app/events/{id}/end", s.eventAction("end", "이벤트를 종료했어요."))
	mux.HandleFunc("POST /app/events/{id}/cancel", s.eventAction("cancel", "이벤트를 취소했어요."))

	// Content: images, video, copy, ringback audio, poster (content.go).
	mux.HandleFunc("GET /app/events/{id}/content", s.handleContent)
	mux.HandleFunc("POST /app/events/{id}/content", s.handleContentStart)
	mux.HandleFunc("GET /app/events/{id}/content/progress", s.handleContentProgress)
	mux.HandleFunc("POST /app/events/{id}/content/assets/{assetId}/regenerate", s.handleContentAsset)
	mux.HandleFunc("POST /app/events/{id}/content/styles/{style}/regenerate", s.handleContentStyle)
	mux.HandleFunc("POST /app/events/{id}/content/channel-styles", s.handleContentChannels)
	mux.HandleFunc("POST /app/events/{id}/content/cancel", s.handleContentCancel)

	// Participation: the customers' entry page and the owner's pages.
	mux.HandleFunc("GET /e/{code}", s.handlePublicEvent)
	mux.HandleFunc("POST /e/{code}", s.handlePublicEnter)
	mux.HandleFunc("GET /app/events/{id}/participants", s.handleParticipants)
	mux.HandleFunc("GET /app/events/{id}/participants/live", s.handleParticipantsLive)
	mux.HandleFunc("POST /app/events/{id}/participants/redeem", s.handleRedeem)
	mux.HandleFunc("POST /app/events/{id}/participants/scan", s.handleCouponScan)
	mux.HandleFunc("POST /app/events/{id}/participants/entries-full.csv", s.handleFullExport)
	for _, f := range []string{"qr.png", "qr.pdf", "entries.csv"} {
		mux.HandleFunc("GET /app/events/{id}/participants/"+f, s.handleParticipantsFile)
	}
	mux.HandleFunc("GET /app/events/{id}/draw", s.handleDrawPage)
	mux.HandleFunc("POST /app/events/{id}/draw/commitment", s.handleDrawCommit)
	mux.HandleFunc("POST /app/events/{id}/draw", s.handleDrawRun)
	mux.HandleFunc("POST /app/events/{id}/draw/{drawId}/winners/{entry}/delivered", s.handlePrizeDelivered)
	mux.HandleFunc("GET /app/events/{id}/announce", s.handleAnnouncePage)
	mux.HandleFunc("POST /app/events/{id}/announce", s.handleAnnounce)
	mux.HandleFunc("POST /app/events/{id}/announce/{aid}/cancel", s.handleAnnounceCancel)
	mux.HandleFunc("GET /u/{token}", s.handleOptOutPage)
	mux.HandleFunc("POST /u/{token}", s.handleOptOut)
}
