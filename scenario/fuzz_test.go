package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, hang or return anything
// but a valid Scenario or a non-empty list of positioned problems.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/artillery/*", "testdata/invalid/*"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "{}", "[]", "~", "config: &a [*a]", "a: *b", "config:\n\t- x",
		cfgDoc("  ensure: {conditions: [{expression: '((not http.errors < 1))'}]}\n"),
		flowDoc("      - {loop: [{log: '{{ $loopElement.a[0] }}'}], over: [[1], {a: 2}]}\n"),
		flowDoc("      - get: {url: '/{{ $randomNumber(1, 9) }}', ifTrue: \"a != 'b'\"}\n"),
		"config: {phases: [{duration: 1e999, arrivalRate: 1e999}]}",
	} {
		f.Add([]byte(s))
	}
	dir := "testdata/artillery"
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse(filepath.Join(dir, "fuzz.yaml"), data, LoadOptions{})
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error %T %v is not a non-empty Problems", err, err)
			}
			for _, p := range ps {
				if p.Msg == "" || p.Pos.File == "" {
					t.Fatalf("problem without message or file: %+v", p)
				}
			}
			return
		}
		if len(sc.Config.Phases) == 0 || len(sc.Flows) == 0 {
			t.Fatalf("valid scenario without phases or flows: %+v", sc)
		}
		for _, fl := range sc.Flows {
			if len(fl.Steps) == 0 {
				t.Fatalf("flow %q has no steps", fl.Name)
			}
		}
		for _, p := range sc.Config.Phases {
			if p.Duration <= 0 || p.Name == "" {
				t.Fatalf("bad phase %+v", p)
			}
		}
	})
}
