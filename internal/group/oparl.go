package group

import (
	"context"
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
	base string // absolute URL of /oparl/v1
	mods time.Time
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
	var v any
	var objs []obj
	var err error
	switch {
	case kind == "":
		v = o.system()
	case kind == "body" && id == "":
		v = o.list([]obj{o.body()}, 1, 1, oparlPerPage, o.url("body")+"?")
	case kind == "body" && n != 1:
		return notFound
	case kind == "body" && list == "":
		v = o.body()
	case kind == "body" && list == "organization":
		if objs, err = h.oparlOrganizations(ctx, o); err == nil {
			v = o.list(objs, len(objs), 1, max(len(objs), 1), o.url("body", int64(1), "organization")+"?")
		}
	case kind == "body" && list == "person":
		if objs, err = h.oparlPeople(ctx, o); err == nil {
			v = o.list(objs, len(objs), 1, max(len(objs), 1), o.url("body", int64(1), "person")+"?")
		}
	case kind == "body" && list == "paper":
		v = o.list(nil, 0, 1, oparlPerPage, o.url("body", int64(1), "paper")+"?")
	case kind == "body" && list == "meeting":
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		f := MeetingFilter{Public: true, Paging: store.Paging{Page: page, PerPage: oparlPerPage}}
		self := o.url("body", int64(1), "meeting") + "?"
		if g, _ := strconv.ParseInt(r.URL.Query().Get("organization"), 10, 64); g > 0 {
			f.GroupID = g
			self += "organization=" + itoa(g) + "&"
		}
		var total int
		if objs, total, err = h.oparlMeetings(ctx, o, f); err == nil {
			v = o.list(objs, total, page, oparlPerPage, self)
		}
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
	case kind == "meeting", kind == "agendaItem":
		meetingID := n
		if kind == "agendaItem" {
			it, ierr := findItem(ctx, h.Svc.DB, n)
			if ierr != nil {
				return notFound
			}
			meetingID = it.MeetingID
		}
		groupID, gerr := h.Svc.MeetingGroup(ctx, meetingID)
		if gerr != nil || groupID == 0 {
			return notFound
		}
		if objs, _, err = h.oparlMeetings(ctx, o, MeetingFilter{Public: true, GroupID: groupID, Paging: all}); err == nil {
			if kind == "meeting" {
				v = find(objs, o.url("meeting", n))
			} else {
				v = findIn(objs, "agendaItem", o.url("agendaItem", n))
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

func (o oparlCtx) system() obj {
	return obj{"id": o.base, "type": oparlSchema + "System", "oparlVersion": oparlSchema, "body": o.url("body"),
		"name": "KPSS – komunitní plánování sociálních služeb", "product": "kpss"}
}

func (o oparlCtx) body() obj {
	return obj{"id": o.url("body", int64(1)), "type": oparlSchema + "Body", "system": o.base, "name": "Komunitní plánování sociálních služeb",
		"shortName": "KPSS", "organization": o.url("body", int64(1), "organization"), "person": o.url("body", int64(1), "person"),
		"meeting": o.url("body", int64(1), "meeting"), "paper": o.url("body", int64(1), "paper"), "legislativeTerm": []any{},
		"classification": "Komunitní plánování sociálních služeb"}
}

func oparlDate(d store.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
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
}

// oparlMembers are the memberships of public groups of people who agreed
// to be named (consent, not anonymised): one query.
func (h *Handler) oparlMembers(ctx context.Context, o oparlCtx) ([]oparlMember, error) {
	rows, err := h.Svc.DB.Query(ctx, `SELECT m.id, m.group_id, m.person_id, m.role, m.voting, m.joined_on, m.left_on, m.organisation_id, p.name
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
		if err := rows.Scan(&id, &x.groupID, &x.personID, &role, &voting, &joined, &left, &org, &x.name); err != nil {
			return nil, err
		}
		x.obj = obj{"id": o.url("membership", id), "type": oparlSchema + "Membership", "person": o.url("person", x.personID),
			"organization": o.url("organization", x.groupID), "role": role, "votingRight": voting, "startDate": oparlDate(joined), "endDate": oparlDate(left)}
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
			out = append(out, obj{"id": o.url("person", m.personID), "type": oparlSchema + "Person", "body": o.url("body", int64(1)), "name": m.name, "membership": []obj{}})
		}
		out[i]["membership"] = append(out[i]["membership"].([]obj), m.obj)
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
	approved := map[int64]bool{}
	rows, err := h.Svc.DB.Query(ctx, `SELECT DISTINCT meeting_id FROM minutes_versions WHERE meeting_id IN `+in, int64Args(ids)...)
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, err
		}
		approved[id] = true
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
		if approved[m.ID] {
			pdf := strings.TrimSuffix(o.base, "/oparl/v1") + "/jednani/" + itoa(m.ID) + "/zapis.pdf"
			mo["resultsProtocol"] = obj{"id": pdf, "type": oparlSchema + "File", "name": "Zápis", "fileName": "zapis.pdf", "mimeType": "application/pdf",
				"accessUrl": pdf, "downloadUrl": pdf}
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
		}
		mo["agendaItem"] = agenda
		out = append(out, mo)
	}
	return out, total, nil
}

// location is a meeting place with its accessibility in the description.
func (o oparlCtx) location(p *Place, l *i18n.Localizer) obj {
	return obj{"id": o.url("location", p.ID), "type": oparlSchema + "Location", "description": p.Name + ". " + accessibilityText(p, l),
		"streetAddress": p.Address, "created": oparlTime(p.CreatedAt), "modified": oparlTime(p.UpdatedAt)}
}
