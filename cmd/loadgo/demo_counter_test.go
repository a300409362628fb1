package main

import (
	"strings"
	"testing"
	"time"
)

// TestDemoCounterFlag: --counter takes safe or naive; anything else is a
// usage error that names the flag's values.
func TestDemoCounterFlag(t *testing.T) {
	cases := []struct {
		name string
		mode string
		want int
	}{
		// The lossy counter serves (until the simulated Ctrl-C).
		{"naive", "naive", exitOK},
		// The default, named explicitly.
		{"safe", "safe", exitOK},
		// A typo is refused before anything listens.
		{"unknown", "atomic", exitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, 20*time.Millisecond, "demo", "--serve", "--addr", "127.0.0.1:0", "--counter", tc.mode)
			if res.code != tc.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tc.want, res.stdout, res.stderr)
			}
			if tc.want == exitUsage && !strings.Contains(res.stderr, `"naive"`) {
				t.Errorf("the error does not name the valid modes: %s", res.stderr)
			}
		})
	}
}
