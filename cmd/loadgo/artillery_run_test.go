package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/scenario"
)

// compatServer answers like the APIs the Artillery-style scripts in
// scenario/testdata/artillery were written for: JSON with the fields they
// capture, HTML at "/", 201 for creations. It counts every request.
func compatServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	const body = `{"token":"tok","pages":3,"id":7,"results":[{"id":1},{"id":2}],"cart":"cart-abc123","version":"v2"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("ETag", `"1"`)
		w.Header().Set("X-Request-Id", "req-1")
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, "<html><body>shop</body></html>")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		code := http.StatusOK
		if r.Method == http.MethodPost && r.URL.Path != "/login" && r.URL.Path != "/admin/session" {
			code = http.StatusCreated
		}
		w.WriteHeader(code)
		if r.Method != http.MethodHead {
			_, _ = io.WriteString(w, body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestArtilleryScriptsRun runs every Artillery-style script of the scenario
// package's test data (YAML and JSON, with payloads, environments, captures,
// loops, before/after flows), shrunk to a few seconds, against a server
// shaped like their APIs: all must run without a single error, and loadgo's
// request count must equal the server's.
func TestArtilleryScriptsRun(t *testing.T) {
	dir := filepath.Join("..", "..", "scenario", "testdata", "artillery")
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, f := range files {
		ext := filepath.Ext(f)
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		ran++
		t.Run(filepath.Base(f), func(t *testing.T) {
			srv, hits := compatServer(t)
			sc, err := scenario.Load(f, scenario.LoadOptions{Target: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			shrink(sc)
			for i := range sc.Config.Phases {
				sc.Config.Phases[i].MaxVusers = 0
			}
			r, err := runner.New(sc, runner.Options{GracePeriod: 20 * time.Second, Env: map[string]string{"ADMIN_KEY": "k"}})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := r.Run(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Total.Count == 0 || sum.Total.Count != hits.Load() {
				t.Errorf("loadgo counted %d requests, the server %d", sum.Total.Count, hits.Load())
			}
			if sum.Total.Errors != 0 || sum.VUs.Failed != 0 {
				t.Errorf("errors %v, failed VUs %d", sum.Total.ErrorsByKind, sum.VUs.Failed)
			}
			names := make([]string, 0, len(sum.ByName))
			for _, s := range sum.ByName {
				names = append(names, s.Series.Name)
			}
			if len(names) < 2 {
				t.Errorf("only %d request names recorded: %s", len(names), strings.Join(names, ", "))
			}
		})
	}
	if ran < 5 {
		t.Errorf("ran %d scripts, want at least 5", ran)
	}
}
