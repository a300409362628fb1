package reporters_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/internal/fixture"
)

// listDir returns the names in dir.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares dir and returns the path to write.
		setup    func(t *testing.T, dir string) string
		wantErr  bool
		wantMode os.FileMode
	}{
		{
			// A new file is created with mode 0644.
			name:     "new file",
			setup:    func(t *testing.T, dir string) string { return filepath.Join(dir, "out.json") },
			wantMode: 0o644,
		},
		{
			// An existing file is replaced and keeps its mode.
			name: "replace",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "out.json")
				if err := os.WriteFile(p, []byte("old content, longer than the new one"), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			},
			wantMode: 0o600,
		},
		{
			// The directory does not exist: an error, nothing created.
			name:    "missing directory",
			setup:   func(t *testing.T, dir string) string { return filepath.Join(dir, "nope", "out.json") },
			wantErr: true,
		},
		{
			// The target is a directory: refused, the directory untouched.
			name: "target is a directory",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "out.json")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				return p
			},
			wantErr: true,
		},
		{
			// A path without a file name is refused.
			name:    "no file name",
			setup:   func(t *testing.T, dir string) string { return dir + string(filepath.Separator) },
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			before := listDir(t, dir)
			err := reporters.WriteFileAtomic(path, []byte("new"))
			if tt.wantErr {
				if err == nil {
					t.Fatal("got nil error")
				}
				if after := listDir(t, dir); !equal(after, before) {
					t.Errorf("directory changed on error: %q, was %q", after, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "new" {
				t.Errorf("content %q, want %q", got, "new")
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.wantMode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.wantMode)
			}
			if names := listDir(t, dir); len(names) != 1 || names[0] != filepath.Base(path) {
				t.Errorf("directory holds %q, want only %q (no temp files)", names, filepath.Base(path))
			}
		})
	}
}

func TestWriteFileAtomicUnwritableDir(t *testing.T) {
	// Root ignores directory permissions: as root, the body runs in a
	// child process as uid 65534.
	if !fixture.AsNobody(t) {
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if err := reporters.WriteFileAtomic(path, []byte("new")); err == nil {
		t.Fatal("got nil error writing into a read-only directory")
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "old" {
		t.Errorf("existing file changed to %q", got)
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only out.json", names)
	}
}
