package web

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
)

// A module's own partials (templates/partials/*.html) are available to each
// of its pages, and not to another module's.
func TestModulePartials(t *testing.T) {
	rd, err := NewRenderer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	mod := fstest.MapFS{
		"templates/partials/box.html": {Data: []byte(`{{define "mod-box"}}<aside>{{.}}</aside>{{end}}`)},
		"templates/one.html":          {Data: []byte(`{{define "content"}}{{template "mod-box" "první"}}{{end}}`)},
		"templates/two.html":          {Data: []byte(`{{define "content"}}{{template "mod-box" "druhá"}}{{end}}`)},
	}
	if err := rd.Register("mod", mod, "templates"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"mod/one": "<aside>první</aside>", "mod/two": "<aside>druhá</aside>"} {
		var buf bytes.Buffer
		if err := rd.pages[name].ExecuteTemplate(&buf, "content", nil); err != nil || !strings.Contains(buf.String(), want) {
			t.Errorf("%s: %q %v", name, buf.String(), err)
		}
	}
	if _, ok := rd.pages["mod/box"]; ok {
		t.Error("a partial was registered as a page")
	}
	other := fstest.MapFS{"templates/x.html": {Data: []byte(`{{define "content"}}{{template "mod-box" "x"}}{{end}}`)}}
	if err := rd.Register("other", other, "templates"); err != nil {
		t.Fatal(err)
	}
	if err := rd.pages["other/x"].ExecuteTemplate(io.Discard, "content", nil); err == nil {
		t.Error("another module's page sees the partial")
	}
}
