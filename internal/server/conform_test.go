package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A coordinator uploads the registry's real export with its code lists; without
// them the page says which list is missing and keeps the form.
func TestConformRegistryUpload(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	upload := func(lists bool, fields map[string]string) *httptest.ResponseRecorder {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "rpss.json")
		b, err := os.ReadFile("../catalog/testdata/rpss-real-shape.json")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
		if lists {
			files, _ := filepath.Glob("../catalog/testdata/ciselniky/*.json")
			for _, f := range files {
				fw, _ := mw.CreateFormFile("ciselniky", filepath.Base(f))
				b, _ := os.ReadFile(f)
				fw.Write(b)
			}
		}
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		mw.Close()
		req := httptest.NewRequest("POST", "/katalog/sprava/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(coord)
		rr := httptest.NewRecorder()
		e.srv.ServeHTTP(rr, req)
		return rr
	}
	rr := upload(false, map[string]string{"kraj": "Zlínský kraj"})
	if body := rr.Body.String(); rr.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "druhy sociálních služeb") ||
		!strings.Contains(body, `id="f-ciselniky-error"`) || !strings.Contains(body, `value="Zlínský kraj"`) {
		t.Fatalf("without code lists: %d", rr.Code)
	}
	rr = upload(true, map[string]string{"kraj": "Zlínský kraj"})
	if body := rr.Body.String(); rr.Code != http.StatusOK || !strings.Contains(body, "Domov pro seniory Napajedla") {
		t.Fatalf("with code lists: %d %s", rr.Code, body)
	}
}
