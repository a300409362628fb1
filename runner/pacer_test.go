package runner

import (
	"math"
	"testing"
	"time"
)

func TestPacerDue(t *testing.T) {
	tests := []struct {
		name   string
		p      pacer
		n      int64
		want   time.Duration
		wantOK bool
	}{
		// A constant rate spaces arrivals 1/rate apart from the phase start.
		{"constant first", constantPacer{Rate: 4, Duration: time.Second}, 0, 0, true},
		{"constant third", constantPacer{Rate: 4, Duration: time.Second}, 2, 500 * time.Millisecond, true},
		// A fractional rate: 1/3 s rounds to the nearest nanosecond.
		{"constant fractional", constantPacer{Rate: 3, Duration: time.Second}, 1, 333333333, true},
		// Offset exactly equal to the duration is outside the phase.
		{"constant at end", constantPacer{Rate: 4, Duration: time.Second}, 4, 0, false},
		// A zero rate has no arrivals at all.
		{"constant zero rate", constantPacer{Rate: 0, Duration: time.Second}, 0, 0, false},
		// Negative arrival numbers do not exist.
		{"constant negative n", constantPacer{Rate: 4, Duration: time.Second}, -1, 0, false},
		// Ramp from 0 to 4/s over 2 s: N(t) = t², so arrival n is at √n s.
		{"ramp from zero n=0", linearPacer{From: 0, To: 4, Duration: 2 * time.Second}, 0, 0, true},
		{"ramp from zero n=1", linearPacer{From: 0, To: 4, Duration: 2 * time.Second}, 1, time.Second, true},
		{"ramp from zero n=2", linearPacer{From: 0, To: 4, Duration: 2 * time.Second}, 2, 1414213562, true},
		{"ramp from zero n=3", linearPacer{From: 0, To: 4, Duration: 2 * time.Second}, 3, 1732050808, true},
		// N(2 s) = 4: the fourth arrival would be at the end, outside.
		{"ramp from zero at end", linearPacer{From: 0, To: 4, Duration: 2 * time.Second}, 4, 0, false},
		// Ramp up from 2 to 6/s over 2 s: N(t) = 2t + t², t = √(1+n) − 1.
		{"ramp up n=3", linearPacer{From: 2, To: 6, Duration: 2 * time.Second}, 3, time.Second, true},
		{"ramp up n=7", linearPacer{From: 2, To: 6, Duration: 2 * time.Second}, 7, 1828427125, true},
		// Ramp down from 4 to 2/s over 2 s: N(t) = 4t − t²/2, t = 4 − √(16−2n).
		{"ramp down n=1", linearPacer{From: 4, To: 2, Duration: 2 * time.Second}, 1, 258342613, true},
		{"ramp down n=5", linearPacer{From: 4, To: 2, Duration: 2 * time.Second}, 5, 1550510257, true},
		// N(2 s) = 6: arrival 6 is due exactly at the end.
		{"ramp down at end", linearPacer{From: 4, To: 2, Duration: 2 * time.Second}, 6, 0, false},
		// Past the peak of N the quadratic has no root: never due.
		{"ramp down past peak", linearPacer{From: 4, To: 2, Duration: 2 * time.Second}, 100, 0, false},
		// Equal rates degrade to a constant rate (k = 0).
		{"ramp flat", linearPacer{From: 5, To: 5, Duration: time.Second}, 2, 400 * time.Millisecond, true},
		// No load at either end: no arrivals, not even the first.
		{"ramp all zero", linearPacer{From: 0, To: 0, Duration: time.Second}, 0, 0, false},
		// A zero-length ramp has no arrivals.
		{"ramp zero duration", linearPacer{From: 1, To: 5, Duration: 0}, 0, 0, false},
		// arrivalCount spreads Count arrivals evenly: n·D/C.
		{"count middle", countPacer{Count: 3, Duration: 1500 * time.Millisecond}, 1, 500 * time.Millisecond, true},
		{"count last", countPacer{Count: 3, Duration: 1500 * time.Millisecond}, 2, time.Second, true},
		{"count past", countPacer{Count: 3, Duration: 1500 * time.Millisecond}, 3, 0, false},
		// n·D overflows 64 bits here; the 128-bit product keeps it exact.
		{"count long phase", countPacer{Count: 3_000_000, Duration: 1000 * time.Hour}, 2_999_999, 999*time.Hour + 59*time.Minute + 58800*time.Millisecond, true},
		// A zero count has no arrivals.
		{"count zero", countPacer{Count: 0, Duration: time.Second}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.p.due(tt.n)
			if ok != tt.wantOK || (ok && got != tt.want) {
				t.Errorf("due(%d) = %v, %v; want %v, %v", tt.n, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestPacerArrivals(t *testing.T) {
	tests := []struct {
		name string
		p    pacer
		want int64
	}{
		// R·D arrivals for a whole number of them.
		{"constant 50/s for 2s", constantPacer{Rate: 50, Duration: 2 * time.Second}, 100},
		// ⌈R·D⌉ otherwise: arrivals at 0, 0.4 s and 0.8 s.
		{"constant 2.5/s for 1s", constantPacer{Rate: 2.5, Duration: time.Second}, 3},
		// A thousand per second for an hour: the search must not walk.
		{"constant long", constantPacer{Rate: 1000, Duration: time.Hour}, 3_600_000},
		// No rate, no arrivals.
		{"constant zero", constantPacer{Rate: 0, Duration: time.Second}, 0},
		// Ramp 0→10/s over 10 s: N(10) = 50.
		{"ramp up from zero", linearPacer{From: 0, To: 10, Duration: 10 * time.Second}, 50},
		// Ramp 10→0/s over 10 s: also 50, front-loaded.
		{"ramp down to zero", linearPacer{From: 10, To: 0, Duration: 10 * time.Second}, 50},
		// Ramp 1→2/s over 3 s: N(3) = 4.5, so arrivals 0..4.
		{"ramp fractional total", linearPacer{From: 1, To: 2, Duration: 3 * time.Second}, 5},
		// arrivalCount is exact.
		{"count", countPacer{Count: 7, Duration: time.Second}, 7},
		// A zero count has no arrivals.
		{"count zero", countPacer{Count: 0, Duration: time.Second}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := arrivals(tt.p); got != tt.want {
				t.Errorf("arrivals = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestLinearPacerInvertsN checks the ramp against its definition: at the
// due time of arrival n the expected count N(t) is n, due times never go
// backwards, and the phase ends where N(D) says.
func TestLinearPacerInvertsN(t *testing.T) {
	ramps := []linearPacer{
		{From: 0, To: 100, Duration: 10 * time.Second},    // from zero
		{From: 5, To: 50, Duration: 7 * time.Second},      // up
		{From: 80, To: 3, Duration: 4 * time.Second},      // down
		{From: 30, To: 30.5, Duration: time.Minute},       // nearly flat
		{From: 0.5, To: 0.25, Duration: 20 * time.Second}, // slow, down
	}
	for _, p := range ramps {
		d := p.Duration.Seconds()
		k := (p.To - p.From) / (2 * d)
		total := arrivals(p)
		if want := int64(math.Ceil((p.From + p.To) * d / 2)); total != want {
			t.Errorf("%+v: %d arrivals, want ⌈(a+b)·D/2⌉ = %d", p, total, want)
		}
		prev := time.Duration(-1)
		for n := int64(0); n < total; n++ {
			off, ok := p.due(n)
			if !ok {
				t.Fatalf("%+v: due(%d) not ok below the total %d", p, n, total)
			}
			if off < prev {
				t.Fatalf("%+v: due(%d) = %v before due(%d) = %v", p, n, off, n-1, prev)
			}
			prev = off
			s := off.Seconds()
			if got := p.From*s + k*s*s; math.Abs(got-float64(n)) > 1e-6 {
				t.Fatalf("%+v: N(due(%d)) = %v", p, n, got)
			}
		}
	}
}
