package runner

import (
	"slices"
	"testing"
	"time"
)

func TestParseSegment(t *testing.T) {
	tests := []struct {
		in      string
		want    Segment
		wantErr bool
	}{
		{"", Segment{}, false},                      // empty: the whole run
		{"1/1", Segment{1, 1}, false},               // one segment of one
		{"2/4", Segment{2, 4}, false},               // a middle segment
		{"4/4", Segment{4, 4}, false},               // the last segment
		{"0/4", Segment{}, true},                    // index is 1-based
		{"5/4", Segment{}, true},                    // index past the count
		{"1/0", Segment{}, true},                    // no segments
		{"-1/2", Segment{}, true},                   // negative index
		{"2", Segment{}, true},                      // no slash
		{"a/2", Segment{}, true},                    // index not a number
		{"1/b", Segment{}, true},                    // count not a number
		{"1/2/3", Segment{}, true},                  // too many parts
		{" 1/2", Segment{}, true},                   // no trimming
		{"1/99999999999999999999", Segment{}, true}, // count overflows int
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSegment(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseSegment(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err == nil && got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

// owned enumerates the numbers below total that seg owns, the way the
// executors do.
func owned(seg Segment, total int64) []int64 {
	var out []int64
	for n := seg.first(); n < total; n += seg.step() {
		out = append(out, n)
	}
	return out
}

// TestSegmentsPartition proves that the shares of 1..6 segments are
// disjoint and add up to the whole, for arrivals of several pacers and for
// closed-model VU numbers, and that share() counts what is enumerated.
func TestSegmentsPartition(t *testing.T) {
	totals := []int64{0, 1, 2, 5, 7, 100, 101}
	for _, p := range []pacer{
		constantPacer{Rate: 50, Duration: 2 * time.Second},
		constantPacer{Rate: 2.5, Duration: 3 * time.Second},
		linearPacer{From: 0, To: 13, Duration: 3 * time.Second},
		linearPacer{From: 9, To: 1, Duration: 2 * time.Second},
		countPacer{Count: 11, Duration: time.Second},
	} {
		totals = append(totals, arrivals(p))
	}
	for _, total := range totals {
		for count := 1; count <= 6; count++ {
			var union []int64
			var shares int64
			for i := 1; i <= count; i++ {
				seg := Segment{Index: i, Count: count}
				mine := owned(seg, total)
				if int64(len(mine)) != seg.share(total) {
					t.Errorf("%v of %d: share %d, enumerated %d", seg, total, seg.share(total), len(mine))
				}
				for _, n := range mine {
					if n%int64(count) != int64(i-1) {
						t.Errorf("%v owns %d", seg, n)
					}
				}
				shares += seg.share(total)
				union = append(union, mine...)
			}
			slices.Sort(union)
			whole := owned(Segment{}, total)
			if !slices.Equal(union, whole) || shares != total {
				t.Errorf("%d segments of %d: union %v (shares %d), want %v", count, total, union, shares, whole)
			}
		}
	}
}
