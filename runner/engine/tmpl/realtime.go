package tmpl

import (
	"fmt"
	"strconv"
)

// Stamper renders {{ $stamp }}: the delivery stamp of one message. Each
// call is one send (the engine counts it), so a Stamper is called once per
// rendering of a template that holds $stamp.
type Stamper interface {
	// AppendStamp appends the four JSON object members
	// "sender":"ID","group":"G","seq":N,"sent_at":UNIX_NS to dst.
	AppendStamp(dst []byte) []byte
}

// Group is a VU's place in config.groups: {{ $group.id }}, {{ $group.member }}
// and {{ $group.size }}.
type Group struct {
	ID, Member, Size int64
}

// compileRealtime compiles $group.FIELD (path) and $stamp.
func compileRealtime(name string, path []string) (part, error) {
	if name == "$stamp" {
		return part{kind: partStamp}, nil
	}
	if len(path) == 1 {
		switch path[0] {
		case "id":
			return part{kind: partGroupID}, nil
		case "member":
			return part{kind: partGroupMember}, nil
		case "size":
			return part{kind: partGroupSize}, nil
		}
	}
	return part{}, fmt.Errorf("unknown property $group.%v (id, member or size)", path)
}

// renderRealtime appends a $group or $stamp part.
func (p *part) renderRealtime(dst []byte, s *Scope) []byte {
	switch p.kind {
	case partGroupID:
		return strconv.AppendInt(dst, s.Group.ID, 10)
	case partGroupMember:
		return strconv.AppendInt(dst, s.Group.Member, 10)
	case partGroupSize:
		return strconv.AppendInt(dst, s.Group.Size, 10)
	case partStamp:
		if s.Stamper != nil {
			return s.Stamper.AppendStamp(dst)
		}
	}
	return dst
}
