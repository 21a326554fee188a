package group

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/ical"
	"kpss/internal/mail"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// Event returns the calendar entry of a meeting.
func (s *Service) Event(m *Meeting, place *Place, l *i18n.Localizer) ical.Event {
	ev := ical.Event{UID: ical.UID("meeting", m.ID, s.SiteID), Start: m.StartsAt, End: m.EndsAt,
		Summary: m.GroupName, URL: strings.TrimRight(s.BaseURL, "/") + "/jednani/" + itoa(m.ID),
		Categories: []string{m.GroupCode}, Sequence: m.Sequence, Updated: m.UpdatedAt, Status: ical.StatusConfirmed}
	if m.State == StateCancelled {
		ev.Status = ical.StatusCancelled
	}
	if m.State == StatePlanned {
		ev.Status = ical.StatusTentative
	}
	if place != nil {
		ev.Location = place.Name
		if place.Address != "" {
			ev.Location += ", " + place.Address
		}
		ev.Description = accessibilityText(place, l)
	}
	if m.Note != "" {
		ev.Description = strings.TrimSpace(m.Note + "\n" + ev.Description)
	}
	return ev
}

func accessibilityText(p *Place, l *i18n.Localizer) string {
	var fs []string
	for _, k := range p.Features() {
		fs = append(fs, l.T(k))
	}
	if len(fs) == 0 {
		return l.T("group.place.no_features")
	}
	s := l.T("group.place.accessibility") + ": " + strings.Join(fs, ", ")
	if p.Note != "" {
		s += ". " + p.Note
	}
	return s
}

// WriteFeed writes an iCalendar feed of meetings (cancelled ones included,
// so calendars drop them).
func (s *Service) WriteFeed(ctx context.Context, w io.Writer, name string, ms []Meeting, l *i18n.Localizer) error {
	places, err := s.placeMap(ctx)
	if err != nil {
		return err
	}
	evs := make([]ical.Event, len(ms))
	for i := range ms {
		var p *Place
		if ms[i].PlaceID != nil {
			if pl, ok := places[*ms[i].PlaceID]; ok {
				p = &pl
			}
		}
		evs[i] = s.Event(&ms[i], p, l)
	}
	return ical.Write(w, name, evs)
}

func (s *Service) placeMap(ctx context.Context) (map[int64]Place, error) {
	ps, err := s.FindPlaces(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]Place{}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// InviteResult says what SendInvitations did.
type InviteResult struct {
	Queued    int      // invitations waiting in the outbox
	NoAddress []string // members without an e-mail address
}

// SendInvitations queues for every active member the invitation with the
// agenda, the place's accessibility, answer links and an .ics attachment,
// and moves the meeting to "invited", in one transaction; the outbox job
// delivers them. Sending again (after a change) sends the updated event and
// supersedes invitations of the earlier round not delivered yet. Overdue
// tasks join the agenda first.
func (s *Service) SendInvitations(ctx context.Context, meetingID int64, l *i18n.Localizer) (*InviteResult, error) {
	m, err := s.FindMeetingByID(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if !m.Open() {
		return nil, apperr.New(apperr.Conflict, "group.err.meeting_closed")
	}
	if _, err := s.SyncOverdueTasks(ctx, meetingID); err != nil {
		return nil, err
	}
	members, err := s.FindMembers(ctx, m.GroupID)
	if err != nil {
		return nil, err
	}
	var place *Place
	if m.PlaceID != nil {
		if place, err = s.FindPlaceByID(ctx, *m.PlaceID); err != nil {
			return nil, err
		}
	}
	agenda, err := s.Agenda(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	active := ActiveMembers(members, meetingDay(m))
	res := &InviteResult{}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !before.Open() {
			return apperr.New(apperr.Conflict, "group.err.meeting_closed")
		}
		att, err := findAttendance(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		existing := map[int64]string{}
		rows, err := tx.Query(ctx, `SELECT member_id, COALESCE(rsvp_token, '') FROM meeting_attendance WHERE meeting_id = ?`, meetingID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var t string
			if err := rows.Scan(&id, &t); err != nil {
				rows.Close()
				return err
			}
			existing[id] = t
		}
		rows.Close()
		tokens := map[int64]string{}
		for _, mem := range active {
			t := existing[mem.ID]
			if t == "" {
				t = newToken()
				if _, ok := att[mem.ID]; ok {
					_, err = tx.Exec(ctx, `UPDATE meeting_attendance SET rsvp_token = ? WHERE meeting_id = ? AND member_id = ?`, t, meetingID, mem.ID)
				} else {
					_, err = tx.Exec(ctx, `INSERT INTO meeting_attendance (meeting_id, member_id, rsvp_token) VALUES (?, ?, ?)`, meetingID, mem.ID, t)
				}
				if err != nil {
					return err
				}
			}
			tokens[mem.ID] = t
		}
		after := before
		if after.State == StateInvited {
			after.Sequence++
		}
		now := s.now()
		after.State, after.InvitedAt, after.UpdatedAt = StateInvited, &now, now
		if err := updateMeeting(ctx, tx, &after); err != nil {
			return err
		}
		*m = after
		// An earlier round not delivered yet is replaced by this one.
		if err := s.supersede(ctx, tx, meetingID, MailInvitation); err != nil {
			return err
		}
		ev := s.Event(m, place, l)
		for _, mem := range active {
			if mem.Email == "" {
				res.NoAddress = append(res.NoAddress, mem.Name)
				continue
			}
			memberID := mem.ID
			if err := s.queue(ctx, tx, outgoing{MeetingID: meetingID, MemberID: &memberID, Kind: MailInvitation, Batch: m.Sequence,
				Msg: s.invitation(m, &mem, place, agenda, ev, tokens[mem.ID], l)}); err != nil {
				return err
			}
			res.Queued++
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_invite", Entity: "group_meeting", EntityID: meetingID, Summary: m.GroupCode, Before: &before, After: &after})
	})
	if err != nil {
		return nil, err
	}
	s.Wake()
	return res, nil
}

// organizer is the invitations' ORGANIZER: the address the e-mails are sent
// from (KPSS_SMTP_FROM), so that a calendar's reply reaches the coordinator.
func (s *Service) organizer() string {
	if s.MailFrom != "" {
		return s.MailFrom
	}
	return "KPSS <kpss@localhost>"
}

// invitation is the e-mail inviting one member.
func (s *Service) invitation(m *Meeting, mem *Member, place *Place, agenda []AgendaItem, ev ical.Event, tok string, l *i18n.Localizer) mail.Message {
	base := strings.TrimRight(s.BaseURL, "/")
	to := fmt.Sprintf("%s <%s>", strings.NewReplacer("<", "", ">", "", ",", "", "\"", "").Replace(mem.Name), mem.Email)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", l.T("group.mail.greeting"))
	fmt.Fprintf(&b, "%s\n\n", l.T("group.mail.invite_intro", "Group", m.GroupName))
	fmt.Fprintf(&b, "%s: %s\n", l.T("group.meeting.when"), l.DateTime(m.StartsAt)+"–"+m.EndsAt.In(pragueLoc).Format("15:04"))
	if place != nil {
		fmt.Fprintf(&b, "%s: %s\n", l.T("group.meeting.place"), place.Name+" "+place.Address)
		fmt.Fprintf(&b, "%s\n", accessibilityText(place, l))
	}
	fmt.Fprintf(&b, "\n%s:\n", l.T("group.agenda.title"))
	if len(agenda) == 0 {
		fmt.Fprintf(&b, "– %s\n", l.T("group.agenda.empty"))
	}
	for i, it := range agenda {
		fmt.Fprintf(&b, "%d. %s\n", i+1, it.Title)
	}
	fmt.Fprintf(&b, "\n%s\n%s: %s/odpoved/%s?odpoved=attend\n%s: %s/odpoved/%s?odpoved=excused\n\n%s\n",
		l.T("group.mail.answer"), l.T("group.answer.attend"), base, tok, l.T("group.answer.excused"), base, tok, l.T("group.mail.signature"))
	return mail.Message{To: []string{to}, Subject: l.T("group.mail.invite_subject", "Group", m.GroupCode, "When", l.Date(m.StartsAt)), Text: b.String(),
		Attachments: []mail.Attachment{{Name: "pozvanka.ics", ContentType: ical.InvitationContentType(ev),
			Data: ical.Invitation(ev, s.organizer(), []string{to})}}}
}

// queuePromoted queues the notice for people moved up from the waitlist
// (those with an address), in the caller's transaction.
func (s *Service) queuePromoted(ctx context.Context, q store.Q, m *Meeting, regs []Registration) error {
	for _, r := range regs {
		if r.Email == "" {
			continue
		}
		text := fmt.Sprintf("Dobrý den,\n\nuvolnilo se místo na jednání skupiny %s dne %s a Vaše přihláška je nyní potvrzena.\n\nPokud nemůžete přijít, zrušte prosím přihlášku zde: %s/prihlaska/%s\n\nKoordinátor KPSS\n",
			m.GroupName, i18nDate(m), strings.TrimRight(s.BaseURL, "/"), r.Token)
		if err := s.queue(ctx, q, outgoing{MeetingID: m.ID, Kind: MailRegistration, Msg: mail.Message{To: []string{r.Email}, Subject: "Místo na jednání je potvrzeno – " + m.GroupCode, Text: text}}); err != nil {
			return err
		}
	}
	return nil
}

func i18nDate(m *Meeting) string {
	t := m.StartsAt.In(pragueLoc)
	return fmt.Sprintf("%d. %d. %d v %s", t.Day(), t.Month(), t.Year(), t.Format("15:04"))
}

// NotifyCancelled queues for the members of an invited meeting the notice
// that it was cancelled, with a METHOD:CANCEL calendar entry that removes
// the event, and supersedes invitations not delivered yet. It returns how
// many notices it queued.
func (s *Service) NotifyCancelled(ctx context.Context, m *Meeting, l *i18n.Localizer) (int, error) {
	if m.State != StateCancelled || m.InvitedAt == nil {
		return 0, nil
	}
	members, err := s.FindMembers(ctx, m.GroupID)
	if err != nil {
		return 0, err
	}
	var place *Place
	if m.PlaceID != nil {
		if place, err = s.FindPlaceByID(ctx, *m.PlaceID); err != nil {
			return 0, err
		}
	}
	ev := s.Event(m, place, l)
	queued := 0
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := s.supersede(ctx, tx, m.ID, MailInvitation); err != nil {
			return err
		}
		for _, mem := range ActiveMembers(members, meetingDay(m)) {
			if mem.Email == "" {
				continue
			}
			memberID := mem.ID
			msg := mail.Message{To: []string{mem.Email}, Subject: l.T("group.mail.cancel_subject", "Group", m.GroupCode, "When", l.Date(m.StartsAt)),
				Text:        l.T("group.mail.greeting") + "\n\n" + l.T("group.mail.cancel_text", "Group", m.GroupName, "When", l.DateTime(m.StartsAt)) + "\n\n" + l.T("group.mail.signature") + "\n",
				Attachments: []mail.Attachment{{Name: "zruseni.ics", ContentType: ical.InvitationContentType(ev), Data: ical.Invitation(ev, s.organizer(), []string{mem.Email})}}}
			if err := s.queue(ctx, tx, outgoing{MeetingID: m.ID, MemberID: &memberID, Kind: MailCancellation, Batch: m.Sequence, Msg: msg}); err != nil {
				return err
			}
			queued++
		}
		if queued == 0 {
			return nil
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_cancel_notice", Entity: "group_meeting", EntityID: m.ID, Summary: m.GroupCode, After: map[string]any{"notices": queued}})
	})
	if err != nil {
		return 0, err
	}
	s.Wake()
	return queued, nil
}

// AnonymiseOld removes the names and addresses of registered non-members
// and guests of meetings that ended before cutoff (the retention job); the
// counts stay for the statistics. It returns how many rows it changed.
func (s *Service) AnonymiseOld(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r1, err := tx.Exec(ctx, `UPDATE meeting_registrations SET name = '', email = '', updated_at = ? WHERE name <> '' AND meeting_id IN (SELECT id FROM meetings WHERE ends_at < ?)`, s.now(), cutoff.UTC())
		if err != nil {
			return err
		}
		r2, err := tx.Exec(ctx, `UPDATE meeting_guests SET name = '' WHERE name <> '' AND meeting_id IN (SELECT id FROM meetings WHERE ends_at < ?)`, cutoff.UTC())
		if err != nil {
			return err
		}
		a, _ := r1.RowsAffected()
		b, _ := r2.RowsAffected()
		// Delivered e-mails (names, addresses, answer links) go too.
		o, err := purgeOutbox(ctx, tx, cutoff)
		if err != nil {
			return err
		}
		n = a + b + o
		if n == 0 {
			return nil
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "group_registration", Summary: cutoff.Format(time.DateOnly),
			After: map[string]any{"registrations": a, "guests": b, "emails": o}})
	})
	return n, err
}
