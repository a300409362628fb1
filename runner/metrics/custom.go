package metrics

import (
	"math"
	"sync"
)

// CustomStats is what metric steps recorded into one custom metric
// (custom.NAME in thresholds).
type CustomStats struct {
	Name string
	// Count is how many values were recorded; the other fields are
	// meaningless when it is 0.
	Count int64
	// Last is the value recorded last (in the order the records took the
	// lock), Min and Max the extremes, Sum the total.
	Last, Min, Max, Sum float64
}

// Mean returns Sum/Count, NaN when nothing was recorded.
func (c CustomStats) Mean() float64 {
	if c.Count == 0 {
		return math.NaN()
	}
	return c.Sum / float64(c.Count)
}

// Custom holds a run's custom metrics, indexed by the order of the names
// given to NewCustom. It is safe for concurrent use. Metric steps are rare
// next to requests, so one short lock for all of them is enough; Record
// never allocates.
type Custom struct {
	mu    sync.Mutex
	stats []CustomStats
}

// NewCustom returns custom metrics for names (index i is names[i]).
func NewCustom(names []string) *Custom {
	c := &Custom{stats: make([]CustomStats, len(names))}
	for i, n := range names {
		c.stats[i].Name = n
	}
	return c
}

// Record adds v to metric i. An index out of range or a value that is not
// finite is ignored: the engine checks both before recording.
func (c *Custom) Record(i int, v float64) {
	if c == nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if i < 0 || i >= len(c.stats) {
		return
	}
	s := &c.stats[i]
	if s.Count == 0 || v < s.Min {
		s.Min = v
	}
	if s.Count == 0 || v > s.Max {
		s.Max = v
	}
	s.Count++
	s.Sum += v
	s.Last = v
}

// Stats returns a copy of every custom metric, recorded or not, in index
// order. A nil Custom has none.
func (c *Custom) Stats() []CustomStats {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]CustomStats(nil), c.stats...)
}
