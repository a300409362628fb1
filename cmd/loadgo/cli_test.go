package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/cmd/internal/demo"
)

// cliResult is what one in-process loadgo invocation produced.
type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs loadgo in-process with in-memory streams. stopAfter > 0
// simulates a first Ctrl-C after that long.
func runCLI(t *testing.T, stopAfter time.Duration, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	st := &state{stdout: &out, stderr: &errb, env: map[string]string{"LOADGO_TEST": "1"}}
	st.notifyStop = func(parent context.Context) (context.Context, func()) {
		ctx, cancel := context.WithCancel(parent)
		if stopAfter > 0 {
			timer := time.AfterFunc(stopAfter, cancel)
			return ctx, func() { timer.Stop(); cancel() }
		}
		return ctx, cancel
	}
	code := execRoot(st, args)
	return cliResult{stdout: out.String(), stderr: errb.String(), code: code}
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func startDemo(t *testing.T, opts demo.Options) *demo.Server {
	t.Helper()
	srv, err := demo.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// summaryDoc is the part of the JSON summary contract the CLI tests read.
type summaryDoc struct {
	Schema      string `json:"schema"`
	Passed      bool   `json:"passed"`
	Interrupted bool   `json:"interrupted"`
	Totals      struct {
		Requests int64   `json:"requests"`
		Errors   int64   `json:"errors"`
		RPS      float64 `json:"rps"`
	} `json:"totals"`
	Requests map[string]struct {
		Count  int64            `json:"count"`
		Errors int64            `json:"errors"`
		Status map[string]int64 `json:"status"`
	} `json:"requests"`
	VUs struct {
		Created, Completed, Failed, Dropped int64
	} `json:"vus"`
	Thresholds []struct {
		Name   string   `json:"name"`
		Passed bool     `json:"passed"`
		Value  *float64 `json:"value"`
	} `json:"thresholds"`
}

func readSummary(t *testing.T, path string) summaryDoc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the JSON summary: %v", err)
	}
	var doc summaryDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JSON summary is not valid JSON: %v\n%s", err, data)
	}
	return doc
}

const smallScenario = `config:
  target: http://127.0.0.1:1
  phases:
    - name: steady
      duration: 2s
      arrivalRate: 10
  ensure:
    thresholds:
      - http.response_time.p99: %s
scenarios:
  - flow:
      - get:
          url: /shows/{{ $randomNumber(1, 10) }}
          name: show page
          expect:
            - statusCode: 200
`

func TestRunCountsWhatTheServerSaw(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	dir := t.TempDir()
	file := writeFile(t, dir, "s.yaml", strings.Replace(smallScenario, "%s", "5000", 1))
	out := filepath.Join(dir, "summary.json")

	res := runCLI(t, 0, "run", "-q", "--target", srv.URL(), "-o", "json="+out, file)
	if res.code != exitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	doc := readSummary(t, out)
	if doc.Totals.Requests != srv.Requests() {
		t.Errorf("loadgo reported %d requests, the server counted %d", doc.Totals.Requests, srv.Requests())
	}
	// 10 arrivals/s for 2 s: 20 scenarios of one request each (±1 for rounding).
	if n := doc.Totals.Requests + doc.VUs.Dropped; n < 19 || n > 21 {
		t.Errorf("requests+dropped = %d, want 20±1", n)
	}
	if got := doc.Requests["show page"].Status["200"]; got != doc.Totals.Requests {
		t.Errorf("status 200 count %d, want %d", got, doc.Totals.Requests)
	}
	if !doc.Passed || len(doc.Thresholds) != 1 || !doc.Thresholds[0].Passed {
		t.Errorf("thresholds: passed=%v %+v, want one passing threshold", doc.Passed, doc.Thresholds)
	}
	if !strings.Contains(res.stdout, "show page") {
		t.Errorf("summary on stdout does not name the request:\n%s", res.stdout)
	}
}

func TestRunFailingThresholdExits3(t *testing.T) {
	srv := startDemo(t, demo.Options{Delay: 5 * time.Millisecond})
	dir := t.TempDir()
	// p99 must be below 1 ms, but every answer takes 5 ms: the gate fails.
	file := writeFile(t, dir, "s.yaml", strings.Replace(smallScenario, "%s", "1", 1))
	out := filepath.Join(dir, "summary.json")

	res := runCLI(t, 0, "run", "-q", "--target", srv.URL(), "-o", "json="+out, file)
	if res.code != exitThresholdsFailed {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitThresholdsFailed, res.stdout, res.stderr)
	}
	doc := readSummary(t, out)
	if doc.Passed || len(doc.Thresholds) != 1 || doc.Thresholds[0].Passed {
		t.Fatalf("want one failed threshold, got passed=%v %+v", doc.Passed, doc.Thresholds)
	}
	if v := doc.Thresholds[0].Value; v == nil || *v < 5 {
		t.Errorf("measured p99 = %v, want ≥ 5 ms (the server's delay)", v)
	}
}

func TestInvalidScenarioExits2WithPositions(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "bad.yaml", `config:
  target: http://127.0.0.1:8089
  phases:
    - duration: 10
      arrivalRate: 5
      rampto: 10
scenarios:
  - flow:
      - get:
          url: /shows
`)
	for _, cmd := range []string{"run", "validate"} {
		t.Run(cmd, func(t *testing.T) {
			res := runCLI(t, 0, cmd, file)
			if res.code != exitUsage {
				t.Fatalf("exit %d, want 2\nstderr:\n%s", res.code, res.stderr)
			}
			// The problem is on line 6 (the misspelt key), with the key's path
			// and a hint.
			for _, want := range []string{"bad.yaml:6:", "phases[0].rampto", "rampTo"} {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
				}
			}
		})
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		// A malformed URL for quick.
		{"quick malformed url", []string{"quick", "http://[::1"}},
		// quick needs http or https.
		{"quick wrong scheme", []string{"quick", "ftp://127.0.0.1/x"}},
		// --target must be a URL too.
		{"run bad target", []string{"run", "--target", "not a url", "x.yaml"}},
		// Unknown flags are usage errors.
		{"unknown flag", []string{"run", "--nope", "x.yaml"}},
		// Missing argument.
		{"missing file", []string{"run"}},
		// Unknown output type.
		{"unknown output", []string{"quick", "-o", "xml=out.xml", "http://127.0.0.1:1/"}},
		// A bad segment.
		{"bad segment", []string{"quick", "--segment", "3/2", "http://127.0.0.1:1/"}},
		// Both models at once.
		{"rate and vus", []string{"quick", "--rate", "5", "--vus", "2", "http://127.0.0.1:1/"}},
		// A file that does not exist.
		{"no such file", []string{"validate", "/nonexistent/x.yaml"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, 0, tc.args...)
			if res.code != exitUsage {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
			}
			if strings.TrimSpace(res.stderr) == "" {
				t.Errorf("no message on stderr")
			}
		})
	}
}

func TestQuickClosedModelCount(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	out := filepath.Join(t.TempDir(), "q.json")
	res := runCLI(t, 0, "quick", "-q", "--vus", "4", "-n", "200", "-o", "json="+out, srv.URL()+"/shows/1")
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	doc := readSummary(t, out)
	if doc.Totals.Requests != 200 || srv.Requests() != 200 {
		t.Errorf("reported %d, server counted %d, want 200 both", doc.Totals.Requests, srv.Requests())
	}
}

func TestQuickOpenModelRate(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	out := filepath.Join(t.TempDir(), "q.json")
	res := runCLI(t, 0, "quick", "-q", "--rate", "50", "-d", "1s", "-o", "json="+out, srv.URL()+"/shows")
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	doc := readSummary(t, out)
	if doc.Totals.Requests != srv.Requests() {
		t.Errorf("reported %d, server counted %d", doc.Totals.Requests, srv.Requests())
	}
	if n := doc.Totals.Requests + doc.VUs.Dropped; n < 49 || n > 51 {
		t.Errorf("requests+dropped = %d, want 50±1", n)
	}
}

func TestInterruptStillReports(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	dir := t.TempDir()
	file := writeFile(t, dir, "long.yaml", `config:
  target: http://127.0.0.1:1
  phases:
    - duration: 60s
      arrivalRate: 20
scenarios:
  - flow:
      - get:
          url: /shows
`)
	out := filepath.Join(dir, "summary.json")
	start := time.Now()
	res := runCLI(t, 1500*time.Millisecond, "run", "-q", "--grace", "2s", "--target", srv.URL(), "-o", "json="+out, file)
	if res.code != exitInterrupted {
		t.Fatalf("exit %d, want 130\nstderr:\n%s", res.code, res.stderr)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("the stop took %v; the run is planned for 60 s", time.Since(start))
	}
	doc := readSummary(t, out)
	if !doc.Interrupted {
		t.Errorf("summary does not say interrupted")
	}
	if doc.Totals.Requests == 0 || doc.Totals.Requests != srv.Requests() {
		t.Errorf("reported %d requests, server counted %d", doc.Totals.Requests, srv.Requests())
	}
}

func TestVersionAndHelp(t *testing.T) {
	res := runCLI(t, 0, "version")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "loadgo ") {
		t.Errorf("version: exit %d, stdout %q", res.code, res.stdout)
	}
	res = runCLI(t, 0, "run", "--help")
	if res.code != 0 || !strings.Contains(res.stdout, "Examples:") || !strings.Contains(res.stdout, "--segment") {
		t.Errorf("run --help lacks examples or flags:\n%s", res.stdout)
	}
	res = runCLI(t, 0, "completion", "bash")
	if res.code != 0 || !strings.Contains(res.stdout, "bash completion") {
		t.Errorf("completion bash: exit %d", res.code)
	}
}
