package scenario

import (
	"errors"
	"strings"
	"testing"
)

// Documents for the tables below. Line numbers in expectations count from
// these headers: cfgDoc's extra config starts on line 4, phaseDoc's phases
// on line 4, flowDoc's steps on line 6.
const (
	cfgHead   = "config:\n  target: http://t.test\n  phases: [{duration: 1, arrivalRate: 1}]\n"
	phaseHead = "config:\n  target: http://t.test\n  phases:\n"
	flowHead  = cfgHead + "scenarios:\n  - flow:\n"
	tailFlow  = "scenarios: [{flow: [{get: {url: /}}]}]\n"
)

func cfgDoc(cfg string) string      { return cfgHead + cfg + tailFlow }
func phaseDoc(phases string) string { return phaseHead + phases + tailFlow }
func flowDoc(steps string) string   { return flowHead + steps }

// problemsOf parses src and returns its problems as printed.
func problemsOf(t *testing.T, src string, opts LoadOptions) []string {
	t.Helper()
	_, err := Parse("s.yaml", []byte(src), opts)
	if err == nil {
		return nil
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is %T, not Problems: %v", err, err)
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

type problemCase struct {
	name string
	src  string
	opts LoadOptions
	want []string
}

func runProblemCases(t *testing.T, cases []problemCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := problemsOf(t, tt.src, tt.opts)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
		})
	}
}
