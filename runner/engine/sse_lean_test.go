package engine

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sseTestServer streams one event that echoes the request's Host,
// User-Agent, X-Test and cookie "c", sets cookie "c=2",
// and at /hold keeps the stream open until the client leaves; at /close
// it writes the same by hand as a close-delimited body (Connection: close,
// no length, no chunking) and closes; /redirect redirects to /hold.
func sseTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/hold", http.StatusFound)
			return
		}
		c, _ := r.Cookie("c")
		val := ""
		if c != nil {
			val = c.Value
		}
		http.SetCookie(w, &http.Cookie{Name: "c", Value: "2"})
		w.Header().Set("Content-Type", "text/event-stream")
		if r.URL.Path == "/close" {
			hj, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer hj.Close()
			_, _ = io.WriteString(hj, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nSet-Cookie: c=2\r\nConnection: close\r\n\r\ndata: "+r.Host+"|"+val+"\n\n")
			return
		}
		_, _ = io.WriteString(w, "data: "+r.Host+"|"+r.UserAgent()+"|"+r.Header.Get("X-Test")+"|"+val+"\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSSETransport opens streams through the lean event-stream transport
// with a real http.Client (cookies, redirects) against a loopback server.
func TestSSETransport(t *testing.T) {
	srv := sseTestServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name    string
		path    string
		header  http.Header
		want    string // the first event's data
		wantErr string // a substring of Do's error
	}{
		// A chunked stream: headers, the default User-Agent and the jar's
		// cookie reach the server.
		{name: "chunked", path: "/hold", header: http.Header{"X-Test": {"x"}}, want: host + "|Go-http-client/1.1|x|1"},
		// The VU's own User-Agent replaces the default.
		{name: "user agent", path: "/hold", header: http.Header{"User-Agent": {"ua"}}, want: host + "|ua||1"},
		// A redirect is followed by the client on a new connection.
		{name: "redirect", path: "/redirect", want: host + "|Go-http-client/1.1||1"},
		// A body delimited by the server closing the connection.
		{name: "close-delimited", path: "/close", want: host + "|1"},
		// A header value with a line break is refused before anything is sent.
		{name: "bad header", path: "/hold", header: http.Header{"X-Test": {"a\r\nInjected: 1"}}, wantErr: "invalid header field value"},
		// Nothing listens on port 1 of loopback: the connect fails.
		{name: "refused", path: "http://127.0.0.1:1/", wantErr: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jar, _ := cookiejar.New(nil)
			u := srv.URL + tt.path
			if strings.HasPrefix(tt.path, "http://") {
				u = tt.path
			}
			seed, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			jar.SetCookies(seed.URL, []*http.Cookie{{Name: "c", Value: "1"}})
			c := &http.Client{Jar: jar, Transport: &sseTransport{s: &httpSettings{timeout: 5 * time.Second}, next: http.DefaultTransport}}
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := c.Do(req)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			line, err := bufio.NewReader(resp.Body).ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(strings.TrimPrefix(line, "data: "), "\n"); got != tt.want {
				t.Errorf("event = %q, want %q", got, tt.want)
			}
			if cs := jar.Cookies(seed.URL); len(cs) != 1 || cs[0].Value != "2" {
				t.Errorf("cookies after the response = %v, want c=2", cs)
			}
		})
	}
}

// TestSSETransportCancel checks that cancelling the request's context ends
// a read blocked on an open stream, and that Close does too.
func TestSSETransportCancel(t *testing.T) {
	srv := sseTestServer(t)
	for _, byClose := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		tr := &sseTransport{s: &httpSettings{timeout: 5 * time.Second}, next: http.DefaultTransport}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/hold", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		br := bufio.NewReader(resp.Body)
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := io.Copy(io.Discard, br) // blocks: the server holds the stream
			done <- err
		}()
		if byClose {
			_ = resp.Body.Close()
		} else {
			cancel()
		}
		if err := <-done; err == nil || errors.Is(err, io.EOF) {
			t.Errorf("byClose=%v: the blocked read ended with %v, want a closed-connection error", byClose, err)
		}
		cancel()
		_ = resp.Body.Close()
	}
}
