package ops

import (
	"embed"
	"net/http"
	"sort"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/jobs"
	"kpss/internal/outbox"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json
var files embed.FS

// Handler serves the staff's page of e-mails and scheduled jobs.
type Handler struct {
	Outbox    *outbox.Outbox
	Scheduler func() *jobs.Scheduler
	R         *web.Renderer
}

// NewHandler registers the page's templates and messages.
func NewHandler(ob *outbox.Outbox, sched func() *jobs.Scheduler, r *web.Renderer) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("ops", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Outbox: ob, Scheduler: sched, R: r}, nil
}

// ModuleCount is one module's line in the table of the outbox's states.
type ModuleCount struct {
	Module                            string
	Pending, Sent, Failed, Superseded int
}

// ShowOutbox lists the e-mails not delivered (failed first) and the latest
// delivered ones, the counts by module, and how the scheduled jobs ran.
func (h *Handler) ShowOutbox(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	state := r.URL.Query().Get("stav")
	switch state {
	case "", outbox.Pending, outbox.Sent, outbox.Failed, outbox.Superseded:
	default:
		state = ""
	}
	list, err := h.Outbox.List(ctx, state, 100)
	if err != nil {
		return err
	}
	counts, err := h.Outbox.Counts(ctx)
	if err != nil {
		return err
	}
	var mods []ModuleCount
	failed := 0
	for m, c := range counts {
		mods = append(mods, ModuleCount{Module: m, Pending: c[outbox.Pending], Sent: c[outbox.Sent], Failed: c[outbox.Failed], Superseded: c[outbox.Superseded]})
		failed += c[outbox.Failed]
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Module < mods[j].Module })
	statuses, err := h.Scheduler().Statuses(ctx)
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	states := []web.Option{{Value: "", Label: l.T("form.any")}}
	for _, s := range []string{outbox.Failed, outbox.Pending, outbox.Sent, outbox.Superseded} {
		states = append(states, web.Option{Value: s, Label: l.T("ops.state." + s)})
	}
	p := h.R.Page(r, "ops.title")
	p.Wide = true
	p.Form = web.NewForm(r.URL.Query())
	p.Data = map[string]any{"List": list, "Modules": mods, "Failed": failed, "Jobs": statuses, "States": states}
	h.R.Render(w, r, http.StatusOK, "ops/outbox", p)
	return nil
}

// RetryOutbox puts failed e-mails back in the queue: all of them, or the
// one of the path's id.
func (h *Handler) RetryOutbox(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if v := r.PathValue("id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return apperr.New(apperr.NotFound, "err.page_not_found")
		}
		id = n
	}
	if _, err := h.Outbox.RetryFailed(r.Context(), id); err != nil {
		return err
	}
	web.Redirect(w, r, "/sprava/posta", "ops.flash.retry")
	return nil
}
