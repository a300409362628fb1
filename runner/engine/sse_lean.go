package engine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
)

// sseTransport opens plain-http event streams without net/http's
// transport: the stream's reader (the VU's goroutine for a foreground
// stream, the stream's goroutine in the background) reads its connection
// directly. net/http keeps a read-loop and a write-loop goroutine and a
// 4 KiB write buffer per connection, all idle for the whole life of a
// stream; with tens of thousands of streams per process they were about
// a third of loadgo's memory per stream (docs/BENCHMARKS.md, item 4).
//
// It is an http.RoundTripper under the stream's http.Client, so cookies
// and redirects work as before. Each stream gets a connection of its own,
// closed with the body (a stream is never reused). https URLs, and every
// request other than a bodiless GET, go to next (net/http: TLS, HTTP/2).
type sseTransport struct {
	s    *httpSettings
	next http.RoundTripper
}

// RoundTrip sends req on a new connection and returns the response with
// its body streaming from that connection. req's context bounds the
// connect, the head and the body: its end closes the connection.
func (t *sseTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" || req.Method != http.MethodGet || req.Body != nil && req.Body != http.NoBody {
		return t.next.RoundTrip(req)
	}
	if err := checkHeaders(req.Header); err != nil {
		return nil, err
	}
	ctx := req.Context()
	d := net.Dialer{Timeout: t.s.timeout, KeepAlive: dialKeepAlive, Resolver: t.s.resolver}
	c, err := t.s.conns.dial(ctx, &d, "tcp", hostPort(req.URL))
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	fail := func(err error) (*http.Response, error) {
		stop()
		_ = c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if _, err := c.Write(appendSSERequest(nil, req)); err != nil {
		return fail(err)
	}
	br := bufio.NewReaderSize(c, leanBufSize)
	resp := &http.Response{Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: make(http.Header)}
	var h respHead
	if err := h.read(br, req.Method, resp, true); err != nil {
		return fail(err)
	}
	resp.Status = fmt.Sprintf("%d %s", h.status, http.StatusText(h.status))
	resp.ContentLength = h.contentLength
	var body io.Reader
	switch {
	case h.chunked:
		body = &trailerReader{h: &h, br: br, r: httputil.NewChunkedReader(br)}
	case h.contentLength >= 0:
		body = &clReader{r: br, n: h.contentLength}
	default:
		body = br // delimited by the server closing the connection
	}
	resp.Body = &sseConnBody{r: body, c: c, stop: stop}
	return resp, nil
}

// appendSSERequest appends the request head of req to b: the request
// line, Host, User-Agent (net/http's default unless set) and req's
// headers (the client has added the jar's cookies to them).
func appendSSERequest(b []byte, req *http.Request) []byte {
	b = append(b, "GET "...)
	b = append(b, req.URL.RequestURI()...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	b = append(b, host...)
	b = append(b, "\r\n"...)
	if _, ok := req.Header["User-Agent"]; !ok {
		b = append(b, "User-Agent: Go-http-client/1.1\r\n"...)
	}
	for k, vs := range req.Header {
		if strings.EqualFold(k, "Host") {
			continue
		}
		for _, v := range vs {
			b = appendHeader(b, k, v)
		}
	}
	return append(b, "\r\n"...)
}

// checkHeaders refuses header names and values that would break the
// request head (line breaks, NUL), as net/http does.
func checkHeaders(h http.Header) error {
	for k, vs := range h {
		if k == "" || strings.ContainsAny(k, " :\r\n\x00") {
			return fmt.Errorf("net/http: invalid header field name %q", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				return fmt.Errorf("net/http: invalid header field value for %q", k)
			}
		}
	}
	return nil
}

// sseConnBody is a stream's body on its own connection. Close may be
// called while a Read is blocked: it closes the connection, which ends the
// Read.
type sseConnBody struct {
	r    io.Reader
	c    net.Conn
	stop func() bool
	once sync.Once
	err  error
}

// Read reads the body.
func (b *sseConnBody) Read(p []byte) (int, error) { return b.r.Read(p) }

// Close closes the connection once.
func (b *sseConnBody) Close() error {
	b.once.Do(func() {
		b.stop()
		b.err = b.c.Close()
	})
	return b.err
}

// sseTransport returns the transport of the VU's event streams: the lean
// one when the VU uses the lean client for plain http (its own pool, lean
// not disabled), else the VU's net/http transport.
func (vu *VU) sseTransport() http.RoundTripper {
	if vu.lean == nil {
		return vu.client.Transport
	}
	return &sseTransport{s: &vu.p.http, next: vu.client.Transport}
}
