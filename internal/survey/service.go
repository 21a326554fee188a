package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/outbox"
	"kpss/internal/store"
)

// Service runs the surveys' rules: validation, anonymity, single-use
// invitations, and one audit row per change in the change's transaction.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
	// Outbox queues the invitations and reminders (nil: none can be sent).
	Outbox *outbox.Outbox
	// BaseURL starts the links in e-mails.
	BaseURL string
}

// NewService returns the surveys' service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time) *Service {
	return &Service{DB: db, Audit: log, Now: now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// newKey returns a random key of n bytes in lower-case base32 (for links).
func newKey(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(strings.TrimRight(base32.StdEncoding.EncodeToString(b), "="))
}

// randomID returns a random positive id below 2^53 (exact in JSON numbers):
// response ids say nothing about the order in which people answered.
func randomID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>11) + 1
}

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

// FindSurveys returns the surveys matching f, newest first, with their
// numbers of complete responses, and the total count.
func (s *Service) FindSurveys(ctx context.Context, f Filter) ([]Survey, int, error) {
	return findSurveys(ctx, s.DB, f)
}

// FindSurvey returns the survey id with its questions. Errors: not_found.
func (s *Service) FindSurvey(ctx context.Context, id int64) (*Survey, []Question, error) {
	v, err := findSurvey(ctx, s.DB, "id = ?", id)
	if err != nil {
		return nil, nil, err
	}
	qs, err := findQuestions(ctx, s.DB, id)
	if err != nil {
		return nil, nil, err
	}
	if v.Responses, err = countResponses(ctx, s.DB, id); err != nil {
		return nil, nil, err
	}
	return &v, qs[id], nil
}

// FindPublic returns the survey of a public key with its questions, for the
// respondents' form; a draft is not found. Errors: not_found.
func (s *Service) FindPublic(ctx context.Context, key string) (*Survey, []Question, error) {
	v, err := findSurvey(ctx, s.DB, "public_key = ?", key)
	if err != nil {
		return nil, nil, err
	}
	if v.State == Draft {
		return nil, nil, apperr.NotFoundErr("survey")
	}
	qs, err := findQuestions(ctx, s.DB, v.ID)
	if err != nil {
		return nil, nil, err
	}
	return &v, qs[v.ID], nil
}

// CreateSurvey stores a new survey with its questions (numbered in the
// given order; empty codes become q1, q2 …). Errors: invalid.
func (s *Service) CreateSurvey(ctx context.Context, v Survey, qs []Question) (*Survey, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	for i := range qs {
		qs[i].Position = i + 1
		if qs[i].Code == "" {
			qs[i].Code = fmt.Sprintf("q%d", i+1)
		}
		if err := qs[i].Validate(); err != nil {
			return nil, err
		}
	}
	if err := ValidateQuestions(qs); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		return s.create(ctx, tx, &v, qs)
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func (s *Service) create(ctx context.Context, tx *store.Tx, v *Survey, qs []Question) error {
	v.CreatedAt = s.now()
	v.UpdatedAt = v.CreatedAt
	if v.PublicKey == "" {
		v.PublicKey = newKey(10)
	}
	if err := insertSurvey(ctx, tx, v); err != nil {
		return store.AppError(err, "survey")
	}
	for i := range qs {
		qs[i].SurveyID = v.ID
		if err := insertQuestion(ctx, tx, &qs[i]); err != nil {
			return err
		}
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "survey", EntityID: v.ID, Summary: v.Title,
		After: struct {
			*Survey
			Questions int `json:"questions"`
		}{v, len(qs)}})
}

// UpdateSurvey replaces the survey's own fields (not its questions). An
// anonymous survey with responses cannot stop being anonymous; making a
// survey anonymous drops the precise times of its responses and the links
// of invitations to them. Errors: not_found, invalid, conflict.
func (s *Service) UpdateSurvey(ctx context.Context, id int64, v Survey) (*Survey, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findSurvey(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		n, err := countAllResponses(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Anonymous && !v.Anonymous && n > 0 {
			f := apperr.Fields{}
			f.Add("anonymous", "survey.err.anonymity_locked")
			return f.Err()
		}
		v.ID, v.CreatedAt, v.PublicKey, v.Owner = id, before.CreatedAt, before.PublicKey, before.Owner
		v.UpdatedAt = s.now()
		if err := updateSurvey(ctx, tx, &v); err != nil {
			return err
		}
		if v.Anonymous && !before.Anonymous {
			if err := forgetLinks(ctx, tx, id); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "survey", EntityID: id, Summary: v.Title, Before: &before, After: &v})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func countAllResponses(ctx context.Context, q store.Q, surveyID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, surveyID).Scan(&n)
	return n, err
}

// forgetLinks removes what could tie a response to a person: precise times
// and the invitations' links and times of use.
func forgetLinks(ctx context.Context, q store.Q, surveyID int64) error {
	if _, err := q.Exec(ctx, `UPDATE survey_responses SET submitted_at = NULL WHERE survey_id = ?`, surveyID); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `UPDATE survey_invitations SET response_id = NULL, used_at = NULL WHERE survey_id = ?`, surveyID)
	return err
}

// SetState publishes, closes or reopens a survey (a published survey needs
// at least one question). Errors: not_found, conflict.
func (s *Service) SetState(ctx context.Context, id int64, st State) (*Survey, error) {
	var v Survey
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findSurvey(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if st != Draft && st != Published && st != Closed {
			return apperr.New(apperr.Invalid, "survey.err.state")
		}
		if st == Published {
			qs, err := findQuestions(ctx, tx, id)
			if err != nil {
				return err
			}
			if len(qs[id]) == 0 {
				return apperr.New(apperr.Conflict, "survey.err.no_questions")
			}
		}
		v = before
		v.State, v.UpdatedAt = st, s.now()
		if err := updateSurvey(ctx, tx, &v); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "survey_state", Entity: "survey", EntityID: id, Summary: v.Title, Before: &before, After: &v})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Submission is one complete response to store.
type Submission struct {
	Channel Channel
	Answers Answers
	// FormNumber is the number written on a paper form (paper entry).
	FormNumber string
	// EnteredBy is the staff account typing in a paper form.
	EnteredBy int64
	// Invitation is the personal token the respondent came with (Token).
	Invitation string
	// Resume is the key of the draft this response finishes (deleted with it).
	Resume string
}

// CheckAnswers validates the answers of the visible questions and drops the
// answers of hidden ones. The error's fields are the questions' form fields
// (q12), each message prefixed with the question's number.
func CheckAnswers(qs []Question, a Answers) (Answers, error) {
	f := apperr.Fields{}
	kept := Answers{}
	for _, q := range VisibleQuestions(qs, a) {
		v := a[q.Code]
		if m := CheckAnswer(&q, v); m != nil {
			args := []any{"Number", q.Position, "Label", q.Label}
			for k, x := range m.Args {
				args = append(args, k, x)
			}
			f.Add(q.Field(), m.Key, args...)
			continue
		}
		if !v.Empty() {
			kept[q.Code] = v
		}
	}
	return kept, f.Err()
}

// Submit stores a complete response to survey id. The survey must be open
// (paper entry also while it is closed); a link response needs the public
// link on, a token response an unused invitation of the survey. Errors:
// not_found, invalid (fields by question), conflict (closed, token used).
func (s *Service) Submit(ctx context.Context, id int64, sub Submission) (int64, error) {
	v, qs, err := s.FindSurvey(ctx, id)
	if err != nil {
		return 0, err
	}
	now := s.now()
	switch sub.Channel {
	case Paper:
		if v.State == Draft {
			return 0, apperr.New(apperr.Conflict, "survey.err.draft")
		}
	case Link:
		if !v.PublicLink {
			return 0, apperr.NotFoundErr("survey")
		}
		fallthrough
	default:
		if !v.Open(now) {
			return 0, apperr.New(apperr.Conflict, "survey.err.closed")
		}
	}
	answers, err := CheckAnswers(qs, sub.Answers)
	if err != nil {
		return 0, err
	}
	sub.FormNumber = strings.TrimSpace(sub.FormNumber)
	if len(sub.FormNumber) > 40 {
		f := apperr.Fields{}
		f.Add("form_number", "err.too_long", "Max", 40)
		return 0, f.Err()
	}
	rid := randomID()
	if !v.Anonymous {
		// Not anonymous: the audit shows who typed in or sent what.
	} else if sub.Channel != Paper {
		// Anonymous: no address or account of the respondent in the log.
		ctx = audit.WithActor(ctx, audit.Actor{})
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		var invID int64
		if sub.Channel == Token {
			if invID, err = useInvitation(ctx, tx, v.ID, sub.Invitation); err != nil {
				return err
			}
		}
		var at any
		if !v.Anonymous {
			at = now
		}
		var by any
		if sub.Channel == Paper && sub.EnteredBy != 0 {
			by = sub.EnteredBy
		}
		if _, err := tx.Exec(ctx, `INSERT INTO survey_responses (id, survey_id, channel, state, entered_by, form_number, submitted_on, submitted_at) VALUES (?, ?, ?, 'complete', ?, ?, ?, ?)`,
			rid, v.ID, sub.Channel, by, sub.FormNumber, store.Date{Time: dayOf(now)}, at); err != nil {
			return err
		}
		if sub.Resume != "" {
			if _, err := tx.Exec(ctx, `DELETE FROM survey_responses WHERE survey_id = ? AND resume_hash = ? AND state = 'partial'`, v.ID, hashKey(sub.Resume)); err != nil {
				return err
			}
		}
		rows := encodeAnswers(qs, answers)
		if err := insertAnswers(ctx, tx, v.ID, rid, rows); err != nil {
			return err
		}
		if err := addTallies(ctx, tx, v.ID, rows); err != nil {
			return err
		}
		if invID != 0 {
			// Conditional, so that two answers racing with one link cannot both win.
			var (
				res sql.Result
				err error
			)
			if v.Anonymous {
				res, err = tx.Exec(ctx, `UPDATE survey_invitations SET used = ? WHERE id = ? AND used = ?`, true, invID, false)
			} else {
				res, err = tx.Exec(ctx, `UPDATE survey_invitations SET used = ?, used_at = ?, response_id = ? WHERE id = ? AND used = ?`, true, now, rid, invID, false)
			}
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.New(apperr.Conflict, "survey.err.token_used")
			}
		}
		entry := audit.Entry{Action: "survey_respond", Entity: "survey", EntityID: v.ID, Summary: v.Title,
			After: map[string]any{"channel": sub.Channel, "answers": len(answers)}}
		if sub.Channel == Paper {
			entry.After = map[string]any{"channel": sub.Channel, "answers": len(answers), "form_number": sub.FormNumber}
		}
		return s.Audit.Record(ctx, tx, entry)
	})
	if err != nil {
		return 0, err
	}
	return rid, nil
}

// dayOf is the day in Prague of t.
func dayOf(t time.Time) time.Time {
	p := t.In(prague)
	return time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)
}

var prague = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Prague"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// useInvitation finds the unused invitation of token in the survey.
func useInvitation(ctx context.Context, q store.Q, surveyID int64, token string) (int64, error) {
	var (
		id   int64
		used bool
	)
	h := hashKey(token)
	err := q.QueryRow(ctx, `SELECT id, used FROM survey_invitations WHERE survey_id = ? AND (token_hash = ? OR old_hash = ?)`, surveyID, h, h).Scan(&id, &used)
	if err != nil {
		return 0, apperr.New(apperr.NotFound, "survey.err.token_unknown")
	}
	if used {
		return 0, apperr.New(apperr.Conflict, "survey.err.token_used")
	}
	return id, nil
}

// RebuildTallies recounts the stored counts of survey id from its answers
// (they are kept up to date by every response; this is for repairs and
// bulk loads). Errors: not_found.
func (s *Service) RebuildTallies(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := findSurvey(ctx, tx, "id = ?", id); err != nil {
			return err
		}
		return rebuildTallies(ctx, tx, id)
	})
}
