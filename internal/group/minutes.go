package group

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/pdf"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// FindMinutes returns the minutes of a meeting; a meeting without any has
// an empty draft (not stored until saved).
func (s *Service) FindMinutes(ctx context.Context, meetingID int64) (*Minutes, error) {
	m, err := findMinutes(ctx, s.DB, meetingID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return &Minutes{MeetingID: meetingID, State: MinutesDraft, Version: 1}, nil
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func (s *Service) minutesTx(ctx context.Context, meetingID int64, action string, fn func(tx *store.Tx, mt *Meeting, m *Minutes) error) (*Minutes, error) {
	var out Minutes
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		mt, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if mt.State == StateCancelled {
			return apperr.New(apperr.Conflict, "group.err.meeting_closed")
		}
		before, err := findMinutes(ctx, tx, meetingID)
		exists := err == nil
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		if !exists {
			before = Minutes{MeetingID: meetingID, State: MinutesDraft, Version: 1, CreatedAt: s.now()}
		}
		m := before
		if err := fn(tx, &mt, &m); err != nil {
			return err
		}
		m.UpdatedAt = s.now()
		if exists {
			_, err = tx.Exec(ctx, `UPDATE minutes SET state = ?, version = ?, body = ?, approved_at = ?, updated_at = ? WHERE meeting_id = ?`,
				m.State, m.Version, m.Body, nullTime(m.ApprovedAt), m.UpdatedAt, meetingID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO minutes (meeting_id, state, version, body, approved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				meetingID, m.State, m.Version, m.Body, nullTime(m.ApprovedAt), m.CreatedAt, m.UpdatedAt)
		}
		if err != nil {
			return err
		}
		out = m
		var b any
		if exists {
			b = &before
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "meeting_minutes", EntityID: meetingID, Summary: mt.GroupCode, Before: b, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SaveMinutes stores the draft text; approved minutes are frozen (start a
// correction first).
func (s *Service) SaveMinutes(ctx context.Context, meetingID int64, body string) (*Minutes, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if len([]rune(body)) > 100000 {
		f := apperr.Fields{}
		f.Add("body", "err.too_long", "Max", 100000)
		return nil, f.Err()
	}
	return s.minutesTx(ctx, meetingID, "update", func(tx *store.Tx, mt *Meeting, m *Minutes) error {
		if m.State == MinutesApproved {
			return apperr.New(apperr.Conflict, "group.err.minutes_frozen")
		}
		m.Body = body
		return nil
	})
}

// SendMinutesForComments opens the draft to the members' comments and
// queues an e-mail to them (in the language of l; none when l is nil).
func (s *Service) SendMinutesForComments(ctx context.Context, meetingID int64, l *i18n.Localizer) (*Minutes, error) {
	groupID, err := s.MeetingGroup(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	members, err := s.FindMembers(ctx, groupID)
	if err != nil {
		return nil, err
	}
	m, err := s.minutesTx(ctx, meetingID, "minutes_for_comments", func(tx *store.Tx, mt *Meeting, m *Minutes) error {
		if m.State != MinutesDraft {
			return apperr.New(apperr.Conflict, "group.err.minutes_state")
		}
		if strings.TrimSpace(m.Body) == "" {
			f := apperr.Fields{}
			f.Add("body", "group.err.minutes_empty")
			return f.Err()
		}
		m.State = MinutesComments
		if l == nil {
			return nil
		}
		link := strings.TrimRight(s.BaseURL, "/") + "/jednani/" + itoa(meetingID) + "/zapis"
		for _, mem := range ActiveMembers(members, s.Today()) {
			if mem.Email == "" {
				continue
			}
			memberID := mem.ID
			msg := mail.Message{To: []string{mem.Email}, Subject: l.T("group.mail.comments_subject", "Group", mt.GroupCode),
				Text: l.T("group.mail.greeting") + "\n\n" + l.T("group.mail.comments_text", "Group", mt.GroupName, "Link", link) + "\n\n" + l.T("group.mail.signature") + "\n"}
			if err := s.queue(ctx, tx, outgoing{MeetingID: meetingID, MemberID: &memberID, Kind: MailMinutes, Batch: m.Version, Msg: msg}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Wake()
	return m, nil
}

// AddComment records a member's comment on minutes sent for comments.
func (s *Service) AddComment(ctx context.Context, meetingID int64, userID int64, author, body string) error {
	body = strings.TrimSpace(body)
	f := apperr.Fields{}
	if body == "" {
		f.Add("comment", "err.required")
	}
	if len([]rune(body)) > 5000 {
		f.Add("comment", "err.too_long", "Max", 5000)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := findMinutes(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if m.State != MinutesComments {
			return apperr.New(apperr.Conflict, "group.err.minutes_state")
		}
		var uid any
		if userID != 0 {
			uid = userID
		}
		id, err := store.InsertID(ctx, tx, `INSERT INTO minutes_comments (meeting_id, version, user_id, author, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			meetingID, m.Version, uid, author, body, s.now())
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "minutes_comment", Entity: "meeting_minutes", EntityID: meetingID,
			After: map[string]any{"comment_id": id, "author": author, "version": m.Version}, Personal: []string{"author"}})
	})
}

// Comments lists the comments on a meeting's minutes.
func (s *Service) Comments(ctx context.Context, meetingID int64) ([]Comment, error) {
	return rowsOf(ctx, s.DB, func(sc scanner) (Comment, error) {
		var c Comment
		err := sc.Scan(&c.ID, &c.MeetingID, &c.Version, &c.UserID, &c.Author, &c.Body, &c.CreatedAt)
		return c, err
	}, `SELECT id, meeting_id, version, user_id, author, body, created_at FROM minutes_comments WHERE meeting_id = ? ORDER BY id`, meetingID)
}

// ApproveMinutes approves and freezes the minutes of a held meeting as a
// numbered version; reason explains a correction (version 2 and later).
func (s *Service) ApproveMinutes(ctx context.Context, meetingID int64, approvedBy, reason string) (*Minutes, error) {
	reason = strings.TrimSpace(reason)
	return s.minutesTx(ctx, meetingID, "minutes_approve", func(tx *store.Tx, mt *Meeting, m *Minutes) error {
		if mt.State != StateHeld {
			return apperr.New(apperr.Conflict, "group.err.not_held")
		}
		if m.State == MinutesApproved {
			return apperr.New(apperr.Conflict, "group.err.minutes_state")
		}
		if strings.TrimSpace(m.Body) == "" {
			f := apperr.Fields{}
			f.Add("body", "group.err.minutes_empty")
			return f.Err()
		}
		if m.Version > 1 && reason == "" {
			f := apperr.Fields{}
			f.Add("reason", "group.err.reason_needed")
			return f.Err()
		}
		now := s.now()
		m.State, m.ApprovedAt = MinutesApproved, &now
		_, err := tx.Exec(ctx, `INSERT INTO minutes_versions (meeting_id, version, body, reason, approved_at, approved_by) VALUES (?, ?, ?, ?, ?, ?)`,
			meetingID, m.Version, m.Body, reason, now, approvedBy)
		return err
	})
}

// CorrectMinutes opens approved minutes for a correction: a new draft
// version; the approved versions stay as they were.
func (s *Service) CorrectMinutes(ctx context.Context, meetingID int64) (*Minutes, error) {
	return s.minutesTx(ctx, meetingID, "minutes_correct", func(tx *store.Tx, mt *Meeting, m *Minutes) error {
		if m.State != MinutesApproved {
			return apperr.New(apperr.Conflict, "group.err.minutes_state")
		}
		m.State, m.Version, m.ApprovedAt = MinutesDraft, m.Version+1, nil
		return nil
	})
}

// Versions lists the approved versions of a meeting's minutes, oldest first.
func (s *Service) Versions(ctx context.Context, meetingID int64) ([]MinutesVersion, error) {
	return rowsOf(ctx, s.DB, func(sc scanner) (MinutesVersion, error) {
		var v MinutesVersion
		err := sc.Scan(&v.MeetingID, &v.Version, &v.Body, &v.Reason, &v.ApprovedAt, &v.ApprovedBy)
		return v, err
	}, `SELECT meeting_id, version, body, reason, approved_at, approved_by FROM minutes_versions WHERE meeting_id = ? ORDER BY version`, meetingID)
}

// ApprovedMinutes lists the meetings of a group with approved minutes
// (the public archive), newest first.
func (s *Service) ApprovedMinutes(ctx context.Context, groupID int64) ([]Meeting, error) {
	return rowsOf(ctx, s.DB, scanMeeting, `SELECT `+meetingCols+` FROM `+meetingFrom+` WHERE t.group_id = ? AND EXISTS (SELECT 1 FROM minutes_versions v WHERE v.meeting_id = t.id)
		ORDER BY t.starts_at DESC`, groupID)
}

// ---------- line diff

// DiffLine is one line of a diff: Op ' ' kept, '-' removed, '+' added.
type DiffLine struct {
	Op   byte
	Text string
}

// Diff compares two texts line by line (longest common subsequence).
func Diff(a, b string) []DiffLine {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(al), len(bl)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case al[i] == bl[j]:
			out = append(out, DiffLine{' ', al[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{'-', al[i]})
			i++
		default:
			out = append(out, DiffLine{'+', bl[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{'-', al[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{'+', bl[j]})
	}
	return out
}

// ---------- a safe Markdown subset

var (
	mdBold   = regexp.MustCompile(`\*\*([^*\n]+)\*\*`)
	mdItalic = regexp.MustCompile(`(^|[^*\w])[*_]([^*_\n]+)[*_]`)
	mdLink   = regexp.MustCompile(`\[([^\]\n]+)\]\((https?://[^\s)]+|/[^\s)]*)\)`)
	mdOList  = regexp.MustCompile(`^\d{1,3}[.)]\s+`)
)

// inline formats one escaped line: **bold**, *italic*, [text](https://…).
func inline(s string) string {
	s = html.EscapeString(s)
	s = mdLink.ReplaceAllString(s, `<a href="$2">$1</a>`)
	s = mdBold.ReplaceAllString(s, `<strong>$1</strong>`)
	s = mdItalic.ReplaceAllString(s, `$1<em>$2</em>`)
	return s
}

// RenderMarkdown renders the Markdown subset minutes use: headings (#, ##,
// ###), paragraphs, bulleted and numbered lists, bold, italic and http(s)
// links. Everything is escaped first, so raw HTML shows as text.
func RenderMarkdown(src string) template.HTML {
	var b strings.Builder
	list := ""
	para := []string{}
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + strings.Join(para, "<br>\n") + "</p>\n")
			para = para[:0]
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	openList := func(kind string) {
		if list != kind {
			closeList()
			b.WriteString("<" + kind + ">\n")
			list = kind
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flushPara()
			closeList()
		case strings.HasPrefix(t, "### "):
			flushPara()
			closeList()
			b.WriteString("<h4>" + inline(t[4:]) + "</h4>\n")
		case strings.HasPrefix(t, "## "):
			flushPara()
			closeList()
			b.WriteString("<h3>" + inline(t[3:]) + "</h3>\n")
		case strings.HasPrefix(t, "# "):
			flushPara()
			closeList()
			b.WriteString("<h3>" + inline(t[2:]) + "</h3>\n")
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flushPara()
			openList("ul")
			b.WriteString("<li>" + inline(t[2:]) + "</li>\n")
		case mdOList.MatchString(t):
			flushPara()
			openList("ol")
			b.WriteString("<li>" + inline(mdOList.ReplaceAllString(t, "")) + "</li>\n")
		default:
			closeList()
			para = append(para, inline(t))
		}
	}
	flushPara()
	closeList()
	return template.HTML(b.String())
}

// PlainMarkdown strips the Markdown marks for the PDF.
func PlainMarkdown(src string) string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		t = strings.TrimLeft(t, "#")
		if strings.HasPrefix(t, "* ") {
			t = "– " + t[2:]
		}
		if strings.HasPrefix(t, "- ") {
			t = "– " + t[2:]
		}
		t = mdLink.ReplaceAllString(t, "$1 ($2)")
		t = strings.ReplaceAll(t, "**", "")
		out = append(out, strings.TrimSpace(t))
	}
	return strings.Join(out, "\n")
}

// ---------- PDF

// MinutesPDF writes the minutes of a meeting as the PDF a town office
// files: the header with the group, date and place, who was present and
// excused, the agenda, the course of the meeting, resolutions with their
// votes and the tasks.
// approvedOnly writes the latest approved version (the public archive).
func (s *Service) MinutesPDF(ctx context.Context, meetingID int64, l *i18n.Localizer, approvedOnly bool) ([]byte, error) {
	m, err := s.FindMeetingByID(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	mins, err := s.FindMinutes(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if approvedOnly && mins.State != MinutesApproved {
		vs, err := s.Versions(ctx, meetingID)
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			return nil, apperr.NotFoundErr("minutes")
		}
		v := vs[len(vs)-1]
		mins = &Minutes{MeetingID: meetingID, State: MinutesApproved, Version: v.Version, Body: v.Body, ApprovedAt: &v.ApprovedAt}
	}
	roll, err := s.Roll(ctx, m)
	if err != nil {
		return nil, err
	}
	agenda, err := s.Agenda(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	res, _, err := s.FindResolutions(ctx, ResolutionFilter{MeetingID: meetingID, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	var tasks []Task
	for _, r := range res {
		ts, _, err := s.FindTasks(ctx, TaskFilter{ResolutionID: r.ID, Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, ts...)
	}
	place := ""
	if m.PlaceID != nil {
		if p, err := s.FindPlaceByID(ctx, *m.PlaceID); err == nil {
			place = strings.TrimSpace(p.Name + ", " + p.Address)
		}
	}
	title := l.T("group.pdf.title", "Group", m.GroupName, "Date", l.Date(m.StartsAt))
	doc := pdf.New(title, pdf.Options{Author: m.GroupName, Subject: l.T("group.minutes.title"), Lang: l.Lang, Now: s.Now, Tagged: true})
	state := l.T("group.minutes.state." + mins.State)
	doc.KeyValue([][2]string{
		{l.T("group.field.group"), m.GroupName + " (" + m.GroupCode + ")"},
		{l.T("group.meeting.when"), l.DateTime(m.StartsAt) + "–" + m.EndsAt.In(pragueLoc).Format("15:04")},
		{l.T("group.meeting.place"), place},
		{l.T("group.minutes.version"), fmt.Sprintf("%d (%s)", mins.Version, state)},
	})
	var present, excused, absent []string
	for _, mem := range roll.Members {
		name := mem.Name
		if r := mem.Represents(); r != "" {
			name += " (" + r + ")"
		}
		switch roll.Attendance[mem.ID].Status {
		case Present:
			present = append(present, name)
		case Excused:
			excused = append(excused, name)
		case Absent:
			absent = append(absent, name)
		}
	}
	var guests []string
	for _, g := range roll.Guests {
		guests = append(guests, strings.TrimSpace(g.Name+" "+paren(g.Affiliation)))
	}
	doc.Heading(2, l.T("group.attendance.title"))
	doc.KeyValue([][2]string{
		{l.T("group.pdf.present"), listOrDash(present)},
		{l.T("group.pdf.excused"), listOrDash(excused)},
		{l.T("group.pdf.absent"), listOrDash(absent)},
		{l.T("group.attendance.guests"), listOrDash(guests)},
		{l.T("group.quorum.title"), l.T("group.quorum.summary", "Present", roll.Quorum.Present, "Voting", roll.Quorum.Voting, "Needed", roll.Quorum.Needed) + " – " + yesNo(l, roll.Quorum.Reached, "group.quorum.reached", "group.quorum.not_reached")},
	})
	doc.Heading(2, l.T("group.agenda.title"))
	var items []string
	for i, it := range agenda {
		items = append(items, fmt.Sprintf("%d. %s", i+1, it.Title))
	}
	if len(items) == 0 {
		items = []string{"–"}
	}
	doc.Paragraph(strings.Join(items, "\n"))
	doc.Heading(2, l.T("group.minutes.course"))
	body := PlainMarkdown(mins.Body)
	if body == "" {
		body = "–"
	}
	doc.Paragraph(body)
	doc.Heading(2, l.T("group.resolution.list"))
	if len(res) == 0 {
		doc.Paragraph(l.T("group.resolution.empty"))
	} else {
		rows := make([][]string, len(res))
		for i, r := range res {
			rows[i] = []string{r.Number, r.Text, l.T("group.resolution.votes_text", "For", r.VotesFor, "Against", r.VotesAgainst, "Abstained", r.VotesAbstained), l.T("group.outcome." + r.Outcome)}
		}
		doc.Table([]string{l.T("group.resolution.number"), l.T("group.resolution.text"), l.T("group.pdf.votes"), l.T("group.resolution.outcome")}, rows, []float64{1.9, 3.6, 1.6, 1.1})
	}
	doc.Heading(2, l.T("group.task.list"))
	if len(tasks) == 0 {
		doc.Paragraph(l.T("group.task.empty"))
	} else {
		rows := make([][]string, len(tasks))
		for i, t := range tasks {
			rows[i] = []string{t.ResolutionNumber, t.Title, t.Assignee, l.Date(t.DueOn.Time), l.T("group.task.state." + t.Shown)}
		}
		doc.Table([]string{l.T("group.resolution.number"), l.T("group.task.title"), l.T("group.task.assignee"), l.T("group.task.due_on"), l.T("group.task.state")}, rows, []float64{1.9, 2.8, 2, 1.2, 1.2})
	}
	if mins.ApprovedAt != nil {
		doc.Paragraph(l.T("group.minutes.approved_on", "Date", l.Date(*mins.ApprovedAt)))
	}
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func listOrDash(ss []string) string {
	if len(ss) == 0 {
		return "–"
	}
	return strings.Join(ss, "; ")
}

func yesNo(l *i18n.Localizer, v bool, yes, no string) string {
	if v {
		return l.T(yes)
	}
	return l.T(no)
}
