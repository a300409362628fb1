package runner_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/internal/faultserver"
	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/redact"
	"github.com/loadgo/loadgo/scenario"
)

// secretGet GETs url+"?token={{ $env.API_TOKEN }}", so that a failure's
// error message holds the secret.
func secretGet(url string) scenario.Step {
	st := get("/x")
	st.Request.Expects = nil
	st.Request.URL = &scenario.Template{Src: url + "?token={{ $env.API_TOKEN }}", Parts: []scenario.TemplatePart{
		{Kind: scenario.PartText, Text: url + "?token="},
		{Kind: scenario.PartFunc, Name: "$env", Args: []string{"API_TOKEN"}},
	}}
	return st
}

// TestFailureMessagesAreRedacted makes the before and after flows fail on
// a refused connection whose URL carries a secret from the environment,
// and checks that neither the run's error nor the summary's notes show it.
func TestFailureMessagesAreRedacted(t *testing.T) {
	const secret = "env-secret-value-42"
	refused, err := faultserver.Closed()
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, 0, false)
	opts := runner.Options{Env: map[string]string{"API_TOKEN": secret}, GracePeriod: 5 * time.Second}

	t.Run("before flow", func(t *testing.T) {
		sc := scen(srv.URL, rate(1, 100*time.Millisecond))
		sc.Before = []scenario.Step{secretGet(refused)}
		r, err := runner.New(sc, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Run(context.Background(), nil)
		if err == nil || !errors.Is(err, engine.ErrAborted) {
			t.Fatalf("Run error = %v, want the before flow's abort", err)
		}
		if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "token="+redact.Mask) {
			t.Errorf("error %q shows the secret or lacks the mask", err)
		}
	})
	t.Run("after flow", func(t *testing.T) {
		sc := scen(srv.URL, rate(10, 100*time.Millisecond))
		sc.After = []scenario.Step{secretGet(refused)}
		sum, _ := run(t, context.Background(), sc, opts)
		if !hasNote(sum, "after flow failed") {
			t.Fatalf("notes %q do not report the after flow", sum.Notes)
		}
		for _, n := range sum.Notes {
			if strings.Contains(n, secret) {
				t.Errorf("note %q shows the secret", n)
			}
		}
	})
}
