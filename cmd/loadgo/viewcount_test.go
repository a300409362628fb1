package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/cmd/internal/demo"
)

// showViews reads a show's view counter from the demo target without
// counting a view.
func showViews(t *testing.T, base string, id int) int64 {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/shows/"+strconv.Itoa(id)+"/views", nil)
	if err != nil {
		t.Fatal(err)
	}
	// No keep-alive: an idle connection would outlive the test (goleak).
	req.Close = true
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Views int64 `json:"views"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /shows/%d/views: status %d, %v", id, resp.StatusCode, err)
	}
	return v.Views
}

// TestViewCountExampleCatchesLostUpdates runs examples/view-count.yaml as a
// user would, against the demo target's naive counter (which really loses
// concurrent views) and its safe one: the run must fail with exit 3 and a
// positive "lost views" against the first, pass with 0 lost against the
// second. The lost count must be exactly what the server's own counter
// shows, read independently before and after the run.
func TestViewCountExampleCatchesLostUpdates(t *testing.T) {
	const show = 7 // the example's show
	tests := []struct {
		name     string
		counter  string
		wantCode int
	}{
		// Read-modify-write with a pause: concurrent views overwrite each other.
		{name: "naive", counter: demo.CounterNaive, wantCode: exitThresholdsFailed},
		// Atomic increments: every view counts.
		{name: "safe", counter: demo.CounterSafe, wantCode: exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startDemo(t, demo.Options{Counter: tt.counter})
			out := filepath.Join(t.TempDir(), "summary.json")
			before := showViews(t, srv.URL(), show)
			res := runCLI(t, 0, "run", "-q", "--target", srv.URL(), "-o", "json="+out, filepath.Join("..", "..", "examples", "view-count.yaml"))
			after := showViews(t, srv.URL(), show)
			if res.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tt.wantCode, res.stdout, res.stderr)
			}
			doc := readSummary(t, out)
			views := doc.Requests["view"].Status["200"]
			if views < 100 || doc.Totals.Errors != 0 {
				t.Fatalf("%d views answered 200, %d errors; want a real load without errors", views, doc.Totals.Errors)
			}
			var lost *float64
			for _, th := range doc.Thresholds {
				if strings.HasPrefix(th.Name, "lost views: ") {
					lost = th.Value
					if th.Passed != (tt.wantCode == exitOK) {
						t.Errorf("lost views passed = %v with exit %d", th.Passed, res.code)
					}
				}
			}
			if lost == nil {
				t.Fatalf("no value for the lost views condition in %+v", doc.Thresholds)
			}
			if want := float64(views - (after - before)); *lost != want {
				t.Errorf("lost views = %v; the server's counter says %v (%d answered, counter %d → %d)", *lost, want, views, before, after)
			}
			if tt.counter == demo.CounterNaive && *lost <= 0 {
				t.Errorf("the naive counter lost no view (lost = %v): the check cannot tell", *lost)
			}
			if tt.counter == demo.CounterSafe && *lost != 0 {
				t.Errorf("the safe counter lost %v views", *lost)
			}
			if !strings.Contains(res.stdout, "lost views: http.codes.200{name:view}") {
				t.Errorf("the console summary does not show the condition:\n%s", res.stdout)
			}
		})
	}
}
