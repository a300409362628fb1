package influxdb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// customJSON is a custom metric in FieldCustom; the values are absent when
// nothing was recorded (they may be NaN then, which JSON cannot hold).
type customJSON struct {
	Name  string   `json:"name"`
	Count int64    `json:"count"`
	Last  *float64 `json:"last,omitempty"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
	Sum   *float64 `json:"sum,omitempty"`
}

// summaryExtra adds the end event's fields for what intervals do not hold.
func summaryExtra(f fields, sum *metrics.Summary) {
	corrected := map[string]int64{}
	for _, s := range sum.Series {
		if s.CorrectedInterval > 0 {
			corrected[strconv.Itoa(s.Series.Phase)] = int64(s.CorrectedInterval)
		}
	}
	f[FieldCorrectedNS] = jsonString(corrected)
	custom := make([]customJSON, len(sum.Custom))
	for i, c := range sum.Custom {
		custom[i] = customJSON{Name: c.Name, Count: c.Count}
		if c.Count > 0 {
			custom[i].Last, custom[i].Min, custom[i].Max, custom[i].Sum = &c.Last, &c.Min, &c.Max, &c.Sum
		}
	}
	f[FieldCustom] = jsonString(custom)
	if rt := sum.Realtime; rt != nil {
		f[FieldRTPeakConns] = rt.PeakConns
		if rt.Groups != nil {
			f[FieldRTGroups] = jsonString(rt.Groups)
		}
	}
}

// extraReader keeps the end event's extra parts until the summary is built.
type extraReader struct {
	corrected map[int]time.Duration
	custom    []metrics.CustomStats
	groups    *metrics.GroupStats
	peak      int64
	seen      bool
}

func (x *extraReader) add(r *Row) error {
	if x.seen { // the first instance's: every instance runs the same plan
		x.peak += r.Int(FieldRTPeakConns)
		return nil
	}
	x.seen = true
	x.peak = r.Int(FieldRTPeakConns)
	var corrected map[string]int64
	if r.Has(FieldCorrectedNS) {
		if err := json.Unmarshal([]byte(r.Str(FieldCorrectedNS)), &corrected); err != nil {
			return fmt.Errorf("end event: %s: %w", FieldCorrectedNS, err)
		}
	}
	x.corrected = map[int]time.Duration{}
	for k, v := range corrected {
		if p, err := strconv.Atoi(k); err == nil {
			x.corrected[p] = time.Duration(v)
		}
	}
	if r.Has(FieldCustom) {
		var cs []customJSON
		if err := json.Unmarshal([]byte(r.Str(FieldCustom)), &cs); err != nil {
			return fmt.Errorf("end event: %s: %w", FieldCustom, err)
		}
		for _, c := range cs {
			m := metrics.CustomStats{Name: c.Name, Count: c.Count}
			if c.Count > 0 && c.Last != nil && c.Min != nil && c.Max != nil && c.Sum != nil {
				m.Last, m.Min, m.Max, m.Sum = *c.Last, *c.Min, *c.Max, *c.Sum
			}
			x.custom = append(x.custom, m)
		}
	}
	if r.Has(FieldRTGroups) {
		x.groups = &metrics.GroupStats{}
		if err := json.Unmarshal([]byte(r.Str(FieldRTGroups)), x.groups); err != nil {
			return fmt.Errorf("end event: %s: %w", FieldRTGroups, err)
		}
	}
	return nil
}

// apply completes sum: custom metrics, real-time summary parts, and the
// closed model's corrected view, computed as the runner computed it.
func (x *extraReader) apply(sum *metrics.Summary, rt *metrics.RTStats) {
	sum.Custom = x.custom
	if rt != nil || x.groups != nil {
		if rt == nil {
			rt = &metrics.RTStats{}
		}
		rt.Groups, rt.PeakConns = x.groups, x.peak
		sum.Realtime = rt
	}
	if len(x.corrected) > 0 {
		sum.CorrectClosed(func(phase int) (time.Duration, bool) {
			iv, ok := x.corrected[phase]
			return iv, ok
		})
	}
}

// rtReader sums the interval points of MeasurementRealtime.
type rtReader struct {
	rt *metrics.RTStats
}

func (x *rtReader) add(r *Row) error {
	if x.rt == nil {
		x.rt = &metrics.RTStats{}
	}
	for c := metrics.RTCounter(0); c < metrics.NumRTCounters; c++ {
		x.rt.Counters[c] += r.Int(RealtimeField(c))
	}
	for i := range x.rt.CloseCodes {
		name := FieldCloseCodeOther
		if code := metrics.CloseCodeOf(i); code != 0 {
			name = FieldCloseCodePrefix + strconv.Itoa(code)
		}
		x.rt.CloseCodes[i] += r.Int(name)
	}
	for k := metrics.TimingKind(0); k < metrics.NumTimingKinds; k++ {
		col := FieldHDRPrefix + k.String()
		if !r.Has(col) {
			continue
		}
		h, err := DecodeHistogram(r.Str(col))
		if err != nil {
			return fmt.Errorf("realtime %s: %w", k, err)
		}
		if x.rt.Timings[k] == nil {
			x.rt.Timings[k] = h
			continue
		}
		x.rt.Timings[k].Merge(h)
	}
	return nil
}
