package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/scenario"
)

func TestOptionsWithDefaults(t *testing.T) {
	tests := []struct {
		name    string
		in      Options
		want    Options
		wantErr string
	}{
		// Zero values take the defaults.
		{"defaults", Options{}, Options{GracePeriod: DefaultGracePeriod, Interval: DefaultInterval, MaxVUs: DefaultMaxVUs}, ""},
		// Set values are kept.
		{"kept", Options{GracePeriod: time.Second, Interval: 5 * time.Second, MaxVUs: 7, Segment: Segment{1, 2}},
			Options{GracePeriod: time.Second, Interval: 5 * time.Second, MaxVUs: 7, Segment: Segment{1, 2}}, ""},
		// A negative duration is a mistake, not "no grace".
		{"negative grace", Options{GracePeriod: -time.Second}, Options{}, "negative"},
		// A negative cap is a mistake.
		{"negative cap", Options{MaxVUs: -1}, Options{}, "negative"},
		// An invalid segment is reported.
		{"bad segment", Options{Segment: Segment{3, 2}}, Options{}, "segment 3/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.withDefaults()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.GracePeriod != tt.want.GracePeriod || got.Interval != tt.want.Interval ||
				got.MaxVUs != tt.want.MaxVUs || got.Segment != tt.want.Segment {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBuildPlan(t *testing.T) {
	sec := time.Second
	tests := []struct {
		name    string
		phases  []scenario.Phase
		seg     Segment
		want    []PhasePlan
		wantErr string
	}{
		// Every kind, unnamed phases named "phase N", open-phase caps from
		// maxVusers or the run's cap, closed phases sized by their peak.
		{"kinds", []scenario.Phase{
			{Kind: scenario.PhaseArrivalRate, Duration: 2 * sec, ArrivalRate: 50},
			{Name: "ramp", Kind: scenario.PhaseArrivalRate, Duration: 10 * sec, ArrivalRate: 0, RampTo: 10, MaxVusers: 8},
			{Kind: scenario.PhaseArrivalCount, Duration: sec, ArrivalCount: 7},
			{Name: "rest", Kind: scenario.PhasePause, Duration: sec},
			{Name: "soak", Kind: scenario.PhaseVUs, Duration: sec, VUs: 3, RampTo: 5},
		}, Segment{}, []PhasePlan{
			{Name: "phase 1", Kind: scenario.PhaseArrivalRate, Duration: 2 * sec, Arrivals: 100, MaxVUs: 100},
			{Name: "ramp", Kind: scenario.PhaseArrivalRate, Duration: 10 * sec, Arrivals: 50, MaxVUs: 8},
			{Name: "phase 3", Kind: scenario.PhaseArrivalCount, Duration: sec, Arrivals: 7, MaxVUs: 100},
			{Name: "rest", Kind: scenario.PhasePause, Duration: sec},
			{Name: "soak", Kind: scenario.PhaseVUs, Duration: sec, VUs: 5},
		}, ""},
		// Segment 2/3 takes its share of arrivals, maxVusers and VUs.
		{"segment", []scenario.Phase{
			{Kind: scenario.PhaseArrivalRate, Duration: 2 * sec, ArrivalRate: 50, MaxVusers: 10},
			{Kind: scenario.PhaseVUs, Duration: sec, VUs: 7},
		}, Segment{2, 3}, []PhasePlan{
			{Name: "phase 1", Kind: scenario.PhaseArrivalRate, Duration: 2 * sec, Arrivals: 33, MaxVUs: 3},
			{Name: "phase 2", Kind: scenario.PhaseVUs, Duration: sec, VUs: 2},
		}, ""},
		// A segment's share of a tiny cap is at least one VU.
		{"tiny cap", []scenario.Phase{
			{Kind: scenario.PhaseArrivalCount, Duration: sec, ArrivalCount: 4, MaxVusers: 1},
		}, Segment{2, 2}, []PhasePlan{
			{Name: "phase 1", Kind: scenario.PhaseArrivalCount, Duration: sec, Arrivals: 2, MaxVUs: 1},
		}, ""},
		// A closed phase above the run's cap is refused, not trimmed.
		{"closed over cap", []scenario.Phase{{Kind: scenario.PhaseVUs, Duration: sec, VUs: 101}}, Segment{}, nil, `phase "phase 1": 101 VUs exceed`},
		// Negative values are refused with the phase's name.
		{"negative rate", []scenario.Phase{{Name: "x", Kind: scenario.PhaseArrivalRate, Duration: sec, ArrivalRate: -1}}, Segment{}, nil, `phase "x": negative arrivalRate`},
		{"negative count", []scenario.Phase{{Kind: scenario.PhaseArrivalCount, Duration: sec, ArrivalCount: -1}}, Segment{}, nil, "negative arrivalCount"},
		{"negative duration", []scenario.Phase{{Kind: scenario.PhasePause, Duration: -sec}}, Segment{}, nil, "negative duration"},
		{"negative maxVusers", []scenario.Phase{{Kind: scenario.PhaseArrivalRate, Duration: sec, ArrivalRate: 1, MaxVusers: -1}}, Segment{}, nil, "negative maxVusers"},
		{"negative vus", []scenario.Phase{{Kind: scenario.PhaseVUs, Duration: sec, VUs: -1}}, Segment{}, nil, "negative vus"},
		// An unknown kind (a newer scenario package) is refused.
		{"unknown kind", []scenario.Phase{{Kind: scenario.PhaseKind(99), Duration: sec}}, Segment{}, nil, "unknown phase kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := Options{MaxVUs: 100, Segment: tt.seg}.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			plans, execs, err := buildPlan(tt.phases, opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(plans) != len(tt.want) || len(execs) != len(tt.want) {
				t.Fatalf("%d plans, %d executors, want %d", len(plans), len(execs), len(tt.want))
			}
			for i := range plans {
				if plans[i] != tt.want[i] {
					t.Errorf("plan %d = %+v, want %+v", i, plans[i], tt.want[i])
				}
			}
		})
	}
}
