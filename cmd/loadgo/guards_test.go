package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/internal/faultserver"
)

// runCLIWithFDLimit runs loadgo in-process as runCLI does, with the given
// open-file limit (the default connection cap is sized from it).
func runCLIWithFDLimit(t *testing.T, fdLimit int, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	st := &state{stdout: &out, stderr: &errb, env: map[string]string{"LOADGO_TEST": "1"}, fdLimit: fdLimit}
	st.notifyStop = func(parent context.Context) (context.Context, func()) {
		return context.WithCancel(parent)
	}
	code := execRoot(st, args)
	return cliResult{stdout: out.String(), stderr: errb.String(), code: code}
}

// typoScenario is a plan with the typo arrivalRate: 100000 (for 10) for
// 0.1 s: ten thousand arrivals. %s is the target.
const typoScenario = `config:
  target: %s
  http: { timeout: 2 }
  phases:
    - name: typo
      duration: 0.1
      arrivalRate: 100000
scenarios:
  - flow:
      - get: { url: %s, name: slow }
`

// TestValidateWarnsOnDangerousPlans checks, through the CLI, that the typo
// arrivalRate: 100000 never passes validate silently: the rate, the worst
// case against the VU cap, and the VU cap against the connection cap each
// get a warning, and validation still succeeds.
func TestValidateWarnsOnDangerousPlans(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "typo.yaml", fmt.Sprintf(typoScenario, "http://127.0.0.1:1", "/"))
	calm := writeFile(t, dir, "calm.yaml", strings.Replace(fmt.Sprintf(typoScenario, "http://127.0.0.1:1", "/"), "100000", "10", 1))
	tests := []struct {
		name    string
		fdLimit int
		args    []string
		code    int
		// want are parts of stderr; none may be missing. wantNot must not
		// appear.
		want    []string
		wantNot []string
	}{
		// The defaults: the VU cap bounds the plan, and the connection cap
		// sized from an open-file limit of 1024 is below the VU cap.
		{name: "typo with defaults", fdLimit: 1024, args: []string{"validate", file}, want: []string{
			"typo.yaml:5:7: config.phases[0]: an arrival rate of 100000/s is more than one machine usually generates",
			"typo.yaml:5:7: config.phases[0]: at 100000 arrivals/s and an http.timeout of 2s, up to 200000 VUs would be in flight at once if the target stalls; the VU cap of 20000 (--max-vus) bounds it",
			"up to 20000 VUs at once, each holding at least one connection, exceed the connection cap of 768",
		}},
		// --max-vus and --max-conns change the numbers in the warnings.
		{name: "typo with flags", args: []string{"validate", "--max-vus", "50", "--max-conns", "20", file}, want: []string{
			"the VU cap of 50 (--max-vus) bounds it",
			"up to 50 VUs at once, each holding at least one connection, exceed the connection cap of 20",
		}},
		// A connection cap above the open-file limit is pointless.
		{name: "cap above the fd limit", fdLimit: 1024, args: []string{"validate", "--max-conns", "4096", calm}, want: []string{
			"the connection cap of 4096 is above the open-file limit of 1024",
		}},
		// An ordinary plan gets no warning at all.
		{name: "calm plan", fdLimit: 1024, args: []string{"validate", calm}, wantNot: []string{"warning"}},
		// A negative cap is a usage error.
		{name: "negative --max-conns", args: []string{"validate", "--max-conns", "-1", calm}, code: exitUsage, want: []string{"--max-conns -1: must be positive"}},
		// So is a negative VU cap.
		{name: "negative --max-vus", args: []string{"validate", "--max-vus", "-3", calm}, code: exitUsage, want: []string{"--max-vus -3: must be positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCLIWithFDLimit(t, tt.fdLimit, tt.args...)
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tt.code, res.stdout, res.stderr)
			}
			if tt.code == 0 && !strings.Contains(res.stdout, "is valid") {
				t.Errorf("stdout does not say the scenario is valid:\n%s", res.stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, res.stderr)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(res.stderr, w) {
					t.Errorf("stderr has %q:\n%s", w, res.stderr)
				}
			}
		})
	}
}

// TestRunTypoIsBounded runs the typo plan for real against a target that
// never answers, with a VU cap of 4 and a connection cap of 2: the run
// warns before it starts, two requests hold connections until the
// timeout, the other VUs are refused by the connection cap at once
// (counted as conncap, warned about once), arrivals past the VU cap are
// dropped, and every one of the ten thousand arrivals is accounted for.
func TestRunTypoIsBounded(t *testing.T) {
	srv := faultserver.Start()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	file := writeFile(t, dir, "typo.yaml", fmt.Sprintf(typoScenario, srv.URL, faultserver.Stall.Path()))
	out := filepath.Join(dir, "summary.json")
	res := runCLI(t, 0, "run", "-q", "--max-vus", "4", "--max-conns", "2", "-o", "json="+out, file)
	if res.code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	for _, w := range []string{
		"an arrival rate of 100000/s is more than one machine usually generates",
		"the VU cap of 4 (--max-vus) bounds it",
		"up to 4 VUs at once, each holding at least one connection, exceed the connection cap of 2",
	} {
		if !strings.Contains(res.stderr, w) {
			t.Errorf("stderr lacks the warning %q:\n%s", w, res.stderr)
		}
	}
	if n := strings.Count(res.stderr, "warning: connection cap 2 reached"); n != 1 {
		t.Errorf("the cap-reached warning appears %d times, want once:\n%s", n, res.stderr)
	}
	var doc faultDoc
	readJSON(t, out, &doc)
	if doc.Errors["timeout"] != 2 || doc.Errors["conncap"] == 0 {
		t.Errorf("errors %v: want 2 timeouts (the held connections) and some conncap", doc.Errors)
	}
	if got := doc.Totals.Requests + doc.VUs.Dropped; got != 10000 {
		t.Errorf("%d requests + %d dropped = %d, want all 10000 arrivals", doc.Totals.Requests, doc.VUs.Dropped, got)
	}
	notes := strings.Join(doc.Notes, "\n")
	for _, w := range []string{"arrivals were dropped (the VU cap 4 reached)", "because the connection cap of 2 was reached"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
}
