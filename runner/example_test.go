package runner_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/scenario"
)

func ExampleParseSegment() {
	seg, err := runner.ParseSegment("2/4")
	fmt.Println(seg.Index, seg.Count, err)
	_, err = runner.ParseSegment("5/4")
	fmt.Println(err)
	// Output:
	// 2 4 <nil>
	// segment 5/4: want 1 ≤ i ≤ n
}

func ExampleRunner_Run() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	sc := &scenario.Scenario{
		Config: scenario.Config{
			Target: srv.URL,
			Phases: []scenario.Phase{{Name: "warm", Kind: scenario.PhaseArrivalCount, ArrivalCount: 5, Duration: 250 * time.Millisecond}},
		},
		Flows: []scenario.Flow{{Steps: []scenario.Step{{
			Kind:    scenario.StepRequest,
			Request: &scenario.Request{Method: "GET", Name: "/", URL: &scenario.Template{Src: "/", Parts: []scenario.TemplatePart{{Text: "/"}}}},
		}}}},
	}
	r, err := runner.New(sc, runner.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Phases() {
		fmt.Printf("%s: %v %s, %d arrivals\n", p.Name, p.Duration, p.Kind, p.Arrivals)
	}
	sum, err := r.Run(context.Background(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d requests, %d errors, %d VUs completed\n", sum.Total.Count, sum.Total.Errors, sum.VUs.Completed)
	// Output:
	// warm: 250ms arrivalCount, 5 arrivals
	// 5 requests, 0 errors, 5 VUs completed
}
