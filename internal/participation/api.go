package participation

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/platform/kst"
	phonefmt "github.com/autoevent/autoevent/internal/platform/phone"
)

// API is the participation service's entry-side HTTP surface.
type API struct {
	svc        *Service
	trustProxy bool
	storeCard  StoreCard
}

// StoreCard returns a store's address and phone (the app asks the user
// service), for the public event view.
type StoreCard func(ctx context.Context, r *http.Request, storeID string) (address, phone string, err error)

// WithStoreCard makes the public event view carry the store's address and
// phone, looked up with f.
func (a *API) WithStoreCard(f StoreCard) *API { a.storeCard = f; return a }

// NewAPI returns the API; svc is nil when the service runs in another
// process (the routes are then proxied and the handlers never run).
func NewAPI(svc *Service, trustProxy bool) *API { return &API{svc: svc, trustProxy: trustProxy} }

// maxEntryBody bounds an entry body: a name, a phone number and a token fit
// in far less; anything bigger is refused with 413 before it is parsed.
const maxEntryBody = 16 << 10

// Routes declares the routes.
func (a *API) Routes(r *httpapi.Router) {
	const svc = "participation"
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/public/events/{id}/entries", Service: svc,
		Summary: "Enter an event (one entry per phone number; Idempotency-Key honoured)",
		Request: EntryInput{}, Response: EntryResult{}, Status: http.StatusCreated,
		Params: []httpapi.Param{{In: "header", Name: "Idempotency-Key", Description: "the same key and body answer the stored result"}},
		Also:   []httpapi.Answer{{Status: http.StatusOK, Description: "This phone's earlier entry", Body: EntryResult{}}}}, a.enter)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/public/event-codes/{code}", Service: svc,
		Summary: "The public view of an event by its short code", Response: PublicEvent{}}, a.publicByCode)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/public/events/{id}/coupons/{code}/qr.png", Service: svc,
		Summary: "QR code (PNG) of a first-come coupon, to show at the counter", MediaType: "image/png"}, a.couponQR)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/participation", Service: svc, Access: httpapi.Owner,
		Summary: "Participation summary: public code and URL, counts, coupon stock", Response: Overview{}}, a.overview)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/participation/qr.png", Service: svc, Access: httpapi.Owner,
		Summary: "In-store QR code (PNG) with the signed store-visit token", MediaType: "image/png"}, a.qrPNG)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/participation/qr.pdf", Service: svc, Access: httpapi.Owner,
		Summary: "Printable A4 poster (PDF) with the in-store QR code", MediaType: "application/pdf"}, a.qrPDF)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/entries", Service: svc, Access: httpapi.Owner,
		Summary: "Entries (masked), paged, searchable by the last 4 digits (?last4=&page=&size=)", Response: EntryPage{},
		Params: []httpapi.Param{{Name: "last4", Description: "last 4 digits of the phone number"},
			{Name: "page", Type: "integer"}, {Name: "size", Type: "integer"}}}, a.entries)
	r.Handle(httpapi.Route{Method: "GET", Pattern: "/api/v1/events/{id}/entries.csv", Service: svc, Access: httpapi.Owner,
		Summary: "CSV export of the entries, masked", MediaType: "text/csv"}, a.entriesCSV)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/entries.csv", Service: svc, Access: httpapi.Owner,
		Summary: "CSV export with full names and phone numbers, after re-entering the password (403 reauth_failed)",
		Request: UnmaskedExportInput{}, MediaType: "text/csv"}, a.entriesCSVUnmasked)
	r.Handle(httpapi.Route{Method: "POST", Pattern: "/api/v1/events/{id}/coupons/{code}/redeem", Service: svc, Access: httpapi.Owner,
		Summary: "Redeem a first-come coupon at the counter (exactly once)", Response: Redemption{}}, a.redeem)
}

func (a *API) enter(w http.ResponseWriter, r *http.Request) {
	eventID := r.PathValue("id")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEntryBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpapi.WriteError(w, r, apperr.ErrTooLarge)
			return
		}
		httpapi.WriteError(w, r, apperr.ErrInvalidJSON.Wrap(err))
		return
	}
	run := func() (int, []byte, error) {
		in, err := decodeEntry(body)
		if err != nil {
			return 0, nil, err
		}
		res, err := a.svc.Enter(r.Context(), eventID, in, httpapi.ClientIP(r, a.trustProxy))
		if err != nil {
			return 0, nil, err
		}
		out, err := json.Marshal(res)
		if err != nil {
			return 0, nil, err
		}
		if res.Repeat {
			return http.StatusOK, out, nil
		}
		return http.StatusCreated, out, nil
	}
	var status int
	var out []byte
	if h := r.Header.Get("Idempotency-Key"); h != "" {
		key, kerr := ParseIdempotencyKey(h)
		if kerr != nil {
			httpapi.WriteError(w, r, kerr)
			return
		}
		var replayed bool
		status, out, replayed, err = a.svc.Idempotent(r.Context(), "entry:"+eventID, key, body, run)
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
	} else {
		status, out, err = run()
	}
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// decodeEntry parses an entry body strictly (unknown fields refused).
func decodeEntry(body []byte) (EntryInput, error) {
	if in, ok := fastDecodeEntry(body); ok {
		return in, nil
	}
	var in EntryInput
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return in, apperr.ErrInvalidJSON.WithField(typeErr.Field, "invalid_type", "값의 형식이 올바르지 않습니다.").Wrap(err)
		}
		return in, apperr.ErrInvalidJSON.Wrap(err)
	}
	if dec.More() {
		return in, apperr.ErrInvalidJSON
	}
	return in, nil
}

func (a *API) publicByCode(w http.ResponseWriter, r *http.Request) {
	ev, err := a.svc.PublicEventByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if a.storeCard != nil && ev.StoreID != "" {
		// How to find and call the shop helps, but the event page must
		// not fail for it: without the card the view goes out as it is.
		if addr, phone, err := a.storeCard(r.Context(), r, ev.StoreID); err == nil {
			ev.StoreAddress, ev.StorePhone = addr, phone
		} else {
			httpapi.LoggerFrom(r.Context()).Warn("store card unavailable", "store", ev.StoreID, "err", err)
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, ev)
}

func (a *API) couponQR(w http.ResponseWriter, r *http.Request) {
	eventID, code := r.PathValue("id"), r.PathValue("code")
	se, err := a.svc.Coupon(r.Context(), eventID, code)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	png, err := QRPNG(se.CouponCode, 320)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	writeFile(w, "image/png", "", png)
}

func (a *API) overview(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	ov, err := a.svc.Overview(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, ov)
}

func (a *API) ownedEvent(w http.ResponseWriter, r *http.Request) (Event, bool) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err == nil {
		var e Event
		if e, err = a.svc.OwnedEvent(r.Context(), p.UserID, r.PathValue("id")); err == nil {
			return e, true
		}
	}
	httpapi.WriteError(w, r, err)
	return Event{}, false
}

func (a *API) qrPNG(w http.ResponseWriter, r *http.Request) {
	e, ok := a.ownedEvent(w, r)
	if !ok {
		return
	}
	png, err := QRPNG(a.svc.VisitURL(e), 1024)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	writeFile(w, "image/png", "event-"+e.Code+"-qr.png", png)
}

func (a *API) qrPDF(w http.ResponseWriter, r *http.Request) {
	e, ok := a.ownedEvent(w, r)
	if !ok {
		return
	}
	pdf, err := PosterPDF(e, a.svc.PublicURL(e), a.svc.VisitURL(e))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	writeFile(w, "application/pdf", "event-"+e.Code+"-qr.pdf", pdf)
}

func writeFile(w http.ResponseWriter, ctype, filename string, b []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "private, no-store")
	if filename != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	_, _ = w.Write(b)
}

func (a *API) entries(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("size"))
	res, err := a.svc.Entries(r.Context(), p.UserID, r.PathValue("id"), EntryFilter{Last4: q.Get("last4"), Page: page, Size: size})
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, res)
}

// UnmaskedExportInput is the body of the unmasked CSV export.
type UnmaskedExportInput struct {
	Password string `json:"password"`
}

var csvHeader = []string{"응모번호", "이름", "휴대전화", "매장방문", "마케팅동의", "쿠폰", "쿠폰사용", "참여일시"}

// entriesCSV exports the entries with masked personal data.
func (a *API) entriesCSV(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	e, err := a.svc.OwnedEvent(r.Context(), p.UserID, r.PathValue("id"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	cw := startCSV(w, "entries-"+e.Code+".csv")
	_, err = a.svc.EachEntry(r.Context(), p.UserID, e.ID, func(v EntryView) error {
		return cw.Write(csvRow(v, v.Name, v.Phone))
	})
	cw.Flush()
	if err != nil {
		httpapi.LoggerFrom(r.Context()).Error("participation: csv export", "err", err)
	}
}

// entriesCSVUnmasked exports full names and phone numbers once the owner has
// re-entered their password. Nothing is written before the check passes, so
// a refusal is a clean problem answer.
func (a *API) entriesCSVUnmasked(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var in UnmaskedExportInput
	if err := httpapi.DecodeJSON(w, r, &in); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	var cw *csv.Writer
	e, err := a.svc.EachContact(r.Context(), r, p.UserID, r.PathValue("id"), in.Password, func(v EntryView, name, phone string) error {
		if cw == nil {
			cw = startCSV(w, "entries-full.csv")
		}
		if name == "" { // destroyed after the event: only the masked copy is left
			name, phone = v.Name, v.Phone
		} else {
			phone = phonefmt.Format(phone)
		}
		return cw.Write(csvRow(v, name, phone))
	})
	switch {
	case err != nil && cw == nil:
		httpapi.WriteError(w, r, err)
	case err != nil:
		cw.Flush()
		httpapi.LoggerFrom(r.Context()).Error("participation: unmasked csv export", "err", err)
	case cw == nil: // no entries yet: just the header
		cw = startCSV(w, "entries-"+e.Code+"-full.csv")
		cw.Flush()
	default:
		cw.Flush()
	}
}

func startCSV(w http.ResponseWriter, name string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write([]byte("\xef\xbb\xbf")) // BOM: Excel opens UTF-8 Korean correctly
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	return cw
}

func csvRow(v EntryView, name, phone string) []string {
	used := ""
	if v.CouponRedeemedAt != nil {
		used = v.CouponRedeemedAt.In(kst.Location).Format("2006-01-02 15:04")
	}
	return []string{strconv.FormatInt(v.EntryNumber, 10), csvSafe(name), phone, yn(v.StoreVisit),
		yn(v.Marketing), v.CouponCode, used, v.CreatedAt.In(kst.Location).Format("2006-01-02 15:04:05")}
}

// csvSafe defuses spreadsheet formulas in customer-typed text.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func (a *API) redeem(w http.ResponseWriter, r *http.Request) {
	p, err := httpapi.MustPrincipal(r.Context())
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	res, err := a.svc.Redeem(r.Context(), p.UserID, r.PathValue("id"), r.PathValue("code"))
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}
