package reporters

// Noter is an optional ability of a Reporter: after its Finish, Notes
// returns plain-language caveats for the run's summary, e.g. that a network
// sink could not deliver some intervals. cmd finishes such reporters before
// the ones that print or write the summary and appends their notes to
// Summary.Notes (see CollectNotes).
type Noter interface {
	Notes() []string
}

// CollectNotes returns the notes of every reporter in rs that is a Noter, in
// order.
func CollectNotes(rs ...Reporter) []string {
	var notes []string
	for _, r := range rs {
		if n, ok := r.(Noter); ok {
			notes = append(notes, n.Notes()...)
		}
	}
	return notes
}
