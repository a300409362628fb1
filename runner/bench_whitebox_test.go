package runner

import (
	"testing"
	"time"
)

// BenchmarkPacerDue measures the scheduler's per-arrival arithmetic, which
// must not allocate.
func BenchmarkPacerDue(b *testing.B) {
	for _, bc := range []struct {
		name string
		p    pacer
	}{
		{"constant", constantPacer{Rate: 1000, Duration: time.Hour}},
		{"linear", linearPacer{From: 10, To: 1000, Duration: time.Hour}},
		{"count", countPacer{Count: 1 << 40, Duration: time.Hour}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int64
			for b.Loop() {
				if _, ok := bc.p.due(n); !ok {
					n = 0
				}
				n++
			}
		})
	}
}

// BenchmarkOpenArrive measures starting one open-model arrival: the cap
// check and counters (atomics only), not the VU goroutine's work.
func BenchmarkOpenArrive(b *testing.B) {
	b.ReportAllocs()
	p := newPool(&fakeWorkload{}, b.Context())
	e := &openExecutor{limit: 0} // every arrival is dropped: measures the check alone
	for b.Loop() {
		e.arrive(p, time.Time{})
	}
	if p.dropped.Load() == 0 {
		b.Fatal("no arrival was counted")
	}
}
