package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// Segment selects this instance's share of a split run: Index of Count,
// 1-based ("--segment 2/4"). The zero value means the whole run.
//
// Arrival n (0-based, per phase) and closed-model VU j belong to segment
// (n mod Count)+1 and (j mod Count)+1: the Count segments are disjoint and
// together they are the whole run.
type Segment struct {
	Index, Count int
}

// ParseSegment parses "i/n" with 1 ≤ i ≤ n. The empty string is the whole
// run (the zero Segment).
func ParseSegment(s string) (Segment, error) {
	if s == "" {
		return Segment{}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Segment{}, fmt.Errorf("segment %q: want i/n, e.g. 2/4", s)
	}
	i, err := strconv.Atoi(is)
	if err != nil {
		return Segment{}, fmt.Errorf("segment %q: index: %w", s, err)
	}
	n, err := strconv.Atoi(ns)
	if err != nil {
		return Segment{}, fmt.Errorf("segment %q: count: %w", s, err)
	}
	seg := Segment{Index: i, Count: n}
	if err := seg.Validate(); err != nil {
		return Segment{}, err
	}
	return seg, nil
}

// Validate reports whether the segment is the zero value or has
// 1 ≤ Index ≤ Count.
func (s Segment) Validate() error {
	if s == (Segment{}) {
		return nil
	}
	if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
		return fmt.Errorf("segment %d/%d: want 1 ≤ i ≤ n", s.Index, s.Count)
	}
	return nil
}

// IsWhole reports whether the segment is the whole run (zero value or 1/1).
func (s Segment) IsWhole() bool {
	return s.Count <= 1
}

// String returns "i/n", or "" for the whole run given as the zero value.
func (s Segment) String() string {
	if s == (Segment{}) {
		return ""
	}
	return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count)
}

// first is the first arrival or VU number this segment owns; step is the
// distance to the next one. Together they enumerate exactly the numbers n
// with n mod Count == Index−1.
func (s Segment) first() int64 {
	if s.IsWhole() {
		return 0
	}
	return int64(s.Index - 1)
}

func (s Segment) step() int64 {
	if s.IsWhole() {
		return 1
	}
	return int64(s.Count)
}

// share is how many of the numbers 0..total−1 the segment owns.
func (s Segment) share(total int64) int64 {
	f := s.first()
	if total <= f {
		return 0
	}
	return (total-f-1)/s.step() + 1
}
