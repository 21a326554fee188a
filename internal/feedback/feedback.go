// Package feedback is the seam between the survey module and the modules
// that ask their participants for feedback (workshops, speed networking,
// meetings): they never read the survey tables, they ask a Provider.
//
// The survey module implements Provider; a module gets it in its Init from
// env.Modules["survey"] (survey has a lower Order) with a type assertion,
// and works without it (no feedback link) when the survey module is absent.
package feedback

import (
	"context"
	"time"
)

// A Request asks for the feedback form of one thing, named by Owner: a
// stable key of the asking module, e.g. "workshop:12" or "networking:2026".
type Request struct {
	Owner string
	// Title is the form's heading, e.g. "Zpětná vazba: Workshop Komunikace s klientem".
	Title string
	// Opens and Closes bound the time answers are taken (Closes may be zero: open-ended).
	Opens, Closes time.Time
	// Audience says who is asked, for the form's introduction ("účastníci workshopu").
	Audience string
}

// A Form is the feedback form made for a Request.
type Form struct {
	SurveyID int64
	// RespondURL is the public path where a participant answers (anonymously),
	// ResultsURL the path of the summary for staff.
	RespondURL, ResultsURL string
}

// A Result summarises the answers given to one owner's form.
type Result struct {
	Responses int
	// MeanSatisfaction is the mean of the form's satisfaction question on a
	// 1–5 scale (5 best), 0 when nobody answered it.
	MeanSatisfaction float64
	ResultsURL       string
}

// Provider makes feedback forms and summarises them.
type Provider interface {
	// EnsureFeedback returns the owner's form, creating it from the standard
	// feedback template the first time (the same Owner always gets the same
	// form; a changed Title or dates update it).
	EnsureFeedback(ctx context.Context, r Request) (Form, error)
	// FeedbackResults returns the results of the forms of the given owners;
	// an owner without a form is absent from the map. One call, a fixed
	// number of queries, whatever the number of owners.
	FeedbackResults(ctx context.Context, owners []string) (map[string]Result, error)
}
