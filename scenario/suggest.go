package scenario

import (
	"strings"
	"unicode/utf8"
)

// unknownKey reports key p as not valid at path, suggesting the closest of
// valid when one is close enough.
func (d *decoder) unknownKey(p pair, path string, valid []string) {
	msg := "unknown key `" + clip(p.key) + "`"
	if s := suggest(p.key, valid); s != "" {
		msg += "; did you mean `" + s + "`?"
	} else if len(valid) > 0 {
		msg += "; valid keys here: " + strings.Join(valid, ", ")
	}
	d.errorf(p.k, join(path, p.key), "%s", msg)
}

// suggest returns the candidate closest to s: an exact case-insensitive
// match first, then the nearest within Levenshtein distance 2 (ties go to
// the earlier candidate). It returns "" when nothing is close.
func suggest(s string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return c
		}
	}
	// Very long keys cannot be within distance 2 of a short candidate, and
	// bounding the length keeps the quadratic distance cheap on fuzzed input.
	if utf8.RuneCountInString(s) > 64 {
		return ""
	}
	best, bestD := "", 3
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if dist := levenshtein(ls, strings.ToLower(c)); dist < bestD {
			best, bestD = c, dist
		}
	}
	return best
}

// levenshtein returns the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
