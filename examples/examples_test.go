package examples

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/scenario"
)

// TestEveryExampleValidates loads every scenario in this folder from disk,
// as `loadgo validate` would, so payload paths resolve as they do for users.
func TestEveryExampleValidates(t *testing.T) {
	files, err := fs.Glob(FS, "*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if !strings.HasSuffix(f, ".yaml") && !strings.HasSuffix(f, ".json") {
			continue
		}
		n++
		t.Run(f, func(t *testing.T) {
			sc, err := scenario.Load(filepath.Join(".", f), scenario.LoadOptions{})
			if err != nil {
				t.Fatalf("%v", err)
			}
			if len(sc.Flows) == 0 || len(sc.Config.Phases) == 0 {
				t.Errorf("no flows or phases")
			}
			for _, w := range sc.Warnings {
				t.Errorf("warning: %s", w)
			}
			// Every example targets the demo target's --serve address, so
			// `loadgo demo --serve` + `loadgo run examples/X` works.
			if sc.Config.Target != "http://127.0.0.1:8089" {
				t.Errorf("target %q, want the demo target http://127.0.0.1:8089", sc.Config.Target)
			}
		})
	}
	if n < 5 {
		t.Errorf("found %d example scenarios, want at least 5", n)
	}
}

// TestQuickstartIsEmbedded checks the file `loadgo demo` runs is built in.
func TestQuickstartIsEmbedded(t *testing.T) {
	data, err := FS.ReadFile(Quickstart)
	if err != nil || len(data) == 0 {
		t.Fatalf("quickstart not embedded: %v", err)
	}
	if _, err := scenario.Parse("quickstart.yaml", data, scenario.LoadOptions{Target: "http://127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
}
