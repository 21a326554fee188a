package grant

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/czech"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Assignment states.
const (
	AssignAssigned  = "assigned"  // the evaluator has not declared yet: sees nothing of the application
	AssignDeclared  = "declared"  // declared no conflict of interest: scores
	AssignConflict  = "conflict"  // declared a conflict: the coordinator assigns someone else
	AssignSubmitted = "submitted" // scores submitted: frozen, sees the others' scores
)

// Flag kinds of a budget line.
const (
	FlagIneligible = "ineligible" // the cost may not be paid from the grant
	FlagOverstated = "overstated" // the cost is higher than it should be
)

// Assignment is an evaluator's evaluation of one application.
type Assignment struct {
	ID            int64           `json:"id"`
	ApplicationID int64           `json:"application_id"`
	EvaluatorID   int64           `json:"evaluator_id"`
	Third         bool            `json:"third"`
	Reason        string          `json:"reason,omitempty"`
	State         string          `json:"state"`
	DeclaredAt    *time.Time      `json:"declared_at"`
	Recommend     bool            `json:"recommend"`
	Total         *Points         `json:"total"`
	Summary       string          `json:"summary"`
	SubmittedAt   *time.Time      `json:"submitted_at"`
	CreatedAt     time.Time       `json:"created_at"`
	Scores        map[int64]Score `json:"scores"`
	Flags         map[int64]Flag  `json:"flags"`
	EvaluatorName string          `json:"-"`
	CallID        int64           `json:"-"`
}

// Score is the score of one criterion with its comment.
type Score struct {
	Score   *int   `json:"score"`
	Comment string `json:"comment"`
}

// Flag marks a budget line as ineligible or overstated by Amount.
type Flag struct {
	Kind   string `json:"kind"`
	Amount CZK    `json:"amount"`
	Note   string `json:"note"`
}

// Counts reports whether the assignment is one of the application's
// evaluations (not one the evaluator declined for a conflict).
func (a *Assignment) Counts() bool { return a.State != AssignConflict }

// TotalOf is the total of scores in points of 100: Σ weight × score / scale.
func TotalOf(c *Call, scores map[int64]Score) float64 {
	var t float64
	for _, cr := range c.Criteria {
		if s := scores[cr.ID].Score; s != nil {
			t += float64(cr.Weight) * float64(*s) / float64(c.ScaleMax)
		}
	}
	return math.Round(t*100) / 100
}

// ScoreField names a scoring form's field of a criterion.
func ScoreField(criterionID int64, part string) string { return "k" + itoa(criterionID) + "_" + part }

// FlagField names a scoring form's field of a budget line.
func FlagField(lineID int64, part string) string { return "l" + itoa(lineID) + "_" + part }

// ValidateScores checks an evaluation: every score within the scale; on
// submission every criterion scored and every score below the maximum
// explained by a comment; flags of lines of the application with an
// amount within the line's request.
func ValidateScores(c *Call, app *Application, in *Assignment, submit bool) error {
	f := apperr.Fields{}
	for _, cr := range c.Criteria {
		s, ok := in.Scores[cr.ID]
		switch {
		case !ok || s.Score == nil:
			if submit {
				f.Add(ScoreField(cr.ID, "score"), "grant.err.score_missing", "Criterion", cr.Name)
			}
		case *s.Score < 0 || *s.Score > c.ScaleMax:
			f.Add(ScoreField(cr.ID, "score"), "grant.err.score_range", "Max", c.ScaleMax)
		case submit && *s.Score < c.ScaleMax && strings.TrimSpace(s.Comment) == "":
			f.Add(ScoreField(cr.ID, "comment"), "grant.err.comment_below_max", "Criterion", cr.Name, "Max", c.ScaleMax)
		}
		checkLen(f, ScoreField(cr.ID, "comment"), s.Comment, 4000)
	}
	lines := map[int64]BudgetLine{}
	for _, sv := range app.Services {
		for _, l := range sv.Lines {
			lines[l.ID] = l
		}
	}
	for id, fl := range in.Flags {
		l, ok := lines[id]
		if !ok {
			return apperr.New(apperr.Invalid, "err.bad_reference")
		}
		switch {
		case fl.Kind != FlagIneligible && fl.Kind != FlagOverstated:
			f.Add(FlagField(id, "kind"), "grant.err.choose")
		case fl.Amount <= 0 || fl.Amount > l.Requested:
			f.Add(FlagField(id, "amount"), "grant.err.flag_amount", "Max", czk(l.Requested))
		}
		checkLen(f, FlagField(id, "note"), fl.Note, 1000)
	}
	checkLen(f, "summary", in.Summary, 4000)
	return f.Err()
}

// --- store

func findAssignments(ctx context.Context, q store.Q, where string, args ...any) ([]Assignment, error) {
	rows, err := q.Query(ctx, `SELECT g.id, g.application_id, g.evaluator_id, g.third, g.reason, g.state, g.declared_at, g.recommend, g.total, g.summary,
		g.submitted_at, g.created_at, u.full_name, u.login, a.call_id
		FROM grant_assignments g JOIN users u ON u.id = g.evaluator_id JOIN grant_applications a ON a.id = g.application_id
		WHERE `+where+` ORDER BY g.application_id, g.third, g.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	idx := map[int64]int{}
	for rows.Next() {
		var g Assignment
		var declared, submitted sql.NullTime
		var total sql.NullFloat64
		var name, login string
		if err := rows.Scan(&g.ID, &g.ApplicationID, &g.EvaluatorID, &g.Third, &g.Reason, &g.State, &declared, &g.Recommend, &total, &g.Summary,
			&submitted, &g.CreatedAt, &name, &login, &g.CallID); err != nil {
			rows.Close()
			return nil, err
		}
		if declared.Valid {
			t := declared.Time
			g.DeclaredAt = &t
		}
		if submitted.Valid {
			t := submitted.Time
			g.SubmittedAt = &t
		}
		if total.Valid {
			v := Points(total.Float64)
			g.Total = &v
		}
		g.EvaluatorName = name
		if name == "" {
			g.EvaluatorName = login
		}
		g.Scores, g.Flags = map[int64]Score{}, map[int64]Flag{}
		idx[g.ID] = len(out)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, len(out))
	for i, g := range out {
		ids[i] = g.ID
	}
	list := joinIDs(ids)
	srows, err := q.Query(ctx, `SELECT assignment_id, criterion_id, score, comment FROM grant_scores WHERE assignment_id IN (`+list+`)`)
	if err != nil {
		return nil, err
	}
	for srows.Next() {
		var aid, cid int64
		var sc sql.NullInt64
		var s Score
		if err := srows.Scan(&aid, &cid, &sc, &s.Comment); err != nil {
			srows.Close()
			return nil, err
		}
		if sc.Valid {
			v := int(sc.Int64)
			s.Score = &v
		}
		out[idx[aid]].Scores[cid] = s
	}
	srows.Close()
	if err := srows.Err(); err != nil {
		return nil, err
	}
	frows, err := q.Query(ctx, `SELECT assignment_id, line_id, kind, amount, note FROM grant_flags WHERE assignment_id IN (`+list+`)`)
	if err != nil {
		return nil, err
	}
	defer frows.Close()
	for frows.Next() {
		var aid, lid int64
		var fl Flag
		if err := frows.Scan(&aid, &lid, &fl.Kind, &fl.Amount, &fl.Note); err != nil {
			return nil, err
		}
		out[idx[aid]].Flags[lid] = fl
	}
	return out, frows.Err()
}

func findAssignment(ctx context.Context, q store.Q, id int64) (Assignment, error) {
	gs, err := findAssignments(ctx, q, "g.id = ?", id)
	if err != nil {
		return Assignment{}, err
	}
	if len(gs) == 0 {
		return Assignment{}, apperr.NotFoundErr("grant_assignment")
	}
	return gs[0], nil
}

func (s *Service) callAssignments(ctx context.Context, q store.Q, callID int64) ([]Assignment, error) {
	return findAssignments(ctx, q, "a.call_id = ?", callID)
}

// --- evaluators and conflicts of interest

// Evaluators are the active accounts with the evaluator role, by name.
func (s *Service) Evaluators(ctx context.Context) ([]*auth.User, error) {
	us, _, err := s.Auth.FindUsers(ctx, auth.UserFilter{Role: auth.RoleEvaluator, Paging: store.Paging{PerPage: 200}})
	if err != nil {
		return nil, err
	}
	us = slices.DeleteFunc(us, func(u *auth.User) bool { return !u.Active })
	czech.SortBy(us, func(u *auth.User) string { return u.DisplayName() })
	return us, nil
}

// Conflicts says, for each evaluator, the organisations they may never
// evaluate by the partners registry: the organisation their account
// represents, and the organisation of the person their account is (an
// employee, member or contact person of the applicant). One query per
// evaluator with a person, none per application.
func (s *Service) Conflicts(ctx context.Context, evaluators []*auth.User) (map[int64]map[int64]string, error) {
	out := map[int64]map[int64]string{}
	for _, u := range evaluators {
		m := map[int64]string{}
		if u.OrganisationID != nil {
			m[*u.OrganisationID] = "grant.coi.account"
		}
		if u.PersonID != nil {
			p, err := s.Partners.FindPersonByID(ctx, *u.PersonID)
			if err != nil && apperr.CodeOf(err) != apperr.NotFound {
				return nil, err
			}
			if p != nil && p.OrganisationID != nil {
				m[*p.OrganisationID] = "grant.coi.person"
			}
		}
		out[u.ID] = m
	}
	return out, nil
}

var _ = partner.Person{}

// Candidate is an evaluator as offered for an application.
type Candidate struct {
	User *auth.User
	Load int // assignments in the call
}

// candidates are the evaluators offered for app: never one in conflict by
// the registry, never one already assigned; least loaded first.
func candidates(app *Application, evaluators []*auth.User, conflicts map[int64]map[int64]string, load map[int64]int, assigned map[int64]bool) []Candidate {
	var out []Candidate
	for _, u := range evaluators {
		if _, coi := conflicts[u.ID][app.OrganisationID]; coi || assigned[u.ID] {
			continue
		}
		out = append(out, Candidate{User: u, Load: load[u.ID]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Load < out[j].Load })
	return out
}

// AssignmentBoard is the coordinator's view of a call's assignments.
type AssignmentBoard struct {
	Call       *Call
	Rows       []BoardRow
	Evaluators []*auth.User
	Load       map[int64]int
	Suggested  int // how many assignments the suggestion would add
}

// Excluded is an evaluator never offered for an application, and why (an i18n key).
type Excluded struct{ Who, Why string }

// BoardRow is one application on the board.
type BoardRow struct {
	App        *Application
	Assigned   []Assignment
	Candidates []Candidate
	Excluded   []Excluded // evaluators never offered (registry), with why
	Suggestion []*auth.User
	Disagree   string // why a third evaluator is needed
}

// Board lays out the call's passed applications with their evaluators,
// the candidates (no conflict, least loaded first) and a suggestion that
// fills every application up to two counted evaluators balancing the load.
func (s *Service) Board(ctx context.Context, c *Call) (*AssignmentBoard, error) {
	apps, err := s.FindApplications(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	gs, err := s.callAssignments(ctx, s.DB, c.ID)
	if err != nil {
		return nil, err
	}
	evs, err := s.Evaluators(ctx)
	if err != nil {
		return nil, err
	}
	conflicts, err := s.Conflicts(ctx, evs)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range evs {
		names[u.ID] = u.DisplayName()
	}
	byApp := map[int64][]Assignment{}
	load := map[int64]int{}
	for _, g := range gs {
		byApp[g.ApplicationID] = append(byApp[g.ApplicationID], g)
		if g.Counts() {
			load[g.EvaluatorID]++
		}
	}
	b := &AssignmentBoard{Call: c, Evaluators: evs, Load: load}
	sugLoad := map[int64]int{}
	for k, v := range load {
		sugLoad[k] = v
	}
	for i := range apps {
		a := &apps[i]
		if a.State != StatePassed {
			continue
		}
		row := BoardRow{App: a, Assigned: byApp[a.ID]}
		assigned := map[int64]bool{}
		counted := 0
		for _, g := range row.Assigned {
			assigned[g.EvaluatorID] = true
			if g.Counts() {
				counted++
			}
		}
		row.Candidates = candidates(a, evs, conflicts, load, assigned)
		for _, u := range evs {
			if why, ok := conflicts[u.ID][a.OrganisationID]; ok {
				row.Excluded = append(row.Excluded, Excluded{Who: u.DisplayName(), Why: why})
			}
		}
		for n := counted; n < 2; n++ {
			cs := candidates(a, evs, conflicts, sugLoad, assigned)
			if len(cs) == 0 {
				break
			}
			row.Suggestion = append(row.Suggestion, cs[0].User)
			assigned[cs[0].User.ID] = true
			sugLoad[cs[0].User.ID]++
			b.Suggested++
		}
		row.Disagree = needThird(c, row.Assigned)
		for _, g := range row.Assigned {
			if g.Third && g.Counts() {
				row.Disagree = "" // the third evaluation says why
			}
		}
		b.Rows = append(b.Rows, row)
	}
	return b, nil
}

func (s *Service) insertAssignment(ctx context.Context, tx *store.Tx, c *Call, a *Application, u *auth.User, third bool, reason string) (int64, error) {
	id, err := store.InsertID(ctx, tx, `INSERT INTO grant_assignments (application_id, evaluator_id, third, reason, state, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ID, u.ID, third, reason, AssignAssigned, s.now())
	if err != nil {
		return 0, store.AppError(err, "grant_assignment")
	}
	summary := fmt.Sprintf("%s → %s (%s)", u.DisplayName(), a.Organisation, c.Title)
	if third {
		summary += ": " + reason
	}
	if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "assign", Entity: "grant_assignment", EntityID: id, Summary: summary,
		After: map[string]any{"application_id": a.ID, "evaluator_id": u.ID, "third": third, "reason": reason}}); err != nil {
		return 0, err
	}
	if s.Outbox != nil && u.Email != "" {
		var b strings.Builder
		fmt.Fprintf(&b, "Dobrý den,\n\nbyl(a) jste určen(a) jako hodnotitel(ka) žádosti do výzvy „%s“.\n", c.Title)
		if third {
			fmt.Fprintf(&b, "Jde o třetí hodnocení, protože se první dva hodnotitelé rozcházejí: %s.\n", reason)
		}
		fmt.Fprintf(&b, "\nNež žádost uvidíte, prohlásíte, že u ní nejste ve střetu zájmů.\nHodnocení: %s\n", s.link("/dotace/hodnoceni/"+itoa(id)))
		if !c.EvaluateUntil.IsZero() {
			fmt.Fprintf(&b, "Termín hodnocení: %s\n", czDate(c.EvaluateUntil))
		}
		b.WriteString(signature)
		if err := s.Outbox.Enqueue(ctx, tx, "assigned", "grant_assignment:"+itoa(id), mail.Message{To: []string{u.Email},
			Subject: "Hodnocení žádosti: " + c.Title, Text: b.String()}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// Assign makes evaluator the evaluator of application appID. Errors:
// not_found, conflict (a conflict of interest by the registry, already
// assigned, the application is not evaluated).
func (s *Service) Assign(ctx context.Context, appID, evaluatorID int64) error {
	a, err := s.FindApplication(ctx, appID)
	if err != nil {
		return err
	}
	if a.State != StatePassed {
		return apperr.New(apperr.Conflict, "grant.err.not_passed")
	}
	c, err := findCall(ctx, s.DB, a.CallID)
	if err != nil {
		return err
	}
	evs, err := s.Evaluators(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(evs, func(u *auth.User) bool { return u.ID == evaluatorID })
	if i < 0 {
		f := apperr.Fields{}
		f.Add("evaluator_id", "grant.err.not_evaluator")
		return f.Err()
	}
	conflicts, err := s.Conflicts(ctx, evs[i:i+1])
	if err != nil {
		return err
	}
	if _, coi := conflicts[evaluatorID][a.OrganisationID]; coi {
		return apperr.New(apperr.Conflict, "grant.err.coi_registry")
	}
	if c.Phase(s.Today()) == PhaseDecided {
		return apperr.New(apperr.Conflict, "grant.err.decided")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := s.insertAssignment(ctx, tx, &c, a, evs[i], false, "")
		if err != nil && apperr.CodeOf(err) == apperr.Conflict {
			return apperr.New(apperr.Conflict, "grant.err.already_assigned")
		}
		return err
	})
}

// ApplySuggestion assigns what Board suggests; it returns how many.
func (s *Service) ApplySuggestion(ctx context.Context, c *Call) (int, error) {
	b, err := s.Board(ctx, c)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, row := range b.Rows {
			for _, u := range row.Suggestion {
				if _, err := s.insertAssignment(ctx, tx, c, row.App, u, false, ""); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// Unassign removes an assignment nothing was scored in yet.
func (s *Service) Unassign(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := findAssignment(ctx, tx, id)
		if err != nil {
			return err
		}
		if g.State == AssignSubmitted || g.State == AssignDeclared && len(g.Scores) > 0 {
			return apperr.New(apperr.Conflict, "grant.err.unassign_scored")
		}
		for _, q := range []string{`DELETE FROM grant_scores WHERE assignment_id = ?`, `DELETE FROM grant_flags WHERE assignment_id = ?`, `DELETE FROM grant_assignments WHERE id = ?`} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "unassign", Entity: "grant_assignment", EntityID: id, Summary: g.EvaluatorName, Before: &g})
	})
}

// FindAssignment returns assignment id. Errors: not_found.
func (s *Service) FindAssignment(ctx context.Context, id int64) (*Assignment, error) {
	g, err := findAssignment(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// EvaluatorAssignments are the evaluator's assignments, newest call first.
func (s *Service) EvaluatorAssignments(ctx context.Context, evaluatorID int64) ([]Assignment, error) {
	gs, err := findAssignments(ctx, s.DB, "g.evaluator_id = ?", evaluatorID)
	slices.Reverse(gs)
	return gs, err
}

// Others are the other evaluations of the assignment's application, blind:
// none until the evaluator submitted their own, then only submitted ones.
func (s *Service) Others(ctx context.Context, g *Assignment) ([]Assignment, error) {
	if g.State != AssignSubmitted {
		return nil, nil
	}
	gs, err := findAssignments(ctx, s.DB, "g.application_id = ? AND g.id <> ? AND g.state = ?", g.ApplicationID, g.ID, AssignSubmitted)
	return gs, err
}

// Declare records the evaluator's declaration about a conflict of interest:
// none (they may see and score the application) or one (the coordinator is
// told and assigns someone else). Errors: not_found, forbidden, conflict.
func (s *Service) Declare(ctx context.Context, id int64, noConflict bool) (*Assignment, error) {
	g, err := s.FindAssignment(ctx, id)
	if err != nil {
		return nil, err
	}
	if u := auth.UserFrom(ctx); u == nil || u.ID != g.EvaluatorID {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if g.State != AssignAssigned {
		return nil, apperr.New(apperr.Conflict, "grant.err.declared")
	}
	state, action := AssignDeclared, "declare"
	if !noConflict {
		state, action = AssignConflict, "declare-conflict"
	}
	now := s.now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE grant_assignments SET state = ?, declared_at = ? WHERE id = ? AND state = ?`, state, now, id, AssignAssigned); err != nil {
			return err
		}
		if state == AssignConflict && s.Outbox != nil {
			if err := s.mailCoordinators(ctx, tx, "conflict", "grant_assignment:"+itoa(id), "Střet zájmů hodnotitele",
				fmt.Sprintf("Hodnotitel(ka) %s prohlásil(a) střet zájmů u žádosti č. %d a žádost nehodnotí. Přidělte prosím jiného hodnotitele: %s\n",
					g.EvaluatorName, g.ApplicationID, s.link("/dotace/vyzvy/"+itoa(g.CallID)+"/hodnotitele"))); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "grant_assignment", EntityID: id,
			Summary: fmt.Sprintf("%s: %s", g.EvaluatorName, state), After: map[string]any{"state": state}})
	})
	if err != nil {
		return nil, err
	}
	g.State, g.DeclaredAt = state, &now
	return g, nil
}

func (s *Service) mailCoordinators(ctx context.Context, q store.Q, kind, ref, subject, text string) error {
	us, _, err := s.Auth.FindUsers(ctx, auth.UserFilter{Role: auth.RoleCoordinator, Paging: store.Paging{PerPage: 50}})
	if err != nil {
		return err
	}
	var to []string
	for _, u := range us {
		if u.Active && u.Email != "" {
			to = append(to, u.Email)
		}
	}
	if len(to) == 0 {
		return nil
	}
	return s.Outbox.Enqueue(ctx, q, kind, ref, mail.Message{To: to, Subject: subject, Text: "Dobrý den,\n\n" + text + signature})
}

// SaveScores stores the evaluator's scores, comments and budget flags;
// submit submits them (all scored, every score below the maximum
// commented) and, once the first two evaluations of the application are
// in and disagree by a rule of the call, assigns a third evaluator (the
// least loaded without a conflict) and tells the coordinator why.
// Errors: not_found, forbidden, invalid, conflict.
func (s *Service) SaveScores(ctx context.Context, id int64, in Assignment, submit bool) (*Assignment, error) {
	g, err := s.FindAssignment(ctx, id)
	if err != nil {
		return nil, err
	}
	if u := auth.UserFrom(ctx); u == nil || u.ID != g.EvaluatorID {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	switch g.State {
	case AssignAssigned:
		return nil, apperr.New(apperr.Conflict, "grant.err.declare_first")
	case AssignConflict:
		return nil, apperr.New(apperr.Conflict, "grant.err.declared_conflict")
	case AssignSubmitted:
		return nil, apperr.New(apperr.Conflict, "grant.err.scores_submitted")
	}
	app, err := s.FindApplication(ctx, g.ApplicationID)
	if err != nil {
		return nil, err
	}
	c, err := findCall(ctx, s.DB, app.CallID)
	if err != nil {
		return nil, err
	}
	if c.Phase(s.Today()) == PhaseDecided {
		return nil, apperr.New(apperr.Conflict, "grant.err.decided")
	}
	if in.Scores == nil {
		in.Scores = map[int64]Score{}
	}
	if in.Flags == nil {
		in.Flags = map[int64]Flag{}
	}
	if err := ValidateScores(&c, app, &in, submit); err != nil {
		return nil, err
	}
	before := *g
	g.Scores, g.Flags, g.Recommend, g.Summary = in.Scores, in.Flags, in.Recommend, strings.TrimSpace(in.Summary)
	total := Points(TotalOf(&c, g.Scores))
	g.Total = &total
	now := s.now()
	action := "score"
	if submit {
		g.State, g.SubmittedAt, action = AssignSubmitted, &now, "submit"
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, q := range []string{`DELETE FROM grant_scores WHERE assignment_id = ?`, `DELETE FROM grant_flags WHERE assignment_id = ?`} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		for _, cr := range c.Criteria {
			sc, ok := g.Scores[cr.ID]
			if !ok {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO grant_scores (assignment_id, criterion_id, score, comment) VALUES (?, ?, ?, ?)`,
				id, cr.ID, sc.Score, strings.TrimSpace(sc.Comment)); err != nil {
				return err
			}
		}
		for lid, fl := range g.Flags {
			if _, err := tx.Exec(ctx, `INSERT INTO grant_flags (assignment_id, line_id, kind, amount, note) VALUES (?, ?, ?, ?, ?)`,
				id, lid, fl.Kind, fl.Amount, strings.TrimSpace(fl.Note)); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE grant_assignments SET state = ?, recommend = ?, total = ?, summary = ?, submitted_at = ? WHERE id = ? AND state = ?`,
			g.State, g.Recommend, g.Total, g.Summary, g.SubmittedAt, id, AssignDeclared)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "grant.err.scores_submitted")
		}
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "grant_assignment", EntityID: id,
			Summary: fmt.Sprintf("%s → %s: %s b.", g.EvaluatorName, app.Organisation, total.String()), Before: &before, After: g}); err != nil {
			return err
		}
		if submit {
			return s.maybeThird(ctx, tx, &c, app)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// maybeThird assigns a third evaluator when the application's first two
// submitted evaluations disagree and it has none yet.
func (s *Service) maybeThird(ctx context.Context, tx *store.Tx, c *Call, app *Application) error {
	gs, err := findAssignments(ctx, tx, "g.application_id = ?", app.ID)
	if err != nil {
		return err
	}
	reason := needThird(c, gs)
	if reason == "" {
		return nil
	}
	assigned := map[int64]bool{}
	for _, g := range gs {
		assigned[g.EvaluatorID] = true
		if g.Third && g.Counts() {
			return nil
		}
	}
	evs, err := s.Evaluators(ctx)
	if err != nil {
		return err
	}
	conflicts, err := s.Conflicts(ctx, evs)
	if err != nil {
		return err
	}
	all, err := s.callAssignments(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	load := map[int64]int{}
	for _, g := range all {
		if g.Counts() {
			load[g.EvaluatorID]++
		}
	}
	cs := candidates(app, evs, conflicts, load, assigned)
	if len(cs) == 0 {
		if s.Outbox != nil {
			return s.mailCoordinators(ctx, tx, "third-missing", appRef(app), "Chybí třetí hodnotitel: "+app.Organisation,
				fmt.Sprintf("Hodnotitelé žádosti %s (%s) se rozcházejí (%s), ale žádný další hodnotitel není bez střetu zájmů. Přidělte prosím třetího hodnotitele ručně: %s\n",
					app.Organisation, c.Title, reason, s.link("/dotace/vyzvy/"+itoa(c.ID)+"/hodnotitele")))
		}
		return nil
	}
	if _, err := s.insertAssignment(ctx, tx, c, app, cs[0].User, true, reason); err != nil {
		return err
	}
	if s.Outbox != nil {
		return s.mailCoordinators(ctx, tx, "third", appRef(app), "Třetí hodnotitel: "+app.Organisation,
			fmt.Sprintf("Žádost %s (%s) dostala třetího hodnotitele (%s), protože se první dva rozcházejí: %s.\n",
				app.Organisation, c.Title, cs[0].User.DisplayName(), reason))
	}
	return nil
}

// firstTwo are the first two counted evaluations (not third ones).
func firstTwo(gs []Assignment) []*Assignment {
	var out []*Assignment
	for i := range gs {
		if !gs[i].Third && gs[i].Counts() && len(out) < 2 {
			out = append(out, &gs[i])
		}
	}
	return out
}

// needThird says why the application's first two submitted evaluations
// disagree by a rule of the call ("" when they agree or are not both in).
func needThird(c *Call, gs []Assignment) string {
	two := firstTwo(gs)
	if len(two) < 2 || two[0].State != AssignSubmitted || two[1].State != AssignSubmitted {
		return ""
	}
	return Disagreement(c, two[0], two[1])
}

// Disagreement says why two evaluations disagree by the call's rules, in
// Czech for the coordinator ("" when they agree): totals differing by more
// than DisagreePct % of the maximum (100 points), one recommending and the
// other not, one criterion differing by DisagreePoints or more.
func Disagreement(c *Call, a, b *Assignment) string {
	var why []string
	ta, tb := TotalOf(c, a.Scores), TotalOf(c, b.Scores)
	if c.DisagreePct > 0 && math.Abs(ta-tb) > float64(c.DisagreePct)+1e-9 {
		why = append(why, fmt.Sprintf("součty se liší o %s bodu ze 100 (více než %d %% maxima)", FormatPoints(math.Abs(ta-tb)), c.DisagreePct))
	}
	if c.DisagreeRecommend && a.Recommend != b.Recommend {
		why = append(why, "jeden hodnotitel žádost doporučuje a druhý ne")
	}
	if c.DisagreePoints > 0 {
		for _, cr := range c.Criteria {
			sa, sb := a.Scores[cr.ID].Score, b.Scores[cr.ID].Score
			if sa != nil && sb != nil && absInt(*sa-*sb) >= c.DisagreePoints {
				why = append(why, fmt.Sprintf("u kritéria „%s“ body %d a %d (rozdíl alespoň %d)", cr.Name, *sa, *sb, c.DisagreePoints))
			}
		}
	}
	return strings.Join(why, "; ")
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// FinalScore combines an application's submitted totals: the mean of the
// first two; with a third evaluation by the call's rule. ok is false until
// the evaluation is complete (two in, and the third when they disagree).
func FinalScore(c *Call, gs []Assignment) (score float64, ok bool) {
	two := firstTwo(gs)
	if len(two) < 2 || two[0].State != AssignSubmitted || two[1].State != AssignSubmitted {
		return 0, false
	}
	a, b := float64(*two[0].Total), float64(*two[1].Total)
	var third *Assignment
	for i := range gs {
		if gs[i].Third && gs[i].Counts() {
			third = &gs[i]
			break
		}
	}
	if needThird(c, gs) == "" && third == nil {
		return round2((a + b) / 2), true
	}
	if third == nil || third.State != AssignSubmitted {
		return 0, false
	}
	t := float64(*third.Total)
	switch c.ThirdRule {
	case ThirdMedian:
		v := []float64{a, b, t}
		sort.Float64s(v)
		return round2(v[1]), true
	case ThirdClosestMean:
		pairs := [][2]float64{{a, b}, {a, t}, {b, t}}
		best := pairs[0]
		for _, p := range pairs[1:] {
			if math.Abs(p[0]-p[1]) < math.Abs(best[0]-best[1])-1e-9 {
				best = p
			}
		}
		return round2((best[0] + best[1]) / 2), true
	default: // replace the further of the first two
		if math.Abs(a-t) > math.Abs(b-t)+1e-9 {
			return round2((b + t) / 2), true
		}
		return round2((a + t) / 2), true
	}
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Adjusted is the application's request less the evaluators' flags: per
// line the mean of the counted evaluations' flagged amounts (0 where one
// did not flag), rounded to whole crowns.
func Adjusted(app *Application, gs []Assignment) CZK {
	var counted []*Assignment
	for i := range gs {
		if gs[i].State == AssignSubmitted {
			counted = append(counted, &gs[i])
		}
	}
	req := app.Requested()
	if len(counted) == 0 {
		return req
	}
	var cut float64
	for _, sv := range app.Services {
		for _, l := range sv.Lines {
			var sum CZK
			for _, g := range counted {
				if fl, ok := g.Flags[l.ID]; ok {
					sum += min(fl.Amount, l.Requested)
				}
			}
			cut += float64(sum) / float64(len(counted))
		}
	}
	adj := req - CZK(math.Round(cut))
	return max(adj, 0)
}

// finalScores are the applications' final scores (complete ones only).
func (s *Service) finalScores(ctx context.Context, c *Call, as []Application) (map[int64]float64, error) {
	gs, err := s.callAssignments(ctx, s.DB, c.ID)
	if err != nil {
		return nil, err
	}
	byApp := map[int64][]Assignment{}
	for _, g := range gs {
		byApp[g.ApplicationID] = append(byApp[g.ApplicationID], g)
	}
	out := map[int64]float64{}
	for _, a := range as {
		if sc, ok := FinalScore(c, byApp[a.ID]); ok {
			out[a.ID] = sc
		}
	}
	return out, nil
}

// ApplicationAssignments are the application's assignments, first two then the third.
func (s *Service) ApplicationAssignments(ctx context.Context, appID int64) ([]Assignment, error) {
	return findAssignments(ctx, s.DB, "g.application_id = ?", appID)
}
