package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"strconv"
)

// respHead is the parsed head of a response on the lean path.
type respHead struct {
	status int
	// headBytes approximates the status line and headers the way
	// responseHeaderBytes counts them; gzipBytes is the part of it that
	// net/http would remove after transparent decompression
	// (Content-Encoding and Content-Length).
	headBytes, gzipBytes int64
	contentLength        int64 // -1 when absent
	chunked, gzip, close bool
	location             string
	cookies              []string
	// started is set once any response byte arrived.
	started bool
	long    []byte // a header line longer than the read buffer
}

// errMalformed reports a response the lean path cannot parse.
type errMalformed struct{ what string }

func (e *errMalformed) Error() string { return "malformed HTTP response: " + e.what }

// line reads one header line without its line ending. The slice is valid
// until the next read.
func (h *respHead) line(br *bufio.Reader) ([]byte, error) {
	l, err := br.ReadSlice('\n')
	if len(l) > 0 {
		h.started = true
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		h.long = append(h.long[:0], l...)
		for errors.Is(err, bufio.ErrBufferFull) {
			l, err = br.ReadSlice('\n')
			h.long = append(h.long, l...)
			if len(h.long) > 1<<20 {
				return nil, &errMalformed{"header line over 1 MiB"}
			}
		}
		l = h.long
	}
	if err != nil {
		if err == io.EOF && h.started {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return bytes.TrimRight(l, "\r\n"), nil
}

// read reads the response head, skipping 1xx responses other than 101.
// With full, resp.Header gets every header; resp.StatusCode is always set.
func (h *respHead) read(br *bufio.Reader, method string, resp *http.Response, full bool) error {
	*h = respHead{cookies: h.cookies[:0], long: h.long[:0], contentLength: -1}
	for {
		l, err := h.line(br)
		if err != nil {
			return err
		}
		proto, rest, ok := bytes.Cut(l, []byte{' '})
		rest = bytes.TrimLeft(rest, " ")
		if !ok || len(rest) < 3 || !bytes.HasPrefix(proto, []byte("HTTP/1.")) {
			return &errMalformed{fmt.Sprintf("status line %q", l)}
		}
		code, err := strconv.Atoi(string(rest[:3]))
		if err != nil || code < 100 {
			return &errMalformed{fmt.Sprintf("status code %q", rest[:3])}
		}
		h.status = code
		h.close = proto[len(proto)-1] == '0' // HTTP/1.0 closes unless asked to keep alive
		h.headBytes = int64(len(proto) + 1 + len(rest) + crlf + crlf)
		if full {
			if resp.Header == nil {
				resp.Header = make(http.Header)
			} else {
				clear(resp.Header)
			}
		}
		if err := h.headers(br, resp, full); err != nil {
			return err
		}
		if code >= 200 || code == http.StatusSwitchingProtocols {
			break
		}
	}
	resp.StatusCode = h.status
	if method == http.MethodHead || h.status == http.StatusNoContent || h.status == http.StatusNotModified {
		h.contentLength, h.chunked, h.gzip = 0, false, false
	}
	return nil
}

// headers reads header lines up to the blank line.
func (h *respHead) headers(br *bufio.Reader, resp *http.Response, full bool) error {
	for {
		l, err := h.line(br)
		if err != nil {
			return err
		}
		if len(l) == 0 {
			return nil
		}
		k, v, ok := bytes.Cut(l, []byte{':'})
		if !ok || len(k) == 0 {
			return &errMalformed{fmt.Sprintf("header line %q", l)}
		}
		v = bytes.Trim(v, " \t")
		n := int64(len(k) + colonSpace + len(v) + crlf)
		h.headBytes += n
		switch {
		case asciiEqualFold(k, "content-length"):
			cl, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || cl < 0 {
				return &errMalformed{fmt.Sprintf("Content-Length %q", v)}
			}
			h.contentLength = cl
			h.gzipBytes += n
		case asciiEqualFold(k, "transfer-encoding"):
			// net/http moves it out of the headers, so it is not counted.
			h.chunked = asciiEqualFold(v, "chunked")
			h.headBytes -= n
			continue
		case asciiEqualFold(k, "content-encoding"):
			h.gzip = asciiEqualFold(v, "gzip")
			h.gzipBytes += n
		case asciiEqualFold(k, "connection"):
			if asciiEqualFold(v, "close") {
				h.close = true
			} else if asciiEqualFold(v, "keep-alive") {
				h.close = false
			}
		case asciiEqualFold(k, "location"):
			h.location = string(v)
		case asciiEqualFold(k, "set-cookie"):
			h.cookies = append(h.cookies, string(v))
		}
		if full {
			key := textproto.CanonicalMIMEHeaderKey(string(k))
			resp.Header[key] = append(resp.Header[key], string(v))
		}
	}
}

// asciiEqualFold reports whether b equals the lower-case ASCII s, ignoring case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// clReader reads a Content-Length body: exactly n bytes, io.EOF after
// them, io.ErrUnexpectedEOF when the connection ends first.
type clReader struct {
	r io.Reader
	n int64
}

func (c *clReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	m, err := c.r.Read(p)
	c.n -= int64(m)
	if err == io.EOF {
		if c.n > 0 {
			return m, io.ErrUnexpectedEOF
		}
		err = nil
	}
	return m, err
}

// trailerReader reads a chunked body and then its trailer section, so the
// connection is left at the next response.
type trailerReader struct {
	h   *respHead
	br  *bufio.Reader
	r   io.Reader
	eof bool
}

func (t *trailerReader) Read(p []byte) (int, error) {
	if t.eof {
		return 0, io.EOF
	}
	n, err := t.r.Read(p)
	if err == io.EOF {
		for {
			l, lerr := t.h.line(t.br)
			if lerr != nil {
				return n, lerr
			}
			if len(l) == 0 {
				break
			}
		}
		t.eof = true
	}
	return n, err
}

// bodyReader returns the reader of the body that follows h, and whether
// the connection can serve another request once it is read to the end.
func (lc *leanConn) bodyReader(h *respHead, autoGzip bool) (io.Reader, bool, error) {
	var r io.Reader
	keep := !h.close
	switch {
	case h.chunked:
		r = &trailerReader{h: h, br: lc.br, r: httputil.NewChunkedReader(lc.br)}
	case h.contentLength >= 0:
		lc.cl = clReader{r: lc.br, n: h.contentLength}
		r = &lc.cl
	default:
		// Delimited by the server closing the connection.
		r, keep = lc.br, false
	}
	lc.raw = r
	if autoGzip && h.gzip {
		if h.contentLength == 0 && !h.chunked {
			return r, keep, nil
		}
		if lc.gz == nil {
			gz, err := gzip.NewReader(r)
			if err != nil {
				return nil, false, err
			}
			lc.gz = gz
		} else if err := lc.gz.Reset(r); err != nil {
			return nil, false, err
		}
		return lc.gz, keep, nil
	}
	return r, keep, nil
}
