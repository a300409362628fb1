package engine_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// TestMetricSteps records constant, captured and computed values into
// custom metrics, and checks that a value that is no number ends the flow.
func TestMetricSteps(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"views": 41, "label": "many"}`))
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		flow    string
		want    []metrics.CustomStats
		wantErr string
	}{
		// A constant, recorded twice into the same metric.
		{name: "constant", flow: `
      - metric: { name: a, value: 2.5 }
      - metric: { name: a, value: "-1" }`,
			want: []metrics.CustomStats{{Name: "a", Count: 2, Last: -1, Min: -1, Max: 2.5, Sum: 1.5}}},
		// A captured JSON number, and a loop counter; metrics are listed in
		// the order they first appear.
		{name: "captured", flow: `
      - get: { url: /, capture: { json: $.views, as: views } }
      - metric: { name: views, value: "{{ views }}" }
      - loop:
          - metric: { name: n, value: " {{ $loopCount }} " }
        count: 3`,
			want: []metrics.CustomStats{{Name: "views", Count: 1, Last: 41, Min: 41, Max: 41, Sum: 41},
				{Name: "n", Count: 3, Last: 3, Min: 1, Max: 3, Sum: 6}}},
		// A value that renders to text ends the flow; nothing is recorded.
		{name: "not a number", flow: `
      - get: { url: /, capture: { json: $.label, as: label } }
      - metric: { name: label, value: "{{ label }}" }
      - metric: { name: after, value: 1 }`,
			want:    []metrics.CustomStats{{Name: "label"}, {Name: "after"}},
			wantErr: `scenarios[0].flow[1]: flow aborted (other): metric value "many" is not a finite number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "config:\n  target: " + srv.URL + "\n  phases: [{duration: 1, arrivalRate: 1}]\nscenarios:\n  - flow:" + tt.flow + "\n"
			sc, err := scenario.Parse("m.yaml", []byte(src), scenario.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			p, err := engine.Compile(sc, metrics.NewRegistry(), engine.Options{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			vu := p.NewVU(1, 0, nil)
			defer vu.Close()
			err = p.Iterate(context.Background(), vu, time.Time{})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Iterate: %v", err)
			case tt.wantErr != "" && (err == nil || !errors.Is(err, engine.ErrAborted) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Iterate error = %v, want an abort containing %q", err, tt.wantErr)
			}
			got := p.CustomStats()
			if len(got) != len(tt.want) {
				t.Fatalf("CustomStats = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("CustomStats[%d] = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
