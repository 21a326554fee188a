package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The server that `kpss serve` runs has every timeout set, each sensible:
// headers within seconds, the body within a minute, answers within two,
// idle connections closed.
func TestHTTPServerTimeouts(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	hs := e.srv.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout <= 0 || hs.ReadHeaderTimeout > 30*time.Second {
		t.Errorf("ReadHeaderTimeout %v", hs.ReadHeaderTimeout)
	}
	if hs.ReadTimeout < hs.ReadHeaderTimeout || hs.ReadTimeout > 5*time.Minute {
		t.Errorf("ReadTimeout %v", hs.ReadTimeout)
	}
	if hs.WriteTimeout < hs.ReadTimeout || hs.WriteTimeout > 10*time.Minute {
		t.Errorf("WriteTimeout %v", hs.WriteTimeout)
	}
	if hs.IdleTimeout <= 0 || hs.IdleTimeout > 10*time.Minute {
		t.Errorf("IdleTimeout %v", hs.IdleTimeout)
	}
	if hs.MaxHeaderBytes <= 0 || hs.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes %d", hs.MaxHeaderBytes)
	}
}

// slowServer serves e's handler over real TCP with the given timeouts.
func slowServer(t *testing.T, e *testEnv, to Timeouts) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := e.srv.httpServer(ln.Addr().String(), to)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// dribble writes s one byte at a time, every gap, until the server closes
// the connection or s ends; it returns how many bytes got through.
func dribble(c net.Conn, s string, gap time.Duration) int {
	for i := 0; i < len(s); i++ {
		c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte{s[i]}); err != nil {
			return i
		}
		time.Sleep(gap)
	}
	return len(s)
}

// closedBy reads what the server answers until it closes the connection;
// it fails the test when the server still holds it open after limit.
func closedBy(t *testing.T, c net.Conn, limit time.Duration) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(limit))
	b, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection of a slow client open (read so far: %q)", b)
	}
	return string(b)
}

// A client that sends its headers a byte at a time (slowloris) is cut off
// by the header timeout, and a client that sends its body a byte at a time
// by the read timeout: neither holds a connection (and a goroutine) for as
// long as it likes. An idle kept-alive connection is closed too.
func TestSlowClientsAreCutOff(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	addr := slowServer(t, e, Timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: 2 * time.Second, Idle: 300 * time.Millisecond})

	t.Run("headers", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		headers := "GET /healthz HTTP/1.1\r\nHost: kpss\r\nUser-Agent: " + strings.Repeat("x", 200) + "\r\n\r\n"
		done := make(chan int, 1)
		go func() { done <- dribble(c, headers, 20*time.Millisecond) }()
		got := closedBy(t, c, 10*time.Second)
		if sent := <-done; sent == len(headers) {
			t.Fatalf("the server read all %d bytes of dribbled headers", sent)
		}
		if strings.Contains(got, "200 OK") {
			t.Errorf("a dribbled request was served: %q", got)
		}
	})

	t.Run("body", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		body := url.Values{"login": {"koordinator"}, "password": {demoPassword + strings.Repeat("x", 150)}}.Encode()
		head := "POST /prihlaseni HTTP/1.1\r\nHost: kpss\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
		if _, err := c.Write([]byte(head)); err != nil {
			t.Fatal(err)
		}
		done := make(chan int, 1)
		go func() { done <- dribble(c, body, 20*time.Millisecond) }()
		got := closedBy(t, c, 10*time.Second)
		if sent := <-done; sent == len(body) {
			t.Fatalf("the server waited for all %d bytes of a dribbled body", sent)
		}
		if strings.Contains(got, "303 See Other") {
			t.Errorf("a dribbled sign-in went through: %q", got)
		}
	})

	t.Run("idle", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: kpss\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("healthz: %d", resp.StatusCode)
		}
		// Keep-alive: the connection stays for the next request, but not
		// forever.
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("idle connection: want the server to close it, got %v", err)
		}
	})
}

// An oversized body is refused with 413 and a Czech message, on a page form
// (announced or chunked), on the JSON API and on Open311; an upload route
// takes more than a form.
func TestOversizedBodiesRefused(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	big := "text=" + strings.Repeat("a", bodyMax+10)

	// A page form with Content-Length over the cap: 413 without reading it.
	req := httptest.NewRequest("POST", "/prihlaseni", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "příliš velká (nejvýše 2 MB)") {
		t.Fatalf("oversized form: %d %s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(rec.Body.String(), "Příliš velký požadavek") {
		t.Errorf("the 413 page lacks its title")
	}

	// The same without a length (chunked): the handler's parsing stops at
	// the cap with the same answer.
	c := e.session("koordinator")
	req = httptest.NewRequest("POST", "/podnety/novy", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(c)
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "příliš velká") {
		t.Fatalf("chunked oversized form: %d %s", rec.Code, rec.Body.String())
	}

	// The API: a JSON error in Czech with the code too_large.
	tok := e.token("koordinator")
	for _, chunked := range []bool{false, true} {
		body := `{"text":"` + strings.Repeat("a", bodyMax+10) + `"}`
		req = httptest.NewRequest("POST", "/api/v1/suggestions", strings.NewReader(body))
		if chunked {
			req = httptest.NewRequest("POST", "/api/v1/suggestions", io.MultiReader(strings.NewReader(body)))
			req.ContentLength = -1
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec = httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		var got struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusRequestEntityTooLarge || got.Error.Code != "too_large" || !strings.Contains(got.Error.Message, "příliš velká") {
			t.Fatalf("oversized API body (chunked %v): %d %s", chunked, rec.Code, rec.Body.String())
		}
	}

	// Open311 answers in its own format.
	req = httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	var o311 []struct {
		Code        int
		Description string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &o311); err != nil || rec.Code != http.StatusRequestEntityTooLarge || len(o311) != 1 || o311[0].Code != 413 || !strings.Contains(o311[0].Description, "příliš velký") {
		t.Fatalf("oversized Open311 request: %d %s", rec.Code, rec.Body.String())
	}

	// The public form with a photo takes a 3 MB file (it is no photo, so
	// the form comes back with that error, not 413).
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("text", "Chybí lavička u zastávky.")
	fw, _ := mw.CreateFormFile("photo", "foto.jpg")
	fw.Write(bytes.Repeat([]byte{0xff}, 3<<20))
	mw.Close()
	req = httptest.NewRequest("POST", "/podnet", &mp)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code == http.StatusRequestEntityTooLarge || rec.Code >= 500 {
		t.Fatalf("a 3 MB photo on the public form: %d", rec.Code)
	}
}

// Every upload route with a larger cap is a real route (a renamed route
// would silently fall back to the form cap).
func TestUploadRoutesExist(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	have := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		have[rt.Pattern] = true
	}
	for p, n := range uploadMax {
		if !have[p] {
			t.Errorf("uploadMax lists %q, which is no route", p)
		}
		if n < bodyMax {
			t.Errorf("upload route %q has a cap %d below the form cap", p, n)
		}
	}
}
