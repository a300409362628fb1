package console

import (
	"math"
	"testing"
	"time"
)

func TestHumanBytes(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		want string
	}{
		// Nothing transferred.
		{name: "zero", n: 0, want: "0 B"},
		// Below one KiB, bytes without decimals.
		{name: "bytes", n: 1023, want: "1023 B"},
		// Exactly one KiB.
		{name: "kib", n: 1024, want: "1.0 KiB"},
		// Fractions keep one decimal.
		{name: "mib", n: 1536 << 10, want: "1.5 MiB"},
		// Large values climb the units.
		{name: "gib", n: 5 << 30, want: "5.0 GiB"},
		// The largest int64 stays within the unit table.
		{name: "max", n: math.MaxInt64, want: "8.0 EiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := humanBytes(tt.n); got != tt.want {
				t.Errorf("humanBytes(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		// The start of a run.
		{name: "zero", d: 0, want: "00:00"},
		// Fractions of a second are truncated, not rounded up.
		{name: "truncated", d: 59*time.Second + 999*time.Millisecond, want: "00:59"},
		// Minutes and seconds.
		{name: "minutes", d: 12*time.Minute + 3*time.Second, want: "12:03"},
		// From an hour on, hours are shown.
		{name: "hours", d: 25*time.Hour + 61*time.Second, want: "25:01:01"},
		// A negative elapsed time (clock trouble) shows as zero.
		{name: "negative", d: -time.Second, want: "00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clock(tt.d); got != tt.want {
				t.Errorf("clock(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestRunDurationFormat(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		// A run that did not last.
		{name: "zero", d: 0, want: "0s"},
		// Below a second, milliseconds are kept.
		{name: "sub-second", d: 350 * time.Millisecond, want: "350ms"},
		// Above, tenths of a second.
		{name: "tenths", d: 90*time.Second + 449*time.Millisecond, want: "1m30.4s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runDuration(tt.d); got != tt.want {
				t.Errorf("runDuration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestNumberAndFixed(t *testing.T) {
	tests := []struct {
		name       string
		v          float64
		wantNumber string
		wantFixed  string
	}{
		// Integers have no decimals as threshold values.
		{name: "integer", v: 3, wantNumber: "3", wantFixed: "3.00"},
		// At most two decimals, rounded.
		{name: "rounded", v: 12.3456, wantNumber: "12.35", wantFixed: "12.35"},
		// NaN never reaches the output as "NaN".
		{name: "NaN", v: math.NaN(), wantNumber: "n/a", wantFixed: "-"},
		// Nor does infinity.
		{name: "Inf", v: math.Inf(1), wantNumber: "n/a", wantFixed: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := number(tt.v); got != tt.wantNumber {
				t.Errorf("number(%v) = %q, want %q", tt.v, got, tt.wantNumber)
			}
			if got := fixed(tt.v, 2); got != tt.wantFixed {
				t.Errorf("fixed(%v, 2) = %q, want %q", tt.v, got, tt.wantFixed)
			}
		})
	}
}
