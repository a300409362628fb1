package engine_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/scenario"
)

const benchBody = `{"user":{"id":42,"name":"Ada"},"items":[{"id":"a"},{"id":"b"},{"id":"c"}],"token":"abcdef0123456789"}`

func benchServer(b *testing.B) *server {
	return newServer(b, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, benchBody)
	})
}

func benchIterate(b *testing.B, sc *scenario.Scenario) {
	r := compile(b, sc, engine.Options{Seed: 1})
	vu := r.vu(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.p.Iterate(ctx, vu, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequest is one GET round trip on a kept-alive loopback
// connection, recorded into a real shard.
func BenchmarkRequest(b *testing.B) {
	srv := benchServer(b)
	benchIterate(b, scen(srv.URL, get("/users/{{ $vu.id }}", named("get"))))
}

// BenchmarkRequestJSONCapture adds a templated JSON body and a JSON capture.
func BenchmarkRequestJSONCapture(b *testing.B) {
	srv := benchServer(b)
	benchIterate(b, scen(srv.URL, req(http.MethodPost, "/login", named("login"), captureJSON("$.token", "token"),
		func(r *scenario.Request) {
			r.JSON = scentest.Obj("user", scentest.Str("u-{{ $vu.id }}"), "n", scentest.Num("1"))
		})))
}
