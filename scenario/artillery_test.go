package scenario

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Every Artillery-style script in testdata/artillery loads, and a few facts
// about each show that its parts were understood.
func TestArtilleryScripts(t *testing.T) {
	tests := []struct {
		file     string
		phases   []string
		requests []string
		check    func(t *testing.T, sc *Scenario)
	}{
		{"ecommerce.yml", []string{"Warm up", "Ramp up load", "Sustained load"},
			[]string{"/", "Search", "Product page", "/cart", "Checkout", "Catalogue page"},
			func(t *testing.T, sc *Scenario) {
				if p := sc.Config.Payloads[0]; len(p.Rows) != 3 || p.Rows[2][1] != "hats, caps" || !p.Random {
					t.Errorf("payload = %+v", p)
				}
				if sc.Config.HTTP.Timeout != 15*time.Second || len(sc.Config.Headers) != 2 {
					t.Errorf("http = %+v, headers = %d", sc.Config.HTTP, len(sc.Config.Headers))
				}
				if w := sc.Flows[0].Weight + sc.Flows[1].Weight; w != 10 {
					t.Errorf("weights sum to %d", w)
				}
				if th := sc.Config.Ensure.Thresholds[1]; th.Request != "Search" || th.Stat != "http.response_time.p95" {
					t.Errorf("threshold = %+v", th)
				}
				if c := sc.Config.Ensure.Conditions[0]; c.Strict || c.Expr.Kind != ExprAnd {
					t.Errorf("condition = %+v", c)
				}
				if th := sc.Flows[0].Steps[5].Think; th.Duration != time.Second || th.Jitter != 0.5 {
					t.Errorf("think = %+v", th)
				}
			}},
		{"auth-flow.yaml", []string{"one hundred users", "phase 2", "steady"},
			[]string{"/admin/session", "login", "orders page", "/orders/summary"},
			func(t *testing.T, sc *Scenario) {
				if p := sc.Config.Phases[1]; p.Kind != PhasePause || p.Duration != 10*time.Second {
					t.Errorf("pause phase = %+v", p)
				}
				if p := sc.Config.Payloads[0]; p.Random || len(p.Rows) != 3 || p.Rows[0][0] != "alice@example.test" {
					t.Errorf("payload = %+v", p)
				}
				if l := sc.Flows[0].Steps[1].Loop; l.CountTmpl == nil || l.CountTmpl.Src != "{{ pages }}" || len(l.Steps) != 2 {
					t.Errorf("loop = %+v", l)
				}
				if len(sc.Before) != 1 || len(sc.After) != 1 {
					t.Errorf("before/after = %d/%d steps", len(sc.Before), len(sc.After))
				}
				if n := len(sc.Config.Ensure.Thresholds); n != 3 {
					t.Errorf("%d thresholds", n)
				}
			}},
		{"social.json", []string{"Warm up", "Ramp"},
			[]string{"/posts", "read post", "/posts/{{ postId }}/comments?tag={{ $loopElement }}"},
			func(t *testing.T, sc *Scenario) {
				body := sc.Flows[0].Steps[0].Request.JSON
				if body.Kind != JSONObject || len(body.Obj) != 3 || body.Obj[1].Value.Arr[0].Str.Src != "{{ topic }}" {
					t.Errorf("json body = %+v", body)
				}
				if th := sc.Config.Ensure.Thresholds[1]; th.Stat != "vusers.failed" {
					t.Errorf("threshold = %+v", th)
				}
			}},
		{"closed-model.yaml", []string{"ramp users", "hold"},
			[]string{"/dashboard", "/prefs", "/health"},
			func(t *testing.T, sc *Scenario) {
				want := HTTPConfig{Timeout: 2500 * time.Millisecond, MaxBodyBytes: 1 << 20, SharedPool: true, MaxConnsPerVU: 4}
				if sc.Config.HTTP != want || sc.Config.TLS.RejectUnauthorized {
					t.Errorf("http = %+v, tls = %+v", sc.Config.HTTP, sc.Config.TLS)
				}
				if p := sc.Config.Phases[0]; p.Kind != PhaseVUs || p.VUs != 10 || p.RampTo != 100 {
					t.Errorf("phase = %+v", p)
				}
				stats := []string{}
				for _, th := range sc.Config.Ensure.Thresholds {
					stats = append(stats, th.Stat+"/"+th.Phase)
				}
				want2 := []string{"http.response_time.p50/", "http.response_time.p99/", "http.response_time_intended.p99.9/hold", "errors.timeout/", "vusers.dropped/"}
				if !reflect.DeepEqual(stats, want2) {
					t.Errorf("thresholds = %q", stats)
				}
			}},
		{"anchors.yaml", []string{"first", "second"},
			[]string{"/items/{{ id }}", "/items/{{ id }}/{{ version }}"},
			func(t *testing.T, sc *Scenario) {
				// The merge key brings duration in; explicit keys win.
				if p := sc.Config.Phases[1]; p.Duration != 30*time.Second || p.ArrivalRate != 10 {
					t.Errorf("merged phase = %+v", p)
				}
				r := sc.Flows[0].Steps[1].Request
				if len(r.Headers) != 2 || r.Headers[0].Name != "X-Trace" || r.Headers[1].Name != "Accept" {
					t.Errorf("merged headers = %+v", r.Headers)
				}
				if c := sc.Flows[0].Steps[0].Request.Captures[0]; c.GroupName != "version" || c.Group != 1 || c.Expr != "(?i)(?P<version>v[0-9]+)" {
					t.Errorf("capture = %+v", c)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sc, err := Load(filepath.Join("testdata", "artillery", tt.file), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var phases []string
			for _, p := range sc.Config.Phases {
				phases = append(phases, p.Name)
			}
			if !reflect.DeepEqual(phases, tt.phases) {
				t.Errorf("phases = %q, want %q", phases, tt.phases)
			}
			if !reflect.DeepEqual(sc.RequestNames, tt.requests) {
				t.Errorf("requests = %q, want %q", sc.RequestNames, tt.requests)
			}
			if len(sc.Warnings) != 0 {
				t.Errorf("warnings: %v", sc.Warnings)
			}
			tt.check(t, sc)
		})
	}
}

// A script written for Artillery's JavaScript hooks fails with every hook
// explained, instead of running without them.
func TestJavaScriptScriptFails(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "invalid", "js-hooks.yml"), LoadOptions{})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error = %v, want Problems", err)
	}
	want := []string{
		"testdata/invalid/js-hooks.yml:4:3: config.processor: JavaScript processors are not supported: loadgo does not run Artillery's JavaScript code",
		"testdata/invalid/js-hooks.yml:10:5: scenarios[0].beforeScenario: `beforeScenario` needs Artillery's JavaScript (a processor function), which loadgo does not run",
		"testdata/invalid/js-hooks.yml:14:11: scenarios[0].flow[0].post.beforeRequest: `beforeRequest` needs Artillery's JavaScript (a processor function), which loadgo does not run",
		"testdata/invalid/js-hooks.yml:16:20: scenarios[0].flow[0].post.json.name: unknown variable `name`: define it in config.variables, a payload's fields or a capture's `as`",
		"testdata/invalid/js-hooks.yml:17:9: scenarios[0].flow[1].function: `function` needs Artillery's JavaScript (a processor function), which loadgo does not run",
	}
	if got := strings.Split(ps.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s", ps.Error())
	}
}

func TestEnvironmentOverlay(t *testing.T) {
	file := filepath.Join("testdata", "artillery", "ecommerce.yml")
	sc, err := Load(file, LoadOptions{Environment: "staging"})
	if err != nil {
		t.Fatal(err)
	}
	c := sc.Config
	// Values are replaced, lists are replaced, mappings merge key by key.
	if c.Target != "https://staging.shop.example.test" || c.TargetPos.Line != 42 || c.Environment != "staging" {
		t.Errorf("target = %q at %+v, env %q", c.Target, c.TargetPos, c.Environment)
	}
	if len(c.Phases) != 1 || c.Phases[0].Name != "Smoke" {
		t.Errorf("phases = %+v", c.Phases)
	}
	if c.HTTP.Timeout != 30*time.Second || len(c.Headers) != 2 || c.Headers[1].Name != "Accept" {
		t.Errorf("http = %+v, headers %+v", c.HTTP, c.Headers)
	}
	// A phase-selecting threshold is checked against the environment's
	// phases: none of ecommerce.yml's thresholds selects a phase, so it loads.
	if len(c.Ensure.Thresholds) != 3 {
		t.Errorf("thresholds = %+v", c.Ensure.Thresholds)
	}
	// Without -e the base config applies.
	base, err := Load(file, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if base.Config.Target != "https://shop.example.test" || len(base.Config.Phases) != 3 || base.Config.Environment != "" {
		t.Errorf("base config = %q, %d phases", base.Config.Target, len(base.Config.Phases))
	}
}

// A threshold that selects a phase only the base config defines fails when
// an environment replaces the phases.
func TestEnvironmentReplacesPhases(t *testing.T) {
	src := cfgHead + "  environments:\n    dev:\n      phases: [{duration: 1, vus: 1, name: dev}]\n" +
		"  ensure:\n    thresholds:\n      - http.requests{phase:phase 1}: 1\n" + tailFlow
	if _, err := Parse("s.yaml", []byte(src), LoadOptions{}); err != nil {
		t.Fatalf("without -e: %v", err)
	}
	_, err := Parse("s.yaml", []byte(src), LoadOptions{Environment: "dev"})
	want := `s.yaml:9:9: config.ensure.thresholds[0].http.requests{phase:phase 1}: unknown phase name "phase 1"; known: "dev"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

func TestTargetOverride(t *testing.T) {
	sc, err := Parse("s.yaml", []byte(cfgDoc("")), LoadOptions{Target: "http://127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Config.Target != "http://127.0.0.1:8080" || sc.Config.TargetPos != (Pos{}) {
		t.Errorf("target = %q at %+v", sc.Config.Target, sc.Config.TargetPos)
	}
	// --target also satisfies relative URLs of a script without a target.
	noTarget := "config:\n  phases: [{pause: 1}]\n" + tailFlow
	if _, err := Parse("s.yaml", []byte(noTarget), LoadOptions{Target: "https://x.test"}); err != nil {
		t.Errorf("with --target: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	src := phaseHead +
		"    - {duration: 1, arrivalRate: 6000}\n" +
		"    - {duration: 1, arrivalRate: 1, rampTo: 5001, maxVusers: 60000}\n" +
		"    - {duration: 25h, vus: 30000}\n" +
		"  plugins:\n    publish-metrics: {}\n    expect: {}\n    ensure: {thresholds: []}\n" + tailFlow
	sc, err := Parse("s.yaml", []byte(src), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"s.yaml:4:7: config.phases[0]: an arrival rate of 6000/s is more than one machine usually generates (over 5000/s); consider --segment",
		"s.yaml:5:7: config.phases[1]: an arrival rate of 5001/s is more than one machine usually generates (over 5000/s); consider --segment",
		"s.yaml:5:7: config.phases[1]: maxVusers 60000 is more than 50000",
		"s.yaml:6:7: config.phases[2]: 30000 VUs is more than 20000; consider --segment",
		"s.yaml:6:7: config.phases[2]: the phase lasts 25h0m0s, more than 24 hours",
		"s.yaml:8:5: config.plugins.publish-metrics: plugin `publish-metrics` is ignored: loadgo does not run Artillery plugins",
		"s.yaml:10:5: config.plugins.ensure: settings under plugins.ensure are ignored; loadgo reads thresholds from config.ensure",
	}
	if got := strings.Split(sc.Warnings.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n%s", sc.Warnings.Error())
	}
}

// A JSON script indented with tabs loads (YAML forbids tab indentation, but
// in JSON tabs are only whitespace).
func TestJSONWithTabs(t *testing.T) {
	src := "{\n\t\"config\": {\n\t\t\"target\": \"http://t.test\",\n\t\t\"phases\": [{\"duration\": 1, \"arrivalRate\": 1}]\n\t},\n" +
		"\t\"scenarios\": [{\"flow\": [{\"get\": {\"url\": \"/\"}}]}],\n\t\"bogus\": 1\n}\n"
	_, err := Parse("s.json", []byte(src), LoadOptions{})
	// Positions still count a tab as one column.
	want := "s.json:7:2: bogus: unknown key `bogus`; valid keys here: config, scenarios, before, after"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

// Top-level keys starting with "x-" hold anchors and are ignored.
func TestExtensionKeys(t *testing.T) {
	src := "x-defaults: &d {duration: 1, arrivalRate: 2}\nconfig:\n  target: http://t.test\n  phases: [*d]\n" + tailFlow
	sc, err := Parse("s.yaml", []byte(src), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The phase is positioned where the alias uses it.
	if p := sc.Config.Phases[0]; p.ArrivalRate != 2 || p.Pos != (Pos{File: "s.yaml", Line: 4, Col: 12}) {
		t.Errorf("phase = %+v", p)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), LoadOptions{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "read scenario: ") {
		t.Errorf("error = %v", err)
	}
}

func TestPayloadCSV(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		extra   string // more payload keys
		rows    [][]string
		wantErr []string // problems; "F" is replaced by the CSV path
	}{
		// Rows are kept whole; extra cells are fine.
		{name: "plain", csv: "a,b\nc,d,e\n", rows: [][]string{{"a", "b"}, {"c", "d", "e"}}},
		// The header row is skipped on request; blank lines are skipped.
		{name: "header", csv: "x,y\n\na,b\n", extra: ", skipHeader: true", rows: [][]string{{"a", "b"}}},
		// Quoted cells keep delimiters and newlines.
		{name: "quoted", csv: "\"a,1\",\"b\nc\"\n", rows: [][]string{{"a,1", "b\nc"}}},
		// Another delimiter, written as an escape.
		{name: "tab", csv: "a\tb\n", extra: `, delimiter: '\t'`, rows: [][]string{{"a", "b"}}},
		// Short rows are errors at their CSV line.
		{name: "short rows", csv: "a,b\nc\nd,e\nf\n", wantErr: []string{
			"F:2:1: config.payload.path: the row has 1 fields, want 2 (u, p)",
			"F:4:1: config.payload.path: the row has 1 fields, want 2 (u, p)",
		}},
		// Malformed CSV is positioned at the offending character.
		{name: "bad quote", csv: "a,b\nc,d\"x\n", wantErr: []string{
			"F:2:4: config.payload.path: invalid CSV: bare \" in non-quoted-field",
		}},
		// A file with only a header has no data.
		{name: "only header", csv: "u,p\n", extra: ", skipHeader: true", wantErr: []string{
			"s.yaml:4:13: config.payload.path: the payload file \"F\" has no data rows",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			csvPath := filepath.Join(dir, "d.csv")
			if err := os.WriteFile(csvPath, []byte(tt.csv), 0o600); err != nil {
				t.Fatal(err)
			}
			src := cfgHead + "  payload: {path: d.csv, fields: [u, p]" + tt.extra + "}\n" + tailFlow
			sc, err := Parse(filepath.Join(dir, "s.yaml"), []byte(src), LoadOptions{})
			if tt.wantErr != nil {
				var want []string
				for _, w := range tt.wantErr {
					w = strings.ReplaceAll(w, "s.yaml", filepath.Join(dir, "s.yaml"))
					want = append(want, strings.ReplaceAll(w, "F", csvPath))
				}
				if err == nil || err.Error() != strings.Join(want, "\n") {
					t.Errorf("error:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := sc.Config.Payloads[0].Rows; !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows = %q, want %q", got, tt.rows)
			}
		})
	}
}

// Reporting stops after a bounded number of short rows.
func TestPayloadManyShortRows(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(strings.Repeat("a\n", 25)), 0o600); err != nil {
		t.Fatal(err)
	}
	src := cfgHead + "  payload: {path: d.csv, fields: [u, p]}\n" + tailFlow
	_, err := Parse(filepath.Join(dir, "s.yaml"), []byte(src), LoadOptions{})
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != maxRowProblems+1 {
		t.Fatalf("got %d problems: %v", len(ps), err)
	}
	if last := ps[len(ps)-1].Msg; last != "15 more rows have fewer than 2 fields" {
		t.Errorf("last problem = %q", last)
	}
}
