package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"kpss/internal/audit"
	"kpss/internal/config"
	"kpss/internal/czech"
	"kpss/internal/geo"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Municipal boundaries: a suggestion's point inside one belongs to that
// municipality (Open311 intake, the public form's map pin).
func init() {
	commands["municipality boundaries"] = Command{"kpss municipality boundaries -db DSN FILE.geojson   načte hranice obcí (RÚIAN, OpenStreetMap) podle kódu ZÚJ nebo názvu / loads municipal boundaries, matched by ZÚJ code or name", municipalityBoundaries}
}

// boundaryCodeKeys and boundaryNameKeys are the properties that name a
// feature's municipality in the RÚIAN's and OpenStreetMap's exports.
var (
	boundaryCodeKeys = []string{"kod", "KOD", "kod_obce", "KOD_OBCE", "zuj", "ZUJ", "ref:ZUJ", "ref", "obec_kod"}
	boundaryNameKeys = []string{"nazev", "NAZEV", "nazev_obce", "NAZEV_OBCE", "name", "NAME", "name:cs"}
)

func municipalityBoundaries(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, _ io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("municipality boundaries", flag.ContinueOnError)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database DSN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("zadejte soubor GeoJSON s hranicemi obcí / give the GeoJSON file of the boundaries")
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	var doc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s není GeoJSON / is not GeoJSON: %v", fs.Arg(0), err)
	}
	if doc.Type == "Feature" {
		doc.Features = []json.RawMessage{b}
	} else if doc.Type != "FeatureCollection" {
		return fmt.Errorf("%s: čekám FeatureCollection nebo Feature, ne %q / expected a FeatureCollection or a Feature", fs.Arg(0), doc.Type)
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := partner.NewService(db, &audit.Log{Now: time.Now}, time.Now)
	ms, _, err := svc.FindMunicipalities(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	byCode, byName := map[string]partner.Municipality{}, map[string]partner.Municipality{}
	for _, m := range ms {
		if m.ZUJ != "" {
			byCode[m.ZUJ] = m
		}
		byName[czech.Fold(m.Name)] = m
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "kpss municipality boundaries"})
	done := map[int64]bool{}
	var foreign, bad []string
	for i, raw := range doc.Features {
		var f struct {
			Properties map[string]any `json:"properties"`
		}
		json.Unmarshal(raw, &f)
		prop := func(keys []string) string {
			for _, k := range keys {
				if v, ok := f.Properties[k]; ok && v != nil {
					if s := strings.TrimSpace(fmt.Sprint(v)); s != "" {
						return s
					}
				}
			}
			return ""
		}
		label := prop(boundaryNameKeys)
		if label == "" {
			label = fmt.Sprintf("prvek %d", i+1)
		}
		m, ok := byCode[prop(boundaryCodeKeys)]
		if !ok {
			m, ok = byName[czech.Fold(prop(boundaryNameKeys))]
		}
		if !ok {
			foreign = append(foreign, label)
			continue
		}
		shape, err := geo.ParseShape(raw)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", label, err))
			continue
		}
		if err := svc.SetMunicipalityBoundary(ctx, m.ID, shape); err != nil {
			return err
		}
		done[m.ID] = true
	}
	var missing []string
	for _, m := range ms {
		if !done[m.ID] && !m.Archived {
			missing = append(missing, m.Name)
		}
	}
	czech.SortBy(missing, func(s string) string { return s })
	sort.Strings(foreign)
	fmt.Fprintf(stdout, "hranice uloženy / boundaries stored: %d\n", len(done))
	if len(missing) > 0 {
		fmt.Fprintf(stdout, "obce bez hranice v souboru (platí střed obce) / municipalities without a boundary in the file (their centre counts): %s\n", strings.Join(missing, ", "))
	}
	if len(foreign) > 0 {
		fmt.Fprintf(stdout, "prvky, které nejsou obcí regionu (vynechány) / features that are no municipality of the region (left out): %d\n", len(foreign))
	}
	if len(bad) > 0 {
		fmt.Fprintf(stdout, "nečitelné hranice (vynechány) / unreadable boundaries (left out): %s\n", strings.Join(bad, "; "))
	}
	return nil
}
