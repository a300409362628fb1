package engine

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/loadgo/loadgo/scenario"
)

// Defaults applied when the scenario leaves a setting at zero (the scenario
// package normally fills them in already).
const (
	// DefaultTimeout is the whole-request timeout (Artillery's default).
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBodyBytes caps the part of a response body kept for
	// captures and expectations.
	DefaultMaxBodyBytes = 10 << 20
)

const (
	// sharedIdlePerHost sizes the shared pool's idle connections per host
	// well above any VU count we run, so the pool never closes connections
	// that a VU is about to reuse.
	sharedIdlePerHost = 1 << 16
	// vuIdlePerHost is enough for a VU's sequential flow (one connection)
	// plus a redirect to the same host.
	vuIdlePerHost   = 4
	idleConnTimeout = 90 * time.Second
	dialKeepAlive   = 30 * time.Second
)

// httpSettings are the compiled, shared HTTP settings of a Program.
type httpSettings struct {
	timeout       time.Duration
	maxBodyBytes  int64
	sharedPool    bool
	maxConnsPerVU int
	tls           *tls.Config
	// conns caps the connections open at once (connlimit.go); nil: no cap.
	conns *connLimiter
	// resolver looks up host names; nil is the system's. Tests set one
	// that never sends a query.
	resolver *net.Resolver
	// noLean sends plain-http requests through net/http too instead of
	// the lean client (lean.go); tests compare the two paths with it.
	noLean bool
}

func newHTTPSettings(sc *scenario.Scenario) (httpSettings, error) {
	c := sc.Config.HTTP
	s := httpSettings{
		timeout:       c.Timeout,
		maxBodyBytes:  c.MaxBodyBytes,
		sharedPool:    c.SharedPool,
		maxConnsPerVU: c.MaxConnsPerVU,
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.maxBodyBytes <= 0 {
		s.maxBodyBytes = DefaultMaxBodyBytes
	}
	var err error
	s.tls, err = tlsConfig(sc.Config.TLS, sc.Dir)
	return s, err
}

// tlsConfig builds the client TLS configuration of config.tls.
func tlsConfig(c scenario.TLSConfig, dir string) (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: !c.RejectUnauthorized} //nolint:gosec // the user asked for it (config.tls.rejectUnauthorized: false)
	if c.CAFile == "" {
		return cfg, nil
	}
	path := c.CAFile
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config.tls.ca: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("config.tls.ca: %s: no PEM certificate found", path)
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// newTransport makes a transport. A per-VU transport keeps a small idle
// pool (a VU's flow is sequential, so it reuses one keep-alive connection)
// and caps open connections at config.http.maxSockets; the shared one keeps
// a large idle pool for every VU. Proxies from the environment are ignored
// on purpose: load goes only where the scenario says. The TLS configuration
// is cloned because http.Transport writes NextProtos into it on first use.
func newTransport(s *httpSettings) *http.Transport {
	d := &net.Dialer{Timeout: s.timeout, KeepAlive: dialKeepAlive, Resolver: s.resolver}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           s.conns.dialer(d),
		TLSClientConfig:       s.tls.Clone(),
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   s.timeout,
		IdleConnTimeout:       idleConnTimeout,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    false,
	}
	if s.sharedPool {
		t.MaxIdleConns = 0 // no overall limit
		t.MaxIdleConnsPerHost = sharedIdlePerHost
	} else {
		t.MaxIdleConnsPerHost = max(vuIdlePerHost, s.maxConnsPerVU)
		t.MaxConnsPerHost = s.maxConnsPerVU
	}
	return t
}
