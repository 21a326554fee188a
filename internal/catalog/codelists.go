package catalog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"kpss/internal/apperr"
)

// The MPSV registry's export refers to its code lists (ciselniky/*.json)
// instead of naming things: a municipality is {"id":"Obec/585459"}, a service
// type {"id":"DruhSocialniSluzby/13"}. CodeLists hold those lists so that the
// import can name municipalities, districts, regions, service types, forms,
// capacity types and target groups.

// CodeListFiles are the code lists the import reads, by kind (the part of an
// id before the slash), with their file names in the MPSV's ciselniky folder.
var CodeListFiles = map[string]string{
	"DruhSocialniSluzby":        "druhy-socialni-sluzby.json",
	"CilovaSkupinaOsoby":        "cilove-skupiny-osoby.json",
	"FormaSocialniSluzby":       "formy-soc-sluzby.json",
	"TypKapacitySocialniSluzby": "typy-kapacity-socialni-sluzby.json",
	"VekovaSkupinaOsoby":        "vekove-skupiny-osoby.json",
	"Obec":                      "obce.json",
	"Okres":                     "okresy.json",
	"Kraj":                      "kraje.json",
}

// codeListTitles name the lists in the Czech error that says one is missing.
var codeListTitles = map[string]string{
	"DruhSocialniSluzby":        "druhy sociálních služeb",
	"CilovaSkupinaOsoby":        "cílové skupiny",
	"FormaSocialniSluzby":       "formy poskytování",
	"TypKapacitySocialniSluzby": "typy kapacity",
	"VekovaSkupinaOsoby":        "věkové skupiny",
	"Obec":                      "obce",
	"Okres":                     "okresy",
	"Kraj":                      "kraje",
}

// codeEntry is one item of a code list.
type codeEntry struct {
	Name  string
	Refs  map[string]string // kind → code of the items it belongs to (a municipality's Okres, Kraj)
	Attrs []string          // its other plain values (NUTS codes, a paragraph of the act)
}

// CodeLists are the registry's code lists by kind and code.
type CodeLists struct {
	lists map[string]map[string]codeEntry
}

// NewCodeLists returns an empty set of code lists.
func NewCodeLists() *CodeLists { return &CodeLists{lists: map[string]map[string]codeEntry{}} }

// Kinds lists the kinds loaded, sorted.
func (cl *CodeLists) Kinds() []string {
	if cl == nil {
		return nil
	}
	ks := make([]string, 0, len(cl.lists))
	for k := range cl.lists {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Has says whether the list of kind is loaded.
func (cl *CodeLists) Has(kind string) bool {
	if cl == nil {
		return false
	}
	_, ok := cl.lists[kind]
	return ok
}

func (cl *CodeLists) lookup(kind, code string) (codeEntry, bool) {
	if cl == nil {
		return codeEntry{}, false
	}
	e, ok := cl.lists[kind][code]
	return e, ok
}

// splitRef splits "Obec/585459" into its kind and code; a plain code has no kind.
func splitRef(id string) (kind, code string) {
	if i := strings.LastIndexByte(id, '/'); i > 0 {
		return id[:i], id[i+1:]
	}
	return "", id
}

// kindOfFile is the kind of a code list by its file name.
func kindOfFile(name string) string {
	base := strings.ToLower(filepath.Base(name))
	for k, f := range CodeListFiles {
		if base == f {
			return k
		}
	}
	return ""
}

// Add reads one code list: {"polozky":[{"id":"Obec/585459","kod":"585459",
// "nazev":{"cs":"Napajedla"},"okres":{"id":"Okres/3705"}…}…]} or a plain
// array of such items. The kind comes from the items' ids, or else from the
// file name (obce.json …). It streams the file.
func (cl *CodeLists) Add(name string, r io.Reader) error {
	fail := func(err error) error {
		return &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "catalog.err.codelist", Args: map[string]any{"File": filepath.Base(name), "Detail": err.Error()}}, Err: err}
	}
	fileKind := kindOfFile(name)
	added := map[string]bool{}
	n := 0
	err := streamArray(r, func(dec *json.Decoder) error {
		var raw map[string]json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var id, kod string
		if v, ok := raw["id"]; ok {
			id = flex(v)
		}
		if v, ok := raw["kod"]; ok {
			kod = flex(v)
		}
		kind, code := splitRef(id)
		if kind == "" {
			kind = fileKind
		}
		if code == "" {
			code = kod
		}
		if kind == "" || code == "" {
			return nil // not an item of a list we can use
		}
		e := codeEntry{Refs: map[string]string{}}
		if v, ok := raw["nazev"]; ok {
			e.Name = localized(v)
		}
		keys := make([]string, 0, len(raw))
		for k := range raw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := bytes.TrimSpace(raw[k])
			if k == "id" || k == "nazev" || len(v) == 0 {
				continue
			}
			switch v[0] {
			case '{':
				var ref struct {
					ID string `json:"id"`
				}
				if json.Unmarshal(v, &ref) == nil && ref.ID != "" {
					if rk, rc := splitRef(ref.ID); rk != "" {
						e.Refs[rk] = rc
					}
				}
			case '"':
				var s string
				if json.Unmarshal(v, &s) == nil && strings.TrimSpace(s) != "" {
					e.Attrs = append(e.Attrs, strings.TrimSpace(s))
				}
			}
		}
		if cl.lists[kind] == nil {
			cl.lists[kind] = map[string]codeEntry{}
		}
		cl.lists[kind][code] = e
		if kod != "" && kod != code {
			cl.lists[kind][kod] = e
		}
		added[kind] = true
		n++
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if n == 0 {
		return fail(fmt.Errorf("no items"))
	}
	return nil
}

// localized reads a name given as a string or as {"cs": …, "en": …}.
func localized(b json.RawMessage) string {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return strings.TrimSpace(s)
	}
	var m map[string]string
	if json.Unmarshal(b, &m) == nil {
		if v := m["cs"]; v != "" {
			return strings.TrimSpace(v)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if m[k] != "" {
				return strings.TrimSpace(m[k])
			}
		}
	}
	return ""
}

// LoadCodeLists reads code lists from files and folders (a folder: every
// *.json in it, e.g. the MPSV's ciselniky/).
func LoadCodeLists(paths ...string) (*CodeLists, error) {
	cl := NewCodeLists()
	for _, p := range paths {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		files := []string{p}
		if st.IsDir() {
			files, err = filepath.Glob(filepath.Join(p, "*.json"))
			if err != nil {
				return nil, err
			}
		}
		for _, f := range files {
			if err := cl.addFile(f); err != nil {
				return nil, err
			}
		}
	}
	return cl, nil
}

func (cl *CodeLists) addFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return cl.Add(name, f)
}

// streamArray calls item for every element of the first array in r (the
// root array, or the first array member of the root object, e.g. polozky),
// with the decoder positioned at the element.
func streamArray(r io.Reader, item func(*json.Decoder) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	t, err := dec.Token()
	if err != nil {
		return err
	}
	elements := func() error {
		for dec.More() {
			if err := item(dec); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ]
		return err
	}
	switch t {
	case json.Delim('['):
		return elements()
	case json.Delim('{'):
		for dec.More() {
			if _, err := dec.Token(); err != nil { // key
				return err
			}
			v, err := dec.Token()
			if err != nil {
				return err
			}
			switch v {
			case json.Delim('['):
				return elements()
			case json.Delim('{'):
				if err := skipValue(dec); err != nil {
					return err
				}
			}
		}
		return fmt.Errorf("no list of items")
	}
	return fmt.Errorf("neither an array nor an object")
}

// skipValue skips the rest of an object or array whose opening delimiter was read.
func skipValue(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}
