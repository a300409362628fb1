package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// result is what one tool's output says about one run.
type result struct {
	// Requests counts the requests the tool completed (errors included).
	Requests int64
	// P50 is the tool's median latency; zero when it did not report one.
	P50 time.Duration
	// Quantiles holds any further latency quantiles the tool reported,
	// keyed "p90", "p99", "p99.9", "max".
	Quantiles map[string]time.Duration
}

var (
	wrkRequests = regexp.MustCompile(`(?m)^\s*(\d+) requests in `)
	wrkP50      = regexp.MustCompile(`(?m)^\s*50(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$`)
	heyStatus   = regexp.MustCompile(`(?m)^\s*\[\d+\]\s+(\d+) responses`)
	heyErrors   = regexp.MustCompile(`(?m)^\s*\[(\d+)\]\s+Get .*$`)
	heyP50      = regexp.MustCompile(`(?m)^\s*50%+ in ([0-9.]+) secs`)
	vegetaReq   = regexp.MustCompile(`(?m)^Requests\s+\[total, rate, throughput\]\s+(\d+),`)
	vegetaLat   = regexp.MustCompile(`(?m)^Latencies\s+\[min, mean, 50, 90, 95, 99, max\]\s+(.*)$`)
)

// parseOutput reads the request count and median latency from a tool's
// output. loadgo is read from its JSON summary (text is the document).
func parseOutput(tool, text string) (result, error) {
	switch tool {
	case "wrk":
		return parseWrk(text)
	case "hey":
		return parseHey(text)
	case "vegeta":
		return parseVegeta(text)
	case "loadgo":
		return parseLoadgo([]byte(text))
	}
	return result{}, fmt.Errorf("unknown tool %q (want wrk, hey, vegeta or loadgo)", tool)
}

func parseWrk(text string) (result, error) {
	m := wrkRequests.FindStringSubmatch(text)
	if m == nil {
		return result{}, fmt.Errorf("wrk: no %q line in the output", "N requests in")
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	r := result{Requests: n}
	if m := wrkP50.FindStringSubmatch(text); m != nil {
		d, err := unitDuration(m[1], m[2])
		if err != nil {
			return result{}, fmt.Errorf("wrk: %w", err)
		}
		r.P50 = d
	}
	return r, nil
}

func parseHey(text string) (result, error) {
	ms := heyStatus.FindAllStringSubmatch(text, -1)
	if ms == nil {
		return result{}, fmt.Errorf("hey: no %q lines in the output", "[code] N responses")
	}
	var r result
	for _, m := range ms {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.Requests += n
	}
	// Errors are listed as "[count]\tGet ...: error".
	for _, m := range heyErrors.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.Requests += n
	}
	if m := heyP50.FindStringSubmatch(text); m != nil {
		d, err := unitDuration(m[1], "s")
		if err != nil {
			return result{}, fmt.Errorf("hey: %w", err)
		}
		r.P50 = d
	}
	return r, nil
}

func parseVegeta(text string) (result, error) {
	m := vegetaReq.FindStringSubmatch(text)
	if m == nil {
		return result{}, fmt.Errorf("vegeta: no %q line in the report", "Requests [total, ...]")
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	r := result{Requests: n}
	if m := vegetaLat.FindStringSubmatch(text); m != nil {
		f := strings.Split(m[1], ",")
		if len(f) != 7 {
			return result{}, fmt.Errorf("vegeta: latencies line %q: want 7 values", m[1])
		}
		d, err := time.ParseDuration(strings.TrimSpace(f[2]))
		if err != nil {
			return result{}, fmt.Errorf("vegeta: p50: %w", err)
		}
		r.P50 = d
	}
	return r, nil
}

// loadgoDoc is the part of loadgo's JSON summary the benchmarks read.
type loadgoDoc struct {
	Totals struct {
		Requests int64      `json:"requests"`
		Latency  *loadgoLat `json:"latency_ms"`
		Intended *loadgoLat `json:"intended_latency_ms"`
	} `json:"totals"`
	VUs struct {
		Dropped int64 `json:"dropped"`
	} `json:"vus"`
}

type loadgoLat struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

func parseLoadgo(doc []byte) (result, error) {
	var d loadgoDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return result{}, fmt.Errorf("loadgo: JSON summary: %w", err)
	}
	r := result{Requests: d.Totals.Requests}
	if l := d.Totals.Latency; l != nil {
		r.P50 = ms(l.P50)
	}
	if l := d.Totals.Intended; l != nil {
		r.Quantiles = map[string]time.Duration{
			"intended_p50": ms(l.P50), "intended_p90": ms(l.P90), "intended_p99": ms(l.P99),
			"intended_p99.9": ms(l.P999), "intended_max": ms(l.Max),
		}
	}
	return r, nil
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// unitDuration parses "12.5" with unit "us", "ms" or "s".
func unitDuration(v, unit string) (time.Duration, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", v+unit, err)
	}
	scale := map[string]float64{"us": 1e3, "ms": 1e6, "s": 1e9}[unit]
	if scale == 0 {
		return 0, fmt.Errorf("duration %q: unknown unit", v+unit)
	}
	return time.Duration(f * scale), nil
}

// readFile returns a file's text.
func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// lines splits text into its non-empty lines.
func lines(text string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}
