package workshop

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/feedback"
	"kpss/internal/group"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Places gives the groups' meeting places (the groups module's service).
type Places interface {
	FindPlaces(ctx context.Context) ([]group.Place, error)
	FindPlaceByID(ctx context.Context, id int64) (*group.Place, error)
}

// Service runs the rules of workshops. Every change writes one audit row in
// its transaction.
type Service struct {
	DB      *store.DB
	Audit   *audit.Log
	Now     func() time.Time
	Log     *slog.Logger
	BaseURL string
	// SiteID is the domain of the calendar UIDs (ical.SiteID: KPSS_SITE_ID or
	// the public address's host), so a block keeps one UID in every feed.
	SiteID string
	// Places are the groups' places; nil: workshops have no place.
	Places Places
	// Feedback makes the feedback forms (the surveys module); nil: none.
	Feedback feedback.Provider
	// Notify queues the module's e-mails in the change's transaction; nil:
	// no e-mails (see mail.go).
	Notify Notifier
	// Inviter queues invitations (the Mailer); Partners gives the people
	// invited by audience. Nil: no invitations.
	Inviter  Inviter
	Partners *partner.Service
	Groups   Groups
	// Status tells how the e-mails of a workshop fared (the outbox); nil: not shown.
	Status func(ctx context.Context, ref string) (MailStatus, error)
	// Allow rate-limits the public registrations across replicas; nil: no limit.
	Allow func(ctx context.Context, key string, max int, per time.Duration) (bool, error)
}

// MailStatus is how the e-mails of a workshop fared.
type MailStatus struct {
	Total, Sent, Pending, Failed int
	LastError                    string
}

// NewService returns the workshops service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time) *Service {
	return &Service{DB: db, Audit: log, Now: now, Log: slog.Default()}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func newToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newCode is a six-digit attendance code.
func newCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(900000))
	return itoa(n.Int64() + 100000)
}

// ---------- workshops

// Filter selects workshops.
type Filter struct {
	States []string // none: all
	Year   int      // of the first block; 0: any
	Search string
}

// FindWorkshops lists workshops with their blocks, quotas and places taken,
// the next ones first, then the past ones newest first (a fixed number of
// queries whatever their number).
func (s *Service) FindWorkshops(ctx context.Context, f Filter) ([]Workshop, error) {
	where, args := []string{"1=1"}, []any{}
	if len(f.States) > 0 {
		where = append(where, "w.state IN "+in(len(f.States)))
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if f.Search != "" {
		for _, w := range store.LikeWords(czech.Fold(f.Search)) {
			where = append(where, `w.search LIKE ? ESCAPE '\'`)
			args = append(args, w)
		}
	}
	ws, err := rowsOf(ctx, s.DB, scanWorkshop, `SELECT `+workshopCols+` FROM workshops w WHERE `+join(where, " AND ")+` ORDER BY w.id`, args...)
	if err != nil {
		return nil, err
	}
	if err := s.fill(ctx, s.DB, ws); err != nil {
		return nil, err
	}
	if f.Year > 0 {
		ws = slices.DeleteFunc(ws, func(w Workshop) bool { return w.First().IsZero() || w.First().In(prague).Year() != f.Year })
	}
	now := s.now()
	slices.SortStableFunc(ws, func(a, b Workshop) int {
		af, bf := a.Finished(now) || a.First().IsZero(), b.Finished(now) || b.First().IsZero()
		switch {
		case af != bf:
			if af {
				return 1
			}
			return -1
		case !af:
			return a.First().Compare(b.First())
		}
		return b.First().Compare(a.First())
	})
	return ws, nil
}

// fill loads the blocks, quotas and places of ws (four queries).
func (s *Service) fill(ctx context.Context, q store.Q, ws []Workshop) error {
	ids := make([]int64, len(ws))
	for i := range ws {
		ids[i] = ws[i].ID
	}
	blocks, err := loadBlocks(ctx, q, ids)
	if err != nil {
		return err
	}
	quotas, taken, err := loadQuotas(ctx, q, ids)
	if err != nil {
		return err
	}
	var places map[int64]group.Place
	if s.Places != nil && len(ws) > 0 {
		ps, err := s.Places.FindPlaces(ctx)
		if err != nil {
			return err
		}
		places = map[int64]group.Place{}
		for _, p := range ps {
			places[p.ID] = p
		}
	}
	for i := range ws {
		w := &ws[i]
		w.Blocks = blocks[w.ID]
		w.Quotas = quotas[w.ID]
		if w.Quotas == nil {
			w.Quotas = map[string]int{}
		}
		w.Counts = taken[w.ID]
		if w.Counts == nil {
			w.Counts = map[string]int{}
		}
		if w.PlaceID != nil {
			if p, ok := places[*w.PlaceID]; ok {
				w.Place = placeView(p)
			}
		}
	}
	return nil
}

func placeView(p group.Place) *PlaceView {
	return &PlaceView{Name: p.Name, Address: p.Address, Features: p.Features(), Note: p.Note}
}

// FindWorkshopByID returns a workshop with its blocks, quotas and place.
func (s *Service) FindWorkshopByID(ctx context.Context, id int64) (*Workshop, error) {
	return s.findWorkshop(ctx, s.DB, id)
}

func (s *Service) findWorkshop(ctx context.Context, q store.Q, id int64) (*Workshop, error) {
	w, err := one(ctx, q, scanWorkshop, "workshop", `SELECT `+workshopCols+` FROM workshops w WHERE w.id = ?`, id)
	if err != nil {
		return nil, err
	}
	ws := []Workshop{w}
	if err := s.fill(ctx, q, ws); err != nil {
		return nil, err
	}
	return &ws[0], nil
}

func (s *Service) checkPlace(ctx context.Context, id *int64) error {
	if id == nil {
		return nil
	}
	if s.Places == nil {
		return apperr.Fields{"place_id": {Key: "err.bad_reference"}}.Err()
	}
	if _, err := s.Places.FindPlaceByID(ctx, *id); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return apperr.Fields{"place_id": {Key: "err.bad_reference"}}.Err()
		}
		return err
	}
	return nil
}

func searchOf(w *Workshop) string {
	return czech.FoldJoin(w.Topic, w.Description, w.LecturerName, w.LecturerOrg)
}

func defaults(w *Workshop) {
	if w.CertPercent == 0 {
		w.CertPercent = DefaultCertPercent
	}
	if w.OfferHours == 0 {
		w.OfferHours = DefaultOfferHours
	}
	if w.Quotas == nil {
		w.Quotas = map[string]int{}
	}
}

func saveQuotas(ctx context.Context, tx *store.Tx, id int64, quotas map[string]int) error {
	if _, err := tx.Exec(ctx, `DELETE FROM workshop_quotas WHERE workshop_id = ?`, id); err != nil {
		return err
	}
	for _, a := range Audiences {
		if n := quotas[a]; n > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO workshop_quotas (workshop_id, audience, places) VALUES (?, ?, ?)`, id, a, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateWorkshop adds a draft workshop with its quotas.
func (s *Service) CreateWorkshop(ctx context.Context, w Workshop) (*Workshop, error) {
	defaults(&w)
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkPlace(ctx, w.PlaceID); err != nil {
		return nil, err
	}
	w.State, w.CreatedAt, w.UpdatedAt = StateDraft, s.now(), s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := store.InsertID(ctx, tx, `INSERT INTO workshops (topic, description, lecturer_name, lecturer_org, lecturer_bio, place_id, organiser,
			min_participants, cert_percent, offer_hours, state, search, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			w.Topic, w.Description, w.LecturerName, w.LecturerOrg, w.LecturerBio, w.PlaceID, w.Organiser,
			w.MinParticipants, w.CertPercent, w.OfferHours, w.State, searchOf(&w), w.CreatedAt, w.UpdatedAt)
		if err != nil {
			return err
		}
		w.ID = id
		if err := saveQuotas(ctx, tx, id, w.Quotas); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "workshop", EntityID: id, Summary: w.Topic, After: &w})
	})
	if err != nil {
		return nil, err
	}
	return s.FindWorkshopByID(ctx, w.ID)
}

// UpdateWorkshop changes a workshop's fields and quotas. A published
// workshop keeps the publishing rules: its minimum stays at least
// MinParticipants. Held, not held and cancelled workshops are frozen.
func (s *Service) UpdateWorkshop(ctx context.Context, id int64, in Workshop) (*Workshop, error) {
	defaults(&in)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkPlace(ctx, in.PlaceID); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.findWorkshop(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.State != StateDraft && before.State != StatePublished {
			return apperr.New(apperr.Conflict, "workshop.err.frozen")
		}
		if before.State == StatePublished && in.MinParticipants < MinParticipants {
			return apperr.Fields{"min_participants": {Key: "workshop.err.min_participants", Args: map[string]any{"Min": MinParticipants}}}.Err()
		}
		in.ID, in.State, in.CreatedAt, in.UpdatedAt = id, before.State, before.CreatedAt, s.now()
		if _, err := tx.Exec(ctx, `UPDATE workshops SET topic = ?, description = ?, lecturer_name = ?, lecturer_org = ?, lecturer_bio = ?, place_id = ?,
			organiser = ?, min_participants = ?, cert_percent = ?, offer_hours = ?, search = ?, updated_at = ? WHERE id = ?`,
			in.Topic, in.Description, in.LecturerName, in.LecturerOrg, in.LecturerBio, in.PlaceID, in.Organiser,
			in.MinParticipants, in.CertPercent, in.OfferHours, searchOf(&in), in.UpdatedAt, id); err != nil {
			return err
		}
		if err := saveQuotas(ctx, tx, id, in.Quotas); err != nil {
			return err
		}
		b := *before
		b.Blocks, b.Counts, b.Place = nil, nil, nil
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "workshop", EntityID: id, Summary: in.Topic, Before: &b, After: &in})
	})
	if err != nil {
		return nil, err
	}
	return s.FindWorkshopByID(ctx, id)
}

func editable(w *Workshop) error {
	if w.State != StateDraft && w.State != StatePublished {
		return apperr.New(apperr.Conflict, "workshop.err.frozen")
	}
	return nil
}

// AddBlock adds a time block to a draft or published workshop.
func (s *Service) AddBlock(ctx context.Context, workshopID int64, b Block) (*Block, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		w, err := s.findWorkshop(ctx, tx, workshopID)
		if err != nil {
			return err
		}
		if err := editable(w); err != nil {
			return err
		}
		for _, o := range w.Blocks {
			if b.StartsAt.Before(o.EndsAt) && o.StartsAt.Before(b.EndsAt) {
				return apperr.Fields{"block_start": {Key: "workshop.err.overlap", Args: map[string]any{"Block": o.Start().Format("2. 1. 2006 15:04")}}}.Err()
			}
		}
		b.WorkshopID, b.Code = workshopID, newCode()
		b.StartsAt, b.EndsAt = b.StartsAt.UTC(), b.EndsAt.UTC()
		id, err := store.InsertID(ctx, tx, `INSERT INTO workshop_blocks (workshop_id, title, starts_at, ends_at, break_minutes, code) VALUES (?, ?, ?, ?, ?, ?)`,
			workshopID, b.Title, b.StartsAt, b.EndsAt, b.BreakMinutes, b.Code)
		if err != nil {
			return err
		}
		b.ID = id
		if _, err := tx.Exec(ctx, `UPDATE workshops SET updated_at = ? WHERE id = ?`, s.now(), workshopID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_block_add", Entity: "workshop", EntityID: workshopID, Summary: w.Topic, After: &b})
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// RemoveBlock removes a block without attendance. A published workshop
// keeps at least its six net hours.
func (s *Service) RemoveBlock(ctx context.Context, blockID int64) (int64, error) {
	var wid int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := one(ctx, tx, scanBlock, "workshop_block", `SELECT `+blockCols+` FROM workshop_blocks b WHERE b.id = ?`, blockID)
		if err != nil {
			return err
		}
		wid = b.WorkshopID
		w, err := s.findWorkshop(ctx, tx, b.WorkshopID)
		if err != nil {
			return err
		}
		if err := editable(w); err != nil {
			return err
		}
		if w.State == StatePublished && w.Net()-b.NetMinutes() < MinNetMinutes {
			return apperr.New(apperr.Conflict, "workshop.err.block_needed")
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM workshop_attendance WHERE block_id = ?`, blockID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "workshop.err.block_attended")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM workshop_blocks WHERE id = ?`, blockID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_block_remove", Entity: "workshop", EntityID: w.ID, Summary: w.Topic, Before: &b})
	})
	return wid, err
}

// PublishProblems lists what keeps a workshop from being published: fewer
// than six net hours, a minimum below ten participants, no places, places
// fewer than the minimum.
func PublishProblems(w *Workshop) apperr.Fields {
	f := apperr.Fields{}
	if net := w.Net(); net < MinNetMinutes {
		f.Add("blocks", "workshop.err.net_hours", "Net", Hours(net), "Min", Hours(MinNetMinutes))
	}
	if w.MinParticipants < MinParticipants {
		f.Add("min_participants", "workshop.err.min_participants", "Min", MinParticipants)
	}
	if c := w.Capacity(); c == 0 {
		f.Add("quota_staff", "workshop.err.no_places")
	} else if c < w.MinParticipants {
		f.Add("quota_staff", "workshop.err.places_below_min", "Places", c, "Min", w.MinParticipants)
	}
	return f
}

// Publish opens a draft workshop for registrations; it is refused (Invalid,
// with the problems as fields) below six net hours or without a minimum of
// ten participants.
func (s *Service) Publish(ctx context.Context, id int64) (*Workshop, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		w, err := s.findWorkshop(ctx, tx, id)
		if err != nil {
			return err
		}
		if w.State != StateDraft {
			return apperr.New(apperr.Conflict, "workshop.err.not_draft")
		}
		if err := PublishProblems(w).Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE workshops SET state = ?, updated_at = ? WHERE id = ?`, StatePublished, s.now(), id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_publish", Entity: "workshop", EntityID: id, Summary: w.Topic,
			Before: map[string]any{"state": w.State}, After: map[string]any{"state": StatePublished, "net_minutes": w.Net()}})
	})
	if err != nil {
		return nil, err
	}
	return s.FindWorkshopByID(ctx, id)
}

// Cancel cancels a workshop that has not been closed; everyone registered
// is told by e-mail.
func (s *Service) Cancel(ctx context.Context, id int64) (*Workshop, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		w, err := s.findWorkshop(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := editable(w); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE workshops SET state = ?, updated_at = ? WHERE id = ?`, StateCancelled, s.now(), id); err != nil {
			return err
		}
		if w.State == StatePublished && s.Notify != nil {
			regs, err := rowsOf(ctx, tx, scanReg, `SELECT `+regCols+` FROM workshop_registrations r WHERE r.workshop_id = ? AND r.state IN ('confirmed', 'offered', 'waitlisted')`, id)
			if err != nil {
				return err
			}
			for _, r := range regs {
				if err := s.Notify.Notify(ctx, tx, MailCancelled, w, &r, nil); err != nil {
					return err
				}
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_cancel", Entity: "workshop", EntityID: id, Summary: w.Topic,
			Before: map[string]any{"state": w.State}, After: map[string]any{"state": StateCancelled}})
	})
	if err != nil {
		return nil, err
	}
	return s.FindWorkshopByID(ctx, id)
}

// Close records after the last block whether the workshop was held: held
// when at least its minimum of participants attended (assistants are not
// counted), else not held.
func (s *Service) Close(ctx context.Context, id int64) (*Workshop, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		w, err := s.findWorkshop(ctx, tx, id)
		if err != nil {
			return err
		}
		if w.State != StatePublished {
			return apperr.New(apperr.Conflict, "workshop.err.not_published")
		}
		if !w.Finished(s.now()) {
			return apperr.New(apperr.Conflict, "workshop.err.not_finished")
		}
		t, err := s.tally(ctx, tx, w)
		if err != nil {
			return err
		}
		state := StateNotHeld
		if t.Participants >= w.MinParticipants {
			state = StateHeld
		}
		if _, err := tx.Exec(ctx, `UPDATE workshops SET state = ?, updated_at = ? WHERE id = ?`, state, s.now(), id); err != nil {
			return err
		}
		// Offers still open lapse: the workshop is over.
		if _, err := tx.Exec(ctx, `UPDATE workshop_registrations SET state = ?, updated_at = ? WHERE workshop_id = ? AND state IN ('offered', 'waitlisted')`, RegExpired, s.now(), id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workshop_close", Entity: "workshop", EntityID: id, Summary: w.Topic,
			Before: map[string]any{"state": w.State}, After: map[string]any{"state": state, "participants": t.Participants, "min": w.MinParticipants}})
	})
	if err != nil {
		return nil, err
	}
	w, err := s.FindWorkshopByID(ctx, id)
	if err != nil {
		return nil, err
	}
	// The feedback form opens now (the surveys module, in its own transaction).
	s.FeedbackForm(ctx, w)
	return w, nil
}

func join(ss []string, sep string) string { return strings.Join(ss, sep) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
