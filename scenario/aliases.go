package scenario

import "go.yaml.in/yaml/v3"

// maxAliasNodes bounds how many nodes aliases may add to a document when
// expanded. yaml.v3 only applies its own alias limit when decoding into Go
// values; a yaml.Node tree is handed over unexpanded, so the check is ours.
const maxAliasNodes = 100_000

// aliasCheck measures a document's expanded size before anything walks it,
// so that an alias bomb ("billion laughs") or an anchor that contains itself
// is reported instead of exhausting time, memory or stack.
type aliasCheck struct {
	d *decoder
	// sizes memoises the expanded size of anchored nodes (saturating).
	sizes map[*yaml.Node]int
	// open holds the anchored nodes whose walk has started and not finished.
	open     map[*yaml.Node]bool
	expanded int
	failed   bool
}

// checkAliases reports whether root is safe to walk.
func (d *decoder) checkAliases(root *yaml.Node) bool {
	c := &aliasCheck{d: d, sizes: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}}
	c.walk(root)
	return !c.failed
}

// walk returns the expanded size of n, saturating above maxAliasNodes.
// Anchors always precede their aliases in document order, so the size of an
// alias's target is known when the alias is met, unless the alias is inside
// its own anchor, which makes a cycle.
func (c *aliasCheck) walk(n *yaml.Node) int {
	if c.failed || n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil || c.open[t] {
			c.d.errorf(n, "", "alias `*%s` refers to an anchor that contains it", clip(n.Value))
			c.failed = true
			return 0
		}
		size, ok := c.sizes[t]
		if !ok {
			size = c.walk(t)
		}
		c.expanded += size
		if c.expanded > maxAliasNodes {
			c.d.errorf(n, "", "document contains excessive aliasing (aliases expand to more than %d nodes)", maxAliasNodes)
			c.failed = true
		}
		return size
	}
	if n.Anchor != "" {
		c.open[n] = true
	}
	size := 1
	for _, ch := range n.Content {
		size = min(size+c.walk(ch), maxAliasNodes+1)
	}
	if n.Anchor != "" {
		delete(c.open, n)
		c.sizes[n] = size
	}
	return size
}
