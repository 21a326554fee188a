package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/catalog"
	"kpss/internal/config"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

func init() {
	commands["import registry"] = Command{
		Usage: "kpss import registry -db DSN [-ciselniky DIR|a.json,b.json] [-obce \"Otrokovice,585459\"] [-okres 3705|CZ0724] [-kraj \"Zlínský kraj\"] rpss.json   import z registru poskytovatelů MPSV (číselníky: složka ciselniky/ vedle souboru) / MPSV registry import (code lists: the ciselniky/ folder beside the file)",
		Run:   importRegistry,
	}
}

// importRegistry reads the MPSV registry's rpss.json into the catalogue and
// prints what it created, updated, left unchanged, deactivated and skipped.
func importRegistry(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("import registry", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	obce := fs.String("obce", "", "municipalities by name or code, comma-separated (default: the region's municipalities)")
	okres := fs.String("okres", "", "a district (okres) code (3705, Okres/3705, CZ0724) or name instead of municipalities")
	kraj := fs.String("kraj", "", "a region (kraj) code (141, CZ072) or name instead of municipalities")
	ciselniky := fs.String("ciselniky", "", "the registry's code lists: a folder or comma-separated files (default: ciselniky/ beside the file)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("zadejte soubor rpss.json / give the rpss.json file")
	}
	paths := strings.Split(*ciselniky, ",")
	if *ciselniky == "" {
		if dir := filepath.Join(filepath.Dir(fs.Arg(0)), "ciselniky"); dirExists(dir) {
			paths = []string{dir}
		}
	}
	codes, err := catalog.LoadCodeLists(paths...)
	if err != nil {
		return describeCatalog(err)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	alog := audit.New()
	c := catalog.New(db, alog, partner.NewService(db, alog, time.Now), time.Now)
	opt := catalog.ImportOptions{District: *okres, Region: *kraj, Codes: codes}
	if *obce != "" {
		opt.Municipalities = strings.Split(*obce, ",")
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	rep, err := c.Import(ctx, f, opt)
	if err != nil {
		return describeCatalog(err)
	}
	fmt.Fprintf(stdout, "záznamů v souboru / records in the file: %d\n", rep.Total)
	for _, l := range []struct {
		label string
		names []string
	}{{"nové / created", rep.Created}, {"změněné / updated", rep.Updated}, {"beze změny / unchanged", rep.Unchanged}, {"ukončené / deactivated", rep.Deactivated}} {
		fmt.Fprintf(stdout, "%s: %d\n", l.label, len(l.names))
		for _, n := range l.names {
			if l.label != "beze změny / unchanged" {
				fmt.Fprintf(stdout, "  %s\n", n)
			}
		}
	}
	fmt.Fprintf(stdout, "mimo vybrané území / outside the area: %d\n", rep.Outside)
	fmt.Fprintf(stdout, "přeskočené / skipped: %d\n", len(rep.Skipped))
	for _, s := range rep.Skipped {
		fmt.Fprintf(stdout, "  %s: %s %s\n", s.ID, catalog.SkipReason(s.Reason), s.Detail)
	}
	return nil
}

// describeCatalog says a catalogue error in Czech (the code list that is
// missing, the file that cannot be read).
func describeCatalog(err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Msg.Key == "" || len(e.Fields) > 0 {
		return describe(err)
	}
	rd, rerr := web.NewRenderer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if rerr != nil || catalog.LoadMessages(rd) != nil {
		return err
	}
	return errors.New(rd.Catalog.For("cs").Msg(e.Msg))
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func init() {
	commands["generate catalog"] = Command{
		Usage: "kpss generate catalog -db DSN [-services 6500] [-providers 2000] [-municipalities 6250]   vygeneruje katalog celostátní velikosti / generates a national-scale catalogue",
		Run:   generateCatalog,
	}
	commands["load"] = Command{
		Usage: "kpss load -url http://127.0.0.1:8080 [-duration 20s] [-c 16] [-public [-pages /,/podnet]]   zátěžový test katalogu nebo všech veřejných stránek (jen na tomto počítači) / load test of the catalogue (loopback only)",
		Run:   loadTest,
	}
}

// publicPages are the public pages and API answers `kpss load -public`
// measures beside /healthz.
var publicPages = []string{"/", "/podnet", "/podnety/verejne", "/kalendar", "/kalendar/seznam", "/kalendar.ics",
	"/zivotni-situace", "/aktuality", "/aktuality/rss.xml", "/katalog", "/hsds/services", "/hsds/organizations",
	"/open311/v2/services.json", "/open311/v2/requests.json", "/oparl/v1", "/pristupnost"}

func generateCatalog(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("generate catalog", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	opt := catalog.GenerateOptions{}
	fs.IntVar(&opt.Services, "services", 6500, "services")
	fs.IntVar(&opt.Providers, "providers", 2000, "providers")
	fs.IntVar(&opt.Municipalities, "municipalities", 6250, "municipalities")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt.Seed = *seed
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	alog := audit.New()
	c := catalog.New(db, alog, partner.NewService(db, alog, time.Now), time.Now)
	start := time.Now()
	opt.Progress = func(done, total int) {
		fmt.Fprintf(stdout, "  služby / services %d/%d (%s)\n", done, total, time.Since(start).Round(time.Second))
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "generator"})
	if err := c.Generate(ctx, opt); err != nil {
		return err
	}
	if db.Dialect() == store.Postgres { // statistics now, so the planner uses the search indexes from the first request
		if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "vygenerováno / generated: %d obcí / municipalities, %d poskytovatelů / providers, %d služeb / services za / in %s\n",
		opt.Municipalities, opt.Providers, opt.Services, time.Since(start).Round(time.Second))
	return nil
}

// loadTest measures the catalogue next to a trivial handler of the same
// server: /healthz, /katalog?q=… (repeated queries: the page cache answers),
// /katalog?q=…&n=… (every URL new: search and render each time),
// /katalog?lat=…&lng=…&km=20 (a search by distance, every URL new) and
// /katalog/sluzby/{id} (each URL new). It refuses anything but a loopback
// address and caps duration and concurrency, so it cannot be aimed at
// somebody else's server.
func loadTest(ctx context.Context, _ config.Config, _ *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "server URL (loopback only)")
	dur := fs.Duration("duration", 20*time.Second, "duration of each phase (at most 2m)")
	conc := fs.Int("c", 16, "concurrent clients (at most 128)")
	maxID := fs.Int("ids", 6500, "service ids to ask for in the detail phase (1…ids)")
	public := fs.Bool("public", false, "measure every public page (a phase per page) instead of the catalogue's phases")
	pages := fs.String("pages", "", "comma-separated paths to measure (with -public; default: every public page)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("neplatná adresa / bad URL %q", *base)
	}
	host := u.Hostname()
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return fmt.Errorf("adresu %s nelze přeložit / cannot resolve", host)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("zátěžový test jen proti tomuto počítači (127.0.0.1, ::1) / load tests only against loopback, not %s", host)
		}
	}
	if *dur <= 0 || *dur > 2*time.Minute || *conc < 1 || *conc > 128 {
		return fmt.Errorf("-duration 1s…2m, -c 1…128")
	}
	words := []string{"pecovatelska", "domov", "poradenstvi", "hospic", "azyl", "sluzb", "senior", "terenni", "pece", "klub", "odlehcovaci", "krizova"}
	var seq atomic.Int64
	phases := []struct {
		name string
		path func() string
	}{
		{"/healthz", func() string { return "/healthz" }},
		{"/katalog?q=… (opakované dotazy / repeated)", func() string { return "/katalog?q=" + words[seq.Add(1)%int64(len(words))] }},
		{"/katalog?q=… (vždy nová URL / always new)", func() string {
			n := seq.Add(1)
			return fmt.Sprintf("/katalog?q=%s&n=%d", words[n%int64(len(words))], n)
		}},
		{"/katalog?lat=…&km=20 (vždy nová URL / always new)", func() string {
			// A point walking across Czechia (48.6–51.0 N, 12.1–18.8 E), 20 km around it.
			n := seq.Add(1)
			return fmt.Sprintf("/katalog?lat=%.3f&lng=%.3f&km=20&n=%d", 48.6+float64(n%97)*0.025, 12.1+float64(n%89)*0.075, n)
		}},
		{"/katalog/sluzby/{id} (vždy nová URL / always new)", func() string {
			n := seq.Add(1)
			return fmt.Sprintf("/katalog/sluzby/%d?n=%d", 1+n%int64(*maxID), n)
		}},
	}
	if *public {
		list := publicPages
		if *pages != "" {
			list = strings.Split(*pages, ",")
		}
		phases = phases[:1]
		for _, p := range list {
			p = strings.TrimSpace(p)
			phases = append(phases, struct {
				name string
				path func() string
			}{p, func() string { return p }})
		}
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}
	fmt.Fprintf(stdout, "%-52s %10s %9s %9s %9s %7s %8s\n", "cesta / path", "req/s", "p50", "p99", "max", "chyby", "/healthz")
	var healthz float64
	for _, ph := range phases {
		var mu sync.Mutex
		var lat []time.Duration
		var errs atomic.Int64
		deadline := time.Now().Add(*dur)
		var wg sync.WaitGroup
		start := time.Now()
		for i := 0; i < *conc; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for time.Now().Before(deadline) && ctx.Err() == nil {
					t0 := time.Now()
					resp, err := client.Get(strings.TrimSuffix(*base, "/") + ph.path())
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode >= 400 && resp.StatusCode != http.StatusNotFound {
							errs.Add(1)
						}
					} else {
						errs.Add(1)
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		pct := func(p float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(float64(len(lat))*p))]
		}
		rps := float64(len(lat)) / elapsed.Seconds()
		if healthz == 0 {
			healthz = rps
		}
		fmt.Fprintf(stdout, "%-52s %10.0f %9s %9s %9s %7d %7.0f %%\n", ph.name, rps,
			pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond), errs.Load(), 100*rps/max(healthz, 1))
	}
	return nil
}
