package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"time"

	"github.com/loadgo/loadgo/bench/targets"
)

// coQuantiles are the quantiles the coordinated-omission check compares,
// with their metric names; 100 is the maximum.
var coQuantiles = []struct {
	name string
	q    float64
}{{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p99.9", 99.9}, {"max", 100}}

// coRow is one quantile of the check.
type coRow struct {
	Name           string
	Measured, Want time.Duration
	// DevPct is |measured−want| in percent of want.
	DevPct float64
}

// coCompare compares a loadgo summary's intended-latency quantiles with
// the freeze target's theory, taking the normal service time S as the
// summary's median latency from the actual send.
func coCompare(doc []byte, f targets.Freeze) ([]coRow, loadgoDoc, error) {
	var d loadgoDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, d, fmt.Errorf("loadgo JSON summary: %w", err)
	}
	if d.Totals.Latency == nil || d.Totals.Intended == nil {
		return nil, d, fmt.Errorf("loadgo JSON summary: no latencies (no requests?)")
	}
	s := ms(d.Totals.Latency.P50)
	got := map[string]float64{
		"p50": d.Totals.Intended.P50, "p90": d.Totals.Intended.P90, "p99": d.Totals.Intended.P99,
		"p99.9": d.Totals.Intended.P999, "max": d.Totals.Intended.Max,
	}
	rows := make([]coRow, 0, len(coQuantiles))
	for _, cq := range coQuantiles {
		want := targets.FreezeTheory(f, s, cq.q)
		m := ms(got[cq.name])
		rows = append(rows, coRow{Name: cq.name, Measured: m, Want: want, DevPct: 100 * math.Abs(float64(m-want)) / float64(want)})
	}
	return rows, d, nil
}

func coCmd(args []string) error {
	fs := flag.NewFlagSet("co", flag.ContinueOnError)
	bench := fs.String("bench", "co", "benchmark name")
	tool := fs.String("tool", "loadgo", "row label")
	jsonPath := fs.String("json", "", "loadgo JSON summary of the run against the freeze target")
	out := fs.String("out", "", "results file to append to")
	f := targets.DefaultFreeze(time.Time{})
	fs.DurationVar(&f.Cycle, "cycle", f.Cycle, "freeze cycle")
	fs.DurationVar(&f.From, "from", f.From, "window start")
	fs.DurationVar(&f.To, "to", f.To, "window end")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *jsonPath == "" || *out == "" {
		return fmt.Errorf("usage: benchtool co -json FILE -out FILE [-cycle 5s -from 2s -to 3s]")
	}
	if err := f.Validate(); err != nil {
		return err
	}
	text, err := readFile(*jsonPath)
	if err != nil {
		return err
	}
	rows, d, err := coCompare([]byte(text), f)
	if err != nil {
		return err
	}
	var tr, theory, dev [][2]string
	tr = append(tr, [2]string{"requests", fmt.Sprint(d.Totals.Requests)}, [2]string{"dropped", fmt.Sprint(d.VUs.Dropped)})
	for _, r := range rows {
		tr = append(tr, [2]string{"intended_" + r.Name + "_ms", fmt.Sprintf("%.6g", float64(r.Measured)/1e6)})
		theory = append(theory, [2]string{"intended_" + r.Name + "_ms", fmt.Sprintf("%.6g", float64(r.Want)/1e6)})
		dev = append(dev, [2]string{"intended_" + r.Name + "_ms", fmt.Sprintf("%.3g", r.DevPct)})
	}
	if err := appendRows(*out, *bench, *tool, tr); err != nil {
		return err
	}
	if err := appendRows(*out, *bench, "theory", theory); err != nil {
		return err
	}
	return appendRows(*out, *bench, "deviation_%", dev)
}
