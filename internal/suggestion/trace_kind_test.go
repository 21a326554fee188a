package suggestion

import "testing"

// A draft or internal resolution still wears the "Usnesení" badge on the
// desk, and still never shows on the public page.
func TestTraceStepKinds(t *testing.T) {
	for kind, want := range map[string]string{
		TraceMeeting: "suggestion.trace.kind.meeting", TraceResolution: "suggestion.trace.kind.resolution",
		"resolution-draft": "suggestion.trace.kind.resolution", "resolution-internal": "suggestion.trace.kind.resolution",
		TraceTask: "suggestion.trace.kind.task", "state": "",
	} {
		if got := (TraceStep{Kind: kind}).KindKey(); got != want {
			t.Errorf("KindKey(%q) = %q, want %q", kind, got, want)
		}
	}
	if (TraceStep{Kind: "resolution-draft"}).PublicStep() {
		t.Error("a draft resolution is public")
	}
}
