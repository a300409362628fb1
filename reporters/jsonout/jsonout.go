// Package jsonout writes a run's summary as one JSON document (schema
// loadgo.summary/v1, documented in docs/JSON_SUMMARY.md) for CI and other
// tools. The file is replaced atomically: a reader or a crash never sees a
// partial document.
package jsonout

import (
	"fmt"
	"sync"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// Reporter writes the JSON summary to a file at Finish. It ignores
// snapshots.
type Reporter struct {
	path string

	mu      sync.Mutex
	planned []reporters.PhaseInfo
}

var _ reporters.Reporter = (*Reporter)(nil)

// New returns a reporter writing the summary to path.
func New(path string) *Reporter {
	return &Reporter{path: path}
}

// Start keeps the phase plan, used for per-phase rates when the summary
// lacks phase durations.
func (r *Reporter) Start(info reporters.RunInfo) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planned = append([]reporters.PhaseInfo(nil), info.Phases...)
	return nil
}

// Report does nothing: the document only holds the summary.
func (r *Reporter) Report(*metrics.Snapshot) {}

// Finish writes the document for sum to the reporter's path, atomically.
// An existing file is left untouched when writing fails.
func (r *Reporter) Finish(sum *metrics.Summary) error {
	r.mu.Lock()
	planned := r.planned
	r.mu.Unlock()
	b, err := marshal(sum, planned)
	if err != nil {
		return err
	}
	if err := reporters.WriteFileAtomic(r.path, b); err != nil {
		return fmt.Errorf("json summary: %w", err)
	}
	return nil
}
