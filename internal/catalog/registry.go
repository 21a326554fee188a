package catalog

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// The open-data export of the MPSV registry of social-service providers
// (rpss.json). Only the fields the catalogue needs are decoded; the provider's
// statutory bodies (statutarniOrgany, personal names) are deliberately not
// part of these types, so they are never read, stored or logged. In the real
// export code-list values are references {"id":"Obec/585459"} into the code
// lists (see CodeLists); an older layout gave them inline as a string, a
// number or {kod, nazev}: all are accepted.

// code is a code-list value.
type code struct {
	ID    string
	Name  string
	entry *codeEntry // the code list's item, once resolved
}

// key is the code without its kind: "585459" for "Obec/585459".
func (c code) key() string { _, k := splitRef(c.ID); return k }

// kind is the code list the value refers to ("Obec"), or "".
func (c code) kind() string { k, _ := splitRef(c.ID); return k }

// nested holds the keys under which the export wraps a code in an object of
// its own: [{"cilovaSkupina":{"id":"CilovaSkupinaOsoby/24"}}].
var nested = []string{"cilovaSkupina", "vekovaSkupina", "skupina"}

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
		for _, k := range nested {
			if v, ok := o[k]; ok && o["id"] == nil && o["kod"] == nil {
				return c.UnmarshalJSON(v)
			}
		}
		for _, k := range []string{"id", "kod", "code"} {
			if v, ok := o[k]; ok {
				c.ID = flex(v)
				break
			}
		}
		for _, k := range []string{"nazev", "name", "text", "hodnota"} {
			if v, ok := o[k]; ok {
				c.Name = localized(v)
				if c.Name == "" {
					c.Name = flex(v)
				}
				break
			}
		}
		return nil
	default:
		c.ID = string(b)
		return nil
	}
}

// matches says whether a filter value (a code, "Okres/3705", a name, a NUTS
// code) names this value.
func (c code) matches(f string) bool {
	if f == "" {
		return false
	}
	if f == czech.Fold(c.ID) || f == czech.Fold(c.key()) || (c.Name != "" && f == czech.Fold(c.Name)) {
		return true
	}
	if c.entry != nil {
		for _, a := range c.entry.Attrs {
			if f == czech.Fold(a) {
				return true
			}
		}
	}
	return false
}

// text is a string that may come as a number (identifiers, postcodes).
type text string

func (t *text) UnmarshalJSON(b []byte) error { *t = text(flex(b)); return nil }

// name is a string that may come as an object {"nazev": …} (the street).
type name string

func (n *name) UnmarshalJSON(b []byte) error {
	var c code
	if err := c.UnmarshalJSON(b); err != nil {
		return err
	}
	if c.Name != "" {
		*n = name(c.Name)
	} else {
		*n = name(c.ID)
	}
	return nil
}

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
	Ulice             name   `json:"ulice"`
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
	street := string(a.Ulice)
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

func (a regAddress) empty() bool { return a.Obec.ID == "" && a.Obec.Name == "" && a.Text == "" }

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
	Nazev    string       `json:"nazev"`
	ICO      text         `json:"ico"`
	Adresa   regAddress   `json:"adresa"`
	Emaily   []regContact `json:"emaily"`
	Telefony []regContact `json:"telefony"`
	Weby     []regContact `json:"weby"`
}

type regFacil struct {
	Nazev       string     `json:"nazev"`
	Adresa      regAddress `json:"adresa"`
	PoskytujeDo string     `json:"poskytujeDo"`
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

// resolve names the record's code-list references from the code lists. A
// reference into a list that was not given is an error naming that list; an
// unknown code in a given list stays unnamed.
func (r *regService) resolve(cl *CodeLists) error {
	var err error
	one := func(c *code) {
		if err != nil || c.ID == "" || c.Name != "" {
			return
		}
		kind := c.kind()
		if _, known := CodeListFiles[kind]; !known {
			return // a list the catalogue does not use (TypStavebnihoObjektu, CastObce)
		}
		if !cl.Has(kind) {
			err = missingList(kind, c.ID)
			return
		}
		if e, ok := cl.lookup(kind, c.key()); ok {
			c.Name, c.entry = e.Name, &e
		}
	}
	addr := func(a *regAddress) {
		one(&a.Obec)
		if a.Obec.entry != nil { // a municipality knows its district and region
			if a.Okres.ID == "" && a.Obec.entry.Refs["Okres"] != "" {
				a.Okres.ID = "Okres/" + a.Obec.entry.Refs["Okres"]
			}
			if a.Kraj.ID == "" && a.Obec.entry.Refs["Kraj"] != "" {
				a.Kraj.ID = "Kraj/" + a.Obec.entry.Refs["Kraj"]
			}
		}
		one(&a.Okres)
		if a.Kraj.ID == "" && a.Okres.entry != nil && a.Okres.entry.Refs["Kraj"] != "" {
			a.Kraj.ID = "Kraj/" + a.Okres.entry.Refs["Kraj"]
		}
		one(&a.Kraj)
	}
	one(&r.DruhSocialniSluzby)
	addr(&r.Poskytovatel.Adresa)
	for i := range r.Zarizeni {
		addr(&r.Zarizeni[i].Adresa)
	}
	for i := range r.KontaktniAdresy {
		addr(&r.KontaktniAdresy[i])
	}
	for i := range r.Formy {
		one(&r.Formy[i].Forma)
		for j := range r.Formy[i].Kapacity {
			one(&r.Formy[i].Kapacity[j].Typ)
		}
	}
	for i := range r.CiloveSkupiny {
		one(&r.CiloveSkupiny[i])
	}
	for i := range r.VekoveSkupiny {
		one(&r.VekoveSkupiny[i])
	}
	return err
}

func missingList(kind, example string) error {
	return &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "catalog.err.codelist_missing", Args: map[string]any{
		"List": codeListTitles[kind], "File": "ciselniky/" + CodeListFiles[kind], "Example": example}}}
}

// streamRegistry calls fn for every service of the export, one at a time (the
// national file is about 100 MB: it is never held whole). A record that does
// not fit the types is passed with its decoding error; a broken file stops.
func streamRegistry(r io.Reader, fn func(regService, error) error) error {
	err := streamArray(r, func(dec *json.Decoder) error {
		var rec regService
		if err := dec.Decode(&rec); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return fn(rec, err)
			}
			return err
		}
		cleanStrings(reflect.ValueOf(&rec).Elem())
		return fn(rec, nil)
	})
	if _, ok := apperr.As(err); err != nil && !ok {
		return &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "catalog.err.json", Args: map[string]any{"Detail": err.Error()}}, Err: err}
	}
	return err
}

// cleanStrings drops the control characters JSON escapes can carry
// ("\u0000" would fail the whole import on PostgreSQL, which stores no NUL)
// from every string of v; line breaks and tabs become spaces.
func cleanStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); strings.ContainsFunc(s, unicode.IsControl) && v.CanSet() {
			v.SetString(strings.Map(func(r rune) rune {
				switch {
				case r == '\n' || r == '\t' || r == '\r':
					return ' '
				case unicode.IsControl(r):
					return -1
				}
				return r
			}, s))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				cleanStrings(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			cleanStrings(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if e := v.MapIndex(k); e.Kind() == reflect.String && strings.ContainsFunc(e.String(), unicode.IsControl) {
				c := reflect.New(e.Type()).Elem()
				c.Set(e)
				cleanStrings(c)
				v.SetMapIndex(k, c)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			cleanStrings(v.Elem())
		}
	}
}

// ImportOptions choose what part of the registry to import.
type ImportOptions struct {
	// Municipalities by name or 6-digit code; empty means the region's
	// municipalities of the partners registry.
	Municipalities []string
	// District is a district (okres) by its code ("3705", "Okres/3705"),
	// NUTS code (CZ0724) or name; when set it replaces the municipality filter.
	District string
	// Region is a region (kraj) by its code ("141", "Kraj/141"), NUTS code
	// (CZ072) or name ("Zlínský kraj"); when set it replaces the others.
	Region string
	// Codes are the registry's code lists (ciselniky/*.json) that the real
	// export refers to; an export that refers to a list not given is refused
	// with an error naming the list.
	Codes *CodeLists
}

// ImportReport says what an import did.
type ImportReport struct {
	Created, Updated, Unchanged, Deactivated []string
	Skipped                                  []Skip
	Total                                    int // records in the file
	Outside                                  int // records outside the chosen area (not imported, not changed)
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
	candidates := []string{d.Name, d.ID}
	if d.entry != nil { // the code list may give the paragraph of the act
		for _, a := range d.entry.Attrs {
			if _, err := strconv.Atoi(strings.TrimRight(a, "abcdefgh")); err == nil && len(a) <= 4 {
				candidates = append(candidates, "§ "+a)
			} else {
				candidates = append(candidates, a)
			}
		}
	}
	for _, s := range candidates {
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

var capUnits = map[string]string{"klient": "klientů", "kontakt": "kontaktů", "interv": "intervencí", "luzk": "lůžek", "luzek": "lůžek", "hovor": "hovorů"}

// capUnit is the unit of a capacity type ("luzka", "lůžka", "klienti") in the genitive plural.
func capUnit(v string) string {
	f := czech.Fold(v)
	for k, u := range capUnits {
		if f != "" && strings.HasPrefix(f, k) {
			return u
		}
	}
	return ""
}

// importScope is the region the import keeps.
type importScope struct {
	byCode, byName   map[string]int64
	district, region string // folded
}

func (sc importScope) match(a regAddress) (int64, bool) {
	muni := func() int64 {
		id := sc.byCode[a.Obec.key()]
		if id == 0 {
			id = sc.byName[czech.Fold(a.Obec.Name)]
		}
		return id
	}
	switch {
	case sc.region != "":
		return muni(), a.Kraj.matches(sc.region)
	case sc.district != "":
		return muni(), a.Okres.matches(sc.district)
	}
	if id, ok := sc.byCode[a.Obec.key()]; ok && a.Obec.key() != "" {
		return id, true
	}
	id, ok := sc.byName[czech.Fold(a.Obec.Name)]
	return id, ok && a.Obec.Name != ""
}

func (c *Catalog) scope(ctx context.Context, opt ImportOptions) (importScope, error) {
	sc := importScope{byCode: map[string]int64{}, byName: map[string]int64{}, district: czech.Fold(strings.TrimSpace(opt.District)), region: czech.Fold(strings.TrimSpace(opt.Region))}
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
		if len(want) > 0 && !want[czech.Fold(m.Name)] && !want[m.ZUJ] && sc.district == "" && sc.region == "" {
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

// ended says whether an end date ("2025-06-30", possibly with a time) lies
// before today.
func ended(until string, today time.Time) bool {
	until = strings.TrimSpace(until)
	if len(until) < 10 {
		return false
	}
	d, err := time.ParseInLocation("2006-01-02", until[:10], today.Location())
	return err == nil && d.Before(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, today.Location()))
}

// czDate writes "2025-06-30" as 30. 6. 2025.
func czDate(s string) string {
	if d, err := time.Parse("2006-01-02", strings.TrimSpace(s)[:min(10, len(strings.TrimSpace(s)))]); err == nil {
		return fmt.Sprintf("%d. %d. %d", d.Day(), d.Month(), d.Year())
	}
	return s
}

// mapRecord turns a registry record into a service (without its
// organisation). notes are facilities left out (ended), reported beside.
func (c *Catalog) mapRecord(ctx context.Context, r regService, sc importScope, groups map[string]int64, today time.Time) (s Service, reason string, ok bool, notes []Skip) {
	s = Service{RegistryID: string(r.Identifikator), Source: "registry", Status: StatusActive}
	if s.RegistryID == "" {
		s.RegistryID = string(r.ID)
	}
	inScope := false
	var munis []int64
	var facilities []regFacil
	for _, z := range r.Zarizeni {
		id, ok := sc.match(z.Adresa)
		if !ok {
			continue
		}
		inScope = true
		if ended(z.PoskytujeDo, today) {
			notes = append(notes, Skip{ID: s.RegistryID, Reason: "catalog.import.skip.facility_ended", Detail: strings.TrimSpace(z.Nazev + " " + czDate(z.PoskytujeDo))})
			continue
		}
		facilities = append(facilities, z)
		l := Location{Name: strings.TrimSpace(z.Nazev), Address: z.Adresa.String(), Postcode: formatPSC(string(z.Adresa.Psc)), RUIANCode: string(z.Adresa.KodAdresnihoMista),
			Accessibility: "unknown", StateProvince: z.Adresa.Kraj.Name}
		if id != 0 {
			l.MunicipalityID = &id
			munis = append(munis, id)
		}
		s.Locations = append(s.Locations, l)
	}
	if !inScope || (len(facilities) == 0 && len(notes) > 0) {
		// Without a facility of its own in the area (or with all of them
		// closed), a service counts where its contact or provider is.
		for _, a := range append(slices.Clone(r.KontaktniAdresy), r.Poskytovatel.Adresa) {
			if a.empty() {
				continue
			}
			if id, ok := sc.match(a); ok {
				inScope = true
				if id != 0 {
					munis = append(munis, id)
				}
			}
		}
	}
	if !inScope {
		return s, "catalog.import.skip.outside", false, nil
	}
	if ended(r.DatumPoskytovaniDo, today) {
		return s, "catalog.import.skip.ended", false, nil
	}
	typ, ok := c.typeFor(ctx, r.DruhSocialniSluzby)
	if !ok {
		return s, "catalog.import.skip.type", false, notes
	}
	s.TypeCode = typ
	t, _ := c.Type(ctx, typ)
	s.MunicipalityIDs = dedupe(munis)
	s.Name = serviceName(r, t, facilities)
	var caps []string
	for _, f := range r.Formy {
		switch form := czech.Fold(f.Forma.key() + " " + f.Forma.Name); {
		case strings.HasPrefix(form, "pob"):
			s.Residential = true
		case strings.HasPrefix(form, "amb"):
			s.Outpatient = true
		case strings.HasPrefix(form, "ter"):
			s.Field = true
		}
		for _, k := range f.Kapacity {
			if k.Pocet == "" {
				continue
			}
			unit := k.Typ.Name
			for _, v := range []string{k.Typ.key(), k.Typ.Name} {
				if u := capUnit(v); u != "" {
					unit = u
					break
				}
			}
			caps = append(caps, strings.TrimSpace(string(k.Pocet)+" "+unit+" "+k.Popis))
		}
	}
	if !s.Residential && !s.Outpatient && !s.Field {
		return s, "catalog.import.skip.form", false, notes
	}
	s.Capacity = strings.Join(caps, "; ")
	for _, g := range r.CiloveSkupiny {
		f := czech.Fold(g.Name + " " + strings.ReplaceAll(g.key(), "-", " "))
		for _, k := range groupKeywords {
			if strings.Contains(f, k.word) && groups[k.code] != 0 {
				s.TargetGroupIDs = append(s.TargetGroupIDs, groups[k.code])
			}
		}
	}
	s.TargetGroupIDs = dedupe(s.TargetGroupIDs)
	ages := map[string]bool{}
	for _, g := range r.VekoveSkupiny {
		f := czech.Fold(g.Name + " " + strings.ReplaceAll(g.key(), "-", " "))
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
	// The service's own contacts; the provider's where it gives none.
	first := func(own, provider []regContact) string {
		for _, l := range [][]regContact{own, provider} {
			for _, c := range l {
				if c.Value != "" {
					return c.Value
				}
			}
		}
		return ""
	}
	s.Email = first(r.Emaily, r.Poskytovatel.Emaily)
	s.Phone = first(r.Telefony, r.Poskytovatel.Telefony)
	s.Web = first(r.Weby, r.Poskytovatel.Weby)
	return s, "", true, notes
}

// serviceName builds a name the way people call the service. The export has
// none of its own (only the type, the facilities and the provider):
// "Domov pro seniory Napajedla" (the facility says what it is), "Odlehčovací
// služby – Klub Slunce" (it does not), "Pečovatelská služba – Charita
// Otrokovice" (no facility: the provider).
func serviceName(r regService, t ServiceType, facilities []regFacil) string {
	if n := strings.TrimSpace(r.Nazev); n != "" {
		return n
	}
	typeName := upperFirst(t.Name)
	if typeName == "" {
		typeName = upperFirst(r.DruhSocialniSluzby.Name)
	}
	// "domovy pro seniory" → "domov": the stem a facility's name repeats.
	stem := []rune(czech.Fold(t.Name))
	if len(stem) > 5 {
		stem = stem[:5]
	}
	says := func(n string) bool { return len(stem) > 0 && strings.Contains(czech.Fold(n), string(stem)) }
	for _, z := range facilities {
		if n := strings.TrimSpace(z.Nazev); n != "" {
			if says(n) {
				return n
			}
			return typeName + " – " + n
		}
	}
	if n := strings.TrimSpace(r.Poskytovatel.Nazev); n != "" {
		if says(n) {
			return n
		}
		return typeName + " – " + n
	}
	return typeName
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
	rep := &ImportReport{}
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
	seen := map[string]bool{}   // imported now
	inFile := map[string]bool{} // in the file, imported or not (outside the area: left alone)
	today := c.Now()
	err = streamRegistry(r, func(rec regService, decodeErr error) error {
		rep.Total++
		id := string(rec.Identifikator)
		if id == "" {
			id = string(rec.ID)
		}
		if decodeErr != nil {
			rep.Skipped = append(rep.Skipped, Skip{ID: cmp.Or(id, "?"), Reason: "catalog.import.skip.unreadable", Detail: decodeErr.Error()})
			inFile[id] = id != ""
			return nil
		}
		if err := rec.resolve(opt.Codes); err != nil {
			return err
		}
		s, reason, ok, notes := c.mapRecord(ctx, rec, sc, groups, today)
		id = s.RegistryID
		if id != "" && reason != "catalog.import.skip.ended" {
			inFile[id] = true
		}
		rep.Skipped = append(rep.Skipped, notes...)
		switch {
		case id == "":
			rep.Skipped = append(rep.Skipped, Skip{ID: "?", Reason: "catalog.import.skip.no_id"})
		case !ok && reason == "catalog.import.skip.outside":
			rep.Outside++
		case !ok && reason == "catalog.import.skip.ended":
			rep.Skipped = append(rep.Skipped, Skip{ID: id, Reason: reason, Detail: czDate(rec.DatumPoskytovaniDo)})
		case !ok:
			rep.Skipped = append(rep.Skipped, Skip{ID: id, Reason: reason, Detail: strings.TrimSpace(rec.DruhSocialniSluzby.Name + " " + rec.DruhSocialniSluzby.ID)})
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
				return nil
			}
			items = append(items, item{s: s, ico: ico, org: rec.Poskytovatel})
		}
		return nil
	})
	if err != nil {
		return nil, err
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
			if seen[id] || inFile[id] || cur.Status != StatusActive {
				continue // imported now, or outside the area chosen this time
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
	"catalog.import.skip.type":           "neznámý druh služby / unknown service type",
	"catalog.import.skip.form":           "chybí forma poskytování / no form of provision",
	"catalog.import.skip.no_id":          "chybí identifikátor / no identifier",
	"catalog.import.skip.duplicate":      "identifikátor v souboru dvakrát / identifier twice in the file",
	"catalog.import.skip.provider":       "chybí nebo je neplatný poskytovatel (název, IČO) / missing or invalid provider",
	"catalog.import.skip.invalid":        "neplatné údaje / invalid data",
	"catalog.import.skip.ended":          "registrace služby skončila / the registration ended",
	"catalog.import.skip.facility_ended": "zařízení už službu neposkytuje / the facility no longer provides it",
	"catalog.import.skip.unreadable":     "záznam nelze přečíst / unreadable record",
}

// SkipReason is the bilingual text of a skip reason key.
func SkipReason(key string) string {
	if s, ok := skipReasons[key]; ok {
		return s
	}
	return key
}
