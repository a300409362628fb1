//go:build race

package targets_test

// raceEnabled: the race detector slows the generator and the target (they
// share this test process) by about 10x, which the accuracy check cannot absorb.
const raceEnabled = true
