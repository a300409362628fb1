package jsonpath

// EvalFrom evaluates p with node n of d as the root ($): a path applied to
// one element of an array, such as one message of a poll's response. The
// result aliases s and is valid until s is used again.
func (p *Path) EvalFrom(d *Doc, n int32, s *Scratch) []int32 {
	s.cur = s.cur[:0]
	if n != None {
		s.cur = append(s.cur, n)
	}
	for i := range p.steps {
		st := &p.steps[i]
		s.next = s.next[:0]
		for _, c := range s.cur {
			if st.descend {
				s.next = descend(d, c, st, s.next)
			} else {
				s.next = apply(d, c, st, s.next)
			}
		}
		s.cur, s.next = s.next, s.cur
		if len(s.cur) == 0 {
			break
		}
	}
	return s.cur
}
