package plan

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/partner"
	"kpss/internal/pdf"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// Document kinds.
const (
	DocPlan       = "plan"       // the Community Plan document of a period
	DocEvaluation = "evaluation" // the yearly Evaluation Report
)

// Document is a generated version of the plan or evaluation document; each
// generation is kept with its HTML and PDF.
type Document struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	PeriodID    int64     `json:"period_id"`
	Year        int       `json:"year"`
	Version     int       `json:"version"`
	Title       string    `json:"title"`
	HTML        string    `json:"-"`
	PDF         []byte    `json:"-"`
	GeneratedBy string    `json:"generated_by"`
	GeneratedAt time.Time `json:"generated_at"`
}

// block is one piece of a document, drawn the same way in HTML and PDF.
type block struct {
	Kind    string // h, p, table, kv
	Level   int
	Anchor  string
	Text    string
	Headers []string
	Rows    [][]string
	Widths  []float64
	Pairs   [][2]string
}

type docModel struct {
	Title    string
	Subtitle string
	Blocks   []block
}

func (d *docModel) h(level int, text string) {
	d.Blocks = append(d.Blocks, block{Kind: "h", Level: level, Text: text, Anchor: "s" + strconv.Itoa(len(d.Blocks))})
}
func (d *docModel) p(text string) {
	if strings.TrimSpace(text) != "" {
		d.Blocks = append(d.Blocks, block{Kind: "p", Text: text})
	}
}
func (d *docModel) table(headers []string, rows [][]string, widths []float64) {
	if len(rows) > 0 {
		d.Blocks = append(d.Blocks, block{Kind: "table", Headers: headers, Rows: rows, Widths: widths})
	}
}
func (d *docModel) kv(pairs [][2]string) {
	d.Blocks = append(d.Blocks, block{Kind: "kv", Pairs: pairs})
}

// TOC lists the headings of levels 1 and 2.
func (d docModel) TOC() []block {
	var out []block
	for _, b := range d.Blocks {
		if b.Kind == "h" && b.Level <= 2 {
			out = append(out, b)
		}
	}
	return out
}

var docTemplate = template.Must(template.New("doc").Parse(`<article class="plan-document" lang="cs">
<header><p class="doc-kicker">{{.Subtitle}}</p><h2 class="doc-title">{{.Title}}</h2></header>
<nav class="doc-toc" aria-labelledby="doc-toc-h"><h3 id="doc-toc-h">Obsah</h3><ul>{{range .TOC}}<li class="toc-{{.Level}}"><a href="#{{.Anchor}}">{{.Text}}</a></li>{{end}}</ul></nav>
{{range .Blocks}}{{if eq .Kind "h"}}{{if eq .Level 1}}<h3 id="{{.Anchor}}">{{.Text}}</h3>{{else if eq .Level 2}}<h4 id="{{.Anchor}}">{{.Text}}</h4>{{else}}<h5 id="{{.Anchor}}">{{.Text}}</h5>{{end}}
{{else if eq .Kind "p"}}<p>{{.Text}}</p>
{{else if eq .Kind "kv"}}<dl class="details">{{range .Pairs}}<dt>{{index . 0}}</dt><dd>{{index . 1}}</dd>{{end}}</dl>
{{else}}<div class="table-scroll" tabindex="0" role="region" aria-label="Tabulka"><table class="data"><thead><tr>{{range .Headers}}<th scope="col">{{.}}</th>{{end}}</tr></thead><tbody>{{range .Rows}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>{{end}}</tbody></table></div>
{{end}}{{end}}</article>`))

func (d docModel) html() (string, error) {
	var b bytes.Buffer
	err := docTemplate.Execute(&b, d)
	return b.String(), err
}

func (d docModel) pdf(author string, now func() time.Time) ([]byte, error) {
	doc := pdf.New(d.Title, pdf.Options{Author: author, Subject: d.Subtitle, TOC: true, Now: now, Tagged: true})
	doc.Paragraph(d.Subtitle)
	first := true
	for _, b := range d.Blocks {
		switch b.Kind {
		case "h":
			if b.Level == 1 && !first {
				doc.PageBreak()
			}
			first = false
			doc.Heading(b.Level, b.Text)
		case "p":
			doc.Paragraph(b.Text)
		case "kv":
			doc.KeyValue(b.Pairs)
		case "table":
			doc.Table(b.Headers, b.Rows, b.Widths)
		}
	}
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func money(n int64) string { return czech.FormatInt("cs", n) + " Kč" }

var kindCS = map[string]string{KindKeep: "zachování služby", KindDevelop: "rozvoj služby", KindNew: "nová služba", KindSystemic: "systémové opatření"}
var evalCS = map[string]string{"fulfilled": "splněno", "partly": "splněno částečně", "not_fulfilled": "nesplněno", "not_started": "nezahájeno", "dropped": "vyřazeno"}
var ruleCS = map[string]string{RuleWaitingGrowth: "Rostoucí pořadník", RuleRefusalsRose: "Více odmítnutých", RuleUtilisationHigh: "Trvale plná kapacita", RuleIncomeFell: "Pokles příjmů ze zdroje", RuleStaffFell: "Úbytek pracovníků"}
var sourceCS = map[string]string{"consultation": "konzultace", "public_meeting": "veřejné setkání", "users_council": "rada uživatelů", "survey": "dotazník", "suggestion": "podnět", "other": "jiné"}

type docContext struct {
	region   string
	orgs     partner.Names
	tgs      []partner.TargetGroup
	outline  *Outline
	sections [][2]any // target group name, priorities
}

func (s *Service) docContext(ctx context.Context, periodID int64) (*docContext, error) {
	o, err := s.Outline(ctx, periodID)
	if err != nil {
		return nil, err
	}
	dc := &docContext{region: "ORP", outline: o}
	if reg, err := s.Partners.Region(ctx); err == nil {
		dc.region = reg.Name
	}
	if dc.orgs, err = s.Partners.OrganisationNames(ctx, allOrgIDs(o)...); err != nil {
		return nil, err
	}
	if dc.tgs, _, err = s.Partners.FindTargetGroups(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}}); err != nil {
		return nil, err
	}
	return dc, nil
}

func allOrgIDs(o *Outline) []int64 {
	var ids []int64
	for _, m := range o.Measures() {
		ids = append(ids, m.ResponsibleIDs...)
		ids = append(ids, m.PartnerIDs...)
	}
	return dedupe(ids)
}

func (dc *docContext) names(ids []int64) string {
	var out []string
	for _, id := range ids {
		out = append(out, dc.orgs[id])
	}
	if len(out) == 0 {
		return "–"
	}
	return strings.Join(out, ", ")
}

// groups returns the priorities by target group (cross-cutting last).
func (dc *docContext) groups() []TGSection {
	var out []TGSection
	for _, g := range dc.tgs {
		sec := TGSection{ID: g.ID, Name: g.Name}
		for _, p := range dc.outline.Priorities {
			if p.TargetGroupID != nil && *p.TargetGroupID == g.ID {
				sec.Priorities = append(sec.Priorities, p)
			}
		}
		if len(sec.Priorities) > 0 {
			out = append(out, sec)
		}
	}
	cross := TGSection{Name: "Průřezové priority"}
	for _, p := range dc.outline.Priorities {
		if p.TargetGroupID == nil {
			cross.Priorities = append(cross.Priorities, p)
		}
	}
	if len(cross.Priorities) > 0 {
		out = append(out, cross)
	}
	return out
}

func (s *Service) planModel(ctx context.Context, periodID int64) (docModel, error) {
	dc, err := s.docContext(ctx, periodID)
	if err != nil {
		return docModel{}, err
	}
	per := dc.outline.Period
	d := docModel{Title: "Komunitní plán sociálních služeb " + dc.region + " " + per.Name, Subtitle: "Střednědobý plán rozvoje sociálních služeb na období " + per.Name}
	d.h(1, "Úvod")
	d.p(per.Note)
	ms := dc.outline.Measures()
	active := 0
	for _, m := range ms {
		if !m.Dropped {
			active++
		}
	}
	d.p(fmt.Sprintf("Plán obsahuje %d priorit a %d opatření pro cílové skupiny regionu. Každé opatření má odpovědné organizace, termín, odhad nákladů se zdroji financování a ukazatele, podle nichž se každý rok vyhodnocuje.", len(dc.outline.Priorities), active))
	for _, sec := range dc.groups() {
		d.h(1, "Cílová skupina: "+sec.Name)
		if sec.ID == 0 {
			dc.tgName(&d, sec)
		}
		for _, p := range sec.Priorities {
			d.h(2, "Priorita "+p.Code+": "+p.Title)
			d.p(p.Description)
			for _, m := range p.Measures {
				if m.Dropped {
					continue
				}
				d.h(3, "Opatření "+m.Code+": "+m.Title)
				d.kv([][2]string{{"Typ opatření", kindCS[m.Kind]}, {"Odpovědné organizace", dc.names(m.ResponsibleIDs)}, {"Partneři", dc.names(m.PartnerIDs)},
					{"Termín", orDash(m.Timeframe)}, {"Dotčené služby", orDash(strings.Join(m.Services, "; "))}})
				d.p(m.Description)
				if m.Activities != "" {
					d.p("Aktivity: " + strings.Join(splitLines(m.Activities), "; ") + ".")
				}
				var costs [][]string
				for _, c := range m.Costs {
					costs = append(costs, []string{strconv.Itoa(c.Year), money(c.Amount), c.Source})
				}
				d.table([]string{"Rok", "Odhad nákladů", "Zdroje financování"}, costs, []float64{1, 2, 4})
				var inds [][]string
				for _, i := range m.Indicators {
					inds = append(inds, []string{i.Name, fmtOpt(i.Baseline) + " " + i.Unit, fmtOpt(i.Target) + " " + i.Unit, orDash(i.Source)})
				}
				d.table([]string{"Ukazatel", "Výchozí hodnota", "Cílová hodnota", "Zdroj dat"}, inds, []float64{3, 1.5, 1.5, 2})
			}
		}
	}
	d.h(1, "Souhrn nákladů")
	byYear := map[int]int64{}
	for _, m := range ms {
		if m.Dropped {
			continue
		}
		for _, c := range m.Costs {
			byYear[c.Year] += c.Amount
		}
	}
	var rows [][]string
	var total int64
	for _, y := range per.Years() {
		rows = append(rows, []string{strconv.Itoa(y), money(byYear[y])})
		total += byYear[y]
	}
	rows = append(rows, []string{"Celkem", money(total)})
	d.table([]string{"Rok", "Odhad nákladů všech opatření"}, rows, []float64{1, 2})
	vs, err := findVersions(ctx, s.DB, periodID)
	if err != nil {
		return d, err
	}
	if len(vs) > 0 {
		d.h(1, "Verze a aktualizace plánu")
		var vr [][]string
		for _, v := range vs {
			vr = append(vr, []string{strconv.Itoa(v.Number), fmtDate(v.CreatedAt), orDash(v.Note), strconv.Itoa(len(v.Diff))})
		}
		d.table([]string{"Verze", "Zaznamenáno", "Popis", "Změn"}, vr, []float64{1, 1.5, 4, 1})
	}
	return d, nil
}

func (dc *docContext) tgName(d *docModel, sec TGSection) {
	d.p("Priority, které se týkají všech cílových skupin.")
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

func fmtDate(t time.Time) string {
	t = t.In(i18n.Prague)
	return fmt.Sprintf("%d. %d. %d", t.Day(), t.Month(), t.Year())
}

func (s *Service) evaluationModel(ctx context.Context, periodID int64, year int) (docModel, error) {
	dc, err := s.docContext(ctx, periodID)
	if err != nil {
		return docModel{}, err
	}
	per := dc.outline.Period
	d := docModel{Title: fmt.Sprintf("Hodnotící zpráva komunitního plánu %s za rok %d", dc.region, year), Subtitle: "Vyhodnocení plnění Komunitního plánu sociálních služeb " + per.Name}
	ms := dc.outline.Measures()
	evs, err := s.Evaluations(ctx, EvalFilter{Year: year, PeriodID: periodID})
	if err != nil {
		return d, err
	}
	byM := map[int64]Evaluation{}
	counts := map[string]int{}
	for _, e := range evs {
		byM[e.MeasureID] = e
		counts[e.State]++
	}
	vals, err := s.ComputeValues(ctx, ms, year)
	if err != nil {
		return d, err
	}
	d.h(1, "Shrnutí")
	d.p(fmt.Sprintf("Zpráva hodnotí %d opatření plánu %s v roce %d. Hodnoceno je %d opatření: splněno %d, splněno částečně %d, nesplněno %d, nezahájeno %d, vyřazeno %d.",
		len(ms), per.Name, year, len(evs), counts["fulfilled"], counts["partly"], counts["not_fulfilled"], counts["not_started"], counts["dropped"]))
	d.h(1, "Plnění opatření")
	for _, sec := range dc.groups() {
		d.h(2, sec.Name)
		var rows [][]string
		for _, p := range sec.Priorities {
			for _, m := range p.Measures {
				state, just, appr := "zatím nehodnoceno", "–", "–"
				if e, ok := byM[m.ID]; ok {
					state, just = evalCS[e.State], e.Justification
					if e.Approved {
						appr = "schváleno (" + e.ResolutionRef + ")"
					} else {
						appr = "návrh PS"
					}
				}
				rows = append(rows, []string{m.Code + " " + m.Title, state, just, appr})
			}
		}
		d.table([]string{"Opatření", "Stav", "Zdůvodnění", "Schválení"}, rows, []float64{3, 1.3, 4, 1.7})
	}
	d.h(1, "Ukazatele")
	d.p(fmt.Sprintf("Hodnoty za rok %d jsou spočteny z odeslaných výkazů monitorovacího kola, z hodnot vykázaných poskytovateli a z ručně zadaných údajů.", year))
	var irows [][]string
	for _, m := range ms {
		for _, i := range m.Indicators {
			v := "–"
			if x, ok := vals[i.ID]; ok {
				v = formatNum(x) + " " + i.Unit
			}
			irows = append(irows, []string{m.Code + " – " + i.Name, fmtOpt(i.Baseline) + " " + i.Unit, v, fmtOpt(i.Target) + " " + i.Unit})
		}
	}
	d.table([]string{"Ukazatel", "Výchozí", fmt.Sprintf("Rok %d", year), "Cíl"}, irows, []float64{4, 1.3, 1.3, 1.3})
	// The round of the year.
	rounds, err := findRounds(ctx, s.DB)
	if err != nil {
		return d, err
	}
	var rnd *Round
	for i := range rounds {
		if rounds[i].Year == year {
			rnd = &rounds[i]
		}
	}
	d.h(1, "Monitorovací kolo a síť služeb")
	if rnd == nil {
		d.p(fmt.Sprintf("Pro rok %d nebylo otevřeno monitorovací kolo.", year))
	} else {
		reps, err := findReports(ctx, s.DB, ReportFilter{RoundID: rnd.ID})
		if err != nil {
			return d, err
		}
		c := RoundCompleteness(*rnd, reps, nil, s.Now())
		var tot ReportData
		for _, r := range reps {
			if r.State == ReportSubmitted {
				tot.Capacity += r.Data.Capacity
				tot.Clients += r.Data.Clients
				tot.Refused += r.Data.Refused
				tot.Waiting += r.Data.Waiting
				tot.Costs += r.Data.Costs
			}
		}
		var fte float64
		for _, r := range reps {
			if r.State == ReportSubmitted {
				fte += r.Data.FTE()
			}
		}
		d.kv([][2]string{{"Odeslané výkazy", fmt.Sprintf("%d z %d (po termínu %d)", c.Submitted, c.Total, c.Late)}, {"Kapacita služeb", czech.FormatInt("cs", tot.Capacity)},
			{"Klienti za rok", czech.FormatInt("cs", tot.Clients)}, {"Odmítnutí pro kapacitu", czech.FormatInt("cs", tot.Refused)}, {"Čekatelé na konci roku", czech.FormatInt("cs", tot.Waiting)},
			{"Pracovníci (úvazky)", formatNum(round1(fte))}, {"Náklady služeb", money(tot.Costs)}})
		ws, prev, err := s.Warnings(ctx, rnd.ID)
		if err != nil {
			return d, err
		}
		d.h(2, "Včasná varování")
		if prev == nil || len(ws) == 0 {
			d.p("Pravidla včasného varování v tomto kole nic neoznačila.")
		} else {
			d.p(fmt.Sprintf("Porovnání s kolem %s označilo tyto služby:", prev.Name))
			var wr [][]string
			for _, w := range ws {
				wr = append(wr, []string{w.Service.Name, ruleCS[w.Rule], whyCS(w.Flag)})
			}
			d.table([]string{"Služba", "Pravidlo", "Proč"}, wr, []float64{2.5, 1.7, 4})
		}
	}
	ins, err := s.VoiceInputs(ctx, 0)
	if err != nil {
		return d, err
	}
	d.h(1, "Hlas uživatelů a obcí")
	var vr [][]string
	for _, v := range ins {
		if v.Day.Year() == year || v.Day.Year() == year+1 {
			vr = append(vr, []string{fmtDate(v.Day.Time), sourceCS[v.Source], v.Text})
		}
	}
	if len(vr) == 0 {
		d.p("V tomto období nebyly zapsány žádné podněty.")
	}
	d.table([]string{"Datum", "Odkud", "Co zaznělo"}, vr, []float64{1.2, 1.5, 5})
	mis, err := s.MunicipalityIndicators(ctx)
	if err != nil {
		return d, err
	}
	mnames, err := s.Partners.MunicipalityNames(ctx)
	if err != nil {
		return d, err
	}
	var mr [][]string
	for _, m := range mis {
		if m.Year == year {
			mr = append(mr, []string{mnames[m.MunicipalityID], m.Name, formatNum(m.Value) + " " + m.Unit})
		}
	}
	d.table([]string{"Obec", "Ukazatel", "Hodnota"}, mr, []float64{2, 4, 1.5})
	ts, err := s.ProjectTargets(ctx)
	if err != nil {
		return d, err
	}
	d.h(1, "Ukazatele projektu KPSS")
	var tr [][]string
	for _, t := range ts {
		act := "zatím nenapojeno"
		if t.Actual != nil {
			act = strconv.Itoa(*t.Actual)
		}
		tr = append(tr, []string{projectCS[t.Code], strconv.Itoa(t.Target), act})
	}
	d.table([]string{"Ukazatel", "Cíl", "Skutečnost"}, tr, []float64{4, 1, 1.5})
	return d, nil
}

var projectCS = map[string]string{"meetings": "Jednání pracovních a řídící skupiny", "workshops": "Workshopy", "participants": "Účastníci workshopů"}

func whyCS(f Flag) string {
	n := formatNum
	pct := func(v float64) string {
		if v > 1e12 {
			return "+∞ %"
		}
		s := formatNum(round1(v)) + " %"
		if v > 0 {
			s = "+" + s
		}
		return s
	}
	switch f.Rule {
	case RuleWaitingGrowth:
		return fmt.Sprintf("Pořadník vzrostl z %s na %s (%s).", n(f.Before), n(f.After), pct(f.Change))
	case RuleRefusalsRose:
		return fmt.Sprintf("Odmítnutých pro kapacitu přibylo z %s na %s (%s).", n(f.Before), n(f.After), pct(f.Change))
	case RuleUtilisationHigh:
		return fmt.Sprintf("Využití kapacity %s %% a nyní %s %%.", n(f.Before), n(f.After))
	case RuleIncomeFell:
		return fmt.Sprintf("Příjem (%s) klesl z %s na %s (%s).", incomeCS[f.Source], money(int64(f.Before)), money(int64(f.After)), pct(f.Change))
	case RuleStaffFell:
		return fmt.Sprintf("Úvazky klesly z %s na %s (%s).", n(f.Before), n(f.After), pct(f.Change))
	}
	return ""
}

var incomeCS = map[string]string{"state": "dotace MPSV", "region": "dotace kraje", "municipalities": "příspěvky obcí", "users": "úhrady uživatelů", "insurance": "zdravotní pojišťovny", "eu": "projekty EU", "other": "ostatní"}

// GenerateDocument builds the plan document of a period (kind plan) or the
// evaluation report of a year (kind evaluation, the period of that year) as
// HTML and PDF and keeps it as a new version.
func (s *Service) GenerateDocument(ctx context.Context, kind string, periodID int64, year int) (*Document, error) {
	var (
		model docModel
		err   error
	)
	switch kind {
	case DocPlan:
		year = 0
		model, err = s.planModel(ctx, periodID)
	case DocEvaluation:
		per, perr := findPeriod(ctx, s.DB, periodID)
		if perr != nil {
			return nil, perr
		}
		if year < per.YearFrom || year > per.YearTo {
			f := apperr.Fields{}
			f.Add("year", "plan.err.year_in_period")
			return nil, f.Err()
		}
		model, err = s.evaluationModel(ctx, periodID, year)
	default:
		f := apperr.Fields{}
		f.Add("kind", "err.choose")
		return nil, f.Err()
	}
	if err != nil {
		return nil, err
	}
	html, err := model.html()
	if err != nil {
		return nil, err
	}
	author := "Komunitní plánování sociálních služeb"
	pdfBytes, err := model.pdf(author, s.Now)
	if err != nil {
		return nil, err
	}
	doc := Document{Kind: kind, PeriodID: periodID, Year: year, Title: model.Title, HTML: html, PDF: pdfBytes, GeneratedBy: actorName(ctx), GeneratedAt: s.now()}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM plan_documents WHERE kind = ? AND period_id = ? AND year = ?`, kind, periodID, year).Scan(&doc.Version); err != nil {
			return err
		}
		var err error
		doc.ID, err = store.InsertID(ctx, tx, `INSERT INTO plan_documents (kind, period_id, year, version, title, html, pdf, generated_by, generated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			doc.Kind, doc.PeriodID, doc.Year, doc.Version, doc.Title, doc.HTML, doc.PDF, doc.GeneratedBy, doc.GeneratedAt)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "generate", Entity: "plan_document", EntityID: doc.ID, Summary: fmt.Sprintf("%s (verze %d)", doc.Title, doc.Version),
			After: map[string]any{"kind": kind, "period_id": periodID, "year": year, "version": doc.Version, "pdf_bytes": len(pdfBytes)}})
	})
	if err != nil {
		return nil, err
	}
	return &doc, nil
}

// Documents lists the generated documents (without their bodies), newest first.
func (s *Service) Documents(ctx context.Context) ([]Document, error) {
	docs, err := queryAll(ctx, s.DB, `SELECT id, kind, period_id, year, version, title, generated_by, generated_at FROM plan_documents ORDER BY generated_at DESC, id DESC`, nil,
		func(sc scanner) (Document, error) {
			var d Document
			err := sc.Scan(&d.ID, &d.Kind, &d.PeriodID, &d.Year, &d.Version, &d.Title, &d.GeneratedBy, &d.GeneratedAt)
			return d, err
		})
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].GeneratedAt.After(docs[j].GeneratedAt) })
	return docs, err
}

// Document returns one generated document with its HTML and PDF.
func (s *Service) Document(ctx context.Context, id int64) (*Document, error) {
	d, err := queryOne(ctx, s.DB, `SELECT id, kind, period_id, year, version, title, html, pdf, generated_by, generated_at FROM plan_documents WHERE id = ?`, []any{id},
		func(sc scanner) (Document, error) {
			var d Document
			err := sc.Scan(&d.ID, &d.Kind, &d.PeriodID, &d.Year, &d.Version, &d.Title, &d.HTML, &d.PDF, &d.GeneratedBy, &d.GeneratedAt)
			return d, err
		}, "plan_document")
	if err != nil {
		return nil, err
	}
	return &d, nil
}
