// Package redact masks secrets in text that leaves loadgo: log steps, error
// messages, summary notes and output tags.
//
// Two things are masked. Known secret values: the values of the
// {{ $env.NAME }} references of a scenario whose NAME says secret (TOKEN,
// API_KEY, PASSWORD, ...) or that are sent in a sensitive header (secrets
// come from the environment, never from the YAML), and the values of
// variables sent in sensitive headers. And
// secret-shaped text whatever its value: the value of an Authorization,
// Proxy-Authorization, Cookie or Set-Cookie header written as "Name: value",
// a "Bearer"/"Basic" credential, the password of a URL's user info, and the
// value of a query or form parameter whose name says it is a secret
// (token, password, secret, api_key, ...).
//
// Masking is for text off the hot path: it allocates.
package redact

import (
	"sort"
	"strings"
)

// Mask replaces every secret.
const Mask = "[REDACTED]"

// MinSecretLen is the shortest value treated as a known secret: masking
// every "a" or "1" in a log line would hide everything and protect nothing.
const MinSecretLen = 4

// Redactor masks known secret values and secret-shaped text. The zero
// value and nil mask secret-shaped text only. A Redactor is immutable and
// safe for concurrent use.
type Redactor struct {
	// secrets are the known values, longest first, so that a secret that
	// contains another is masked whole.
	secrets []string
}

// New returns a Redactor for the given secret values. Values shorter than
// MinSecretLen and duplicates are ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	seen := make(map[string]bool, len(secrets))
	for _, s := range secrets {
		if len(s) >= MinSecretLen && !seen[s] {
			seen[s] = true
			r.secrets = append(r.secrets, s)
		}
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// With returns a Redactor that also masks the given values.
func (r *Redactor) With(secrets ...string) *Redactor {
	if r == nil {
		return New(secrets...)
	}
	return New(append(append([]string(nil), r.secrets...), secrets...)...)
}

// String returns s with every secret masked.
func (r *Redactor) String(s string) string {
	if r != nil {
		for _, sec := range r.secrets {
			if strings.Contains(s, sec) {
				s = strings.ReplaceAll(s, sec, Mask)
			}
		}
	}
	return maskShapes(s)
}

// Error returns err's message with every secret masked ("" for nil).
func (r *Redactor) Error(err error) string {
	if err == nil {
		return ""
	}
	return r.String(err.Error())
}

// sensitiveHeaders are the headers whose value is always a credential.
var sensitiveHeaders = []string{"authorization", "proxy-authorization", "cookie", "set-cookie"}

// secretWords mark a header or parameter name as a secret's.
var secretWords = []string{"token", "secret", "password", "passwd", "api_key", "apikey", "api-key", "session", "credential", "private"}

// IsSensitiveHeader reports whether a header with this name carries a
// credential: Authorization, Proxy-Authorization, Cookie, Set-Cookie, or
// a name containing a secret word (X-Api-Key, X-Auth-Token, ...).
func IsSensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	for _, h := range sensitiveHeaders {
		if n == h {
			return true
		}
	}
	return IsSecretName(n)
}

// IsSecretName reports whether a header, parameter or environment
// variable name says its value is a secret: it contains a secret word
// (TOKEN, SECRET, PASSWORD, API_KEY, SESSION, ...) or ends in "key".
func IsSecretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return strings.HasSuffix(n, "key")
}

// Header returns value, or Mask when the header is sensitive.
func Header(name, value string) string {
	if IsSensitiveHeader(name) {
		return Mask
	}
	return value
}

// Err returns err with its message masked. It still unwraps to err, so
// errors.Is and errors.As see the cause; only the text is masked. A nil
// err stays nil.
func (r *Redactor) Err(err error) error {
	if err == nil {
		return nil
	}
	return &maskedError{msg: r.String(err.Error()), err: err}
}

// maskedError is an error whose message has its secrets masked.
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }
