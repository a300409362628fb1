package targets

import (
	"testing"
	"time"
)

func TestFreezeHold(t *testing.T) {
	start := time.Unix(1000, 0)
	f := Freeze{Start: start, Cycle: 5 * time.Second, From: 2 * time.Second, To: 3 * time.Second}
	tests := []struct {
		name string
		at   time.Duration
		want time.Duration
	}{
		// Before the window: no hold.
		{"before", 1999 * time.Millisecond, 0},
		// At the window's start: held for the whole window.
		{"window start", 2 * time.Second, time.Second},
		// Inside: held for the rest.
		{"inside", 2750 * time.Millisecond, 250 * time.Millisecond},
		// The window is half-open: its end is not held.
		{"window end", 3 * time.Second, 0},
		// A later cycle repeats the shape.
		{"next cycle", 7500 * time.Millisecond, 500 * time.Millisecond},
		// Before Start (a clock step back) still maps into a cycle.
		{"before start", -2500 * time.Millisecond, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.Hold(start.Add(tt.at)); got != tt.want {
				t.Errorf("Hold(+%v) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestFreezeTheory(t *testing.T) {
	f := DefaultFreeze(time.Time{})
	s := time.Millisecond
	tests := []struct {
		name string
		q    float64
		want time.Duration
	}{
		// 80% of arrivals are not held: the median is S.
		{"p50", 50, s},
		// The held 20% wait U(0, 1 s]: p90 is the middle of them.
		{"p90", 90, s + 500*time.Millisecond},
		{"p99", 99, s + 950*time.Millisecond},
		{"p99.9", 99.9, s + 995*time.Millisecond},
		{"max", 100, s + time.Second},
		// Exactly at the held fraction's edge: still S.
		{"p80", 80, s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FreezeTheory(f, s, tt.q)
			if d := got - tt.want; d > time.Microsecond || d < -time.Microsecond {
				t.Errorf("FreezeTheory(p%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestFreezeValidate(t *testing.T) {
	tests := []struct {
		name string
		f    Freeze
		ok   bool
	}{
		// The shape.
		{"default", DefaultFreeze(time.Time{}), true},
		// The window must lie in the cycle.
		{"window past cycle", Freeze{Cycle: time.Second, From: 0, To: 2 * time.Second}, false},
		// An empty window is a mistake.
		{"empty window", Freeze{Cycle: time.Second, From: 500 * time.Millisecond, To: 500 * time.Millisecond}, false},
		// No cycle.
		{"zero cycle", Freeze{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.f.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestListenLoopback(t *testing.T) {
	tests := []struct {
		name, addr string
		ok         bool
	}{
		// IPv4 loopback with a free port.
		{"loopback", "127.0.0.1:0", true},
		// Another 127/8 address is loopback too.
		{"127/8", "127.0.0.2:0", true},
		// Every other address is refused before listening.
		{"any", "0.0.0.0:0", false},
		{"private", "10.0.0.1:0", false},
		// A host name is refused (no lookups).
		{"name", "localhost:0", false},
		// No port.
		{"no port", "127.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := ListenLoopback(tt.addr)
			if ln != nil {
				_ = ln.Close()
			}
			if (err == nil) != tt.ok {
				t.Errorf("ListenLoopback(%q) = %v, want ok=%v", tt.addr, err, tt.ok)
			}
		})
	}
}
