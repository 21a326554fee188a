package catalog

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"kpss/internal/partner"
	"kpss/internal/store"
)

// GenerateOptions size a generated national-scale catalogue (for load tests).
type GenerateOptions struct {
	Municipalities, Providers, Services int
	Seed                                uint64
	Progress                            func(done, total int)
}

var (
	genPrefix = []string{"", "Horní ", "Dolní ", "Nová ", "Stará ", "Velká ", "Malá ", "Česká ", "Moravská "}
	genRoot   = []string{"Lhota", "Ves", "Újezd", "Bystřice", "Čermná", "Chlum", "Hradec", "Kostelec", "Řečice", "Žďár", "Lipník", "Olešnice",
		"Březí", "Dub", "Chotěboř", "Čistá", "Rybník", "Habry", "Šonov", "Kunčice", "Ždánice", "Třebíč", "Polná", "Rokytnice", "Chrast"}
	genOrg  = []string{"Charita", "Diakonie", "Domov", "Centrum", "Spolek", "Sdružení", "Poradna", "Nadace", "Ústav", "Klub"}
	genWord = []string{"Naděje", "Slunce", "Sv. Anežky", "Úsměv", "Pomocná ruka", "Život", "Most", "Čtyřlístek", "Dobré srdce", "Archa", "Prostor", "Cesta"}
)

// Generate fills the catalogue with plausible generated data through the
// services (so search columns, sort keys and audit rows are real). It
// creates municipalities, target groups when there are none, provider
// organisations and services with one or two locations each.
func (c *Catalog) Generate(ctx context.Context, opt GenerateOptions) error {
	rng := rand.New(rand.NewPCG(opt.Seed, 2026))
	ps := c.Partners
	var munis []int64
	centre := map[int64][2]float64{}
	seen := map[string]int{}
	for i := 0; i < opt.Municipalities; i++ {
		name := genPrefix[rng.IntN(len(genPrefix))] + genRoot[rng.IntN(len(genRoot))]
		seen[name]++
		if seen[name] > 1 {
			name += " " + strconv.Itoa(seen[name])
		}
		// A centre somewhere in Czechia's bounding box (48.55–51.05 N, 12.09–18.86 E).
		lat, lng := round4(48.55+rng.Float64()*2.5), round4(12.09+rng.Float64()*6.77)
		m, err := ps.CreateMunicipality(ctx, partner.Municipality{Name: name, Kind: partner.KindMunicipality, ZUJ: fmt.Sprintf("%06d", 500000+i), Lat: &lat, Lng: &lng})
		if err != nil {
			return fmt.Errorf("municipality %s: %w", name, err)
		}
		munis = append(munis, m.ID)
		centre[m.ID] = [2]float64{lat, lng}
	}
	gs, _, err := ps.FindTargetGroups(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return err
	}
	if len(gs) == 0 {
		for i, g := range []partner.TargetGroup{{Code: "SEN", Name: "Senioři"}, {Code: "OZP", Name: "Osoby se zdravotním postižením"},
			{Code: "RD", Name: "Rodiny s dětmi"}, {Code: "SPJ", Name: "Osoby ohrožené sociálně patologickými jevy"}, {Code: "KRN", Name: "Osoby v krizi a nezaměstnaní"}} {
			g.SortOrder = i + 1
			saved, err := ps.CreateTargetGroup(ctx, g)
			if err != nil {
				return err
			}
			gs = append(gs, *saved)
		}
	}
	var orgs []int64
	for i := 0; i < opt.Providers; i++ {
		name := fmt.Sprintf("%s %s %d", genOrg[rng.IntN(len(genOrg))], genWord[rng.IntN(len(genWord))], i+1)
		o, err := ps.CreateOrganisation(ctx, partner.Organisation{Name: name, Kind: "provider", Email: fmt.Sprintf("info%d@poskytovatel.example", i+1),
			Description: "Vygenerovaný poskytovatel pro zátěžový test."})
		if err != nil {
			return fmt.Errorf("organisation %s: %w", name, err)
		}
		orgs = append(orgs, o.ID)
	}
	types, err := c.Types(ctx)
	if err != nil {
		return err
	}
	for i := 0; i < opt.Services; i++ {
		t := types[rng.IntN(len(types))]
		m := munis[rng.IntN(len(munis))]
		mname := ""
		if mm, err := ps.FindMunicipalityByID(ctx, m); err == nil {
			mname = mm.Name
		}
		s := Service{OrganisationID: orgs[rng.IntN(len(orgs))], TypeCode: t.Code, Name: upperFirst(t.Name) + " " + mname,
			Residential: rng.IntN(3) == 0, Outpatient: rng.IntN(2) == 0, Field: true, FeesFree: rng.IntN(3) == 0,
			Description: "Služba pomáhá lidem v obci " + mname + " a okolí: " + t.Name + ". Kontaktujte nás, rádi poradíme.",
			HowToApply:  "Zavolejte nebo napište e-mail; domluvíme první schůzku.", Capacity: strconv.Itoa(5+rng.IntN(100)) + " klientů",
			Phone: fmt.Sprintf("+420 5%02d %03d %03d", rng.IntN(100), rng.IntN(1000), rng.IntN(1000)), Email: fmt.Sprintf("sluzba%d@poskytovatel.example", i+1),
			MunicipalityIDs: []int64{m, munis[rng.IntN(len(munis))]}, TargetGroupIDs: []int64{gs[rng.IntN(len(gs))].ID},
			AgeGroups: []string{AgeGroups[rng.IntN(len(AgeGroups))]}}
		for j := 0; j <= rng.IntN(2); j++ {
			mid := m
			l := Location{Address: fmt.Sprintf("Hlavní %d, %s", 1+rng.IntN(2000), mname), Postcode: fmt.Sprintf("%03d %02d", 100+rng.IntN(700), rng.IntN(100)),
				MunicipalityID: &mid, OpeningHours: "po–pá 8:00–16:00", Accessibility: Accessibilities[rng.IntN(len(Accessibilities))]}
			if rng.IntN(5) > 0 { // four places in five have coordinates, within about 2 km of the centre
				c := centre[m]
				lat, lng := round4(c[0]+(rng.Float64()-0.5)*0.03), round4(c[1]+(rng.Float64()-0.5)*0.045)
				l.Latitude, l.Longitude = &lat, &lng
			}
			s.Locations = append(s.Locations, l)
		}
		if _, err := c.CreateService(ctx, s); err != nil {
			return fmt.Errorf("service %d: %w", i, err)
		}
		if opt.Progress != nil && (i+1)%500 == 0 {
			opt.Progress(i+1, opt.Services)
		}
	}
	return nil
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
