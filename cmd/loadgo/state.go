package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// state is everything loadgo takes from the process: streams, environment,
// terminal detection, signals and exiting. Commands receive it, so tests run
// them with in-memory streams and no real signals.
type state struct {
	stdout, stderr io.Writer
	// stdoutTTY is true when stdout is a terminal (live progress redraws).
	stdoutTTY bool
	// env is the process environment.
	env map[string]string
	// fdLimit is the process's open-file limit (0: unknown, no default
	// connection cap); see limits.go.
	fdLimit int
	// notifyStop returns a context cancelled on the first SIGINT/SIGTERM;
	// a second signal calls hardExit. stop releases the signal handler.
	notifyStop func(parent context.Context) (ctx context.Context, stop func())
}

func newProcessState() *state {
	st := &state{
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdoutTTY: isTerminal(os.Stdout),
		env:       environ(os.Environ()),
		fdLimit:   processFDLimit(),
	}
	st.notifyStop = func(parent context.Context) (context.Context, func()) {
		return notifySignals(parent, st.stderr, func() { os.Exit(exitInterrupted) })
	}
	return st
}

// environ turns KEY=VALUE pairs into a map.
func environ(kv []string) map[string]string {
	env := make(map[string]string, len(kv))
	for _, e := range kv {
		if k, v, ok := strings.Cut(e, "="); ok {
			env[k] = v
		}
	}
	return env
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// notifySignals implements the two-signal contract: the first SIGINT or
// SIGTERM cancels the returned context (graceful stop: in-flight work gets
// the grace period and every output is still written); a second one calls
// hardExit at once.
func notifySignals(parent context.Context, msg io.Writer, hardExit func()) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			fmt.Fprintf(msg, "\nloadgo: %v: stopping gracefully, writing results (send again to exit at once)\n", sig)
			cancel()
		case <-done:
			return
		}
		select {
		case sig := <-ch:
			fmt.Fprintf(msg, "loadgo: %v again: exiting now\n", sig)
			hardExit()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}
