package grant

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/store"
)

type scanner interface{ Scan(...any) error }

const callCols = `id, year, title, description, budget, max_request, scale_max, eligible_types, measure_ids, formal_checks,
	published_on, apply_from, apply_until, evaluate_until, decide_on, settle_until, disagree_pct, disagree_recommend, disagree_points,
	third_rule, alloc_method, min_score, cap_pct, decision_number, decision_body, decision_date, copied_from, created_at, updated_at`

func scanCall(row scanner) (Call, error) {
	var c Call
	var types, measures, checks string
	err := row.Scan(&c.ID, &c.Year, &c.Title, &c.Description, &c.Budget, &c.MaxRequest, &c.ScaleMax, &types, &measures, &checks,
		&c.PublishedOn, &c.ApplyFrom, &c.ApplyUntil, &c.EvaluateUntil, &c.DecideOn, &c.SettleUntil, &c.DisagreePct, &c.DisagreeRecommend, &c.DisagreePoints,
		&c.ThirdRule, &c.AllocMethod, &c.MinScore, &c.CapPct, &c.DecisionNumber, &c.DecisionBody, &c.DecisionDate, &c.CopiedFrom, &c.CreatedAt, &c.UpdatedAt)
	c.EligibleTypes, c.MeasureIDs, c.FormalChecks = splitList(types, ","), splitIDs(measures), splitList(checks, "\n")
	return c, err
}

func callArgs(c *Call) []any {
	return []any{c.Year, c.Title, c.Description, c.Budget, c.MaxRequest, c.ScaleMax, strings.Join(c.EligibleTypes, ","), joinIDs(c.MeasureIDs),
		strings.Join(c.FormalChecks, "\n"), c.PublishedOn, c.ApplyFrom, c.ApplyUntil, c.EvaluateUntil, c.DecideOn, c.SettleUntil,
		c.DisagreePct, c.DisagreeRecommend, c.DisagreePoints, c.ThirdRule, c.AllocMethod, c.MinScore, c.CapPct,
		c.DecisionNumber, c.DecisionBody, c.DecisionDate, c.CopiedFrom}
}

// findCalls loads calls (with their criteria) matching where; two queries.
func findCalls(ctx context.Context, q store.Q, where string, args ...any) ([]Call, error) {
	rows, err := q.Query(ctx, `SELECT `+callCols+` FROM grant_calls WHERE `+where+` ORDER BY year DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, len(out))
	idx := map[int64]int{}
	for i, c := range out {
		ids[i] = c.ID
		idx[c.ID] = i
	}
	crows, err := q.Query(ctx, `SELECT call_id, id, position, name, description, weight, levels FROM grant_criteria
		WHERE call_id IN (`+store.Placeholders(len(ids))+`) ORDER BY call_id, position`, ids...)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var callID int64
		var cr Criterion
		var levels string
		if err := crows.Scan(&callID, &cr.ID, &cr.Position, &cr.Name, &cr.Description, &cr.Weight, &levels); err != nil {
			return nil, err
		}
		cr.Levels = strings.Split(levels, "\n")
		out[idx[callID]].Criteria = append(out[idx[callID]].Criteria, cr)
	}
	return out, crows.Err()
}

func findCall(ctx context.Context, q store.Q, id int64) (Call, error) {
	cs, err := findCalls(ctx, q, "id = ?", id)
	if err != nil {
		return Call{}, err
	}
	if len(cs) == 0 {
		return Call{}, apperr.NotFoundErr("grant_call")
	}
	return cs[0], nil
}

func insertCall(ctx context.Context, q store.Q, c *Call) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO grant_calls (year, title, description, budget, max_request, scale_max, eligible_types, measure_ids,
		formal_checks, published_on, apply_from, apply_until, evaluate_until, decide_on, settle_until, disagree_pct, disagree_recommend, disagree_points,
		third_rule, alloc_method, min_score, cap_pct, decision_number, decision_body, decision_date, copied_from, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(callArgs(c), c.CreatedAt, c.UpdatedAt)...)
	if err != nil {
		return err
	}
	c.ID = id
	return saveCriteria(ctx, q, c, nil)
}

func updateCall(ctx context.Context, q store.Q, c *Call, before *Call) error {
	_, err := q.Exec(ctx, `UPDATE grant_calls SET year = ?, title = ?, description = ?, budget = ?, max_request = ?, scale_max = ?,
		eligible_types = ?, measure_ids = ?, formal_checks = ?, published_on = ?, apply_from = ?, apply_until = ?, evaluate_until = ?, decide_on = ?,
		settle_until = ?, disagree_pct = ?, disagree_recommend = ?, disagree_points = ?, third_rule = ?, alloc_method = ?, min_score = ?, cap_pct = ?,
		decision_number = ?, decision_body = ?, decision_date = ?, copied_from = ?, updated_at = ? WHERE id = ?`, append(callArgs(c), c.UpdatedAt, c.ID)...)
	if err != nil {
		return store.MapError(err)
	}
	return saveCriteria(ctx, q, c, before)
}

// saveCriteria writes the call's criteria: existing ids are updated (their
// scores and narratives stay), new ones inserted, missing ones deleted
// (only possible before anything refers to them).
func saveCriteria(ctx context.Context, q store.Q, c *Call, before *Call) error {
	keep := map[int64]bool{}
	for i := range c.Criteria {
		cr := &c.Criteria[i]
		levels := strings.Join(cr.Levels, "\n")
		if cr.ID != 0 {
			keep[cr.ID] = true
			if _, err := q.Exec(ctx, `UPDATE grant_criteria SET position = ?, name = ?, description = ?, weight = ?, levels = ? WHERE id = ? AND call_id = ?`,
				cr.Position, cr.Name, cr.Description, cr.Weight, levels, cr.ID, c.ID); err != nil {
				return err
			}
			continue
		}
		id, err := store.InsertID(ctx, q, `INSERT INTO grant_criteria (call_id, position, name, description, weight, levels) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, cr.Position, cr.Name, cr.Description, cr.Weight, levels)
		if err != nil {
			return err
		}
		cr.ID = id
	}
	if before == nil {
		return nil
	}
	for _, cr := range before.Criteria {
		if keep[cr.ID] {
			continue
		}
		if _, err := q.Exec(ctx, `DELETE FROM grant_narratives WHERE criterion_id = ?`, cr.ID); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM grant_criteria WHERE id = ?`, cr.ID); err != nil {
			return store.MapError(err)
		}
	}
	return nil
}

// --- applications

const appCols = `a.id, a.call_id, a.organisation_id, a.state, a.contact_name, a.contact_email, a.contact_phone, a.submitted_at, a.checks_done,
	a.check_note, a.fix_until, a.reopen_until, a.reopen_reason, a.proposed, a.amount, a.amount_reason, a.decided, a.anonymised_at, a.created_at, a.updated_at,
	o.name, COALESCE(o.ico, '')`

func scanApp(row scanner) (Application, error) {
	var a Application
	var checks string
	var submitted, anon sql.NullTime
	err := row.Scan(&a.ID, &a.CallID, &a.OrganisationID, &a.State, &a.ContactName, &a.ContactEmail, &a.ContactPhone, &submitted, &checks,
		&a.CheckNote, &a.FixUntil, &a.ReopenUntil, &a.ReopenReason, &a.Proposed, &a.Amount, &a.AmountReason, &a.Decided, &anon, &a.CreatedAt, &a.UpdatedAt,
		&a.Organisation, &a.ICO)
	if submitted.Valid {
		t := submitted.Time
		a.SubmittedAt = &t
	}
	if anon.Valid {
		t := anon.Time
		a.AnonymisedAt = &t
	}
	a.ChecksDone = splitList(checks, "\n")
	a.Narratives = map[int64]string{}
	return a, err
}

// findApps loads applications with services, lines, narratives and
// attachments: five queries whatever their number. The organisations table
// is the partners module's; its name and IČO are joined for display only.
func findApps(ctx context.Context, q store.Q, where string, args ...any) ([]Application, error) {
	rows, err := q.Query(ctx, `SELECT `+appCols+` FROM grant_applications a JOIN organisations o ON o.id = a.organisation_id WHERE `+where+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Application
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	return out, loadAppParts(ctx, q, out)
}

func loadAppParts(ctx context.Context, q store.Q, apps []Application) error {
	idx := map[int64]int{}
	for i, a := range apps {
		idx[a.ID] = i
	}
	sub := inList(apps)
	srows, err := q.Query(ctx, `SELECT application_id, id, service_id, service_name, type_code, registry_id, requested, note
		FROM grant_app_services WHERE application_id IN (`+sub+`) ORDER BY application_id, id`)
	if err != nil {
		return err
	}
	svcIdx := map[int64][2]int{}
	for srows.Next() {
		var appID int64
		var s AppService
		if err := srows.Scan(&appID, &s.ID, &s.ServiceID, &s.ServiceName, &s.TypeCode, &s.RegistryID, &s.Requested, &s.Note); err != nil {
			srows.Close()
			return err
		}
		i := idx[appID]
		apps[i].Services = append(apps[i].Services, s)
		svcIdx[s.ID] = [2]int{i, len(apps[i].Services) - 1}
	}
	srows.Close()
	if err := srows.Err(); err != nil {
		return err
	}
	lrows, err := q.Query(ctx, `SELECT l.app_service_id, l.id, l.kind, l.total_cost, l.other_sources, l.requested, l.actual
		FROM grant_budget_lines l JOIN grant_app_services s ON s.id = l.app_service_id WHERE s.application_id IN (`+sub+`) ORDER BY l.id`)
	if err != nil {
		return err
	}
	for lrows.Next() {
		var sid int64
		var l BudgetLine
		if err := lrows.Scan(&sid, &l.ID, &l.Kind, &l.TotalCost, &l.OtherSources, &l.Requested, &l.Actual); err != nil {
			lrows.Close()
			return err
		}
		p := svcIdx[sid]
		apps[p[0]].Services[p[1]].Lines = append(apps[p[0]].Services[p[1]].Lines, l)
	}
	lrows.Close()
	if err := lrows.Err(); err != nil {
		return err
	}
	nrows, err := q.Query(ctx, `SELECT application_id, criterion_id, body FROM grant_narratives WHERE application_id IN (`+sub+`)`)
	if err != nil {
		return err
	}
	for nrows.Next() {
		var appID, crID int64
		var body string
		if err := nrows.Scan(&appID, &crID, &body); err != nil {
			nrows.Close()
			return err
		}
		apps[idx[appID]].Narratives[crID] = body
	}
	nrows.Close()
	if err := nrows.Err(); err != nil {
		return err
	}
	arows, err := q.Query(ctx, `SELECT application_id, id, name, size, created_at FROM grant_attachments WHERE application_id IN (`+sub+`) ORDER BY id`)
	if err != nil {
		return err
	}
	defer arows.Close()
	for arows.Next() {
		var appID int64
		var at Attachment
		if err := arows.Scan(&appID, &at.ID, &at.Name, &at.Size, &at.CreatedAt); err != nil {
			return err
		}
		apps[idx[appID]].Attachments = append(apps[idx[appID]].Attachments, at)
	}
	return arows.Err()
}

// inList is the ids of apps as a literal list (integers only, no injection).
func inList(apps []Application) string {
	ids := make([]int64, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	return joinIDs(ids)
}

func findApp(ctx context.Context, q store.Q, id int64) (Application, error) {
	as, err := findApps(ctx, q, "a.id = ?", id)
	if err != nil {
		return Application{}, err
	}
	if len(as) == 0 {
		return Application{}, apperr.NotFoundErr("grant_application")
	}
	return as[0], nil
}

func insertApp(ctx context.Context, q store.Q, a *Application) error {
	id, err := store.InsertID(ctx, q, `INSERT INTO grant_applications (call_id, organisation_id, state, contact_name, contact_email, contact_phone,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.CallID, a.OrganisationID, a.State, a.ContactName, a.ContactEmail, a.ContactPhone,
		a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return err
	}
	a.ID = id
	return saveAppParts(ctx, q, a)
}

func updateAppHead(ctx context.Context, q store.Q, a *Application) error {
	_, err := q.Exec(ctx, `UPDATE grant_applications SET state = ?, contact_name = ?, contact_email = ?, contact_phone = ?, submitted_at = ?,
		checks_done = ?, check_note = ?, fix_until = ?, reopen_until = ?, reopen_reason = ?, proposed = ?, amount = ?, amount_reason = ?, decided = ?,
		updated_at = ? WHERE id = ?`, a.State, a.ContactName, a.ContactEmail, a.ContactPhone, a.SubmittedAt, strings.Join(a.ChecksDone, "\n"),
		a.CheckNote, a.FixUntil, a.ReopenUntil, a.ReopenReason, a.Proposed, a.Amount, a.AmountReason, a.Decided, a.UpdatedAt, a.ID)
	return store.MapError(err)
}

// saveAppParts replaces the services' budgets and the narratives of a.
// Services are keyed by catalogue service: a service row keeps its id (the
// evaluators' flags point to its lines).
func saveAppParts(ctx context.Context, q store.Q, a *Application) error {
	existing := map[int64]int64{} // catalogue service → app service id
	rows, err := q.Query(ctx, `SELECT id, service_id FROM grant_app_services WHERE application_id = ?`, a.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, sid int64
		if err := rows.Scan(&id, &sid); err != nil {
			rows.Close()
			return err
		}
		existing[sid] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	keep := map[int64]bool{}
	for i := range a.Services {
		s := &a.Services[i]
		if s.Empty() {
			continue
		}
		if id, ok := existing[s.ServiceID]; ok {
			s.ID = id
			if _, err := q.Exec(ctx, `UPDATE grant_app_services SET service_name = ?, type_code = ?, registry_id = ?, requested = ?, note = ? WHERE id = ?`,
				s.ServiceName, s.TypeCode, s.RegistryID, s.Requested, s.Note, id); err != nil {
				return err
			}
		} else {
			id, err := store.InsertID(ctx, q, `INSERT INTO grant_app_services (application_id, service_id, service_name, type_code, registry_id, requested, note)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, s.ServiceID, s.ServiceName, s.TypeCode, s.RegistryID, s.Requested, s.Note)
			if err != nil {
				return err
			}
			s.ID = id
		}
		keep[s.ServiceID] = true
		for j := range s.Lines {
			l := &s.Lines[j]
			res, err := q.Exec(ctx, `UPDATE grant_budget_lines SET total_cost = ?, other_sources = ?, requested = ? WHERE app_service_id = ? AND kind = ?`,
				l.TotalCost, l.OtherSources, l.Requested, s.ID, l.Kind)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				if l.ID, err = store.InsertID(ctx, q, `INSERT INTO grant_budget_lines (app_service_id, kind, total_cost, other_sources, requested) VALUES (?, ?, ?, ?, ?)`,
					s.ID, l.Kind, l.TotalCost, l.OtherSources, l.Requested); err != nil {
					return err
				}
			}
		}
	}
	for sid, id := range existing {
		if keep[sid] {
			continue
		}
		if _, err := q.Exec(ctx, `DELETE FROM grant_flags WHERE line_id IN (SELECT id FROM grant_budget_lines WHERE app_service_id = ?)`, id); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM grant_budget_lines WHERE app_service_id = ?`, id); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM grant_app_services WHERE id = ?`, id); err != nil {
			return err
		}
	}
	a.Services = slicesDeleteEmpty(a.Services)
	if _, err := q.Exec(ctx, `DELETE FROM grant_narratives WHERE application_id = ?`, a.ID); err != nil {
		return err
	}
	for crID, body := range a.Narratives {
		if strings.TrimSpace(body) == "" {
			continue
		}
		if _, err := q.Exec(ctx, `INSERT INTO grant_narratives (application_id, criterion_id, body) VALUES (?, ?, ?)`, a.ID, crID, body); err != nil {
			return err
		}
	}
	return nil
}

func slicesDeleteEmpty(ss []AppService) []AppService {
	out := ss[:0]
	for _, s := range ss {
		if !s.Empty() {
			out = append(out, s)
		}
	}
	return out
}

func insertAttachment(ctx context.Context, q store.Q, appID int64, name string, data []byte, now time.Time) (int64, error) {
	return store.InsertID(ctx, q, `INSERT INTO grant_attachments (application_id, name, size, data, created_at) VALUES (?, ?, ?, ?, ?)`,
		appID, name, len(data), data, now)
}
