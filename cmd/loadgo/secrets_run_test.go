package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/internal/faultserver"
	"github.com/loadgo/loadgo/runner/engine/redact"
)

// secretScenario logs every kind of secret and sends each in a URL, in
// the flow and in an after flow whose request is refused (its error
// message, with the rendered URL, becomes a summary note). %s are the
// target and the refused address. None of the secret names says
// "secret": only config.secrets and $file make them so.
const secretScenario = `config:
  target: %s
  secrets: [CUSTOMER_ID, sessionRef, pin]
  payload: { path: users.csv, fields: [user, pin] }
  phases:
    - { name: steady, duration: 0.2, arrivalCount: 2 }
before:
  flow:
    - get: { url: /login, capture: { json: $.ref, as: sessionRef } }
scenarios:
  - flow:
      - get: { url: /me, capture: { json: $.ref, as: perVU } }
      - log: "customer={{ $env.CUSTOMER_ID }} key={{ $file(api.key) }} ref={{ sessionRef }} user={{ user }} pin={{ pin }}"
      - get: { url: "/ok?c={{ $env.CUSTOMER_ID }}&k={{ $file(api.key) }}&r={{ sessionRef }}&p={{ pin }}", name: ok }
after:
  flow:
    - get: { url: "%s/gone?c={{ $env.CUSTOMER_ID }}&k={{ $file(api.key) }}&r={{ sessionRef }}" }
`

// TestSecretsNeverPrinted runs a real CLI run whose log step and failing
// request hold a declared $env secret, a $file secret, a secret captured
// by the before flow and a secret payload field, and checks that none of
// them appears in stdout, stderr or the JSON file, while the rest of the
// log line does.
func TestSecretsNeverPrinted(t *testing.T) {
	const (
		customer = "cust-8d1e0412"
		fileKey  = "file-key-5bd2c7"
		captured = "ref-capt-7f3a9"
		pin      = "pin-4471"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"ref":"` + captured + `"}`))
	}))
	t.Cleanup(srv.Close)
	refused, err := faultserver.Closed()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "api.key", fileKey+"\n")
	writeFile(t, dir, "users.csv", "ada,"+pin+"\n")
	file := writeFile(t, dir, "secrets.yaml", fmt.Sprintf(secretScenario, srv.URL, refused))
	out := filepath.Join(dir, "summary.json")

	res := runCLIEnv(t, map[string]string{"CUSTOMER_ID": customer}, "run", "-o", "json="+out, file)
	if res.code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"stdout": res.stdout, "stderr": res.stderr, "JSON": string(doc)} {
		for _, s := range []string{customer, fileKey, captured, pin} {
			if strings.Contains(text, s) {
				t.Errorf("%s shows the secret %q:\n%s", where, s, text)
			}
		}
	}
	m := redact.Mask
	if want := "customer=" + m + " key=" + m + " ref=" + m + " user=ada pin=" + m; strings.Count(res.stderr, want) != 2 {
		t.Errorf("stderr does not hold the masked log line %q twice:\n%s", want, res.stderr)
	}
	if want := "gone?c=" + m + "&k=" + m + "&r=" + m; !strings.Contains(string(doc), want) || !strings.Contains(res.stdout, want) {
		t.Errorf("the after flow's failure is not reported with the secrets masked (%q)\nstdout:\n%s\nJSON:\n%s", want, res.stdout, doc)
	}
}
