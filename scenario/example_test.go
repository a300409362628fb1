package scenario_test

import (
	"errors"
	"fmt"

	"github.com/loadgo/loadgo/scenario"
)

func ExampleParse() {
	src := `config:
  target: http://127.0.0.1:8080
  phases:
    - {duration: 30s, arrivalRate: 10, name: steady}
  ensure:
    thresholds:
      - http.response_time.p99: 250
scenarios:
  - flow:
      - get: {url: "/users/{{ $randomNumber(1, 100) }}", name: user}
`
	sc, err := scenario.Parse("load.yaml", []byte(src), scenario.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ph := sc.Config.Phases[0]
	fmt.Println(ph.Name, ph.Kind, ph.Duration, ph.ArrivalRate)
	fmt.Println(sc.RequestNames)
	th := sc.Config.Ensure.Thresholds[0]
	fmt.Println(th.Stat, th.Max)
	// Output:
	// steady arrivalRate 30s 10
	// [user]
	// http.response_time.p99 250
}

func ExampleProblems() {
	src := `config:
  target: http://127.0.0.1:8080
  phases:
    - {duration: 30s, arrivalRate: 10, rampto: 20}
scenarios:
  - flow:
      - get: {url: "/users/{{ userId }}"}
`
	_, err := scenario.Parse("load.yaml", []byte(src), scenario.LoadOptions{})
	var ps scenario.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Println(p)
		}
	}
	// Output:
	// load.yaml:4:40: config.phases[0].rampto: unknown key `rampto`; did you mean `rampTo`?
	// load.yaml:7:28: scenarios[0].flow[0].get.url: unknown variable `userId`: define it in config.variables, a payload's fields or a capture's `as`
}

func ExampleParseMetric() {
	th, err := scenario.ParseMetric("http.response_time.median{name:login,phase:ramp up}")
	fmt.Println(th.Stat, th.Request, th.Phase, err)
	// Output: http.response_time.p50 login ramp up <nil>
}
