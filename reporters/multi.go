package reporters

import (
	"errors"
	"fmt"

	"github.com/loadgo/loadgo/runner/metrics"
)

// multi fans every call out to several reporters, in order.
type multi []Reporter

var _ Reporter = multi(nil)

// NewMulti returns a Reporter that forwards every call to each of rs, in
// order. Nil reporters are skipped. Start and Finish call every reporter even
// when an earlier one fails, so one broken output never silences the others,
// and return the failures joined (nil when all succeed), each naming the
// reporter's position and type.
func NewMulti(rs ...Reporter) Reporter {
	m := make(multi, 0, len(rs))
	for _, r := range rs {
		if r != nil {
			m = append(m, r)
		}
	}
	return m
}

// Start calls Start on every reporter.
func (m multi) Start(info RunInfo) error {
	var errs []error
	for i, r := range m {
		if err := r.Start(info); err != nil {
			errs = append(errs, fmt.Errorf("reporter %d (%T): start: %w", i+1, r, err))
		}
	}
	return errors.Join(errs...)
}

// Report calls Report on every reporter. Reporters share s, which is
// immutable.
func (m multi) Report(s *metrics.Snapshot) {
	for _, r := range m {
		r.Report(s)
	}
}

// Finish calls Finish on every reporter.
func (m multi) Finish(sum *metrics.Summary) error {
	var errs []error
	for i, r := range m {
		if err := r.Finish(sum); err != nil {
			errs = append(errs, fmt.Errorf("reporter %d (%T): finish: %w", i+1, r, err))
		}
	}
	return errors.Join(errs...)
}
