package survey

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/feedback"
	"kpss/internal/store"
)

// SatisfactionCode is the code of the standard feedback template's 1–5
// satisfaction question, whose mean FeedbackResults reports.
const SatisfactionCode = "spokojenost"

// FeedbackTemplate returns the questions of the standard feedback form.
func FeedbackTemplate() []Question {
	return []Question{
		{Code: SatisfactionCode, Kind: Scale, Required: true, ScaleMin: 1, ScaleMax: 5,
			Label: "Jak jste byl(a) celkově spokojen(a)?", Help: "1 znamená velmi nespokojen(a), 5 velmi spokojen(a).",
			MinLabel: "velmi nespokojen(a)", MaxLabel: "velmi spokojen(a)"},
		{Code: "prinos", Kind: Single, Label: "Přineslo vám to něco, co využijete?",
			Options: []string{"Ano", "Spíše ano", "Spíše ne", "Ne"}},
		{Code: "nejlepsi", Kind: LongText, Label: "Co se vám líbilo nejvíc?"},
		{Code: "zlepseni", Kind: LongText, Label: "Co bychom měli příště udělat jinak?"},
		{Code: "doporuceni", Kind: Single, Label: "Doporučil(a) byste to ostatním?",
			Options: []string{"Ano", "Ne", "Nevím"}},
	}
}

// EnsureFeedback returns the feedback form of r.Owner, creating it from the
// standard template (anonymous, public link, published) the first time; a
// changed title, audience or dates update it. It implements
// feedback.Provider.
func (s *Service) EnsureFeedback(ctx context.Context, r feedback.Request) (feedback.Form, error) {
	r.Owner, r.Title = strings.TrimSpace(r.Owner), strings.TrimSpace(r.Title)
	if r.Owner == "" || r.Title == "" {
		return feedback.Form{}, apperr.New(apperr.Invalid, "survey.err.feedback_request")
	}
	opens, closes := timePtr(r.Opens), timePtr(r.Closes)
	intro := "Děkujeme, že nám pomůžete akci zlepšit. Odpovědi jsou anonymní a vyplnění zabere asi dvě minuty."
	if r.Audience != "" {
		intro = "Dotazník je určen pro: " + r.Audience + ". " + intro
	}
	var v Survey
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findSurvey(ctx, tx, "owner = ?", r.Owner)
		if apperr.CodeOf(err) == apperr.NotFound {
			v = Survey{Title: r.Title, Intro: intro, Thanks: "Děkujeme za vaši zpětnou vazbu.", Audience: r.Audience, Owner: r.Owner,
				PublicLink: true, Anonymous: true, State: Published, OpensAt: opens, ClosesAt: closes, MinGroup: 5}
			if err := v.Validate(); err != nil {
				return err
			}
			qs := FeedbackTemplate()
			for i := range qs {
				qs[i].Position = i + 1
				if err := qs[i].Validate(); err != nil {
					return err
				}
			}
			return s.create(ctx, tx, &v, qs)
		}
		if err != nil {
			return err
		}
		v = before
		if before.Title == r.Title && before.Audience == r.Audience && sameTime(before.OpensAt, opens) && sameTime(before.ClosesAt, closes) {
			return nil
		}
		v.Title, v.Audience, v.OpensAt, v.ClosesAt, v.UpdatedAt = r.Title, r.Audience, opens, closes, s.now()
		if err := v.Validate(); err != nil {
			return err
		}
		if err := updateSurvey(ctx, tx, &v); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "survey", EntityID: v.ID, Summary: v.Title, Before: &before, After: &v})
	})
	if err != nil {
		return feedback.Form{}, err
	}
	return feedback.Form{SurveyID: v.ID, RespondURL: v.RespondURL(), ResultsURL: v.URL() + "/vysledky"}, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// FeedbackResults summarises the forms of owners in one query. It
// implements feedback.Provider.
func (s *Service) FeedbackResults(ctx context.Context, owners []string) (map[string]feedback.Result, error) {
	out := map[string]feedback.Result{}
	if len(owners) == 0 {
		return out, nil
	}
	args := []any{SatisfactionCode}
	for _, o := range owners {
		args = append(args, o)
	}
	rows, err := s.DB.Query(ctx, `SELECT s.owner, s.id,
			(SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id AND r.state = 'complete'),
			(SELECT AVG(a.num) FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
				WHERE a.survey_id = s.id AND a.item = 0 AND q.code = ? AND q.kind = 'scale')
		FROM surveys s WHERE s.owner IN (`+store.Placeholders(len(owners))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			owner string
			id    int64
			n     int
			mean  sql.NullFloat64
		)
		if err := rows.Scan(&owner, &id, &n, &mean); err != nil {
			return nil, err
		}
		v := Survey{ID: id}
		out[owner] = feedback.Result{Responses: n, MeanSatisfaction: mean.Float64, ResultsURL: v.URL() + "/vysledky"}
	}
	return out, rows.Err()
}

var _ feedback.Provider = (*Service)(nil)
