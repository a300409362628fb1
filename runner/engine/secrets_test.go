package engine_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/engine/redact"
	"github.com/loadgo/loadgo/scenario"
)

// TestLogStepsAreRedacted runs flows whose log steps print secrets by
// mistake and checks that what reaches the log has them masked, while
// ordinary values are printed as they are.
func TestLogStepsAreRedacted(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"token":"captured-token-123"}`))
	})
	env := map[string]string{"API_TOKEN": "env-token-456", "STAGE": "staging", "PLAIN": "opaque-789"}
	tests := []struct {
		name  string
		steps []scenario.Step
		// want and hidden are what the log must and must not contain.
		want, hidden []string
		// known are the values Program.Redactor masks in any text.
		known []string
		// secrets is config.secrets; vars are config.variables (one
		// constant value each).
		secrets []string
		vars    map[string]string
	}{
		{
			// An environment variable named like a secret is masked; one
			// named like configuration is printed.
			name:   "env by name",
			steps:  []scenario.Step{logStep("stage={{ $env.STAGE }} token={{ $env.API_TOKEN }}")},
			want:   []string{"stage=staging", "token=" + redact.Mask},
			hidden: []string{"env-token-456"},
			known:  []string{"env-token-456"},
		},
		{
			// Any environment variable sent in an Authorization header is
			// a secret, whatever its name.
			name: "env in a sensitive header",
			steps: []scenario.Step{
				get("/", named("x"), withHeader("Authorization", "Bearer {{ $env.PLAIN }}")),
				logStep("sent {{ $env.PLAIN }}"),
			},
			want:   []string{"sent " + redact.Mask},
			hidden: []string{"opaque-789"},
			known:  []string{"opaque-789"},
		},
		{
			// A captured token sent as a credential is masked in logs.
			name: "captured credential",
			steps: []scenario.Step{
				get("/", named("login"), captureJSON("$.token", "tok")),
				get("/", named("x"), withHeader("X-Auth-Token", "{{ tok }}")),
				logStep("got {{ tok }}"),
			},
			want:   []string{"got " + redact.Mask},
			hidden: []string{"captured-token-123"},
		},
		{
			// config.secrets makes an $env variable secret whatever its name.
			name:    "declared env",
			steps:   []scenario.Step{logStep("plain={{ $env.PLAIN }} stage={{ $env.STAGE }}")},
			secrets: []string{"PLAIN"},
			want:    []string{"plain=" + redact.Mask, "stage=staging"},
			hidden:  []string{"opaque-789"},
			known:   []string{"opaque-789"},
		},
		{
			// A declared capture is masked in its VU's log, though it is
			// sent in no sensitive header.
			name: "declared capture",
			steps: []scenario.Step{
				get("/", named("login"), captureJSON("$.token", "ref")),
				logStep("ref={{ ref }}"),
			},
			secrets: []string{"ref"},
			want:    []string{"ref=" + redact.Mask},
			hidden:  []string{"captured-token-123"},
		},
		{
			// A declared variable with a constant value is a secret of the
			// whole run.
			name:    "declared variable",
			steps:   []scenario.Step{logStep("plan={{ plan }}")},
			secrets: []string{"plan"},
			vars:    map[string]string{"plan": "gold-plan-31"},
			want:    []string{"plan=" + redact.Mask},
			hidden:  []string{"gold-plan-31"},
			known:   []string{"gold-plan-31"},
		},
		{
			// Undeclared, the same variable is printed.
			name:  "undeclared variable",
			steps: []scenario.Step{logStep("plan={{ plan }}")},
			vars:  map[string]string{"plan": "gold-plan-31"},
			want:  []string{"plan=gold-plan-31"},
		},
		{
			// Secret-shaped text is masked whatever its source.
			name:   "shapes",
			steps:  []scenario.Step{logStep("Authorization: Bearer abcdefghijkl")},
			want:   []string{"Authorization: " + redact.Mask},
			hidden: []string{"abcdefghijkl"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log syncBuffer
			sc := scen(srv.URL, tt.steps...)
			sc.Config.Secrets = tt.secrets
			for name, v := range tt.vars {
				sc.Config.Variables = append(sc.Config.Variables, scenario.Variable{Name: name, Values: []*scenario.Template{scentest.T(v)}})
			}
			p, err := engine.Compile(sc, nil, engine.Options{Log: &log, Env: env})
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			t.Cleanup(p.Close)
			vu := p.NewVU(1, 0, nil)
			defer vu.Close()
			if err := p.Iterate(context.Background(), vu, time.Time{}); err != nil {
				t.Fatalf("Iterate: %v", err)
			}
			got := log.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("log %q does not contain %q", got, w)
				}
			}
			for _, h := range tt.hidden {
				if strings.Contains(got, h) {
					t.Errorf("log %q leaks %q", got, h)
				}
			}
			for _, k := range tt.known {
				if got := p.Redactor().String("error: " + k); got != "error: "+redact.Mask {
					t.Errorf("Program.Redactor masks %q as %q", k, got)
				}
			}
		})
	}
}
