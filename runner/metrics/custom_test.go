package metrics

import (
	"math"
	"sync"
	"testing"
)

func TestCustomRecord(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   CustomStats
	}{
		// Nothing recorded: Count 0.
		{"none", nil, CustomStats{Name: "m"}},
		// One value is last, min and max.
		{"one", []float64{-2.5}, CustomStats{Name: "m", Count: 1, Last: -2.5, Min: -2.5, Max: -2.5, Sum: -2.5}},
		// Extremes, sum and the last value.
		{"several", []float64{3, 10, -1, 4}, CustomStats{Name: "m", Count: 4, Last: 4, Min: -1, Max: 10, Sum: 16}},
		// Values that are not finite are ignored, never poison the sum.
		{"not finite", []float64{1, math.NaN(), math.Inf(1), math.Inf(-1)}, CustomStats{Name: "m", Count: 1, Last: 1, Min: 1, Max: 1, Sum: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCustom([]string{"other", "m"})
			for _, v := range tt.values {
				c.Record(1, v)
			}
			// Out of range indexes are ignored.
			c.Record(2, 1)
			c.Record(-1, 1)
			got := c.Stats()
			if len(got) != 2 || got[0] != (CustomStats{Name: "other"}) {
				t.Fatalf("stats = %+v", got)
			}
			if got[1] != tt.want {
				t.Errorf("stats = %+v, want %+v", got[1], tt.want)
			}
		})
	}
}

func TestCustomMean(t *testing.T) {
	if m := (CustomStats{}).Mean(); !math.IsNaN(m) {
		t.Errorf("mean of nothing = %v, want NaN", m)
	}
	if m := (CustomStats{Count: 4, Sum: 10}).Mean(); m != 2.5 {
		t.Errorf("mean = %v, want 2.5", m)
	}
}

// TestCustomConcurrent records from many goroutines: every value counts
// once (run with -race).
func TestCustomConcurrent(t *testing.T) {
	c := NewCustom([]string{"n"})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				c.Record(0, float64(g*1000+i))
			}
		})
	}
	wg.Wait()
	s := c.Stats()[0]
	if s.Count != 8000 || s.Min != 0 || s.Max != 7999 || s.Sum != 7999*8000/2 {
		t.Errorf("stats = %+v", s)
	}
	var nilC *Custom
	nilC.Record(0, 1)
	if nilC.Stats() != nil {
		t.Error("a nil Custom has stats")
	}
}

func TestCustomRecordAllocs(t *testing.T) {
	c := NewCustom([]string{"n"})
	if n := testing.AllocsPerRun(100, func() { c.Record(0, 1) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}
