package scenario

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string // substring of the error; "" = success
	}{
		// A bare number is seconds, as in Artillery.
		{"30", 30 * time.Second, ""},
		// Fractional seconds.
		{"0.5", 500 * time.Millisecond, ""},
		// Zero is a valid duration; callers decide whether it is allowed.
		{"0", 0, ""},
		// Go units.
		{"30s", 30 * time.Second, ""},
		{"2m", 2 * time.Minute, ""},
		{"1h", time.Hour, ""},
		{"500ms", 500 * time.Millisecond, ""},
		// A Go compound duration.
		{"1h30m", 90 * time.Minute, ""},
		// Artillery's unit words, with or without a space.
		{"10min", 10 * time.Minute, ""},
		{"5 min", 5 * time.Minute, ""},
		{"2 hours", 2 * time.Hour, ""},
		{"1.5sec", 1500 * time.Millisecond, ""},
		{"1d", 24 * time.Hour, ""},
		{"250msec", 250 * time.Millisecond, ""},
		// Surrounding blanks are ignored.
		{"  45s ", 45 * time.Second, ""},
		// Exponent notation in seconds.
		{"1e3", 1000 * time.Second, ""},
		// Sad paths.
		{"", 0, "empty duration"},
		{"abc", 0, "invalid duration"},
		{"10 parsecs", 0, "invalid duration"},
		{"-5", 0, "negative"},
		{"-5s", 0, "negative"},
		{"-2min", 0, "negative"},
		{"inf", 0, "invalid duration"},
		{"NaN", 0, "invalid duration"},
		{"0x10", 0, "invalid duration"},
		{"1_000", 0, "invalid duration"},
		{"1e300", 0, "out of range"},
		{"99999999999h", 0, "invalid duration"},
		{"1.2.3min", 0, "invalid duration"},
		{"min", 0, "invalid duration"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDuration(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
