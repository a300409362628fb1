package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

func TestClassify(t *testing.T) {
	op := func(err error) error {
		return &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := []struct {
		name string
		err  error
		want metrics.ErrorKind
	}{
		// Name resolution failures, even when they time out.
		{name: "dns", err: op(&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}), want: metrics.ErrDNS},
		{name: "dns timeout", err: op(&net.DNSError{Err: "timeout", IsTimeout: true}), want: metrics.ErrDNS},
		// Deadlines and net timeouts.
		{name: "deadline", err: &url.Error{Err: context.DeadlineExceeded}, want: metrics.ErrTimeout},
		{name: "os deadline", err: op(os.ErrDeadlineExceeded), want: metrics.ErrTimeout},
		// TLS and certificate errors.
		{name: "unknown authority", err: &url.Error{Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, want: metrics.ErrTLS},
		{name: "hostname", err: &url.Error{Err: x509.HostnameError{Host: "h"}}, want: metrics.ErrTLS},
		{name: "record header", err: &url.Error{Err: tls.RecordHeaderError{Msg: "not TLS"}}, want: metrics.ErrTLS},
		{name: "alert", err: &url.Error{Err: &net.OpError{Op: "remote error", Err: tls.AlertError(40)}}, want: metrics.ErrTLS},
		// Refused and reset connections.
		{name: "refused", err: op(os.NewSyscallError("connect", syscall.ECONNREFUSED)), want: metrics.ErrRefused},
		{name: "reset", err: op(os.NewSyscallError("read", syscall.ECONNRESET)), want: metrics.ErrReset},
		{name: "broken pipe", err: op(os.NewSyscallError("write", syscall.EPIPE)), want: metrics.ErrReset},
		{name: "unexpected EOF", err: fmt.Errorf("body: %w", io.ErrUnexpectedEOF), want: metrics.ErrReset},
		{name: "EOF", err: &url.Error{Err: io.EOF}, want: metrics.ErrReset},
		// Anything else.
		{name: "other", err: errors.New("malformed HTTP response"), want: metrics.ErrOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err); got != tt.want {
				t.Errorf("classify(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}

func TestResolveURL(t *testing.T) {
	tests := []struct {
		name, target, rel, want, wantErr string
	}{
		// A leading slash appends to the target, keeping its path.
		{name: "slash", target: "http://h:1/api", rel: "/u", want: "http://h:1/api/u"},
		// No leading slash: a slash is inserted.
		{name: "no slash", target: "http://h:1", rel: "u/1", want: "http://h:1/u/1"},
		// A bare query goes straight after the target.
		{name: "query", target: "http://h:1/p", rel: "?a=1", want: "http://h:1/p?a=1"},
		// Absolute URLs ignore the target; the scheme is case-insensitive.
		{name: "absolute", target: "http://h:1", rel: "HTTPS://other/x", want: "https://other/x"},
		// Invalid query characters in rendered values are escaped.
		{name: "escape query", target: "http://h", rel: `/s?q=a b"<>|&ok=%41#frag ment`, want: "http://h/s?q=a%20b%22%3C%3E%7C&ok=%41#frag%20ment"},
		// A path with a space is escaped by net/url.
		{name: "path space", target: "http://h", rel: "/a b", want: "http://h/a%20b"},
		// Sad paths.
		{name: "relative without target", rel: "/x", wantErr: "config.target is not set"},
		{name: "other scheme", rel: "ftp://h/x", wantErr: "http or https"},
		{name: "no host", rel: "http:///x", wantErr: "with a host"},
		{name: "bad escape", target: "http://h", rel: "/%zz", wantErr: "url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _, err := resolveURL(nil, tt.target, []byte(tt.rel))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := u.String(); got != tt.want {
				t.Errorf("resolveURL = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseThink(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},             // seconds
		{" 0.25 ", 250 * time.Millisecond, true}, // fractional seconds, trimmed
		{"1m30s", 90 * time.Second, true},        // Go duration
		{"0", 0, true},                           // no pause
		{"-1", 0, false},                         // negative seconds
		{"-1s", 0, false},                        // negative duration
		{"100000", 0, false},                     // beyond a day
		{"soon", 0, false},                       // not a duration
		{"", 0, false},                           // empty
	}
	for _, tt := range tests {
		got, err := parseThink(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseThink(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestAppendQueryEscaped(t *testing.T) {
	for _, s := range []string{"", "plain", "a b&c=d", "é/?#%+~._-", "\x00\xff"} {
		if got, want := string(appendQueryEscaped(nil, []byte(s))), url.QueryEscape(s); got != want {
			t.Errorf("appendQueryEscaped(%q) = %q, want %q (url.QueryEscape)", s, got, want)
		}
	}
}

func TestMediaTypes(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                true,
		"Application/JSON; charset=utf-8": true,
		"application/problem+json":        true,
		"application/vnd.api+json ; q=1":  true,
		"text/json-ish":                   false,
		"application/jsonp":               false,
		"":                                false,
	} {
		if got := isJSONMediaType(ct); got != want {
			t.Errorf("isJSONMediaType(%q) = %v, want %v", ct, got, want)
		}
	}
}

// benchVU is a VU of a compiled one-request program whose kept body is set
// by hand, for benchmarking the response-side work without the network.
func benchVU(b *testing.B, body string) (*VU, *requestAction) {
	b.Helper()
	sc := &scenario.Scenario{
		Config: scenario.Config{Target: "http://127.0.0.1:1", Phases: []scenario.Phase{{Name: "p"}}},
		Flows: []scenario.Flow{{Steps: []scenario.Step{{Kind: scenario.StepRequest, Request: &scenario.Request{
			Method: "POST", URL: scentest.T("/x"),
			JSON: scentest.Obj("user", scentest.Str("u-{{ $vu.id }}"), "items", scentest.Arr(scentest.Num("1"), scentest.Str("{{ token }}"))),
			Captures: []scenario.Capture{
				{Kind: scenario.CaptureJSON, Expr: "$.token", As: "token", Strict: true},
				{Kind: scenario.CaptureJSON, Expr: "$.user.id", As: "uid", Strict: true},
			},
		}}}}},
	}
	p, err := Compile(sc, nil, Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	vu := p.NewVU(1, 0, nil)
	vu.body = []byte(body)
	return vu, p.flows[0].steps[0].(*requestAction)
}

// BenchmarkJSONCapture parses a response body once and runs two JSON
// captures, as a request with captures does after reading the body.
func BenchmarkJSONCapture(b *testing.B) {
	vu, a := benchVU(b, `{"user":{"id":42,"name":"Ada"},"items":[{"id":"a"},{"id":"b"}],"token":"abcdef0123456789"}`)
	b.ReportAllocs()
	for b.Loop() {
		vu.docState = 0
		for i := range a.captures {
			v, err := a.captures[i].eval(vu, nil)
			if err != nil {
				b.Fatal(err)
			}
			vu.scope.Vars[a.captures[i].slot] = v
		}
	}
}

// BenchmarkJSONBody renders a templated JSON request body.
func BenchmarkJSONBody(b *testing.B) {
	vu, a := benchVU(b, "")
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = a.json.append(buf[:0], &vu.scope)
	}
}
