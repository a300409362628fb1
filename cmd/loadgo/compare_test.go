package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// httpScenario is a small HTTP-only scenario; %s is the URL it requests.
const httpScenario = `config:
  target: http://127.0.0.1:8089
  phases:
    - duration: 1s
      arrivalRate: 10
scenarios:
  - flow:
      - get: { url: "%s" }
`

func TestCompareFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want compareOptions
	}{
		// Files, --demo and the run flags.
		{name: "demo", args: []string{"--demo", "-q", "--grace", "5s", "-o", "json=c.json", "a.yaml", "b.yaml"},
			want: compareOptions{runOptions: runOptions{Quiet: true, Grace: 5 * time.Second, Outputs: []string{"json=c.json"}, MaxVUs: 20000},
				Files: []string{"a.yaml", "b.yaml"}, Demo: true}},
		// --target and -e.
		{name: "target", args: []string{"--target", "http://127.0.0.1:1", "-e", "ci", "a.yaml"},
			want: compareOptions{runOptions: runOptions{Target: "http://127.0.0.1:1", Environment: "ci", Grace: 30 * time.Second, MaxVUs: 20000},
				Files: []string{"a.yaml"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *compareOptions
			c := newCompareCmd(&state{}, func(o *compareOptions) error { got = o; return nil })
			c.SetArgs(tt.args)
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Files, ",") != strings.Join(tt.want.Files, ",") || got.Demo != tt.want.Demo ||
				got.Quiet != tt.want.Quiet || got.Grace != tt.want.Grace || got.Target != tt.want.Target ||
				got.Environment != tt.want.Environment || strings.Join(got.Outputs, ",") != strings.Join(tt.want.Outputs, ",") {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestCompareUsageErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", strings.Replace(httpScenario, "%s", "/shows/1", 1))
	bad := writeFile(t, dir, "bad.yaml", "config:\n  target: http://127.0.0.1:8089\n  phases: [{duration: 1, arrivalRat: 1}]\nscenarios: [{flow: [{get: {url: /}}]}]\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		// No file.
		{name: "no file", args: []string{"compare"}, want: "requires at least 1 arg"},
		// --demo and --target contradict each other.
		{name: "demo and target", args: []string{"compare", "--demo", "--target", "http://127.0.0.1:1", good}, want: "--demo and --target are exclusive"},
		// --delay is the demo's.
		{name: "delay without demo", args: []string{"compare", "--delay", "1ms", good}, want: "--delay needs --demo"},
		// Only JSON output, once.
		{name: "output type", args: []string{"compare", "--demo", "-o", "csv=x", good}, want: `unknown output type "csv"`},
		{name: "two outputs", args: []string{"compare", "--demo", "-o", "json=a", "-o", "json=b", good}, want: "already written to a"},
		// An invalid file stops everything before any run, with positions.
		{name: "invalid file", args: []string{"compare", "--demo", good, bad}, want: "bad.yaml:3:26: config.phases[0].arrivalRat: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCLI(t, 0, tt.args...)
			if res.code != exitUsage || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", res.code, res.stderr, tt.want)
			}
			if strings.Contains(res.stdout, "comparison of") {
				t.Errorf("a comparison was printed:\n%s", res.stdout)
			}
		})
	}
}

// TestCompareRanksAndFlags compares three HTTP scenarios against the demo
// target: a slow one, a fast one, and one whose every request fails. The
// failing one is flagged and not ranked, the others are ranked by request
// p95 (no deliveries), and the exit code says the comparison is not clean.
func TestCompareRanksAndFlags(t *testing.T) {
	dir := t.TempDir()
	slow := writeFile(t, dir, "slow.yaml", strings.Replace(httpScenario, "%s", "/delay/30", 1))
	fast := writeFile(t, dir, "fast.yaml", strings.Replace(httpScenario, "%s", "/shows/1", 1))
	broken := writeFile(t, dir, "broken.yaml", strings.Replace(httpScenario, "%s", "/status/503", 1))
	out := filepath.Join(dir, "compare.json")

	res := runCLI(t, 0, "compare", "--demo", "-q", "-o", "json="+out, slow, fast, broken)
	if res.code != exitThresholdsFailed {
		t.Fatalf("exit %d, want %d (a scenario is flagged)\nstdout:\n%s\nstderr:\n%s", res.code, exitThresholdsFailed, res.stdout, res.stderr)
	}
	for _, want := range []string{"== " + slow + " (1 of 3)", "== " + broken + " (3 of 3)", "comparison of 3 scenarios",
		"broken: FAILED — 100% of requests failed: not ranked"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc compareDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != compareSchema || len(doc.Rows) != 3 {
		t.Fatalf("doc %s with %d rows", doc.Schema, len(doc.Rows))
	}
	order := []string{doc.Rows[0].Scenario, doc.Rows[1].Scenario, doc.Rows[2].Scenario}
	if strings.Join(order, ",") != "fast,slow,broken" {
		t.Errorf("table order %v, want fast, slow, broken", order)
	}
	for i, r := range doc.Rows[:2] {
		if r.Rank != i+1 || r.RankedBy != rankedByRequest || r.Flag != "" || r.Errors != 0 || r.RequestsPerS <= 0 {
			t.Errorf("row %+v: want rank %d by request p95, clean", r, i+1)
		}
	}
	if p := doc.Rows[1].RequestP95; p == nil || *p < 30 {
		t.Errorf("slow p95 = %v, want ≥ 30 ms (the demo's delay)", p)
	}
	if r := doc.Rows[2]; r.Rank != 0 || r.ErrorRate != 100 || r.Errors == 0 {
		t.Errorf("broken row %+v: want unranked, 100%% errors", r)
	}
}

// TestCompareCleanExits0 compares two clean scenarios: exit 0.
func TestCompareCleanExits0(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.yaml", strings.Replace(httpScenario, "%s", "/shows/1", 1))
	b := writeFile(t, dir, "b.yaml", strings.Replace(httpScenario, "%s", "/shows?limit=5", 1))
	res := runCLI(t, 0, "compare", "--demo", "-q", a, b)
	if res.code != exitOK || !strings.Contains(res.stdout, "comparison of 2 scenarios") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
}

// TestCompareInterrupted stops the first of two runs: the second does not
// run, the table of what ran is still printed, and the exit code is 130.
func TestCompareInterrupted(t *testing.T) {
	dir := t.TempDir()
	long := writeFile(t, dir, "long.yaml", strings.Replace(strings.Replace(httpScenario, "1s", "30s", 1), "%s", "/shows/1", 1))
	res := runCLI(t, 500*time.Millisecond, "compare", "--demo", "-q", long, long)
	if res.code != exitInterrupted {
		t.Fatalf("exit %d, want 130\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout, "(2 of 2)") || !strings.Contains(res.stdout, "long: INTERRUPTED — partial numbers: not ranked") {
		t.Errorf("stdout:\n%s", res.stdout)
	}
}
