package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

func TestVariablesAndPayloads(t *testing.T) {
	sc := scen("", logStep("{{ one }} {{ pick }} {{ user }}:{{ pass }} {{ r }} {{ derived }}"))
	sc.Config.Variables = []scenario.Variable{
		{Name: "one", Values: []*scenario.Template{scentest.T("fixed")}},
		{Name: "pick", Values: []*scenario.Template{scentest.T("a"), scentest.T("b"), scentest.T("c")}},
		{Name: "derived", Values: []*scenario.Template{scentest.T("u-{{ user }}")}},
	}
	sc.Config.Payloads = []scenario.Payload{
		{Fields: []string{"user", "pass"}, Rows: [][]string{{"u1", "p1"}, {"u2", "p2"}, {"u3", "p3"}}},
		{Fields: []string{"r"}, Random: true, Rows: [][]string{{"x"}, {"y"}}},
	}
	var log syncBuffer
	p, err := engine.Compile(sc, nil, engine.Options{Log: &log, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	picks, randoms := map[string]int{}, map[string]int{}
	const vus = 60
	for id := int64(1); id <= vus; id++ {
		vu := p.NewVU(id, 0, nil)
		// Variables are picked once per VU: two iterations log the same line.
		for range 2 {
			if err := p.Iterate(context.Background(), vu, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		vu.Close()
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2*vus {
		t.Fatalf("%d log lines, want %d", len(lines), 2*vus)
	}
	for i := 0; i < len(lines); i += 2 {
		if lines[i] != lines[i+1] {
			t.Fatalf("a VU's variables changed between iterations: %q then %q", lines[i], lines[i+1])
		}
		var id int
		var one, pick, creds, r, derived string
		if _, err := fmt.Sscanf(lines[i], "vu=%d: %s %s %s %s %s", &id, &one, &pick, &creds, &r, &derived); err != nil {
			t.Fatalf("line %q: %v", lines[i], err)
		}
		// Sequential payload rows go round in VU creation order.
		wantRow := (id-1)%3 + 1
		if one != "fixed" || creds != fmt.Sprintf("u%d:p%d", wantRow, wantRow) || derived != fmt.Sprintf("u-u%d", wantRow) {
			t.Errorf("line %q: want fixed, row %d, and derived from the payload", lines[i], wantRow)
		}
		picks[pick]++
		randoms[r]++
	}
	if len(picks) != 3 || len(randoms) != 2 {
		t.Errorf("list variable picks %v, random payload rows %v: want every value used over %d VUs", picks, randoms, vus)
	}
}

func TestSameSeedSameChoices(t *testing.T) {
	run := func() string {
		sc := scen("", logStep("{{ $randomNumber(1, 1000000) }} {{ $uuid }}"))
		var log syncBuffer
		p, err := engine.Compile(sc, nil, engine.Options{Log: &log, Seed: 77})
		if err != nil {
			t.Fatal(err)
		}
		for id := int64(1); id <= 3; id++ {
			vu := p.NewVU(id, 0, nil)
			if err := p.Iterate(context.Background(), vu, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		return log.String()
	}
	a, b := run(), run()
	if a != b {
		t.Errorf("two runs with the same seed differ:\n%s\n%s", a, b)
	}
	lines := strings.Split(strings.TrimSpace(a), "\n")
	if lines[0][len("vu=1: "):] == lines[1][len("vu=2: "):] {
		t.Errorf("VUs 1 and 2 drew the same values: %q", lines[:2])
	}
}

func TestFlowWeights(t *testing.T) {
	sc := scen("")
	sc.Flows = []scenario.Flow{
		{Name: "never", Weight: 0, Steps: []scenario.Step{logStep("never")}},
		{Name: "often", Weight: 3, Steps: []scenario.Step{logStep("often")}},
		{Name: "rare", Weight: 1, Steps: []scenario.Step{logStep("rare")}},
	}
	var log syncBuffer
	p, err := engine.Compile(sc, nil, engine.Options{Log: &log, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	vu := p.NewVU(1, 0, nil)
	for range 400 {
		if err := p.Iterate(context.Background(), vu, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	out := log.String()
	never, often, rare := strings.Count(out, "never"), strings.Count(out, "often"), strings.Count(out, "rare")
	if never != 0 || rare == 0 || often < 2*rare {
		t.Errorf("never=%d often=%d rare=%d, want weight 0 never picked and about 3:1", never, often, rare)
	}
}

func TestSeriesRegistration(t *testing.T) {
	sc := scen("http://127.0.0.1:1",
		get("/a", named("a")),
		loop(scenario.Loop{Count: 2, Steps: []scenario.Step{get("/users/{{ id }}")}}),
	)
	sc.Config.Phases = append(sc.Config.Phases, scenario.Phase{Name: "second", Kind: scenario.PhaseVUs})
	sc.Before = []scenario.Step{get("/login", named("login"))}
	reg := metrics.NewRegistry()
	if _, err := engine.Compile(sc, reg, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range reg.Series() {
		got = append(got, fmt.Sprintf("%s/%d/%s/%s", s.Name, s.Phase, s.PhaseName, s.Protocol))
	}
	// The unnamed request's series is its URL template, not a rendered URL.
	want := "login/-1//http a/0/p/http a/1/second/http /users/{{ id }}/0/p/http /users/{{ id }}/1/second/http"
	if strings.Join(got, " ") != want {
		t.Errorf("series = %q\nwant      %q", strings.Join(got, " "), want)
	}
}

func TestNewVUPhaseOutOfRange(t *testing.T) {
	p, err := engine.Compile(scen(""), nil, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewVU with phase 1 of a one-phase scenario did not panic")
		}
	}()
	p.NewVU(1, 1, nil)
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		step scenario.Step
		want string
	}{
		// Template errors name the step.
		{name: "template", step: get("/{{ $nope }}"), want: "unknown built-in"},
		// An invalid JSON number literal.
		{name: "json number", step: req("POST", "/", func(r *scenario.Request) { r.JSON = scentest.Num("0x1") }), want: "invalid number"},
		// Jitter outside 0..1.
		{name: "jitter", step: think(scenario.Think{Duration: time.Second, Jitter: 2}), want: "jitter"},
		// A constant think that is not a duration.
		{name: "think", step: think(scenario.Think{Tmpl: scentest.T("soon")}), want: "think"},
		// A negative loop count.
		{name: "loop count", step: loop(scenario.Loop{Count: -1}), want: "loop count"},
		// statusCode needs codes.
		{name: "status codes", step: get("/", withExpect(scenario.Expect{Kind: scenario.ExpectStatusCode})), want: "without codes"},
		// equals needs two values.
		{name: "equals", step: get("/", withExpect(scenario.Expect{Kind: scenario.ExpectEquals, Values: []*scenario.Template{scentest.T("a")}})), want: "at least two"},
		// A comparison needs a right side.
		{name: "cond", step: get("/", func(r *scenario.Request) {
			r.IfTrue = &scenario.Cond{Src: "a ==", Op: scenario.CondEq, Left: scentest.T("a")}
		}), want: "no right side"},
		// A step of an unknown kind.
		{name: "kind", step: scenario.Step{Kind: 99, Path: "scenarios[0].flow[0]"}, want: "unknown step kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.Compile(scen("http://127.0.0.1:1", tt.step), nil, engine.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `scenarios[0] "f"`) {
				t.Errorf("error = %v, want one locating the flow and containing %q", err, tt.want)
			}
		})
	}
}
