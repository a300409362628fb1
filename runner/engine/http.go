package engine

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// run performs the request once and records exactly one Sample for it,
// unless ctx was cancelled while it was in flight: then nothing is recorded
// (the request did not fail, we stopped it), the Program's Cancelled
// counter goes up and ctx's error is returned.
func (a *requestAction) run(ctx context.Context, vu *VU) error {
	if a.ifTrue != nil && !a.ifTrue.holds(vu) {
		return nil
	}
	u, err := a.renderURL(vu)
	if err == nil && vu.leanEnabled(u) {
		return a.runLean(ctx, vu, u)
	}
	var req *http.Request
	var bodyLen int
	if err == nil {
		req, bodyLen, err = a.build(ctx, vu, u)
	}
	if err != nil {
		now := time.Now()
		vu.record(a, now, now, 0, metrics.ErrOther, 0, 0)
		return &AbortError{Step: a.path, Kind: metrics.ErrOther, Err: err}
	}

	start := time.Now()
	resp, err := vu.client.Do(req)
	if err != nil {
		end := time.Now()
		if ctx.Err() != nil {
			vu.p.cancelled.Add(1)
			return ctx.Err()
		}
		kind := classify(err)
		vu.record(a, start, end, 0, kind, 0, requestBytes(req, bodyLen))
		return &AbortError{Step: a.path, Kind: kind, Err: err}
	}
	n, err := vu.readBody(resp.Body, a.needBody)
	_ = resp.Body.Close() // fully read (or failed): closing cannot report anything new
	end := time.Now()

	bytesIn := responseHeaderBytes(resp) + n
	bytesOut := requestBytes(req, bodyLen)
	if err != nil {
		if ctx.Err() != nil {
			vu.p.cancelled.Add(1)
			return ctx.Err()
		}
		kind := classify(err)
		vu.record(a, start, end, resp.StatusCode, kind, bytesIn, bytesOut)
		return &AbortError{Step: a.path, Kind: kind, Err: err}
	}
	kind, cause := a.check(vu, resp)
	vu.record(a, start, end, resp.StatusCode, kind, bytesIn, bytesOut)
	if kind == metrics.ErrExpect || kind == metrics.ErrCapture {
		return &AbortError{Step: a.path, Kind: kind, Err: cause}
	}
	return nil
}

// renderURL renders the request's URL with its query string. The result
// may be the shared compiled URL: callers must not modify it.
func (a *requestAction) renderURL(vu *VU) (*url.URL, error) {
	s := &vu.scope
	u := a.fixedURL
	if u == nil {
		vu.scratch = a.urlT.Append(vu.scratch[:0], s)
		var err error
		if u, vu.urlBuf, err = resolveURL(vu.urlBuf, a.target, vu.scratch); err != nil {
			return nil, err
		}
	}
	if len(a.qs) > 0 {
		q := *u // u may be the shared compiled URL: never modify it
		vu.urlBuf = append(vu.urlBuf[:0], u.RawQuery...)
		if len(vu.urlBuf) > 0 {
			vu.urlBuf = append(vu.urlBuf, '&')
		}
		vu.urlBuf, vu.scratch = appendParams(vu.urlBuf, vu.scratch, a.qs, s)
		q.RawQuery = string(vu.urlBuf)
		u = &q
	}
	return u, nil
}

// appendBody renders the request body onto dst.
func (a *requestAction) appendBody(vu *VU, dst []byte) []byte {
	s := &vu.scope
	switch a.body {
	case bodyJSON:
		dst = a.json.append(dst, s)
	case bodyRaw:
		dst = a.raw.Append(dst, s)
	case bodyForm:
		dst, vu.scratch = appendParams(dst, vu.scratch, a.form, s)
	}
	return dst
}

// build makes the net/http request for u. It returns the body length for
// the byte count.
func (a *requestAction) build(ctx context.Context, vu *VU, u *url.URL) (*http.Request, int, error) {
	s := &vu.scope
	// The body gets a buffer of its own: net/http may still be writing it
	// after the response arrived (a server that answers early), so it
	// cannot be reused for the next request.
	var body []byte
	if a.body != bodyNone {
		body = a.appendBody(vu, make([]byte, 0, vu.bodyHint))
	}
	vu.bodyHint = max(vu.bodyHint, len(body))

	var rd io.Reader
	if a.body != bodyNone {
		rd = bytes.NewReader(body)
	}
	// An empty URL parses without work; the real one is set below, so a
	// compiled URL is not parsed again.
	req, err := http.NewRequestWithContext(ctx, a.method, "", rd)
	if err != nil {
		return nil, 0, err
	}
	req.URL, req.Host = u, u.Host
	req.Header = make(http.Header, len(a.headers)+1)
	for i := range a.headers {
		h := &a.headers[i]
		if h.fixed != nil {
			req.Header[h.key] = h.fixed
			continue
		}
		vu.scratch = h.value.Append(vu.scratch[:0], s)
		req.Header[h.key] = []string{string(vu.scratch)}
	}
	if a.host != nil {
		vu.scratch = a.host.Append(vu.scratch[:0], s)
		req.Host = string(vu.scratch)
	}
	return req, len(body), nil
}

// readBody reads the whole body. With keep, up to the body cap is kept in
// vu.body for captures and expectations; the rest is read and discarded
// (a body over the cap is not an error, it is truncated for captures). It
// returns the number of body bytes read.
func (vu *VU) readBody(body io.Reader, keep bool) (int64, error) {
	vu.body, vu.docState, vu.docErr = vu.body[:0], 0, nil
	if !keep {
		return io.Copy(io.Discard, body)
	}
	limit := int(vu.p.http.maxBodyBytes)
	var n int64
	for len(vu.body) < limit {
		if len(vu.body) == cap(vu.body) {
			grow := min(max(cap(vu.body), 4096), limit-len(vu.body))
			vu.body = append(vu.body, make([]byte, grow)...)[:len(vu.body)]
		}
		m, err := body.Read(vu.body[len(vu.body):min(cap(vu.body), limit)])
		vu.body = vu.body[:len(vu.body)+m]
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	rest, err := io.Copy(io.Discard, body)
	return n + rest, err
}

// check runs the captures, then the expectations (so that they can use
// what was just captured), and returns the sample's error kind with its
// cause: a failed expectation first, then a failed strict capture, then a
// status >= 400 (unless a statusCode expectation judged the status).
func (a *requestAction) check(vu *VU, resp *http.Response) (metrics.ErrorKind, error) {
	var captureErr, expectErr error
	for i := range a.captures {
		c := &a.captures[i]
		v, err := c.eval(vu, resp)
		vu.scope.Vars[c.slot] = v // a failed capture leaves the variable unset
		if err != nil && c.strict && captureErr == nil {
			captureErr = &captureError{as: c.as, err: err}
		}
	}
	for i := range a.expects {
		if err := a.expects[i].check(vu, resp); err != nil {
			expectErr = err
			break
		}
	}
	switch {
	case expectErr != nil:
		return metrics.ErrExpect, expectErr
	case captureErr != nil:
		return metrics.ErrCapture, captureErr
	case resp.StatusCode >= 400 && !a.statusExpected:
		return metrics.ErrStatus, nil
	}
	return metrics.ErrNone, nil
}

// captureError is the cause of a failed strict capture.
type captureError struct {
	as  string
	err error
}

func (e *captureError) Error() string { return "capture " + e.as + ": " + e.err.Error() }
func (e *captureError) Unwrap() error { return e.err }

// record records the one Sample of a request attempt. Intended is measured
// from the iteration's scheduled start for its first request only.
func (vu *VU) record(a *requestAction, start, end time.Time, status int, kind metrics.ErrorKind, in, out int64) {
	first := vu.first
	vu.first = false
	if vu.shard == nil || a.series == nil {
		return
	}
	vu.smp = metrics.Sample{
		Latency:  end.Sub(start),
		Status:   status,
		Err:      kind,
		BytesIn:  in,
		BytesOut: out,
	}
	if first && !vu.intended.IsZero() {
		vu.smp.Intended = end.Sub(vu.intended)
	}
	vu.shard.Record(a.series[vu.seriesIdx], &vu.smp)
}

// Byte counts are approximations of the HTTP/1.1 wire format, computed the
// same way for every connection mode (a shared pool cannot attribute wire
// bytes to a request): the request line, the headers we send (cookies
// included) and the body; the status line, the response headers and the
// body as delivered to us (after transparent gzip decompression).
const (
	crlf       = 2
	colonSpace = 2
)

// requestBytes approximates the request's size on the wire.
func requestBytes(req *http.Request, bodyLen int) int64 {
	n := len(req.Method) + 1 + uriLen(req.URL) + len(" HTTP/1.1") + crlf
	n += len("Host") + colonSpace + len(req.Host) + crlf
	for k, vs := range req.Header {
		for _, v := range vs {
			n += len(k) + colonSpace + len(v) + crlf
		}
	}
	return int64(n + crlf + bodyLen)
}

func uriLen(u *url.URL) int {
	n := len(u.Path)
	if u.RawPath != "" {
		n = len(u.RawPath)
	}
	if n == 0 {
		n = 1 // "/"
	}
	if u.RawQuery != "" {
		n += 1 + len(u.RawQuery)
	}
	return n
}

// responseHeaderBytes approximates the status line and headers.
func responseHeaderBytes(resp *http.Response) int64 {
	n := len(resp.Proto) + 1 + len(resp.Status) + crlf
	for k, vs := range resp.Header {
		for _, v := range vs {
			n += len(k) + colonSpace + len(v) + crlf
		}
	}
	return int64(n + crlf)
}
