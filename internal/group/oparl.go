package group

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// A read-only view in the manner of OParl 1.1 (https://oparl.org/spezifikation/)
// at /oparl/v1: one body (the KPSS), its organisations (the groups with the
// public switch), their meetings with agenda items, and the people who
// agreed to be named with their memberships. Field names are the
// specification's; only public data is shown (no e-mail, no phone, no
// guests or registrations; resolutions and minutes only once approved).

const oparlSchema = "https://schema.oparl.org/1.1/"

// oparlPerPage is the page size of the meeting list.
const oparlPerPage = 100

type oparlList struct {
	Data       []any             `json:"data"`
	Pagination map[string]int    `json:"pagination"`
	Links      map[string]string `json:"links"`
}

type oparlCtx struct {
	base              string // absolute URL of /oparl/v1
	created, modified time.Time
}

func (o oparlCtx) url(parts ...any) string {
	var b strings.Builder
	b.WriteString(o.base)
	for _, p := range parts {
		b.WriteByte('/')
		switch v := p.(type) {
		case string:
			b.WriteString(v)
		case int64:
			b.WriteString(itoa(v))
		}
	}
	return b.String()
}

func (h *Handler) oparlBase(r *http.Request) oparlCtx {
	base := strings.TrimRight(h.Svc.BaseURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return oparlCtx{base: base + "/oparl/v1"}
}

// oparlWindow is the created_since/until and modified_since/until filter of
// a list (OParl 1.1, 2.6.3); with modified_since the list also reports
// objects gone from the public view since then, as {id, type, deleted: true}.
type oparlWindow struct {
	createdSince, createdUntil, modifiedSince, modifiedUntil time.Time
}

func (f oparlWindow) keep(x obj) bool {
	c, _ := time.Parse(time.RFC3339, fmt.Sprint(x["created"]))
	m, _ := time.Parse(time.RFC3339, fmt.Sprint(x["modified"]))
	return (f.createdSince.IsZero() || !c.Before(f.createdSince)) && (f.createdUntil.IsZero() || !c.After(f.createdUntil)) &&
		(f.modifiedSince.IsZero() || !m.Before(f.modifiedSince)) && (f.modifiedUntil.IsZero() || !m.After(f.modifiedUntil))
}

func (f oparlWindow) any() bool {
	return !f.createdSince.IsZero() || !f.createdUntil.IsZero() || !f.modifiedSince.IsZero() || !f.modifiedUntil.IsZero()
}

// oparlFilter reads the list filters; a value that is no date-time is a
// JSON 400 naming the parameter.
func oparlFilter(r *http.Request) (oparlWindow, error) {
	var f oparlWindow
	bad := apperr.Fields{}
	q := r.URL.Query()
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"created_since", &f.createdSince}, {"created_until", &f.createdUntil}, {"modified_since", &f.modifiedSince}, {"modified_until", &f.modifiedUntil}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad.Add(p.name, "group.err.oparl_datetime")
			}
			*p.dst = t
		}
	}
	if v := q.Get("page"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			bad.Add("page", "group.err.oparl_page")
		}
	}
	return f, bad.Err()
}

// selfURL is the list's URL with its filters, ending in "?" or "&" (the page follows).
func selfURL(base string, r *http.Request) string {
	q := r.URL.Query()
	q.Del("page")
	if len(q) == 0 {
		return base + "?"
	}
	return base + "?" + q.Encode() + "&"
}

// OParl answers GET /oparl/v1 and /oparl/v1/{kind}[/{id}[/{list}]].
func (h *Handler) OParl(w http.ResponseWriter, r *http.Request) error {
	o := h.oparlBase(r)
	ctx := r.Context()
	kind, id, list := r.PathValue("kind"), r.PathValue("id"), r.PathValue("list")
	n, _ := strconv.ParseInt(id, 10, 64)
	notFound := apperr.New(apperr.NotFound, "err.page_not_found")
	if id != "" && n <= 0 {
		return notFound
	}
	win, err := oparlFilter(r)
	if err != nil {
		return err
	}
	if err := h.oparlStamps(ctx, &o); err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	var v any
	var objs []obj
	filtered := func(objs []obj, deleted []obj, base string) oparlList {
		var out []obj
		for _, x := range objs {
			if win.keep(x) {
				out = append(out, x)
			}
		}
		out = append(out, deleted...)
		total := len(out)
		from, to := min((page-1)*oparlPerPage, total), min(page*oparlPerPage, total)
		return o.list(out[from:to], total, page, oparlPerPage, selfURL(base, r))
	}
	switch {
	case kind == "":
		v = o.system()
	case kind == "body" && id == "":
		v = filtered([]obj{o.body()}, nil, o.url("body"))
	case kind == "body" && n != 1:
		return notFound
	case kind == "body" && list == "":
		v = o.body()
	case kind == "body" && list == "organization":
		var gone []obj
		if objs, err = h.oparlOrganizations(ctx, o); err == nil && !win.modifiedSince.IsZero() {
			gone, err = h.oparlGone(ctx, o, "organization", win)
		}
		v = filtered(objs, gone, o.url("body", int64(1), "organization"))
	case kind == "body" && list == "person":
		var gone []obj
		if objs, err = h.oparlPeople(ctx, o); err == nil && !win.modifiedSince.IsZero() {
			gone, err = h.oparlGone(ctx, o, "person", win)
		}
		v = filtered(objs, gone, o.url("body", int64(1), "person"))
	case kind == "body" && list == "paper":
		v = filtered(nil, nil, o.url("body", int64(1), "paper"))
	case kind == "body" && list == "meeting":
		f := MeetingFilter{Public: true, Paging: all}
		if g, _ := strconv.ParseInt(r.URL.Query().Get("organization"), 10, 64); g > 0 {
			f.GroupID = g
		}
		var gone []obj
		if objs, _, err = h.oparlMeetings(ctx, o, f); err == nil && !win.modifiedSince.IsZero() && f.GroupID == 0 {
			gone, err = h.oparlGone(ctx, o, "meeting", win)
		}
		v = filtered(objs, gone, o.url("body", int64(1), "meeting"))
	case list != "":
		return notFound
	case kind == "organization":
		if objs, err = h.oparlOrganizations(ctx, o); err == nil {
			v = find(objs, o.url("organization", n))
		}
	case kind == "person":
		if objs, err = h.oparlPeople(ctx, o); err == nil {
			v = find(objs, o.url("person", n))
		}
	case kind == "membership":
		if objs, err = h.oparlPeople(ctx, o); err == nil {
			v = findIn(objs, "membership", o.url("membership", n))
		}
	case kind == "location":
		p, perr := h.Svc.FindPlaceByID(ctx, n)
		if perr != nil {
			return notFound
		}
		v = o.location(p, h.R.Catalog.For(web.LangFrom(ctx)))
	case kind == "meeting", kind == "agendaItem", kind == "file":
		meetingID := n
		if kind == "agendaItem" {
			it, ierr := findItem(ctx, h.Svc.DB, n)
			if ierr != nil {
				// An item removed from a public meeting's agenda stays known as deleted.
				if gone, gerr := h.oparlGoneItem(ctx, o, n); gerr == nil && gone != nil {
					web.JSON(w, http.StatusOK, gone)
					return nil
				}
				return notFound
			}
			meetingID = it.MeetingID
		}
		groupID, gerr := h.Svc.MeetingGroup(ctx, meetingID)
		if gerr != nil || groupID == 0 {
			return notFound
		}
		if objs, _, err = h.oparlMeetings(ctx, o, MeetingFilter{Public: true, GroupID: groupID, Paging: all}); err == nil {
			switch kind {
			case "meeting":
				v = find(objs, o.url("meeting", n))
			case "agendaItem":
				v = findIn(objs, "agendaItem", o.url("agendaItem", n))
			default:
				if m := find(objs, o.url("meeting", n)); m != nil {
					f, _ := m["resultsProtocol"].(obj)
					v = f
				}
			}
		}
	default:
		return notFound
	}
	if err != nil {
		return err
	}
	if m, ok := v.(obj); ok && m == nil {
		return notFound
	}
	web.JSON(w, http.StatusOK, v)
	return nil
}

// oparlStamps sets when the system and body were created and last changed:
// the first group and the last change of a group, meeting or agenda item.
func (h *Handler) oparlStamps(ctx context.Context, o *oparlCtx) error {
	o.created, o.modified = time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC()
	one := func(query string) (time.Time, error) {
		var t time.Time
		err := h.Svc.DB.QueryRow(ctx, query).Scan(&t)
		if errors.Is(store.MapError(err), store.ErrNotFound) {
			return t, nil
		}
		return t, err
	}
	first, err := one(`SELECT created_at FROM work_groups ORDER BY created_at LIMIT 1`)
	if err != nil {
		return err
	}
	if !first.IsZero() {
		o.created = first
	}
	for _, q := range []string{`SELECT updated_at FROM work_groups ORDER BY updated_at DESC LIMIT 1`, `SELECT updated_at FROM meetings ORDER BY updated_at DESC LIMIT 1`,
		`SELECT updated_at FROM agenda_items ORDER BY updated_at DESC LIMIT 1`} {
		t, err := one(q)
		if err != nil {
			return err
		}
		if t.After(o.modified) {
			o.modified = t
		}
	}
	if o.modified.Before(o.created) {
		o.modified = o.created
	}
	return nil
}

// oparlGone lists the objects of kind that left the public view since
// win.modifiedSince: groups whose public switch was turned off or that were
// archived, people who withdrew their consent or were anonymised, meetings
// of such groups. Only their id, type, deleted and modified are told.
func (h *Handler) oparlGone(ctx context.Context, o oparlCtx, kind string, win oparlWindow) ([]obj, error) {
	var query string
	switch kind {
	case "organization":
		query = `SELECT g.id, g.created_at, g.updated_at FROM work_groups g WHERE (g.public_minutes = ? OR g.archived = ?) AND g.updated_at >= ? ORDER BY g.id`
	case "meeting":
		query = `SELECT t.id, t.created_at, t.updated_at, g.updated_at FROM meetings t JOIN work_groups g ON g.id = t.group_id
			WHERE (g.public_minutes = ? OR g.archived = ?) AND (g.updated_at >= ? OR t.updated_at >= ?) ORDER BY t.id`
	case "person":
		query = `SELECT p.id, p.created_at, p.updated_at FROM people p WHERE EXISTS (SELECT 1 FROM group_members m JOIN work_groups g ON g.id = m.group_id WHERE m.person_id = p.id)
			AND (p.consent_at IS NULL OR p.anonymised_at IS NOT NULL OR p.archived = ? OR ? = ?) AND p.updated_at >= ? ORDER BY p.id`
	}
	since := win.modifiedSince.UTC()
	args := []any{false, true, since}
	switch kind {
	case "meeting":
		args = append(args, since)
	case "person":
		args = []any{true, 1, 0, since}
	}
	rows, err := h.Svc.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	typ := map[string]string{"organization": "Organization", "meeting": "Meeting", "person": "Person"}[kind]
	var out []obj
	for rows.Next() {
		var id int64
		var created, modified, groupModified time.Time
		dst := []any{&id, &created, &modified}
		if kind == "meeting" {
			dst = append(dst, &groupModified)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		if groupModified.After(modified) {
			modified = groupModified
		}
		x := obj{"id": o.url(kind, id), "type": oparlSchema + typ, "deleted": true, "created": oparlTime(created), "modified": oparlTime(modified)}
		if win.modifiedUntil.IsZero() || !modified.After(win.modifiedUntil) {
			out = append(out, x)
		}
	}
	return out, rows.Err()
}

// oparlGoneItem is an agenda item removed from a public meeting's agenda
// (the audit log keeps when), as a deleted object; nil when there was none.
func (h *Handler) oparlGoneItem(ctx context.Context, o oparlCtx, id int64) (obj, error) {
	var at time.Time
	var before string
	err := h.Svc.DB.QueryRow(ctx, `SELECT at, before_json FROM audit_log WHERE entity = 'agenda_item' AND action = 'item_remove' AND entity_id = ? ORDER BY id DESC LIMIT 1`, id).Scan(&at, &before)
	if errors.Is(store.MapError(err), store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var it AgendaItem
	json.Unmarshal([]byte(before), &it)
	g, err := h.Svc.MeetingGroup(ctx, it.MeetingID)
	if err != nil || g == 0 {
		return nil, err
	}
	gs, err := h.Svc.FindGroups(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, x := range gs {
		if x.ID == g && x.PublicMinutes {
			created := it.CreatedAt
			if created.IsZero() {
				created = at
			}
			return obj{"id": o.url("agendaItem", id), "type": oparlSchema + "AgendaItem", "meeting": o.url("meeting", it.MeetingID), "order": max(it.Position, 1),
				"deleted": true, "created": oparlTime(created), "modified": oparlTime(at)}, nil
		}
	}
	return nil, nil
}

type obj = map[string]any

func find(objs []obj, id string) obj {
	for _, x := range objs {
		if x["id"] == id {
			return x
		}
	}
	return nil
}

// findIn finds an object embedded in a list field of objs.
func findIn(objs []obj, field, id string) obj {
	for _, x := range objs {
		if inner, ok := x[field].([]obj); ok {
			if y := find(inner, id); y != nil {
				return y
			}
		}
	}
	return nil
}

// list is an OParl object list with its pagination and links; self ends
// with "?" or "&" (the page parameter follows).
func (o oparlCtx) list(objs []obj, total, page, perPage int, self string) oparlList {
	data := make([]any, len(objs))
	for i := range objs {
		data[i] = objs[i]
	}
	pages := max((total+perPage-1)/perPage, 1)
	l := oparlList{Data: data, Pagination: map[string]int{"totalElements": total, "elementsPerPage": perPage, "currentPage": page, "totalPages": pages},
		Links: map[string]string{"first": self + "page=1", "last": self + "page=" + strconv.Itoa(pages)}}
	if page > 1 {
		l.Links["prev"] = self + "page=" + strconv.Itoa(page-1)
	}
	if page < pages {
		l.Links["next"] = self + "page=" + strconv.Itoa(page+1)
	}
	return l
}

// site is the address of the site's front page.
func (o oparlCtx) site() string { return strings.TrimSuffix(o.base, "/oparl/v1") + "/" }

func (o oparlCtx) system() obj {
	return obj{"id": o.base, "type": oparlSchema + "System", "oparlVersion": oparlSchema, "body": o.url("body"),
		"name": "KPSS – komunitní plánování sociálních služeb", "product": o.site(), "website": o.site(), "web": o.site(),
		"created": oparlTime(o.created), "modified": oparlTime(o.modified)}
}

func (o oparlCtx) body() obj {
	return obj{"id": o.url("body", int64(1)), "type": oparlSchema + "Body", "system": o.base, "name": "Komunitní plánování sociálních služeb",
		"shortName": "KPSS", "organization": o.url("body", int64(1), "organization"), "person": o.url("body", int64(1), "person"),
		"meeting": o.url("body", int64(1), "meeting"), "paper": o.url("body", int64(1), "paper"), "legislativeTerm": []any{},
		"classification": "Komunitní plánování sociálních služeb", "website": o.site(), "web": o.site(),
		"created": oparlTime(o.created), "modified": oparlTime(o.modified)}
}

// setDate sets a date field when the date is known (never null).
func setDate(x obj, key string, d store.Date) {
	if !d.IsZero() {
		x[key] = d.String()
	}
}

func oparlTime(t time.Time) string { return t.In(pragueLoc).Format(time.RFC3339) }

// oparlOrganizations are the groups with the public switch.
func (h *Handler) oparlOrganizations(ctx context.Context, o oparlCtx) ([]obj, error) {
	gs, err := h.Svc.FindGroups(ctx, false)
	if err != nil {
		return nil, err
	}
	members, err := h.oparlMembers(ctx, o)
	if err != nil {
		return nil, err
	}
	out := []obj{}
	for _, g := range gs {
		if !g.PublicMinutes {
			continue
		}
		ms := []string{}
		for _, m := range members {
			if m.groupID == g.ID {
				ms = append(ms, m.obj["id"].(string))
			}
		}
		out = append(out, obj{"id": o.url("organization", g.ID), "type": oparlSchema + "Organization", "body": o.url("body", int64(1)),
			"name": g.Name, "shortName": g.Code, "organizationType": "Gremium", "classification": map[string]string{KindSteering: "Řídící skupina", KindWorking: "Pracovní skupina", KindOther: "Skupina"}[g.Kind],
			"membership": ms, "meeting": o.url("body", int64(1), "meeting") + "?organization=" + itoa(g.ID),
			"startDate": g.CreatedAt.In(pragueLoc).Format(time.DateOnly), "created": oparlTime(g.CreatedAt), "modified": oparlTime(g.UpdatedAt)})
	}
	return out, nil
}

type oparlMember struct {
	groupID, personID int64
	name              string
	obj               obj
	created, modified time.Time // the person's (modified: or the membership's, when later)
}

// oparlMembers are the memberships of public groups of people who agreed
// to be named (consent, not anonymised): one query.
func (h *Handler) oparlMembers(ctx context.Context, o oparlCtx) ([]oparlMember, error) {
	rows, err := h.Svc.DB.Query(ctx, `SELECT m.id, m.group_id, m.person_id, m.role, m.voting, m.joined_on, m.left_on, m.organisation_id, p.name,
		m.created_at, m.updated_at, p.created_at, p.updated_at
		FROM group_members m JOIN work_groups g ON g.id = m.group_id JOIN people p ON p.id = m.person_id
		WHERE g.public_minutes = ? AND g.archived = ? AND p.consent_at IS NOT NULL AND p.anonymised_at IS NULL ORDER BY p.name, m.id`, true, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []oparlMember
	for rows.Next() {
		var x oparlMember
		var id int64
		var role string
		var voting bool
		var joined, left store.Date
		var org *int64
		var created, modified time.Time
		if err := rows.Scan(&id, &x.groupID, &x.personID, &role, &voting, &joined, &left, &org, &x.name, &created, &modified, &x.created, &x.modified); err != nil {
			return nil, err
		}
		x.obj = obj{"id": o.url("membership", id), "type": oparlSchema + "Membership", "person": o.url("person", x.personID),
			"organization": o.url("organization", x.groupID), "votingRight": voting, "created": oparlTime(created), "modified": oparlTime(modified)}
		if role != "" {
			x.obj["role"] = role
		}
		setDate(x.obj, "startDate", joined)
		setDate(x.obj, "endDate", left)
		if modified.After(x.modified) {
			x.modified = modified
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// oparlPeople are the people of oparlMembers with their memberships embedded.
func (h *Handler) oparlPeople(ctx context.Context, o oparlCtx) ([]obj, error) {
	members, err := h.oparlMembers(ctx, o)
	if err != nil {
		return nil, err
	}
	out := []obj{}
	index := map[int64]int{}
	for _, m := range members {
		i, ok := index[m.personID]
		if !ok {
			i = len(out)
			index[m.personID] = i
			out = append(out, obj{"id": o.url("person", m.personID), "type": oparlSchema + "Person", "body": o.url("body", int64(1)), "name": m.name, "membership": []obj{},
				"created": oparlTime(m.created), "modified": oparlTime(m.modified)})
		}
		out[i]["membership"] = append(out[i]["membership"].([]obj), m.obj)
		if t := oparlTime(m.modified); t > out[i]["modified"].(string) {
			out[i]["modified"] = t
		}
	}
	return out, nil
}

// oparlMeetings are the meetings of public groups with their agenda items;
// resolutions and the minutes' PDF only once the minutes are approved. A
// fixed number of queries whatever the number of meetings.
func (h *Handler) oparlMeetings(ctx context.Context, o oparlCtx, f MeetingFilter) ([]obj, int, error) {
	ms, total, err := h.Svc.FindMeetings(ctx, f)
	if err != nil || len(ms) == 0 {
		return []obj{}, total, err
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	in := `(` + store.Placeholders(len(ids)) + `)`
	items, err := rowsOf(ctx, h.Svc.DB, scanItem, `SELECT `+itemCols+` FROM agenda_items a WHERE a.meeting_id IN `+in+` ORDER BY a.meeting_id, a.position, a.id`, int64Args(ids)...)
	if err != nil {
		return nil, 0, err
	}
	// The minutes' versions: the first approval creates the file, the last changes it.
	approved := map[int64]bool{}
	firstApproved, lastApproved := map[int64]time.Time{}, map[int64]time.Time{}
	rows, err := h.Svc.DB.Query(ctx, `SELECT meeting_id, approved_at FROM minutes_versions WHERE meeting_id IN `+in+` ORDER BY approved_at`, int64Args(ids)...)
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if !approved[id] {
			firstApproved[id] = at
		}
		approved[id] = true
		lastApproved[id] = at
	}
	rows.Close()
	// Items removed from the agenda change the meeting (the audit log keeps when).
	removed := map[int64]time.Time{}
	rows, err = h.Svc.DB.Query(ctx, `SELECT at, before_json FROM audit_log WHERE entity = 'agenda_item' AND action = 'item_remove' ORDER BY id`)
	if err != nil {
		return nil, 0, err
	}
	wanted := map[int64]bool{}
	for _, id := range ids {
		wanted[id] = true
	}
	for rows.Next() {
		var at time.Time
		var before string
		if err := rows.Scan(&at, &before); err != nil {
			rows.Close()
			return nil, 0, err
		}
		var it struct {
			MeetingID int64 `json:"meeting_id"`
		}
		if json.Unmarshal([]byte(before), &it) == nil && wanted[it.MeetingID] && at.After(removed[it.MeetingID]) {
			removed[it.MeetingID] = at
		}
	}
	rows.Close()
	res, err := rowsOf(ctx, h.Svc.DB, scanResolution, `SELECT `+resolutionCols+` FROM `+resolutionFrom+` WHERE r.meeting_id IN `+in+` ORDER BY r.seq`, int64Args(ids)...)
	if err != nil {
		return nil, 0, err
	}
	places, err := h.Svc.placeMap(ctx)
	if err != nil {
		return nil, 0, err
	}
	l := h.R.Catalog.For(web.LangFrom(ctx))
	out := make([]obj, 0, len(ms))
	for _, m := range ms {
		mo := obj{"id": o.url("meeting", m.ID), "type": oparlSchema + "Meeting", "name": m.GroupName + " – " + l.Date(m.StartsAt),
			"meetingState": m.State, "cancelled": m.State == StateCancelled, "start": oparlTime(m.StartsAt), "end": oparlTime(m.EndsAt),
			"organization": []string{o.url("organization", m.GroupID)}, "web": strings.TrimSuffix(o.base, "/oparl/v1") + "/skupiny/" + itoa(m.GroupID) + "/zapisy",
			"created": oparlTime(m.CreatedAt), "modified": oparlTime(m.UpdatedAt)}
		if m.PlaceID != nil {
			if p, ok := places[*m.PlaceID]; ok {
				mo["location"] = o.location(&p, l)
			}
		}
		modified := m.UpdatedAt
		if approved[m.ID] {
			pdf := strings.TrimSuffix(o.base, "/oparl/v1") + "/jednani/" + itoa(m.ID) + "/zapis.pdf"
			mo["resultsProtocol"] = obj{"id": o.url("file", m.ID), "type": oparlSchema + "File", "name": "Zápis", "fileName": "zapis.pdf", "mimeType": "application/pdf",
				"accessUrl": pdf, "downloadUrl": pdf, "meeting": []string{o.url("meeting", m.ID)}, "date": firstApproved[m.ID].In(pragueLoc).Format(time.DateOnly),
				"created": oparlTime(firstApproved[m.ID]), "modified": oparlTime(lastApproved[m.ID])}
			if lastApproved[m.ID].After(modified) {
				modified = lastApproved[m.ID]
			}
		}
		if removed[m.ID].After(modified) {
			modified = removed[m.ID]
		}
		agenda := []obj{}
		pos := 0
		for _, it := range items {
			if it.MeetingID != m.ID {
				continue
			}
			pos++
			ao := obj{"id": o.url("agendaItem", it.ID), "type": oparlSchema + "AgendaItem", "meeting": o.url("meeting", m.ID),
				"number": strconv.Itoa(pos), "order": pos, "name": it.Title, "public": true, "created": oparlTime(it.CreatedAt), "modified": oparlTime(it.UpdatedAt)}
			if approved[m.ID] {
				var texts []string
				for _, r := range res {
					if r.AgendaItemID != nil && *r.AgendaItemID == it.ID {
						texts = append(texts, r.Number+": "+r.Text+" ("+l.T("group.outcome."+r.Outcome)+")")
						ao["result"] = l.T("group.outcome." + r.Outcome)
					}
				}
				if len(texts) > 0 {
					ao["resolutionText"] = strings.Join(texts, "\n")
				}
			}
			agenda = append(agenda, ao)
			if it.UpdatedAt.After(modified) {
				modified = it.UpdatedAt
			}
		}
		mo["agendaItem"] = agenda
		mo["modified"] = oparlTime(modified)
		out = append(out, mo)
	}
	return out, total, nil
}

// location is a meeting place with its accessibility in the description.
func (o oparlCtx) location(p *Place, l *i18n.Localizer) obj {
	return obj{"id": o.url("location", p.ID), "type": oparlSchema + "Location", "description": p.Name + ". " + accessibilityText(p, l),
		"streetAddress": p.Address, "created": oparlTime(p.CreatedAt), "modified": oparlTime(p.UpdatedAt)}
}
