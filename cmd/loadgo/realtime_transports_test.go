package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/cmd/internal/demo"
	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// fanoutDelay is the demo target's injected fan-out delay in these tests:
// every delivery must take at least this long.
const fanoutDelay = 20 * time.Millisecond

// transportFlows are the five location-sharing transports, each sending a
// stamped position every 200 ms, five times, with the fan-out delayed.
var transportFlows = map[string]string{
	"ws": `      - ws.connect: { url: "/ws/location?group={{ $group.id }}&user={{ $vu.id }}&delay=20ms", delivery: true, drain: 300ms }
      - every: { interval: 200ms, count: 5, steps: [{ ws.send: '{"lat":1,{{ $stamp }}}' }] }
`,
	"stomp": `      - stomp.connect: { url: "/stomp?delay=20ms" }
      - stomp.subscribe: { destination: "/topic/location.{{ $group.id }}", delivery: true, drain: 300ms }
      - every:
          interval: 200ms
          count: 5
          steps: [{ stomp.send: { destination: "/app/location.{{ $group.id }}", body: '{"lat":1,{{ $stamp }}}' } }]
`,
	"sse": `      - sse.open: { url: "/sse/location?group={{ $group.id }}&user={{ $vu.id }}", background: true, delivery: true, drain: 300ms }
` + postEvery,
	"short-polling": `      - get: { url: "/poll/location?group={{ $group.id }}&user={{ $vu.id }}", capture: { json: $.cursor, as: cursor } }
      - poll:
          request: { get: { url: "/poll/location?group={{ $group.id }}&user={{ $vu.id }}&since={{ cursor }}", capture: { json: $.cursor, as: cursor } } }
          interval: 50ms
          background: true
          delivery: { messages: $.messages }
          drain: 300ms
` + postEvery,
	"long-polling": `      - get: { url: "/poll/location?group={{ $group.id }}&user={{ $vu.id }}", capture: { json: $.cursor, as: cursor } }
      - poll:
          request: { get: { url: "/longpoll/location?group={{ $group.id }}&user={{ $vu.id }}&since={{ cursor }}&timeout=2s", capture: { json: $.cursor, as: cursor } } }
          long: true
          background: true
          delivery: { messages: $.messages }
          drain: 300ms
` + postEvery,
}

const postEvery = `      - every:
          interval: 200ms
          count: 5
          steps:
            - post: { url: "/location?delay=20ms", headers: { Content-Type: application/json }, body: '{"lat":1,{{ $stamp }}}', expect: [{ statusCode: 202 }] }
`

// TestTransportsDeliverToGroupsOfFour drives 10 VUs (groups of 4, 4 and 2)
// through each transport against the demo target and checks the delivery
// accounting: delivered + missing = expected, nothing out of group, no
// duplicates, deliveries really happened and took at least the fan-out delay.
func TestTransportsDeliverToGroupsOfFour(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	for name, flow := range transportFlows {
		t.Run(name, func(t *testing.T) {
			src := "config:\n  target: " + srv.URL() + "\n  groups: { size: 4 }\n  http: { timeout: 5 }\n" +
				"  phases: [{ duration: 0.3, arrivalCount: 10 }]\nscenarios:\n  - flow:\n" + flow
			sc, err := scenario.Parse(name+".yaml", []byte(src), scenario.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r, err := runner.New(sc, runner.Options{GracePeriod: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := r.Run(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Total.Errors != 0 || sum.VUs.Failed != 0 {
				t.Fatalf("errors %v, failed VUs %d", sum.Total.ErrorsByKind, sum.VUs.Failed)
			}
			rt := sum.Realtime
			if rt == nil {
				t.Fatal("no real-time stats")
			}
			c := rt.Counters
			exp, del := c[metrics.DeliveryExpected], c[metrics.DeliveryDelivered]
			if del > exp || del+rt.Missing() != exp {
				t.Errorf("delivered %d + missing %d != expected %d", del, rt.Missing(), exp)
			}
			if del == 0 || c[metrics.DeliveryOutOfGroup] != 0 || c[metrics.DeliveryDuplicate] != 0 || c[metrics.DeliveryUnparsed] != 0 {
				t.Errorf("delivered %d, out of group %d, duplicate %d, unparsed %d", del, c[metrics.DeliveryOutOfGroup],
					c[metrics.DeliveryDuplicate], c[metrics.DeliveryUnparsed])
			}
			if min := rt.Timings[metrics.TimingDelivery].Min(); time.Duration(min)*time.Microsecond < fanoutDelay {
				t.Errorf("fastest delivery %dµs, below the injected fan-out delay %v", min, fanoutDelay)
			}
			if g := rt.Groups; g == nil || g.Count != 3 || len(g.Sizes) != 2 || g.Sizes[0] != (metrics.GroupSize{Members: 2, Groups: 1}) {
				t.Errorf("groups = %+v, want 2 of 4 and 1 of 2", g)
			}
			if c[metrics.DeliverySends] != 50 {
				t.Errorf("sends = %d, want 10 VUs × 5", c[metrics.DeliverySends])
			}
			if strings.Contains(name, "polling") && c[metrics.PollRequests] == 0 {
				t.Error("no polls were counted")
			}
		})
	}
}
