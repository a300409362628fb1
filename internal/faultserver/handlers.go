package faultserver

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"time"
)

// serve injects fault f into the answer to r.
func (s *Server) serve(f Fault, w http.ResponseWriter, r *http.Request) {
	switch f {
	case OK:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	case Status5xx:
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	case ResetBeforeResponse:
		s.hijack(w, func(c net.Conn, _ *bufio.ReadWriter) {})
	case ResetMidBody:
		s.hijack(w, func(c net.Conn, rw *bufio.ReadWriter) {
			_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
			_, _ = rw.Write(s.chunk[:1000])
			_ = rw.Flush()
		})
	case Stall:
		select {
		case <-r.Context().Done():
		case <-s.done:
			panic(http.ErrAbortHandler) // cut the connection: no answer, ever
		}
	case SlowDrip:
		s.drip(w, r)
	case Endless:
		s.stream(w, r, -1)
	case Huge:
		w.Header().Set("Content-Length", strconv.FormatInt(s.HugeBytes, 10))
		s.stream(w, r, s.HugeBytes)
	case Garbage:
		s.hijack(w, func(c net.Conn, rw *bufio.ReadWriter) {
			_, _ = rw.WriteString("SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 not http at all\r\n\r\n")
			_ = rw.Flush()
		})
	}
}

// hijack takes the connection over, lets write send what it wants, then
// closes it with SO_LINGER 0 so the kernel sends RST instead of FIN: a
// real reset, not a clean close.
func (s *Server) hijack(w http.ResponseWriter, write func(net.Conn, *bufio.ReadWriter)) {
	c, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	write(c, rw)
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// drip writes DripBytes bytes one at a time, DripEvery apart.
func (s *Server) drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", strconv.Itoa(s.DripBytes))
	fl, _ := w.(http.Flusher)
	t := time.NewTicker(s.DripEvery)
	defer t.Stop()
	for i := 0; i < s.DripBytes; i++ {
		if i > 0 {
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			case <-s.done:
				return
			}
		}
		if _, err := w.Write(s.chunk[i%len(s.chunk) : i%len(s.chunk)+1]); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
	}
}

// stream writes n bytes (n < 0: forever) as fast as the client reads.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, n int64) {
	for n != 0 {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			panic(http.ErrAbortHandler) // cut the body short, never end it cleanly
		default:
		}
		b := s.chunk
		if n > 0 && int64(len(b)) > n {
			b = b[:n]
		}
		m, err := w.Write(b)
		if err != nil {
			return
		}
		if n > 0 {
			n -= int64(m)
		}
	}
}
