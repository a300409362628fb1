package scenario

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// unitAliases maps the unit words Artillery users write to a multiple of
// time.Duration. Go's own units (ns, us, ms, s, m, h) and compound forms
// such as "1h30m" go through time.ParseDuration.
var unitAliases = map[string]time.Duration{
	"msec": time.Millisecond, "msecs": time.Millisecond,
	"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
}

// ParseDuration parses a duration as Artillery scripts write it: a bare
// number is seconds ("30", "0.5"); otherwise a number with a unit ("500ms",
// "30s", "2m", "10min", "1h", "1 hour", "1d") or a Go duration ("1h30m").
// Negative, non-finite and out-of-range durations are errors.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && isDecimal(t) {
		return scaleDuration(s, f, time.Second)
	}
	i := 0
	for i < len(t) && (t[i] == '.' || t[i] == '+' || t[i] == '-' || (t[i] >= '0' && t[i] <= '9')) {
		i++
	}
	if unit, ok := unitAliases[strings.ToLower(strings.TrimSpace(t[i:]))]; ok && i > 0 {
		f, err := strconv.ParseFloat(t[:i], 64)
		if err != nil || !isDecimal(t[:i]) {
			return 0, badDuration(s)
		}
		return scaleDuration(s, f, unit)
	}
	v, err := time.ParseDuration(strings.ReplaceAll(t, " ", ""))
	if err != nil {
		// time.ParseDuration reports overflow as an invalid duration too.
		return 0, badDuration(s)
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %q is negative", clip(s))
	}
	return v, nil
}

// isDecimal reports whether s is a plain decimal number (strconv.ParseFloat
// also accepts "inf", "0x1p3" and "1_000", which are no durations).
func isDecimal(s string) bool {
	digits := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.', c == 'e', c == 'E':
		case (c == '+' || c == '-') && (i == 0 || s[i-1] == 'e' || s[i-1] == 'E'):
		default:
			return false
		}
	}
	return digits
}

// scaleDuration returns f units, checking sign and range.
func scaleDuration(s string, f float64, unit time.Duration) (time.Duration, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, badDuration(s)
	}
	if f < 0 {
		return 0, fmt.Errorf("duration %q is negative", clip(s))
	}
	v := f * float64(unit)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("duration %q is out of range", clip(s))
	}
	return time.Duration(math.Round(v)), nil
}

func badDuration(s string) error {
	return fmt.Errorf("invalid duration %q: use seconds (30) or a number with a unit (500ms, 30s, 2m, 10min, 1h)", clip(s))
}
