package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// sample is one results line.
type sample struct {
	bench, tool, metric string
	value               float64
}

// parseResults reads results.tsv lines.
func parseResults(text string) ([]sample, error) {
	var out []sample
	for i, l := range lines(text) {
		f := strings.Split(l, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("results line %d: want 4 tab-separated fields, got %d", i+1, len(f))
		}
		v, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			return nil, fmt.Errorf("results line %d: %w", i+1, err)
		}
		out = append(out, sample{f[0], f[1], f[2], v})
	}
	return out, nil
}

// median returns the median of vs (the mean of the middle two for an even count).
func median(vs []float64) float64 {
	s := slices.Sorted(slices.Values(vs))
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// cell formats a metric's runs as "median (min–max, n=N)"; a single run
// is just its value.
func cell(vs []float64) string {
	if len(vs) == 0 {
		return "–"
	}
	if len(vs) == 1 {
		return num(vs[0])
	}
	return fmt.Sprintf("%s (%s–%s, n=%d)", num(median(vs)), num(slices.Min(vs)), num(slices.Max(vs)), len(vs))
}

// num formats v with about 3 significant digits, whole numbers as integers.
func num(v float64) string {
	switch {
	case v == float64(int64(v)) && (v >= 100 || v <= -100 || v == 0):
		return strconv.FormatInt(int64(v), 10)
	case v >= 100 || v <= -100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// ordered keeps first-appearance order of keys.
type ordered struct {
	keys []string
	seen map[string]bool
}

func (o *ordered) add(k string) {
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	if !o.seen[k] {
		o.seen[k] = true
		o.keys = append(o.keys, k)
	}
}

// writeTables writes one Markdown table per bench: a row per tool, a
// column per metric, each cell the median with the spread over runs. A
// bench measuring req_per_cpu_s with a wrk row gets a "× wrk" column: the
// tool's median over wrk's.
func writeTables(w io.Writer, ss []sample) error {
	var benches ordered
	tools := map[string]*ordered{}
	metrics := map[string]*ordered{}
	vals := map[[3]string][]float64{}
	for _, s := range ss {
		benches.add(s.bench)
		if tools[s.bench] == nil {
			tools[s.bench], metrics[s.bench] = &ordered{}, &ordered{}
		}
		tools[s.bench].add(s.tool)
		metrics[s.bench].add(s.metric)
		k := [3]string{s.bench, s.tool, s.metric}
		vals[k] = append(vals[k], s.value)
	}
	var b strings.Builder
	for _, bench := range benches.keys {
		ms := metrics[bench].keys
		wrk := vals[[3]string{bench, "wrk", "req_per_cpu_s"}]
		ratio := len(wrk) > 0
		fmt.Fprintf(&b, "### %s\n\n| tool | %s", bench, strings.Join(ms, " | "))
		if ratio {
			b.WriteString(" | × wrk (req/CPU-s)")
		}
		b.WriteString(" |\n|---" + strings.Repeat("|---:", len(ms)))
		if ratio {
			b.WriteString("|---:")
		}
		b.WriteString("|\n")
		for _, tool := range tools[bench].keys {
			fmt.Fprintf(&b, "| %s", tool)
			for _, m := range ms {
				fmt.Fprintf(&b, " | %s", cell(vals[[3]string{bench, tool, m}]))
			}
			if ratio {
				mine := vals[[3]string{bench, tool, "req_per_cpu_s"}]
				if len(mine) > 0 {
					fmt.Fprintf(&b, " | %.2f", median(mine)/median(wrk))
				} else {
					b.WriteString(" | –")
				}
			}
			b.WriteString(" |\n")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func tableCmd(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: benchtool table results.tsv")
	}
	text, err := readFile(args[0])
	if err != nil {
		return err
	}
	ss, err := parseResults(text)
	if err != nil {
		return err
	}
	return writeTables(stdout, ss)
}
