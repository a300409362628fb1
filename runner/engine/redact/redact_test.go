package redact_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/runner/engine/redact"
)

func TestString(t *testing.T) {
	r := redact.New("s3cr3t-env-value", "abc", "s3cr3t", "")
	tests := []struct {
		name, in, want string
	}{
		// A known value is masked wherever it appears.
		{name: "known value", in: "vu=1: token is s3cr3t-env-value!", want: "vu=1: token is [REDACTED]!"},
		// The longest known value wins over one it contains.
		{name: "nested values", in: "s3cr3t and s3cr3t-env-value", want: "[REDACTED] and [REDACTED]"},
		// Values shorter than MinSecretLen are not secrets.
		{name: "short value ignored", in: "abc def", want: "abc def"},
		// Authorization header lines are masked to the end of the line.
		{name: "authorization line", in: "Authorization: Bearer xyz\nnext", want: "Authorization: [REDACTED]\nnext"},
		// Cookie and Set-Cookie too, case-insensitively.
		{name: "cookies", in: "set-cookie: sid=1; Path=/\ncookie:a=b", want: "set-cookie: [REDACTED]\ncookie:[REDACTED]"},
		// A header whose name says secret.
		{name: "api key header", in: "X-Api-Key: k-123", want: "X-Api-Key: [REDACTED]"},
		// A bearer credential in free text.
		{name: "bearer", in: `map[Authorization:[Bearer eyJhbGciOi.x.y]]`, want: `map[Authorization:[REDACTED]`},
		// A bearer credential without a header name.
		{name: "bare bearer", in: `sent bearer eyJhbGciOiJIUzI1NiJ9 ok`, want: `sent bearer [REDACTED] ok`},
		// Prose is left alone.
		{name: "prose", in: "Basic plan, bearer of news", want: "Basic plan, bearer of news"},
		// A URL's password.
		{name: "userinfo", in: `Get "https://ada:hunter22@api.test/x": EOF`, want: `Get "https://ada:[REDACTED]@api.test/x": EOF`},
		// Query parameters named like secrets.
		{name: "query", in: `Get "http://h/x?id=3&access_token=abc.def&q=1": timeout`, want: `Get "http://h/x?id=3&access_token=[REDACTED]&q=1": timeout`},
		// A form body.
		{name: "form", in: "username=ada&password=hunter2", want: "username=ada&password=[REDACTED]"},
		// JSON fields named like secrets.
		{name: "json", in: `{"user":"ada","token":"eyJ\"x","apiKey": "k"}`, want: `{"user":"ada","token":"[REDACTED]","apiKey": "[REDACTED]"}`},
		// Nothing secret: unchanged.
		{name: "clean", in: `GET /shows/1: status 503 (name: show page)`, want: `GET /shows/1: status 503 (name: show page)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.String(tt.in); got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNilAndWith(t *testing.T) {
	var r *redact.Redactor
	if got := r.String("password=x1&Authorization: y"); got != "password=[REDACTED]&Authorization: [REDACTED]" {
		t.Errorf("nil Redactor: %q", got)
	}
	r2 := r.With("topsecret")
	if got := r2.Error(errors.New("dial topsecret.invalid")); got != "dial [REDACTED].invalid" {
		t.Errorf("With: %q", got)
	}
	if r2.Error(nil) != "" {
		t.Error("Error(nil) is not empty")
	}
	r3 := r2.With("another-one")
	if got := r3.String("topsecret another-one"); strings.Count(got, redact.Mask) != 2 {
		t.Errorf("With keeps the old values: %q", got)
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name      string
		sensitive bool
	}{
		{"Authorization", true},       // the credential header
		{"proxy-authorization", true}, // any case
		{"Cookie", true},              // session cookies
		{"Set-Cookie", true},          // set by the server
		{"X-Auth-Token", true},        // a secret word in the name
		{"X-Api-Key", true},           // an API key
		{"Content-Type", false},       // ordinary
		{"X-Request-Id", false},       // ordinary
		{"Keep-Alive", false},         // ends in "key"-like text but is not one
	}
	for _, tt := range tests {
		if got := redact.IsSensitiveHeader(tt.name); got != tt.sensitive {
			t.Errorf("IsSensitiveHeader(%q) = %v, want %v", tt.name, got, tt.sensitive)
		}
		want := "v"
		if tt.sensitive {
			want = redact.Mask
		}
		if got := redact.Header(tt.name, "v"); got != want {
			t.Errorf("Header(%q) = %q, want %q", tt.name, got, want)
		}
	}
}

func TestIsSecretName(t *testing.T) {
	tests := []struct {
		name   string
		secret bool
	}{
		{"API_TOKEN", true},     // a token
		{"DB_PASSWORD", true},   // a password
		{"STRIPE_KEY", true},    // ends in key
		{"client_secret", true}, // a secret
		{"STAGE", false},        // ordinary configuration
		{"BASE_URL", false},     // ordinary configuration
		{"KEYBOARD", false},     // starts with key, is not one
	}
	for _, tt := range tests {
		if got := redact.IsSecretName(tt.name); got != tt.secret {
			t.Errorf("IsSecretName(%q) = %v, want %v", tt.name, got, tt.secret)
		}
	}
}

func TestErr(t *testing.T) {
	cause := errors.New(`Get "http://h/?token=abc123": refused`)
	r := redact.New()
	err := r.Err(cause)
	if err.Error() != `Get "http://h/?token=[REDACTED]": refused` {
		t.Errorf("Err: %q", err.Error())
	}
	if !errors.Is(err, cause) {
		t.Error("the masked error does not unwrap to its cause")
	}
	if r.Err(nil) != nil {
		t.Error("Err(nil) is not nil")
	}
}
