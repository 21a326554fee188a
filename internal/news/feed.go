package news

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"

	"kpss/internal/guide/markdown"
)

// Feed describes the channel of the feeds.
type Feed struct {
	Title, Description, Lang string
	Base                     string // the site's address, "https://kpss.otrokovice.cz"
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

func (f Feed) link(n Item) string { return strings.TrimRight(f.Base, "/") + "/aktuality/" + n.Slug }

func summary(n Item) string {
	if n.Perex != "" {
		return n.Perex
	}
	s := markdown.Plain(n.Body)
	if r := []rune(s); len(r) > 400 {
		s = string(r[:400]) + "…"
	}
	return s
}

// RSS writes an RSS 2.0 document of items (published, newest first).
func (f Feed) RSS(items []Item) ([]byte, error) {
	ch := rssChannel{Title: f.Title, Link: strings.TrimRight(f.Base, "/") + "/aktuality", Description: f.Description, Language: f.Lang,
		Self: atomLink{Href: strings.TrimRight(f.Base, "/") + "/aktuality/rss.xml", Rel: "self", Type: "application/rss+xml"}}
	for i, n := range items {
		if n.PublishedAt == nil {
			continue
		}
		if i == 0 {
			ch.LastBuildDate = n.PublishedAt.UTC().Format(time.RFC1123Z)
		}
		ch.Items = append(ch.Items, rssItem{Title: n.Title, Link: f.link(n), GUID: rssGUID{IsPermaLink: true, Value: f.link(n)},
			PubDate: n.PublishedAt.UTC().Format(time.RFC1123Z), Description: summary(n)})
	}
	return encode(rss{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: ch})
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Link    atomLink    `xml:"link"`
	Updated string      `xml:"updated"`
	Publish string      `xml:"published"`
	Author  *atomPerson `xml:"author,omitempty"`
	Summary atomText    `xml:"summary"`
	Content atomText    `xml:"content"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// Atom writes an Atom (RFC 4287) document of items.
func (f Feed) Atom(items []Item, updated time.Time) ([]byte, error) {
	base := strings.TrimRight(f.Base, "/")
	a := atomFeed{Lang: f.Lang, Title: f.Title, ID: base + "/aktuality", Updated: updated.UTC().Format(time.RFC3339),
		Links:  []atomLink{{Href: base + "/aktuality/atom.xml", Rel: "self", Type: "application/atom+xml"}, {Href: base + "/aktuality", Rel: "alternate", Type: "text/html"}},
		Author: atomPerson{Name: f.Title}}
	for i, n := range items {
		if n.PublishedAt == nil {
			continue
		}
		if i == 0 {
			a.Updated = n.UpdatedAt.UTC().Format(time.RFC3339)
		}
		e := atomEntry{Title: n.Title, ID: f.link(n), Link: atomLink{Href: f.link(n), Rel: "alternate", Type: "text/html"},
			Updated: n.UpdatedAt.UTC().Format(time.RFC3339), Publish: n.PublishedAt.UTC().Format(time.RFC3339),
			Summary: atomText{Type: "text", Value: summary(n)}, Content: atomText{Type: "html", Value: string(markdown.Render(n.Body, 0))}}
		if n.Organisation != "" {
			e.Author = &atomPerson{Name: n.Organisation}
		}
		a.Entries = append(a.Entries, e)
	}
	return encode(a)
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
