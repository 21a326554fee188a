package server

import (
	"net/http"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/grant"
	"kpss/internal/suggestion"
)

// Every request body is capped before a handler reads it: forms and JSON at
// bodyMax, the upload routes listed here at their own, larger cap. A body
// announced larger than its cap is refused at once with 413 and a Czech
// page (or JSON error for the API) without reading it; a body that turns
// out larger (chunked) stops the handler's parsing with the same error
// (web.ParseForm, web.DecodeJSON map *http.MaxBytesError to apperr.TooLarge).
// Handlers may cap lower still (a sign-in form at 64 kB).
const bodyMax = 2 << 20

// uploadMax lists the routes that take files, each with its cap. A new
// upload route must be added here, or its uploads stop at bodyMax.
var uploadMax = map[string]int64{
	"POST /podnet":                      suggestion.MaxPhoto + 1<<20, // a photo and the rest of the form
	"POST /katalog/sprava/import":       256 << 20,                   // the registry's export of a whole region
	"POST /plan/ukazatele/import":       bodyMax,                     // a CSV of indicator values
	"POST /dotace/zadosti/{id}/prilohy": grant.MaxAttachment + 1<<20, // a PDF attached to a grant application
}

// uploadTime is how long an upload route may take to read its body; other
// requests get the server's ReadTimeout (Timeouts.Read).
const uploadTime = 10 * time.Minute

// BodyCap returns the body cap of a route pattern.
func BodyCap(pattern string) int64 {
	if n, ok := uploadMax[pattern]; ok {
		return n
	}
	return bodyMax
}

// limitBody caps r's body for route rt; it answers 413 and returns false
// when the announced length is over the cap. Open311 answers errors in its
// own format, so its handler refuses an announced oversize itself (the cap
// still holds for it).
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request, rt Route) bool {
	max := BodyCap(rt.Pattern)
	if _, upload := uploadMax[rt.Pattern]; upload {
		// A large file over a slow line needs longer than a form.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadTime))
	}
	if r.ContentLength > max && !strings.HasPrefix(rt.Pattern, "POST /open311/") {
		w.Header().Set("Connection", "close")
		s.fail(w, r, rt, apperr.TooLargeErr(max))
		return false
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, max)
	}
	return true
}

// Timeouts are the http.Server's limits on slow and idle clients.
type Timeouts struct {
	// ReadHeader: the request line and headers must arrive within it (a
	// client dribbling headers is cut off).
	ReadHeader time.Duration
	// Read: the whole request, body included (upload routes get
	// uploadTime for the body).
	Read time.Duration
	// Write: from the end of the headers to the end of the answer (the
	// longest export of a million suggestions takes seconds).
	Write time.Duration
	// Idle: a kept-alive connection waits this long for its next request.
	Idle time.Duration
}

// DefaultTimeouts are those of `kpss serve`.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 60 * time.Second, Write: 120 * time.Second, Idle: 120 * time.Second}
