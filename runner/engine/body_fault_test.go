package engine_test

import (
	"runtime"
	"testing"

	"github.com/loadgo/loadgo/internal/faultserver"
	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/scenario"
)

// TestHugeBodyMemoryIsBounded reads a 64 MiB body, 1024 times the body cap,
// with and without a capture that needs the body, and checks that the
// bytes are all counted while the memory allocated stays a small multiple
// of the cap: the body is streamed, never held.
func TestHugeBodyMemoryIsBounded(t *testing.T) {
	const (
		bodyCap = 64 << 10
		size    = 64 << 20
		// budget is what the read may allocate in all: the kept prefix,
		// the transport's buffers and the sample, with a wide margin, and
		// still 16 times less than the body.
		budget = 4 << 20
	)
	srv := faultserver.Start()
	t.Cleanup(srv.Close)
	srv.HugeBytes = size
	tests := []struct {
		name string
		mods []func(*scenario.Request)
	}{
		// No capture: the body is discarded as it arrives.
		{name: "discarded", mods: []func(*scenario.Request){named("x")}},
		// A (lenient) regexp capture keeps only the first bodyCap bytes.
		{name: "captured prefix", mods: []func(*scenario.Request){named("x"), withCapture(scenario.Capture{
			Kind: scenario.CaptureRegexp, Expr: `^(abc)`, Group: 1, As: "head", Strict: false})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scen(srv.URL, get(faultserver.Huge.Path(), tt.mods...))
			sc.Config.HTTP.MaxBodyBytes = bodyCap
			r := compile(t, sc, engine.Options{})
			vu := r.vu(t, 1)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			if err := r.iterate(t, vu); err != nil {
				t.Fatalf("a huge body is not an error: %v", err)
			}
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > budget {
				t.Errorf("reading a %d-byte body allocated %d bytes, want at most %d", size, alloc, budget)
			}
			st := r.byName("x")
			if st.Count != 1 || st.Errors != 0 || st.BytesIn < size {
				t.Errorf("count %d errors %v bytes in %d, want 1, none, at least %d", st.Count, st.ErrorsByKind, st.BytesIn, size)
			}
			if len(tt.mods) > 1 && vu.Variable("head").String() != "abc" {
				t.Errorf("capture from the kept prefix = %q, want abc", vu.Variable("head").String())
			}
		})
	}
}
