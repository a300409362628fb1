package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/scenario"
)

type quickOptions struct {
	runOptions
	URL      string
	Rate     float64
	VUs      int
	Duration time.Duration
	Count    int
	Method   string
	Headers  []string
	Body     string
	Timeout  time.Duration
	Insecure bool
}

func newQuickCmd(st *state, runF func(*quickOptions) error) *cobra.Command {
	o := &quickOptions{}
	c := &cobra.Command{
		Use:   "quick [flags] URL",
		Short: "Load one URL without writing a scenario",
		Long: `Load one URL without writing a scenario, like 'artillery quick' or hey.

Open model with --rate (new requests per second, whatever the responses do);
closed model with --vus (that many users, each sending its next request when
the previous one answered). Run for --duration, or until --count requests.`,
		Example: `  # 200 requests/s for 30 s
  loadgo quick --rate 200 -d 30s http://127.0.0.1:8089/shows

  # 50 concurrent users, 10000 requests in all, as fast as the server answers
  loadgo quick --vus 50 -n 10000 http://127.0.0.1:8089/shows/1

  # a POST with a JSON body and a header
  loadgo quick --rate 20 -d 10s -m POST -H 'Content-Type: application/json' \
      --body '{"username":"ada","password":"x"}' http://127.0.0.1:8089/login`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.URL = args[0]
			if runF != nil {
				return runF(o)
			}
			return quickRun(st, o)
		},
	}
	addRunFlags(c, &o.runOptions)
	f := c.Flags()
	f.Float64VarP(&o.Rate, "rate", "r", 0, "open model: new requests per `second`")
	f.IntVarP(&o.VUs, "vus", "c", 0, "closed model: concurrent users (default 10 when --rate is not set)")
	f.DurationVarP(&o.Duration, "duration", "d", 0, "how long to run (default 10s unless --count is set)")
	f.IntVarP(&o.Count, "count", "n", 0, "total number of requests instead of a duration")
	f.StringVarP(&o.Method, "method", "m", "GET", "HTTP method")
	f.StringArrayVarP(&o.Headers, "header", "H", nil, "request header `'Name: value'`, repeatable")
	f.StringVar(&o.Body, "body", "", "request body")
	f.DurationVar(&o.Timeout, "timeout", 10*time.Second, "request timeout")
	f.BoolVarP(&o.Insecure, "insecure", "k", false, "do not verify TLS certificates")
	return c
}

func quickRun(st *state, o *quickOptions) error {
	sc, err := quickScenario(o)
	if err != nil {
		return usageError(err)
	}
	_, err = execute(st, sc, &o.runOptions, "quick "+o.URL)
	return err
}

// checkTargetURL accepts absolute http(s) URLs with a host.
func checkTargetURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("malformed URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("URL %q has no host", raw)
	}
	return nil
}

// quickScenario builds the scenario `loadgo quick` runs.
func quickScenario(o *quickOptions) (*scenario.Scenario, error) {
	if err := checkTargetURL(o.URL); err != nil {
		return nil, err
	}
	method := strings.ToUpper(o.Method)
	switch method {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
	default:
		return nil, fmt.Errorf("--method %q: expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS", o.Method)
	}
	switch {
	case o.Rate < 0, o.VUs < 0, o.Count < 0, o.Duration < 0:
		return nil, errors.New("--rate, --vus, --count and --duration must not be negative")
	case o.Rate > 0 && o.VUs > 0:
		return nil, errors.New("use --rate (open model) or --vus (closed model), not both")
	case o.Count > 0 && o.Duration > 0:
		return nil, errors.New("use --duration or --count, not both")
	case o.Timeout <= 0:
		return nil, errors.New("--timeout must be positive")
	}
	req := &scenario.Request{Method: method, Name: o.URL}
	req.URL = literal(o.URL)
	for _, h := range o.Headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--header %q: expected 'Name: value'", h)
		}
		req.Headers = append(req.Headers, scenario.Header{Name: strings.TrimSpace(name), Value: literal(strings.TrimSpace(value))})
	}
	if o.Body != "" {
		req.Body = literal(o.Body)
	}
	phase, steps, err := quickPlan(o, scenario.Step{Kind: scenario.StepRequest, Request: req, Path: "quick"})
	if err != nil {
		return nil, err
	}
	return &scenario.Scenario{
		File: "quick",
		Config: scenario.Config{
			Phases: []scenario.Phase{phase},
			HTTP:   scenario.HTTPConfig{Timeout: o.Timeout, MaxBodyBytes: 10 << 20},
			TLS:    scenario.TLSConfig{RejectUnauthorized: !o.Insecure},
		},
		Flows: []scenario.Flow{{Name: "quick", Weight: 1, Steps: steps}},
	}, nil
}

// literal makes a template that renders s as it is: quick takes no
// placeholders, so "{{" in a URL or body is sent literally.
func literal(s string) *scenario.Template {
	return &scenario.Template{Src: s, Parts: []scenario.TemplatePart{{Kind: scenario.PartText, Text: s}}}
}

// quickPlan chooses the phase and the flow for quick's flags.
func quickPlan(o *quickOptions, step scenario.Step) (scenario.Phase, []scenario.Step, error) {
	steps := []scenario.Step{step}
	if o.Count == 0 && o.Duration == 0 {
		o.Duration = 10 * time.Second
	}
	if o.Rate > 0 {
		if o.Count > 0 {
			d := time.Duration(float64(o.Count) / o.Rate * float64(time.Second))
			o.Grace = max(o.Grace, time.Hour)
			return scenario.Phase{Name: "quick", Kind: scenario.PhaseArrivalCount, ArrivalCount: o.Count, Duration: max(d, time.Millisecond)}, steps, nil
		}
		return scenario.Phase{Name: "quick", Kind: scenario.PhaseArrivalRate, ArrivalRate: o.Rate, Duration: o.Duration}, steps, nil
	}
	vus := o.VUs
	if vus == 0 {
		vus = 10
	}
	if o.Count == 0 {
		return scenario.Phase{Name: "quick", Kind: scenario.PhaseVUs, VUs: vus, Duration: o.Duration}, steps, nil
	}
	// A fixed count in the closed model: vus users arrive at once and each
	// loops count/vus times; the run ends when they are done.
	if o.Count%vus != 0 {
		return scenario.Phase{}, nil, fmt.Errorf("--count %d is not a multiple of --vus %d (each user sends the same number of requests); try --count %d",
			o.Count, vus, (o.Count/vus+1)*vus)
	}
	o.Grace = max(o.Grace, 24*time.Hour)
	loop := scenario.Step{Kind: scenario.StepLoop, Path: "quick", Loop: &scenario.Loop{Steps: steps, Count: o.Count / vus}}
	return scenario.Phase{Name: "quick", Kind: scenario.PhaseArrivalCount, ArrivalCount: vus, Duration: time.Millisecond, MaxVusers: vus},
		[]scenario.Step{loop}, nil
}
