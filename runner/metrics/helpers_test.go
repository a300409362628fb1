package metrics_test

import "sync/atomic"

// atomicCounter hands out 0, 1, 2, ... to concurrent callers.
type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) inc() int { return int(c.n.Add(1) - 1) }
