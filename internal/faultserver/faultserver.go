// Package faultserver is a misbehaving HTTP server for loadgo's reliability
// tests: one loopback listener whose paths each inject one target fault
// (a reset, a stall, a slow drip, an endless or huge body, garbage instead
// of HTTP, a 5xx storm) on real sockets, and count how often they were hit.
//
// It listens on 127.0.0.1 only. Close releases every handler that is still
// stalling or streaming, and waits for them, so that a leak detector run
// after Close sees no goroutine of the server.
package faultserver

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is one kind of misbehaviour, served at its Path.
type Fault int

// The faults. Each is served at "/" + its name (see Path).
const (
	// OK answers 200 with a small body: the control the other requests are
	// compared with.
	OK Fault = iota
	// Status5xx answers 503 (a 5xx storm when every request hits it).
	Status5xx
	// ResetBeforeResponse resets the connection (RST) after reading the
	// request, before any byte of the response.
	ResetBeforeResponse
	// ResetMidBody sends the headers and part of a body announced longer,
	// then resets the connection.
	ResetMidBody
	// Stall never answers; the handler ends when the client gives up or
	// the server closes.
	Stall
	// SlowDrip sends a body one byte at a time with Server.DripEvery
	// between bytes, Server.DripBytes bytes in all.
	SlowDrip
	// Endless streams a chunked body that never ends.
	Endless
	// Huge sends a body of Server.HugeBytes bytes as fast as the client
	// reads it.
	Huge
	// Garbage answers with bytes that are not an HTTP status line.
	Garbage
	numFaults
)

var names = [numFaults]string{"ok", "status5xx", "reset", "reset-body", "stall", "drip", "endless", "huge", "garbage"}

// String returns the fault's name.
func (f Fault) String() string {
	if f < 0 || f >= numFaults {
		return "fault(" + strconv.Itoa(int(f)) + ")"
	}
	return names[f]
}

// Path is the URL path that serves f.
func (f Fault) Path() string { return "/" + f.String() }

// Faults returns every fault, in order.
func Faults() []Fault {
	out := make([]Fault, numFaults)
	for i := range out {
		out[i] = Fault(i)
	}
	return out
}

// Server is a running fault server. Set the tuning fields before the first
// request; they are read by handlers.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234".
	URL string
	// DripEvery is the pause between the bytes of SlowDrip (default 50ms).
	DripEvery time.Duration
	// DripBytes is SlowDrip's body length (default 20).
	DripBytes int
	// HugeBytes is Huge's body length (default 64 MiB).
	HugeBytes int64

	srv   *httptest.Server
	hits  [numFaults]atomic.Int64
	done  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	chunk []byte
}

// Start starts a plain-HTTP fault server on a loopback port.
func Start() *Server { return start(false) }

// StartTLS starts a fault server behind TLS with a self-signed certificate
// (see CertPEM).
func StartTLS() *Server { return start(true) }

func start(useTLS bool) *Server {
	s := &Server{
		DripEvery: 50 * time.Millisecond,
		DripBytes: 20,
		HugeBytes: 64 << 20,
		done:      make(chan struct{}),
		chunk:     make([]byte, 32<<10),
	}
	for i := range s.chunk {
		s.chunk[i] = 'a' + byte(i%26)
	}
	mux := http.NewServeMux()
	for _, f := range Faults() {
		mux.HandleFunc(f.Path(), func(w http.ResponseWriter, r *http.Request) {
			s.hits[f].Add(1)
			s.wg.Add(1)
			defer s.wg.Done()
			s.serve(f, w, r)
		})
	}
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // resets and garbage are the point
	if useTLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	return s
}

// Hits returns how many requests reached f's handler.
func (s *Server) Hits(f Fault) int64 { return s.hits[f].Load() }

// Addr returns the listener's host:port.
func (s *Server) Addr() string { return s.srv.Listener.Addr().String() }

// CertPEM returns the TLS server's certificate in PEM form (nil for a
// plain server), for a scenario's config.tls.ca file.
func (s *Server) CertPEM() []byte {
	c := s.srv.Certificate()
	if c == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// Certificate returns the TLS server's certificate (nil for a plain server).
func (s *Server) Certificate() *x509.Certificate { return s.srv.Certificate() }

// Close releases stalled and streaming handlers, stops the server and waits
// for every handler, hijacked ones included, to return. It is idempotent.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
		s.wg.Wait()
	})
}

// Closed returns a refused-connection URL: a loopback port that was just
// listened on and closed, so nothing answers there.
func Closed() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", err
	}
	return "http://" + addr, nil
}
