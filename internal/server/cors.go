package server

import (
	"net/http"
	"strings"
)

// The public read-only APIs and feeds may be read by web pages of other
// sites (a municipality's web showing the catalogue, a map of suggestions, a
// calendar widget): they answer with Access-Control-Allow-Origin: * and
// answer a CORS preflight. Nothing else does, and none of them allows
// credentials (with * browsers send no cookies), so a signed-in user's data
// can never be read across origins.

// corsPrefixes and corsSuffixes name the public read APIs by path.
var (
	corsPrefixes = []string{"/hsds/", "/open311/v2/", "/oparl/v1"}
	corsSuffixes = []string{".ics", "/aktuality/rss.xml", "/aktuality/atom.xml", ".geojson"}
)

// corsAllowed reports whether path is one of the public read APIs.
func corsAllowed(path string) bool {
	for _, p := range corsPrefixes {
		if strings.HasPrefix(path, p) || path+"/" == p {
			return true
		}
	}
	for _, s := range corsSuffixes {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

// cors adds the CORS headers to GET and HEAD answers of the public read APIs
// and answers their preflight requests (OPTIONS) itself. Other methods (the
// Open311 POST) get no CORS headers, so browsers on other sites cannot send them.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !corsAllowed(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h.Set("Access-Control-Allow-Origin", "*")
		case http.MethodOptions:
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Accept, Accept-Language, If-None-Match, If-Modified-Since")
			h.Set("Access-Control-Max-Age", "86400")
			h.Set("Allow", "GET, HEAD, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
