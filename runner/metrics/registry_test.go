package metrics_test

import (
	"testing"

	"github.com/loadgo/loadgo/runner/metrics"
)

func TestRegistryRegister(t *testing.T) {
	type reg struct {
		name      string
		phase     int
		phaseName string
		protocol  string
		want      metrics.SeriesID
	}
	tests := []struct {
		name  string
		regs  []reg
		wantN int
	}{
		{
			// IDs are dense, from 0, in registration order.
			name: "dense ids",
			regs: []reg{
				{"GET /a", 0, "warm", "http", 0},
				{"GET /b", 0, "warm", "http", 1},
				{"GET /a", 1, "ramp", "http", 2},
			},
			wantN: 3,
		},
		{
			// The same (name, phase, protocol) gets the same ID back.
			name: "idempotent",
			regs: []reg{
				{"GET /a", 0, "warm", "http", 0},
				{"GET /a", 0, "warm", "http", 0},
				{"GET /b", 0, "warm", "http", 1},
				{"GET /a", 0, "warm", "http", 0},
			},
			wantN: 2,
		},
		{
			// A different protocol is a different series.
			name: "protocol distinguishes",
			regs: []reg{
				{"events", 0, "p", "http", 0},
				{"events", 0, "p", "sse", 1},
			},
			wantN: 2,
		},
		{
			// Before/after flows register with phase -1.
			name: "phase -1",
			regs: []reg{
				{"login", -1, "", "http", 0},
				{"login", 0, "main", "http", 1},
				{"login", -1, "", "http", 0},
			},
			wantN: 2,
		},
		{
			// The phase name does not identify a series: the first one is kept.
			name: "phase name not part of key",
			regs: []reg{
				{"a", 0, "first", "http", 0},
				{"a", 0, "second", "http", 0},
			},
			wantN: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := metrics.NewRegistry()
			for i, g := range tt.regs {
				if got := r.Register(g.name, g.phase, g.phaseName, g.protocol); got != g.want {
					t.Errorf("Register #%d (%q, %d, %q) = %d, want %d", i, g.name, g.phase, g.protocol, got, g.want)
				}
			}
			if got := r.Len(); got != tt.wantN {
				t.Errorf("Len = %d, want %d", got, tt.wantN)
			}
			ss := r.Series()
			if len(ss) != tt.wantN {
				t.Fatalf("len(Series) = %d, want %d", len(ss), tt.wantN)
			}
			for i, s := range ss {
				if s.ID != metrics.SeriesID(i) {
					t.Errorf("Series()[%d].ID = %d", i, s.ID)
				}
			}
		})
	}
}

func TestRegistrySeriesFields(t *testing.T) {
	r := metrics.NewRegistry()
	r.Register("a", 2, "soak", "http")
	r.Register("a", 2, "other", "http")
	got := r.Series()
	want := metrics.Series{ID: 0, Name: "a", Phase: 2, PhaseName: "soak", Protocol: "http"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Series = %+v, want [%+v]", got, want)
	}
	// The returned slice is a copy.
	got[0].Name = "changed"
	if r.Series()[0].Name != "a" {
		t.Fatal("Series returned the registry's own slice")
	}
}
