package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// The open-data export of the MPSV registry of social-service providers
// (rpss.json). Only the fields the catalogue needs are decoded; the provider's
// statutory bodies (statutarniOrgany, personal names) are deliberately not
// part of these types, so they are never read, stored or logged. Code-list
// values come as a string, a number or an object {id|kod, nazev}; all three
// are accepted.

// code is a code-list value.
type code struct {
	ID   string
	Name string
}

func (c *code) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &c.ID)
	case b[0] == '{':
		var o map[string]json.RawMessage
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		for _, k := range []string{"id", "kod", "code"} {
			if v, ok := o[k]; ok {
				c.ID = flex(v)
				break
			}
		}
		for _, k := range []string{"nazev", "name", "text", "hodnota"} {
			if v, ok := o[k]; ok {
				c.Name = flex(v)
				break
			}
		}
		return nil
	default:
		c.ID = string(b)
		return nil
	}
}

// text is a string that may come as a number (identifiers, postcodes).
type text string

func (t *text) UnmarshalJSON(b []byte) error { *t = text(flex(b)); return nil }

func flex(b json.RawMessage) string {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return strings.TrimSpace(s)
	}
	var c code
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) && c.UnmarshalJSON(b) == nil {
		if c.ID != "" {
			return c.ID
		}
		return c.Name
	}
	if string(b) == "null" {
		return ""
	}
	return strings.TrimSpace(string(b))
}

type regAddress struct {
	KodAdresnihoMista text   `json:"kodAdresnihoMista"`
	Ulice             string `json:"ulice"`
	CisloDomovni      text   `json:"cisloDomovni"`
	CisloOrientacni   text   `json:"cisloOrientacni"`
	CastObce          code   `json:"castObce"`
	Obec              code   `json:"obec"`
	Okres             code   `json:"okres"`
	Kraj              code   `json:"kraj"`
	Psc               text   `json:"psc"`
	Text              string `json:"adresaText"`
}

func (a regAddress) String() string {
	if a.Text != "" {
		return a.Text
	}
	street := a.Ulice
	if street == "" {
		street = a.CastObce.Name
	}
	num := string(a.CisloDomovni)
	if a.CisloOrientacni != "" {
		num += "/" + string(a.CisloOrientacni)
	}
	parts := []string{}
	if strings.TrimSpace(street+" "+num) != "" {
		parts = append(parts, strings.TrimSpace(street+" "+num))
	}
	if a.Obec.Name != "" {
		parts = append(parts, a.Obec.Name)
	}
	return strings.Join(parts, ", ")
}

type regContact struct{ Value string }

func (c *regContact) UnmarshalJSON(b []byte) error {
	var o map[string]json.RawMessage
	if json.Unmarshal(b, &o) == nil {
		for _, k := range []string{"email", "telefon", "web", "url", "hodnota", "kontakt"} {
			if v, ok := o[k]; ok {
				c.Value = flex(v)
				return nil
			}
		}
		return nil
	}
	c.Value = flex(b)
	return nil
}

type regService struct {
	ID                 text         `json:"id"`
	Identifikator      text         `json:"identifikator"`
	Nazev              string       `json:"nazev"`
	DatumPoskytovaniDo string       `json:"datumPoskytovaniDo"`
	DruhSocialniSluzby code         `json:"druhSocialniSluzby"`
	Poskytovatel       regProvider  `json:"poskytovatel"`
	Zarizeni           []regFacil   `json:"zarizeni"`
	KontaktniAdresy    []regAddress `json:"kontaktniAdresy"`
	Formy              []regForm    `json:"formy"`
	CiloveSkupiny      []code       `json:"ciloveSkupiny"`
	VekoveSkupiny      []code       `json:"vekoveSkupiny"`
	Emaily             []regContact `json:"emaily"`
	Telefony           []regContact `json:"telefony"`
	Weby               []regContact `json:"weby"`
}

type regProvider struct {
	Nazev  string     `json:"nazev"`
	ICO    text       `json:"ico"`
	Adresa regAddress `json:"adresa"`
}

type regFacil struct {
	Nazev  string     `json:"nazev"`
	Adresa regAddress `json:"adresa"`
}

type regForm struct {
	Forma                  code  `json:"forma"`
	NepretrzitePoskytovani bool  `json:"nepretrzitePoskytovani"`
	Kapacity               []cap `json:"kapacity"`
}

type cap struct {
	Pocet json.Number `json:"pocet"`
	Popis string      `json:"popis"`
	Typ   code        `json:"typ"`
}

// decodeRegistry reads the export: an array of services, or an object whose
// first array member holds them.
func decodeRegistry(r io.Reader) ([]regService, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	var list []regService
	if len(b) > 0 && b[0] == '[' {
		err = json.Unmarshal(b, &list)
	} else {
		var obj map[string]json.RawMessage
		if err = json.Unmarshal(b, &obj); err == nil {
			keys := make([]string, 0, len(obj))
			for k := range obj {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			err = fmt.Errorf("no list of services")
			for _, k := range keys {
				if v := bytes.TrimSpace(obj[k]); len(v) > 0 && v[0] == '[' {
					err = json.Unmarshal(v, &list)
					break
				}
			}
		}
	}
	if err != nil {
		return nil, &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "catalog.err.json", Args: map[string]any{"Detail": err.Error()}}, Err: err}
	}
	return list, nil
}

// ImportOptions choose what part of the registry to import.
type ImportOptions struct {
	// Municipalities by name or 6-digit code; empty means the region's
	// municipalities of the partners registry.
	Municipalities []string
	// District is a district (okres) code or name; when set it replaces the
	// municipality filter.
	District string
}

// ImportReport says what an import did.
type ImportReport struct {
	Created, Updated, Unchanged, Deactivated []string
	Skipped                                  []Skip
	Total                                    int // records in the file
}

// Skip is a record left out, with the reason (an i18n key and its value).
type Skip struct {
	ID, Reason, Detail string
}

var paragraphRe = regexp.MustCompile(`§\s*(\d+[a-z]?)`)

// typeFor maps the registry's service type to the code list.
func (c *Catalog) typeFor(ctx context.Context, d code) (string, bool) {
	ts, err := c.Types(ctx)
	if err != nil {
		return "", false
	}
	for _, t := range ts {
		if d.ID == t.Code || (t.Paragraph != "" && (strings.EqualFold("§"+d.ID, strings.ReplaceAll(t.Paragraph, " ", "")) || d.ID == strings.TrimPrefix(t.Paragraph, "§ "))) {
			return t.Code, true
		}
	}
	for _, s := range []string{d.Name, d.ID} {
		if m := paragraphRe.FindStringSubmatch(s); m != nil {
			for _, t := range ts {
				if t.Paragraph == "§ "+m[1] {
					return t.Code, true
				}
			}
		}
		f := czech.Fold(paragraphRe.ReplaceAllString(strings.ReplaceAll(s, "-", " "), ""))
		f = strings.Trim(f, " ()")
		for _, t := range ts {
			if f != "" && t.Registered && czech.Fold(t.Name) == f {
				return t.Code, true
			}
		}
	}
	return "", false
}

// groupKeywords map the registry's target groups to the partners' groups by code.
var groupKeywords = []struct{ word, code string }{
	{"senior", "SEN"}, {"postizen", "OZP"}, {"chronick", "OZP"}, {"rodin", "RD"}, {"deti", "RD"}, {"mladez", "RD"},
	{"drog", "SPJ"}, {"zavisl", "SPJ"}, {"trestn", "SPJ"}, {"etnick", "SPJ"}, {"vyloucen", "SPJ"}, {"obeti", "SPJ"},
	{"bez pristresi", "KRN"}, {"krizi", "KRN"}, {"nasili", "KRN"}, {"imigrant", "KRN"},
}

var ageKeywords = []struct{ word, group string }{
	{"deti", "children"}, {"dorost", "youth"}, {"mladi dospeli", "youth"}, {"mladez", "youth"},
	{"dospeli", "adults"}, {"senior", "seniors"}, {"bez omezeni", ""},
}

var capUnits = map[string]string{"klient": "klientů", "kontakt": "kontaktů", "interv": "intervencí", "luzka": "lůžek", "hovor": "hovorů"}

// importScope is the region the import keeps.
type importScope struct {
	byCode, byName map[string]int64
	district       string
}

func (sc importScope) match(a regAddress) (int64, bool) {
	if sc.district != "" {
		d := czech.Fold(sc.district)
		if d == czech.Fold(a.Okres.ID) || d == czech.Fold(a.Okres.Name) {
			id := sc.byCode[a.Obec.ID]
			if id == 0 {
				id = sc.byName[czech.Fold(a.Obec.Name)]
			}
			return id, true
		}
		return 0, false
	}
	if id, ok := sc.byCode[a.Obec.ID]; ok && a.Obec.ID != "" {
		return id, true
	}
	id, ok := sc.byName[czech.Fold(a.Obec.Name)]
	return id, ok && a.Obec.Name != ""
}

func (c *Catalog) scope(ctx context.Context, opt ImportOptions) (importScope, error) {
	sc := importScope{byCode: map[string]int64{}, byName: map[string]int64{}, district: strings.TrimSpace(opt.District)}
	ms, _, err := c.Partners.FindMunicipalities(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return sc, err
	}
	want := map[string]bool{}
	for _, m := range opt.Municipalities {
		if m = strings.TrimSpace(m); m != "" {
			want[czech.Fold(m)] = true
		}
	}
	for _, m := range ms {
		if len(want) > 0 && !want[czech.Fold(m.Name)] && !want[m.ZUJ] && sc.district == "" {
			continue
		}
		sc.byName[czech.Fold(m.Name)] = m.ID
		if m.ZUJ != "" {
			sc.byCode[m.ZUJ] = m.ID
		}
	}
	// Codes asked for that are not (yet) municipalities of the registry still count.
	for w := range want {
		if _, err := strconv.Atoi(w); err == nil {
			if _, ok := sc.byCode[w]; !ok {
				sc.byCode[w] = 0
			}
		} else if _, ok := sc.byName[w]; !ok {
			sc.byName[w] = 0
		}
	}
	return sc, nil
}

// mapRecord turns a registry record into a service (without its organisation).
func (c *Catalog) mapRecord(ctx context.Context, r regService, sc importScope, groups map[string]int64) (Service, string, bool) {
	s := Service{RegistryID: string(r.Identifikator), Source: "registry", Status: StatusActive}
	if s.RegistryID == "" {
		s.RegistryID = string(r.ID)
	}
	typ, ok := c.typeFor(ctx, r.DruhSocialniSluzby)
	if !ok {
		return s, "catalog.import.skip.type", false
	}
	s.TypeCode = typ
	t, _ := c.Type(ctx, typ)
	inScope := false
	var munis []int64
	for _, z := range r.Zarizeni {
		id, ok := sc.match(z.Adresa)
		if !ok {
			continue
		}
		inScope = true
		l := Location{Name: z.Nazev, Address: z.Adresa.String(), Postcode: formatPSC(string(z.Adresa.Psc)), RUIANCode: string(z.Adresa.KodAdresnihoMista), Accessibility: "unknown"}
		if id != 0 {
			l.MunicipalityID = &id
			munis = append(munis, id)
		}
		s.Locations = append(s.Locations, l)
	}
	if !inScope {
		for _, a := range append([]regAddress{r.Poskytovatel.Adresa}, r.KontaktniAdresy...) {
			if id, ok := sc.match(a); ok {
				inScope = true
				if id != 0 {
					munis = append(munis, id)
				}
			}
		}
	}
	if !inScope {
		return s, "catalog.import.skip.outside", false
	}
	s.MunicipalityIDs = dedupe(munis)
	s.Name = strings.TrimSpace(r.Nazev)
	if s.Name == "" {
		s.Name = upperFirst(t.Name)
		if len(r.Zarizeni) > 0 && r.Zarizeni[0].Nazev != "" {
			facility := strings.TrimSpace(r.Zarizeni[0].Nazev)
			// "Pečovatelská služba Napajedla" says it all; "Klub Slunce" needs its type.
			stem := []rune(czech.Fold(t.Name))
			if len(stem) > 5 {
				stem = stem[:5]
			}
			if strings.Contains(czech.Fold(facility), string(stem)) {
				s.Name = facility
			} else {
				s.Name += " – " + facility
			}
		}
	}
	var caps []string
	for _, f := range r.Formy {
		switch strings.ToLower(f.Forma.ID) {
		case "pob", "pobytova":
			s.Residential = true
		case "amb", "ambulantni":
			s.Outpatient = true
		case "ter", "terenni":
			s.Field = true
		}
		for _, k := range f.Kapacity {
			if k.Pocet == "" {
				continue
			}
			unit := capUnits[strings.ToLower(k.Typ.ID)]
			if unit == "" {
				unit = k.Typ.Name
			}
			caps = append(caps, strings.TrimSpace(string(k.Pocet)+" "+unit+" "+k.Popis))
		}
	}
	if !s.Residential && !s.Outpatient && !s.Field {
		return s, "catalog.import.skip.form", false
	}
	s.Capacity = strings.Join(caps, "; ")
	for _, g := range r.CiloveSkupiny {
		f := czech.Fold(g.Name + " " + strings.ReplaceAll(g.ID, "-", " "))
		for _, k := range groupKeywords {
			if strings.Contains(f, k.word) && groups[k.code] != 0 {
				s.TargetGroupIDs = append(s.TargetGroupIDs, groups[k.code])
			}
		}
	}
	s.TargetGroupIDs = dedupe(s.TargetGroupIDs)
	ages := map[string]bool{}
	for _, g := range r.VekoveSkupiny {
		f := czech.Fold(g.Name + " " + strings.ReplaceAll(g.ID, "-", " "))
		for _, k := range ageKeywords {
			if strings.Contains(f, k.word) {
				if k.group != "" {
					ages[k.group] = true
				}
				break
			}
		}
	}
	for _, g := range AgeGroups {
		if ages[g] {
			s.AgeGroups = append(s.AgeGroups, g)
		}
	}
	if len(r.Emaily) > 0 {
		s.Email = r.Emaily[0].Value
	}
	if len(r.Telefony) > 0 {
		s.Phone = r.Telefony[0].Value
	}
	if len(r.Weby) > 0 {
		s.Web = r.Weby[0].Value
	}
	return s, "", true
}

func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func formatPSC(p string) string {
	p = strings.ReplaceAll(p, " ", "")
	if len(p) == 5 {
		return p[:3] + " " + p[3:]
	}
	return p
}

// registryHash fingerprints what the registry said, to tell "unchanged".
func registryHash(s Service) string {
	s.ID, s.OrganisationID = 0, 0
	b, _ := json.Marshal(s)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:12])
}

// Import brings the registry's services of the region into the catalogue. It
// is idempotent: a record the catalogue already has from an earlier import
// with the same content is left alone; a changed record updates the fields
// the registry owns (name, type, forms, groups, capacity, contacts,
// municipalities, locations) and keeps what was added locally (description,
// how to apply, fees, opening hours and accessibility of known locations,
// local locations); a record that is gone is marked inactive, never deleted.
func (c *Catalog) Import(ctx context.Context, r io.Reader, opt ImportOptions) (*ImportReport, error) {
	recs, err := decodeRegistry(r)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Total: len(recs)}
	sc, err := c.scope(ctx, opt)
	if err != nil {
		return nil, err
	}
	gs, _, err := c.Partners.FindTargetGroups(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	groups := map[string]int64{}
	for _, g := range gs {
		groups[g.Code] = g.ID
	}
	type item struct {
		s   Service
		ico string
		org regProvider
	}
	var items []item
	seen := map[string]bool{}
	for _, rec := range recs {
		s, reason, ok := c.mapRecord(ctx, rec, sc, groups)
		id := s.RegistryID
		switch {
		case id == "":
			rep.Skipped = append(rep.Skipped, Skip{ID: "?", Reason: "catalog.import.skip.no_id"})
		case !ok:
			if reason != "catalog.import.skip.outside" {
				rep.Skipped = append(rep.Skipped, Skip{ID: id, Reason: reason, Detail: strings.TrimSpace(rec.DruhSocialniSluzby.Name + " " + rec.DruhSocialniSluzby.ID)})
			}
		case seen[id]:
			rep.Skipped = append(rep.Skipped, Skip{ID: id, Reason: "catalog.import.skip.duplicate"})
		default:
			seen[id] = true
			ico := strings.TrimSpace(string(rec.Poskytovatel.ICO))
			if ico != "" && len(ico) < 8 {
				ico = strings.Repeat("0", 8-len(ico)) + ico
			}
			if ico == "" || rec.Poskytovatel.Nazev == "" {
				rep.Skipped = append(rep.Skipped, Skip{ID: id, Reason: "catalog.import.skip.provider"})
				continue
			}
			items = append(items, item{s: s, ico: ico, org: rec.Poskytovatel})
		}
	}
	// Providers first (through the partners registry, each in its own
	// transaction): found by IČO, created when new; existing entries are not
	// overwritten, so local edits survive.
	orgs := map[string]int64{}
	for _, it := range items {
		if _, ok := orgs[it.ico]; ok {
			continue
		}
		found, _, err := c.Partners.FindOrganisations(ctx, partner.Filter{Q: it.ico, All: true, Paging: store.Paging{PerPage: 5}})
		if err != nil {
			return nil, err
		}
		for _, o := range found {
			if o.ICO == it.ico {
				orgs[it.ico] = o.ID
			}
		}
		if orgs[it.ico] != 0 {
			continue
		}
		o, err := c.Partners.CreateOrganisation(ctx, partner.Organisation{Name: it.org.Nazev, ICO: it.ico, Kind: "provider", Address: it.org.Adresa.String()})
		if err != nil {
			rep.Skipped = append(rep.Skipped, Skip{ID: it.s.RegistryID, Reason: "catalog.import.skip.provider", Detail: err.Error()})
			orgs[it.ico] = -1
			continue
		}
		orgs[it.ico] = o.ID
	}
	err = c.DB.InTx(ctx, func(tx *store.Tx) error {
		existing := map[string]Service{}
		rows, err := tx.Query(ctx, `SELECT id, registry_id, registry_hash, status FROM catalog_services WHERE registry_id IS NOT NULL`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s Service
			if err := rows.Scan(&s.ID, &s.RegistryID, &s.registryHash, &s.Status); err != nil {
				rows.Close()
				return err
			}
			existing[s.RegistryID] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, it := range items {
			s := it.s
			if orgs[it.ico] <= 0 {
				continue
			}
			s.OrganisationID = orgs[it.ico]
			hash := registryHash(s)
			cur, ok := existing[s.RegistryID]
			switch {
			case !ok:
				s.registryHash = hash
				if err := c.createService(ctx, tx, &s, "import"); err != nil {
					rep.Skipped = append(rep.Skipped, Skip{ID: s.RegistryID, Reason: "catalog.import.skip.invalid", Detail: err.Error()})
					if apperr.CodeOf(err) != apperr.Invalid {
						return err
					}
					continue
				}
				rep.Created = append(rep.Created, s.Name)
			case cur.registryHash == hash && cur.Status == StatusActive:
				rep.Unchanged = append(rep.Unchanged, s.Name)
			default:
				old, err := findService(ctx, tx, cur.ID)
				if err != nil {
					return err
				}
				merged := merge(old, s)
				merged.registryHash = hash
				if err := c.updateService(ctx, tx, cur.ID, &merged, "import"); err != nil {
					if apperr.CodeOf(err) != apperr.Invalid {
						return err
					}
					rep.Skipped = append(rep.Skipped, Skip{ID: s.RegistryID, Reason: "catalog.import.skip.invalid", Detail: err.Error()})
					continue
				}
				rep.Updated = append(rep.Updated, s.Name)
			}
		}
		// Gone from the registry: inactive, never deleted.
		ids := make([]string, 0, len(existing))
		for id := range existing {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			cur := existing[id]
			if seen[id] || cur.Status != StatusActive {
				continue
			}
			old, err := findService(ctx, tx, cur.ID)
			if err != nil {
				return err
			}
			if old.Source != "registry" {
				continue
			}
			old.Status = StatusInactive
			if err := c.updateService(ctx, tx, cur.ID, &old, "import"); err != nil {
				return err
			}
			rep.Deactivated = append(rep.Deactivated, old.Name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// merge takes the registry's fields from reg into the catalogue's service,
// keeping the local additions.
func merge(local, reg Service) Service {
	out := local
	out.OrganisationID, out.TypeCode, out.Name, out.Residential, out.Outpatient, out.Field = reg.OrganisationID, reg.TypeCode, reg.Name, reg.Residential, reg.Outpatient, reg.Field
	out.TargetGroupIDs, out.AgeGroups, out.Capacity, out.Status, out.Source = reg.TargetGroupIDs, reg.AgeGroups, reg.Capacity, StatusActive, "registry"
	out.MunicipalityIDs = dedupe(append(slices.Clone(reg.MunicipalityIDs), local.MunicipalityIDs...))
	for _, p := range []struct {
		dst *string
		v   string
	}{{&out.Email, reg.Email}, {&out.Phone, reg.Phone}, {&out.Web, reg.Web}} {
		if p.v != "" {
			*p.dst = p.v
		}
	}
	var locs []Location
	used := map[int]bool{}
	for _, rl := range reg.Locations {
		l := rl
		for i, ll := range local.Locations {
			if !used[i] && ((rl.RUIANCode != "" && ll.RUIANCode == rl.RUIANCode) || czech.Fold(ll.Address) == czech.Fold(rl.Address)) {
				used[i] = true
				l.OpeningHours, l.Accessibility, l.AccessibilityNote, l.Latitude, l.Longitude = ll.OpeningHours, ll.Accessibility, ll.AccessibilityNote, ll.Latitude, ll.Longitude
				if l.Name == "" {
					l.Name = ll.Name
				}
			}
		}
		locs = append(locs, l)
	}
	for i, ll := range local.Locations {
		if !used[i] && ll.RUIANCode == "" {
			locs = append(locs, ll) // added locally
		}
	}
	out.Locations = locs
	return out
}

// skipReasons explain the skip keys in the command line's report.
var skipReasons = map[string]string{
	"catalog.import.skip.type":      "neznámý druh služby / unknown service type",
	"catalog.import.skip.form":      "chybí forma poskytování / no form of provision",
	"catalog.import.skip.no_id":     "chybí identifikátor / no identifier",
	"catalog.import.skip.duplicate": "identifikátor v souboru dvakrát / identifier twice in the file",
	"catalog.import.skip.provider":  "chybí nebo je neplatný poskytovatel (název, IČO) / missing or invalid provider",
	"catalog.import.skip.invalid":   "neplatné údaje / invalid data",
}

// SkipReason is the bilingual text of a skip reason key.
func SkipReason(key string) string {
	if s, ok := skipReasons[key]; ok {
		return s
	}
	return key
}
