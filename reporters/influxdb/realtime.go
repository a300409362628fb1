package influxdb

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/loadgo/loadgo/runner/metrics"
)

// RealtimeField returns the MeasurementRealtime field name of a real-time
// counter: its metrics name with "." replaced by "_".
func RealtimeField(c metrics.RTCounter) string {
	return strings.ReplaceAll(c.String(), ".", realtimeNameSeparator)
}

// realtimePoint is the interval's real-time point, nil when nothing
// real-time happened in it.
func realtimePoint(rt runTags, s *metrics.Snapshot) (*write.Point, error) {
	r := s.Realtime
	if r == nil || r.Empty() {
		return nil, nil
	}
	f := fields{}
	for c := metrics.RTCounter(0); c < metrics.NumRTCounters; c++ {
		f[RealtimeField(c)] = r.Counters[c]
	}
	for i, n := range r.CloseCodes {
		if n == 0 {
			continue
		}
		name := FieldCloseCodeOther
		if code := metrics.CloseCodeOf(i); code != 0 {
			name = FieldCloseCodePrefix + strconv.Itoa(code)
		}
		f[name] = n
	}
	for k := metrics.TimingKind(0); k < metrics.NumTimingKinds; k++ {
		h := r.Timings[k]
		if h == nil || h.TotalCount() == 0 {
			continue
		}
		name := k.String()
		f[name+suffixCount] = h.TotalCount()
		f.float(name+suffixP50, usToMS(h.ValueAtQuantile(50)))
		f.float(name+suffixP95, usToMS(h.ValueAtQuantile(95)))
		f.float(name+suffixP99, usToMS(h.ValueAtQuantile(99)))
		f.float(name+suffixMax, usToMS(h.Max()))
		enc, err := EncodeHistogram(h)
		if err != nil {
			return nil, fmt.Errorf("realtime %s: %w", name, err)
		}
		f[FieldHDRPrefix+name] = enc
	}
	return write.NewPoint(MeasurementRealtime, rt.with(TagPhase, phaseTag(s.PhaseName)), f, s.End), nil
}

// usToMS converts a histogram value in µs to ms, at the highest value
// equivalent as Stats.Percentile does.
func usToMS(us int64) float64 {
	return float64(time.Duration(us)*time.Microsecond) / float64(time.Millisecond)
}
