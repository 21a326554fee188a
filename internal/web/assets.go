package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"kpss/internal/pagecache"
)

// Static files are served from memory: each with a content hash, gzipped
// once at start when that makes it smaller (CSS, JS, SVG), and referenced
// from the templates with its hash (/static/kpss.css?v=3f2a…), rewritten
// when the templates are parsed, so that a browser may keep them for a
// year: a changed file has a new URL.

// An Asset is one static file ready to serve.
type Asset struct {
	Type, ETag, Hash string
	Data, Gzip       []byte
	Mod              time.Time
}

// LoadAssets reads every file of fsys (not folders) and prepares it.
func LoadAssets(fsys fs.FS) (map[string]*Asset, error) {
	out := map[string]*Asset{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])[:12]
		a := &Asset{Type: mime.TypeByExtension(path.Ext(p)), Hash: h, ETag: `"` + h + `"`, Data: b}
		if info, err := d.Info(); err == nil {
			a.Mod = info.ModTime()
		}
		if a.Type == "" {
			a.Type = "application/octet-stream"
		}
		if compressible(a.Type) && len(b) > 512 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(b)
			zw.Close()
			if buf.Len() < len(b)*9/10 {
				a.Gzip = buf.Bytes()
			}
		}
		out[p] = a
		return nil
	})
	return out, err
}

func compressible(t string) bool {
	return strings.HasPrefix(t, "text/") || strings.Contains(t, "javascript") || strings.Contains(t, "json") || strings.Contains(t, "svg")
}

// ServeAssets serves assets: the hash's URL (?v=hash) for a year,
// immutable; any other for maxAge, revalidated by ETag; gzip when the
// browser takes it. A name that is not a file (a folder, nothing) is a 404,
// never a listing.
func ServeAssets(assets map[string]*Asset, maxAge time.Duration) http.Handler {
	short := "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if v := r.URL.Query().Get("v"); v != "" && v == a.Hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", short)
		}
		h.Set("ETag", a.ETag)
		h.Set("Content-Type", a.Type)
		h.Set("X-Content-Type-Options", "nosniff")
		body := a.Data
		if a.Gzip != nil {
			h.Add("Vary", "Accept-Encoding")
			if pagecache.AcceptsGzip(r) {
				h.Set("Content-Encoding", "gzip")
				body = a.Gzip
			}
		}
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.ETag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(body)
	})
}

// staticAssets are our own static files, loaded once.
var staticAssets = sync.OnceValues(func() (map[string]*Asset, error) { return LoadAssets(Static()) })

// StaticAssets returns our own static files ready to serve.
func StaticAssets() (map[string]*Asset, error) { return staticAssets() }

var staticRef = regexp.MustCompile(`"/static/([A-Za-z0-9._-]+)"`)

// fingerprint adds each known static file's hash to its references in a
// template's source.
func fingerprint(src []byte) []byte {
	assets, err := staticAssets()
	if err != nil {
		return src
	}
	return staticRef.ReplaceAllFunc(src, func(m []byte) []byte {
		name := string(m[len(`"/static/`) : len(m)-1])
		if a, ok := assets[name]; ok {
			return []byte(`"/static/` + name + `?v=` + a.Hash + `"`)
		}
		return m
	})
}

// fingerprinted returns the .html files of dir in fsys (and its partials)
// with their static references fingerprinted, as a file system to parse.
func fingerprinted(fsys fs.FS, patterns ...string) (fs.FS, error) {
	out := fstest.MapFS{}
	for _, pat := range patterns {
		names, err := fs.Glob(fsys, pat)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				return nil, err
			}
			out[n] = &fstest.MapFile{Data: fingerprint(b)}
		}
	}
	return out, nil
}
