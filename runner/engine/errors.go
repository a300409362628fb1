package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/loadgo/loadgo/runner/metrics"
)

// ErrAborted marks a flow ended early by a failed request, expectation or capture.
var ErrAborted = errAborted{}

type errAborted struct{}

func (errAborted) Error() string { return "flow aborted" }

// AbortError is the error Iterate, RunBefore and RunAfter return when a
// failure ended the flow early. errors.Is(err, ErrAborted) holds for it, and
// it unwraps to the cause. The failure has already been recorded (as a
// Sample whose Err is Kind) when it came from a request.
type AbortError struct {
	// Step is the step's path in the scenario, e.g. "scenarios[0].flow[2]".
	Step string
	// Kind classifies the failure (metrics.ErrOther for a failure that is
	// not a request's, such as an unparseable think time).
	Kind metrics.ErrorKind
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *AbortError) Error() string {
	return fmt.Sprintf("%s: %s (%s): %v", e.Step, ErrAborted.Error(), e.Kind, e.Err)
}

// Unwrap returns ErrAborted and the cause.
func (e *AbortError) Unwrap() []error { return []error{ErrAborted, e.Err} }

// classify maps a transport or body-read error to an error kind. The order
// matters: a DNS failure can also be a timeout (it counts as dns), a TLS
// handshake that times out counts as timeout, and a reset while the TLS
// handshake runs counts as reset only when no TLS error is found.
func classify(err error) metrics.ErrorKind {
	var capErr *ConnCapError
	if errors.As(err, &capErr) {
		return metrics.ErrConnCap
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return metrics.ErrDNS
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout() {
		return metrics.ErrTimeout
	}
	if isTLSError(err) {
		return metrics.ErrTLS
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return metrics.ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return metrics.ErrReset
	}
	return metrics.ErrOther
}

// isTLSError reports whether err comes from certificate verification or
// the TLS protocol.
func isTLSError(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		alert     tls.AlertError
		echReject *tls.ECHRejectionError
	)
	return errors.As(err, &verify) || errors.As(err, &unknownCA) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &record) || errors.As(err, &alert) ||
		errors.As(err, &echReject)
}
