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

// needHeaders reports whether captures or expectations read the response
// headers, so the lean path must fill them in.
func (a *requestAction) needHeaders() bool {
	return len(a.captures) > 0 || len(a.expects) > 0
}

// runLean performs the request on the lean path and records its one
// Sample, with the same outcomes as the net/http path of run.
func (a *requestAction) runLean(ctx context.Context, vu *VU, u *url.URL) error {
	lc := vu.lean
	if err := ctx.Err(); err != nil {
		vu.p.cancelled.Add(1)
		return err
	}
	lc.watch(ctx)
	lc.bodyBuf = a.appendBody(vu, lc.bodyBuf[:0])
	r := leanRequest{method: a.method, u: u, host: u.Host, body: lc.bodyBuf,
		hasBody: a.body != bodyNone || a.method == http.MethodPost || a.method == http.MethodPut || a.method == http.MethodPatch}
	if a.host != nil {
		vu.scratch = a.host.Append(vu.scratch[:0], &vu.scope)
		if !bytes.Equal(vu.scratch, []byte(r.host)) {
			r.host = string(vu.scratch)
		}
	}
	lc.firstHost = u.Host

	// The clock starts once the first request is built, as it is sent.
	bytesOut := a.appendRequest(vu, &r)
	start := time.Now()
	deadline := start.Add(vu.p.http.timeout)
	h := &lc.head
	for {
		if r.hop > 0 {
			a.appendRequest(vu, &r)
		}
		err := a.roundTrip(ctx, vu, &r, deadline, h)
		var next *leanRequest
		if err == nil {
			a.storeCookies(vu, r.u, h)
			next, err = redirectTarget(&r, h)
		}
		if err == nil && next != nil {
			err = lc.discardBody(h, !a.hasAcceptEncoding())
			if err == nil && next.u.Scheme != "http" {
				return a.finishOnNetHTTP(ctx, vu, next, start, bytesOut)
			}
			if err == nil {
				r = *next
				continue
			}
		}
		if err != nil {
			return a.leanFailed(ctx, vu, &r, start, 0, 0, bytesOut, err)
		}
		break
	}
	n, err := lc.readBody(vu, h, a.needBody, !a.hasAcceptEncoding())
	end := lc.received(start)
	bytesIn := h.headBytes + n
	if h.gzip && !a.hasAcceptEncoding() {
		bytesIn -= h.gzipBytes
	}
	if err != nil {
		return a.leanFailed(ctx, vu, &r, start, h.status, bytesIn, bytesOut, err)
	}
	resp := &lc.resp
	if h.gzip && !a.hasAcceptEncoding() && resp.Header != nil {
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
	}
	kind, cause := a.check(vu, resp)
	vu.record(a, start, end, h.status, kind, bytesIn, bytesOut)
	if kind == metrics.ErrExpect || kind == metrics.ErrCapture {
		return &AbortError{Step: a.path, Kind: kind, Err: cause}
	}
	return nil
}

// leanFailed records a failed lean request, or counts it as cancelled when
// ctx ended it.
func (a *requestAction) leanFailed(ctx context.Context, vu *VU, r *leanRequest, start time.Time, status int, in, out int64, err error) error {
	end := time.Now()
	vu.lean.drop()
	if ctx.Err() != nil {
		vu.p.cancelled.Add(1)
		return ctx.Err()
	}
	err = wrapURLError(r.method, r.u, err)
	kind := classify(err)
	vu.record(a, start, end, status, kind, in, out)
	return &AbortError{Step: a.path, Kind: kind, Err: err}
}

// hasAcceptEncoding reports whether the step sets Accept-Encoding or Range
// itself, which turns off transparent decompression (as in net/http).
func (a *requestAction) hasAcceptEncoding() bool {
	for i := range a.headers {
		if k := a.headers[i].key; k == "Accept-Encoding" || k == "Range" {
			return true
		}
	}
	return false
}

// storeCookies saves the response's cookies in the VU's jar.
func (a *requestAction) storeCookies(vu *VU, u *url.URL, h *respHead) {
	if len(h.cookies) == 0 || vu.client.Jar == nil {
		return
	}
	hdr := http.Header{"Set-Cookie": h.cookies}
	vu.client.Jar.SetCookies(u, (&http.Response{Header: hdr}).Cookies())
}

// readBody reads the body after h into the VU (see VU.readBody) and leaves
// the connection ready for the next request, or closes it.
func (lc *leanConn) readBody(vu *VU, h *respHead, keep, autoGzip bool) (int64, error) {
	rd, alive, err := lc.bodyReader(h, autoGzip)
	if err != nil {
		return 0, err
	}
	n, err := vu.readBody(rd, keep)
	if err == nil && rd == io.Reader(lc.gz) {
		// The gzip stream may end before the body does.
		_, err = io.Copy(io.Discard, lc.raw)
	}
	if err != nil || !alive {
		lc.drop()
		return n, err
	}
	lc.reused = true
	return n, nil
}

// discardBody reads and drops a redirect's body.
func (lc *leanConn) discardBody(h *respHead, autoGzip bool) error {
	rd, alive, err := lc.bodyReader(h, autoGzip)
	if err == nil {
		_, err = io.Copy(io.Discard, rd)
	}
	if err != nil || !alive {
		lc.drop()
		return err
	}
	lc.reused = true
	return nil
}

// finishOnNetHTTP follows a redirect to an https URL with net/http, which
// follows any further redirects, and records the request's one Sample.
func (a *requestAction) finishOnNetHTTP(ctx context.Context, vu *VU, next *leanRequest, start time.Time, bytesOut int64) error {
	var body io.Reader
	if next.hasBody {
		body = bytes.NewReader(bytes.Clone(next.body))
	}
	req, err := http.NewRequestWithContext(ctx, next.method, next.u.String(), body)
	if err != nil {
		return a.leanFailed(ctx, vu, next, start, 0, 0, bytesOut, err)
	}
	for i := range a.headers {
		h := &a.headers[i]
		if h.fixed != nil {
			req.Header[h.key] = h.fixed
		} else {
			vu.scratch = h.value.Append(vu.scratch[:0], &vu.scope)
			req.Header[h.key] = []string{string(vu.scratch)}
		}
	}
	resp, err := vu.client.Do(req)
	if err != nil {
		return a.leanFailed(ctx, vu, next, start, 0, 0, bytesOut, err)
	}
	n, err := vu.readBody(resp.Body, a.needBody)
	_ = resp.Body.Close()
	end := time.Now()
	bytesIn := responseHeaderBytes(resp) + n
	if err != nil {
		return a.leanFailed(ctx, vu, next, start, resp.StatusCode, bytesIn, bytesOut, err)
	}
	kind, cause := a.check(vu, resp)
	vu.record(a, start, end, resp.StatusCode, kind, bytesIn, bytesOut)
	if kind == metrics.ErrExpect || kind == metrics.ErrCapture {
		return &AbortError{Step: a.path, Kind: kind, Err: cause}
	}
	return nil
}
