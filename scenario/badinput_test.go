package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// billionLaughs is a YAML alias bomb: ten levels of ten aliases each, 10^10
// nodes once expanded.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("config:\n  target: http://t.test\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for c := 'b'; c <= 'j'; c++ {
		fmt.Fprintf(&b, "  %c: &%c [%s]\n", c, c, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", "))
		prev = string(c)
	}
	return b.String() + "  phases: [{duration: 1, arrivalRate: 1}]\n" + tailFlow
}

// deepBlock nests n block mappings.
func deepBlock(n int) string {
	var b strings.Builder
	b.WriteString(cfgHead + "x:\n")
	for i := range n {
		b.WriteString(strings.Repeat(" ", i+1) + "a:\n")
	}
	return b.String()
}

// TestBadInput feeds the hostile and mistaken inputs of the reliability
// table (docs/RELIABILITY.md) to Parse: each must be a positioned problem
// (file:line:col) naming what is wrong, never a panic or a hang.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ragged.csv"), []byte("ada,pw1\ngrace\nlinus,pw3,extra\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  string
		// msg is part of the message of the expected problem, and at its
		// "line:col" (a prefix of it).
		at, msg string
	}{
		// An alias bomb is refused before anything expands it.
		{name: "billion laughs", src: billionLaughs(), at: "7:38", msg: "excessive aliasing"},
		// An anchor that contains its own alias.
		{name: "recursive alias", src: "config: &a {target: *a}\n" + tailFlow, at: "1:", msg: "alias"},
		// 100 000 nested flow sequences hit the parser's depth limit.
		{name: "deep flow nesting", src: cfgHead + "scenarios: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", at: "4:1", msg: "max depth"},
		// 3 000 nested block mappings are read in bounded time and rejected.
		{name: "deep block nesting", src: deepBlock(3000), at: "4:1", msg: "unknown key `x`"},
		// A duration past what time.Duration holds.
		{name: "huge duration", src: phaseDoc("    - {duration: 99999999999999999999999, arrivalRate: 1}\n"), at: "4:18", msg: "out of range"},
		// An arrival rate past any machine.
		{name: "huge rate", src: phaseDoc("    - {duration: 10, arrivalRate: 99999999999999999999}\n"), at: "4:35", msg: "too large"},
		// A number that overflows float64.
		{name: "overflowing number", src: phaseDoc("    - {duration: 10, arrivalRate: 1e999}\n"), at: "4:35", msg: "number 1e999 is out of range: the value must be from 0 to"},
		// A negative number that overflows float64.
		{name: "overflowing negative number", src: phaseDoc("    - {duration: 10, arrivalRate: -1.5e400}\n"), at: "4:35", msg: "number -1.5e400 is out of range"},
		// An overflowing number where an integer belongs.
		{name: "overflowing integer field", src: phaseDoc("    - {duration: 10, arrivalRate: 5, maxVusers: 1e999}\n"), at: "4:49", msg: "number 1e999 is out of range: the value must be from 1 to 1099511627776"},
		// A quoted number is a string: the user wrote one on purpose.
		{name: "quoted overflowing number", src: phaseDoc("    - {duration: 10, arrivalRate: '1e999'}\n"), at: "4:35", msg: "expected a number, got the string \"1e999\""},
		// A negative rate.
		{name: "negative rate", src: phaseDoc("    - {duration: 10, arrivalRate: -5}\n"), at: "4:35", msg: "too small"},
		// A zero rate makes no load.
		{name: "zero rate", src: phaseDoc("    - {duration: 10, arrivalRate: 0}\n"), at: "4:35", msg: "no load"},
		// A zero duration.
		{name: "zero duration", src: phaseDoc("    - {duration: 0, arrivalRate: 5}\n"), at: "4:18", msg: "greater than zero"},
		// A negative duration.
		{name: "negative duration", src: phaseDoc("    - {duration: -3s, arrivalRate: 5}\n"), at: "4:18", msg: "negative"},
		// A string where a number belongs.
		{name: "wrong scalar type", src: phaseDoc("    - {duration: 10, arrivalRate: fast}\n"), at: "4:35", msg: "expected a number"},
		// A string where a list belongs.
		{name: "wrong collection type", src: "config:\n  target: http://t.test\n  phases: lots\n" + tailFlow, at: "3:11", msg: "expected a list"},
		// The same key twice.
		{name: "duplicate key", src: "config:\n  target: http://t.test\n  target: http://u.test\n  phases: [{duration: 1, arrivalRate: 1}]\n" + tailFlow, at: "3:3", msg: "duplicate key"},
		// A CSV row with fewer fields than declared, positioned in the CSV.
		{name: "ragged CSV", src: cfgDoc("  payload: {path: ragged.csv, fields: [u, p]}\n"), at: "2:1", msg: "fields"},
		// A payload file that does not exist.
		{name: "missing CSV", src: cfgDoc("  payload: {path: nope.csv, fields: [u, p]}\n"), at: "4:13", msg: "cannot read the payload file"},
		// A template naming a variable defined nowhere.
		{name: "unknown variable", src: flowDoc("      - get: {url: '/{{ who }}'}\n"), at: "6:22", msg: "unknown variable `who`"},
		// A broken template.
		{name: "unterminated template", src: flowDoc("      - get: {url: '/{{ who'}\n"), at: "6:22", msg: "unterminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(filepath.Join(dir, "s.yaml"), []byte(tt.src), LoadOptions{})
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse error = %v, want Problems", err)
			}
			for _, p := range ps {
				got := fmt.Sprintf("%d:%d", p.Pos.Line, p.Pos.Col)
				if p.Pos.File != "" && strings.HasPrefix(got, tt.at) && strings.Contains(p.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("no problem at %s with %q in:\n%v", tt.at, tt.msg, err)
		})
	}
}
