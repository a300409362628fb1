package main

import (
	"errors"
	"fmt"
)

// Exit codes. They are part of loadgo's CI contract and documented in the README.
const (
	exitOK               = 0   // the run passed (or the command succeeded)
	exitRuntime          = 1   // loadgo itself failed (I/O, an output could not be written, ...)
	exitUsage            = 2   // bad flags or arguments, or an invalid scenario
	exitThresholdsFailed = 3   // the run completed and at least one threshold failed
	exitInterrupted      = 130 // stopped by SIGINT/SIGTERM (results were still reported)
)

// exitError carries the exit code chosen for an error. Commands return
// errors; only Main turns them into exit codes.
type exitError struct {
	code int
	err  error
	// silent errors have already been reported to the user.
	silent bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a usage or validation problem (exit 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// usageErrorf formats a usage error.
func usageErrorf(format string, args ...any) error {
	return usageError(fmt.Errorf(format, args...))
}

// silentExit ends the command with code; what went wrong was already printed.
func silentExit(code int) error { return &exitError{code: code, silent: true} }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitRuntime
}

// isSilent reports whether err was already reported.
func isSilent(err error) bool {
	var ee *exitError
	return errors.As(err, &ee) && ee.silent
}
