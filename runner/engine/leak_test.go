package engine_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when any goroutine outlives them: every
// VU, transport connection, server handler and signal watcher must be gone
// once the tests and their cleanups have run.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
