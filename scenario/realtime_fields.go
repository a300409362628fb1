package scenario

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxEvents bounds the events, counts and reconnects a step may ask for.
const maxEvents = 1 << 30

// field decodes one key of a real-time step's mapping into r; a key not in
// keys is reported as unknown at path.
func (d *decoder) field(r *RealtimeStep, p pair, path string, keys []string, fam connFamily) {
	kp := join(path, p.key)
	if !contains(keys, p.key) {
		d.unknownKey(p, path, keys)
		return
	}
	switch p.key {
	case "url":
		r.URL = d.rtURL(p.v, kp)
	case "name":
		if s, ok := d.str(p.v, kp); ok {
			if s == "" {
				d.errorf(p.v, kp, "a name cannot be empty")
			}
			r.Name = s
		}
	case "as", "conn":
		if s, ok := d.str(p.v, kp); ok {
			if !isIdent(s) {
				d.errorf(p.v, kp, "invalid connection name %s: use letters, digits, `_` and `-`, starting with a letter", quote(s))
			}
			r.Conn = s
		}
	case "headers":
		r.Headers = d.headers(p.v, kp)
	case "subprotocols":
		r.Subprotocols = d.stringList(p.v, kp)
	case "timeout":
		r.Timeout, _ = d.duration(p.v, kp, false)
	case "text", "body":
		r.Text = d.template(p.v, kp)
	case "json":
		r.JSON = d.jsonValue(p.v, kp, 0)
	case "reply":
		r.Reply = d.reply(p.v, kp)
	case "match":
		r.Match = d.match(p.v, kp, fam == famSSE)
	case "count", "events":
		v := d.positive(p.v, kp, maxEvents)
		if p.key == "count" {
			r.Count = v
		} else {
			r.Events = v
		}
	case "maxReconnects":
		r.MaxReconnects, _ = intOf(d.integer(p.v, kp, 0, maxEvents))
	case "capture":
		r.Captures = d.messageCaptures(p.v, kp)
	case "delivery":
		r.Delivery = d.delivery(p.v, kp, fam)
	case "drain":
		r.Drain = d.optDuration(p.v, kp)
		if r.Drain == 0 {
			r.Drain = -1 // explicitly none
		}
	case "background":
		r.Background, _ = d.boolean(p.v, kp)
	case "duration":
		r.Duration, _ = d.duration(p.v, kp, false)
	case "reconnect":
		r.Reconnect, _ = d.boolean(p.v, kp)
	case "code":
		r.CloseCode, _ = intOf(d.integer(p.v, kp, 1000, 4999))
	case "destination":
		r.Destination = d.template(p.v, kp)
	case "id":
		if s, ok := d.str(p.v, kp); ok {
			r.SubID = s
		}
	case "receipt":
		r.Receipt, _ = d.boolean(p.v, kp)
	case "host":
		r.Host = d.template(p.v, kp)
	case "login":
		r.Login = d.template(p.v, kp)
	case "passcode":
		r.Passcode = d.template(p.v, kp)
	case "heartbeat":
		r.Heartbeat = d.optDuration(p.v, kp)
	case "request":
		d.pollRequest(r, p.v, kp)
	case "interval":
		r.Interval, _ = d.duration(p.v, kp, false)
	case "long":
		r.Long, _ = d.boolean(p.v, kp)
	case "until":
		r.Until = d.cond(p.v, kp)
	}
}

func intOf(v int64, ok bool) (int, bool) { return int(v), ok }

// stringList decodes a string or a list of strings.
func (d *decoder) stringList(n *yaml.Node, path string) []string {
	dn := deref(n)
	if dn != nil && dn.Kind == yaml.ScalarNode {
		s, _ := d.str(n, path)
		return []string{s}
	}
	items, _ := d.sequence(n, path)
	out := make([]string, 0, len(items))
	for i, it := range items {
		if s, ok := d.str(it, index(path, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

// reply decodes ws.send's reply.
func (d *decoder) reply(n *yaml.Node, path string) *Reply {
	rp := &Reply{}
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "match":
			rp.Match = d.match(p.v, kp, false)
		case "timeout":
			rp.Timeout, _ = d.duration(p.v, kp, false)
		case "capture":
			rp.Captures = d.messageCaptures(p.v, kp)
		default:
			d.unknownKey(p, path, replyKeys)
		}
	}
	return rp
}

// match decodes a message matcher.
func (d *decoder) match(n *yaml.Node, path string, sse bool) *Match {
	m := &Match{}
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "event":
			if !sse {
				d.errorf(p.k, kp, "`event` matches SSE event types; this is not an SSE stream")
				continue
			}
			m.Event, _ = d.str(p.v, kp)
		case "json":
			if s, ok := d.str(p.v, kp); ok {
				d.checkJSONPath(p.v, kp, s)
				m.JSON = s
			}
		case "value":
			m.Value = d.template(p.v, kp)
		case "regexp":
			if s, ok := d.str(p.v, kp); ok {
				if _, err := regexp.Compile(s); err != nil {
					d.errorf(p.v, kp, "invalid regular expression: %v", err)
				}
				m.Regexp = s
			}
		case "contains":
			m.Contains, _ = d.str(p.v, kp)
		default:
			d.unknownKey(p, path, matchKeys)
		}
	}
	if m.Value != nil && m.JSON == "" {
		d.errorf(n, path, "`value` is compared with the result of `json`; add `json: $.field`")
	}
	return m
}

// checkJSONPath checks that s looks like a JSONPath expression.
func (d *decoder) checkJSONPath(n *yaml.Node, path, s string) {
	if !strings.HasPrefix(s, "$") {
		d.errorf(n, path, "a JSONPath expression starts with `$`, e.g. $.id")
	}
}

// messageCaptures decodes captures from a message: json and regexp only.
func (d *decoder) messageCaptures(n *yaml.Node, path string) []Capture {
	cs := d.captures(n, path)
	for _, c := range cs {
		if c.Kind == CaptureHeader {
			d.errorAt(c.Pos, path, "a message has no headers to capture; use json or regexp")
		}
	}
	return cs
}

// delivery decodes a delivery spec of a step of family fam: true, or a
// mapping of JSONPaths.
func (d *decoder) delivery(n *yaml.Node, path string, fam connFamily) *Delivery {
	poll := fam == famPoll
	dn := deref(n)
	if dn != nil && dn.Kind == yaml.ScalarNode && dn.Tag == "!!bool" {
		on, _ := d.boolean(n, path)
		if !on {
			return nil
		}
		dl := DefaultDelivery
		return &dl
	}
	dl := DefaultDelivery
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		kp := join(path, p.key)
		var dst *string
		switch p.key {
		case "sender":
			dst = &dl.Sender
		case "group":
			dst = &dl.Group
		case "seq":
			dst = &dl.Seq
		case "sentAt":
			dst = &dl.SentAt
		case "messages":
			if !poll {
				d.errorf(p.k, kp, "`messages` selects the messages in a poll's response; other steps receive one message at a time")
				continue
			}
			dst = &dl.Messages
		case "label":
			if s, ok := d.str(p.v, kp); ok {
				if s != DeliveryLabelEvent {
					d.checkJSONPath(p.v, kp, s)
				} else if fam != famSSE {
					d.errorf(p.v, kp, "`label: event` labels by the SSE event type; on other steps use a JSONPath such as $.type")
				}
				dl.Label = s
			}
			continue
		default:
			d.unknownKey(p, path, deliveryKeys)
			continue
		}
		if s, ok := d.str(p.v, kp); ok {
			d.checkJSONPath(p.v, kp, s)
			*dst = s
		}
	}
	return &dl
}

// groups decodes config.groups.
func (d *decoder) groups(n *yaml.Node, path string) Groups {
	var g Groups
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		kp := join(path, p.key)
		if p.key != "size" {
			d.unknownKey(p, path, []string{"size"})
			continue
		}
		if v, ok := d.integer(p.v, kp, 1, 1<<20); ok {
			g.Size = int(v)
		}
	}
	if g.Size == 0 && len(d.problems) == 0 {
		d.errorf(n, path, "`size` is required: how many VUs form a group")
	}
	d.rt.groupSize = g.Size
	return g
}

// artilleryConnect decodes Artillery's connect: a URL string, or
// {target|url, headers, subprotocols}.
func (d *decoder) artilleryConnect(r *RealtimeStep, n *yaml.Node, path string) {
	r.Conn = DefaultWSConn
	if dn := deref(n); dn != nil && dn.Kind == yaml.ScalarNode {
		r.URL = d.rtURL(n, path)
	} else {
		pairs, _ := d.mapping(n, path)
		for _, p := range pairs {
			kp := join(path, p.key)
			switch p.key {
			case "target", "url":
				r.URL = d.rtURL(p.v, kp)
			case "headers":
				r.Headers = d.headers(p.v, kp)
			case "subprotocols":
				r.Subprotocols = d.stringList(p.v, kp)
			default:
				d.unknownKey(p, path, artilleryConnect)
			}
		}
	}
	r.Name = "connect"
	if r.URL != nil {
		r.Name = r.URL.Src
	}
	d.open(n, path, r.Conn, famWS)
}

// artillerySend decodes Artillery's send: a string, a JSON value, or
// {payload, match}.
func (d *decoder) artillerySend(r *RealtimeStep, n *yaml.Node, path string) {
	r.Conn = DefaultWSConn
	dn := deref(n)
	switch {
	case dn != nil && dn.Kind == yaml.ScalarNode && dn.Tag == "!!str":
		r.Text = d.template(n, path)
	case dn != nil && dn.Kind == yaml.MappingNode && hasKey(dn, "payload"):
		pairs, _ := d.mapping(n, path)
		for _, p := range pairs {
			kp := join(path, p.key)
			switch p.key {
			case "payload":
				if pv := deref(p.v); pv.Kind == yaml.ScalarNode && pv.Tag == "!!str" {
					r.Text = d.template(p.v, kp)
				} else {
					r.JSON = d.jsonValue(p.v, kp, 0)
				}
			case "match":
				r.Reply = &Reply{Match: d.match(p.v, kp, false)}
			default:
				d.unknownKey(p, path, []string{"payload", "match"})
			}
		}
	default:
		r.JSON = d.jsonValue(n, path, 0)
	}
	d.use(n, path, r.Conn, famWS)
}

// hasKey reports whether the mapping n has key.
func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if deref(n.Content[i]).Value == key {
			return true
		}
	}
	return false
}
