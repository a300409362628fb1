package console

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ANSI escape sequences. Colours are only written when Options.NoColor is
// false; eraseLine is only written in TTY mode.
const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiReset  = "\x1b[0m"
	eraseLine  = "\r\x1b[2K"
)

// style wraps text in ANSI colours unless the output is plain.
type style struct{ plain bool }

func (s style) color(code, text string) string {
	if s.plain {
		return text
	}
	return code + text + ansiReset
}

// clock formats d as mm:ss, or h:mm:ss from one hour, truncated to the
// second.
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	sec := int64(d / time.Second)
	h, m, s := sec/3600, sec/60%60, sec%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", m, s)
}

// shortLatency formats d compactly for the live line: µs below 1ms, ms with
// one decimal below 1s, seconds with two decimals above. ascii replaces µ
// by u.
func shortLatency(d time.Duration, ascii bool) string {
	switch {
	case d < time.Millisecond:
		if ascii {
			return strconv.FormatInt(d.Microseconds(), 10) + "us"
		}
		return strconv.FormatInt(d.Microseconds(), 10) + "µs"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	default:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	}
}

// ms formats d in milliseconds with two decimals, for summary tables.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

// fixed formats v with prec decimals; non-finite values (which callers
// avoid) print as "-" rather than NaN.
func fixed(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// number formats a measured threshold value: at most two decimals, no
// trailing zeros, "n/a" when it is not a number.
func number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// humanBytes formats n in IEC units: "512 B", "1.5 KiB", "3.2 GiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	suffixes := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for v >= unit && i < len(suffixes)-1 {
		v /= unit
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + suffixes[i]
}

// runDuration formats the run's duration to a tenth of a second.
func runDuration(d time.Duration) string {
	if d >= time.Second {
		d = d.Round(100 * time.Millisecond)
	}
	return d.String()
}

// padRight pads s with spaces to width runes. Tables are written through a
// right-aligning tabwriter; padding the name column beforehand keeps names
// left-aligned while numbers line up on their last digit.
func padRight(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
