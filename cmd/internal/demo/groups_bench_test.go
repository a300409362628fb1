package demo

import "testing"

// BenchmarkPublishGroupOf4 is the fan-out of one location message to the
// three other members of a group (their queues drained as a writer would).
func BenchmarkPublishGroupOf4(b *testing.B) {
	var st rtStats
	g := newGroup(locationLogSize)
	subs := make([]*subscriber, 4)
	for i := range subs {
		subs[i] = newSubscriber(string(rune('a' + i)))
		g.join(subs[i], false, 0)
	}
	msg := []byte(`{"lat":52.37,"lon":4.89,"sender":"a","group":"1","seq":12,"sent_at":1712345678901234567}`)
	b.ReportAllocs()
	for b.Loop() {
		g.publish(&st, "a", subs[0], "position", msg, true)
		for _, s := range subs[1:] {
			<-s.out
		}
	}
}

// BenchmarkAppendEvent is the SSE encoding of one event into a reused buffer.
func BenchmarkAppendEvent(b *testing.B) {
	e := &entry{seq: 123456, event: "position",
		data: []byte(`{"lat":52.37,"lon":4.89,"sender":"a","group":"1","seq":12,"sent_at":1712345678901234567}`)}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = appendEvent(buf[:0], e)
	}
}
