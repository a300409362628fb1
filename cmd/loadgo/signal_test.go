package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loadgo/loadgo/cmd/internal/demo"
)

// buildLoadgo builds the real binary, so signals are tested end to end.
func buildLoadgo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "loadgo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitExit waits for cmd with a deadline and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		t.Fatalf("loadgo did not exit within %v", limit)
		return -1
	}
}

const longScenario = `config:
  target: http://127.0.0.1:1
  phases:
    - duration: 120s
      arrivalRate: 10
scenarios:
  - flow:
      - get:
          url: /shows
`

func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildLoadgo(t)

	t.Run("first SIGINT stops gracefully and writes every output", func(t *testing.T) {
		srv := startDemo(t, demo.Options{})
		dir := t.TempDir()
		file := writeFile(t, dir, "long.yaml", longScenario)
		out := filepath.Join(dir, "summary.json")
		var stdout, stderr strings.Builder
		cmd := exec.Command(bin, "run", "--target", srv.URL(), "-o", "json="+out, file)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		_ = cmd.Process.Signal(syscall.SIGINT)
		if code := waitExit(t, cmd, 60*time.Second); code != exitInterrupted {
			t.Fatalf("exit %d, want 130\nstderr:\n%s", code, stderr.String())
		}
		doc := readSummary(t, out)
		if !doc.Interrupted || doc.Totals.Requests == 0 {
			t.Errorf("summary: interrupted=%v requests=%d", doc.Interrupted, doc.Totals.Requests)
		}
		if doc.Totals.Requests != srv.Requests() {
			t.Errorf("reported %d requests, server counted %d", doc.Totals.Requests, srv.Requests())
		}
		if !strings.Contains(stderr.String(), "stopping gracefully") {
			t.Errorf("stderr does not say it is stopping:\n%s", stderr.String())
		}
	})

	t.Run("second SIGINT exits at once", func(t *testing.T) {
		// Every answer takes 20 s and the grace period is a minute: only the
		// second signal can end this quickly.
		srv := startDemo(t, demo.Options{Delay: 20 * time.Second})
		dir := t.TempDir()
		file := writeFile(t, dir, "long.yaml", longScenario)
		out := filepath.Join(dir, "summary.json")
		cmd := exec.Command(bin, "run", "-q", "--grace", "60s", "--target", srv.URL(), "-o", "json="+out, file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		_ = cmd.Process.Signal(syscall.SIGINT)
		time.Sleep(500 * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGINT)
		if code := waitExit(t, cmd, 15*time.Second); code != exitInterrupted {
			t.Fatalf("exit %d, want 130", code)
		}
		// A hard exit may leave no summary, but never half of one.
		if _, err := os.Stat(out); err == nil {
			readSummary(t, out)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "long.yaml" && e.Name() != "summary.json" {
				t.Errorf("left behind: %s", e.Name())
			}
		}
	})
}
