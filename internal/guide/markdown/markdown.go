// Package markdown renders the small, safe subset of Markdown the coordinator
// writes guides and news in: headings, paragraphs, bulleted and numbered
// lists, links, bold and italic. Everything else is shown as text: raw HTML
// is escaped, links go only to http(s), mailto:, tel: or this site, so a
// mistyped or hostile text can never inject markup or script.
package markdown

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// Render turns src into HTML. Headings start at <h2>, because the page's
// <h1> is its title: the highest level the text uses is h2, the next h3 …;
// shift adds to that (1 starts at h3, for text under a section heading).
func Render(src string, shift int) template.HTML {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n"), "\n")
	// The highest heading the text uses becomes <h2>, whether the author
	// started with "#" or "##", so the outline never skips a level.
	top := 6
	for _, raw := range lines {
		if m := headingRe.FindStringSubmatch(strings.TrimSpace(raw)); m != nil {
			top = min(top, len(m[1]))
		}
	}
	var para []string
	listKind := ""    // "ul", "ol" or ""
	itemOpen := false // the last <li> waits for its </li> (a continuation may follow)
	closeItem := func() {
		if itemOpen {
			b.WriteString("</li>\n")
			itemOpen = false
		}
	}
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>")
			b.WriteString(Inline(strings.Join(para, " ")))
			b.WriteString("</p>\n")
			para = nil
		}
	}
	closeList := func() {
		closeItem()
		if listKind != "" {
			b.WriteString("</" + listKind + ">\n")
			listKind = ""
		}
	}
	for _, raw := range lines {
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			flushPara()
			closeList()
		case headingRe.MatchString(line):
			flushPara()
			closeList()
			m := headingRe.FindStringSubmatch(line)
			level := min(len(m[1])-top+2+shift, 6)
			tag := "h" + string(rune('0'+level))
			b.WriteString("<" + tag + ">" + Inline(strings.TrimRight(m[2], "# ")) + "</" + tag + ">\n")
		case bulletRe.MatchString(line), numberRe.MatchString(line):
			flushPara()
			kind, text := "ul", ""
			if m := bulletRe.FindStringSubmatch(line); m != nil {
				text = m[1]
			} else {
				kind, text = "ol", numberRe.FindStringSubmatch(line)[1]
			}
			if kind != listKind {
				closeList()
				b.WriteString("<" + kind + ">\n")
				listKind = kind
			}
			closeItem()
			b.WriteString("<li>" + Inline(text))
			itemOpen = true
		default:
			if itemOpen && strings.HasPrefix(raw, " ") {
				// An indented line continues the last list item.
				b.WriteString(" " + Inline(line))
				continue
			}
			closeList()
			para = append(para, line)
		}
	}
	flushPara()
	closeList()
	return template.HTML(b.String())
}

var (
	headingRe = regexp.MustCompile(`^(#{1,6})\s+(.+)$`)
	bulletRe  = regexp.MustCompile(`^[-*+]\s+(.+)$`)
	numberRe  = regexp.MustCompile(`^[0-9]{1,3}[.)]\s+(.+)$`)
)

// Inline renders the inline marks of one line: **bold**, *italic* or
// _italic_, [text](url); the rest is escaped text.
func Inline(s string) string {
	var b strings.Builder
	text := 0 // start of pending plain text
	// A link is [text](url): text up to the first ']', url up to the first
	// ')' with no space in it. The next ']' and the next ')' or space are
	// looked up once for a run of '[', not once per '[' (a text of many
	// brackets took quadratic time with a regular expression per '[').
	nextClose := nextOf(s, func(c byte) bool { return c == ']' })
	nextEnd := nextOf(s, func(c byte) bool { return c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' })
	flush := func(i int) {
		b.WriteString(html.EscapeString(s[text:i]))
	}
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case rest[0] == '\\' && len(rest) > 1 && strings.ContainsRune(`\*_[]()#`, rune(rest[1])):
			flush(i)
			b.WriteString(html.EscapeString(rest[1:2]))
			i += 2
			text = i
			continue
		case rest[0] == '[':
			j := nextClose(i + 1)
			if j <= i+1 || j+1 >= len(s) || s[j+1] != '(' {
				break
			}
			k := nextEnd(j + 2)
			if k <= j+2 || s[k] != ')' {
				break
			}
			label, target := s[i+1:j], s[j+2:k]
			flush(i)
			if href, ok := SafeURL(target); ok {
				b.WriteString(`<a href="` + html.EscapeString(href) + `">` + Inline(label) + `</a>`)
			} else {
				b.WriteString(Inline(label))
			}
			i = k + 1
			text = i
			continue
		case strings.HasPrefix(rest, "**"):
			if end := strings.Index(rest[2:], "**"); end > 0 {
				flush(i)
				b.WriteString("<strong>" + Inline(rest[2:2+end]) + "</strong>")
				i += end + 4
				text = i
				continue
			}
		case rest[0] == '*' || rest[0] == '_':
			// An underscore inside a word (file_name) is not a mark.
			if rest[0] == '_' && i > 0 && isWordByte(s[i-1]) {
				break
			}
			mark := rest[:1]
			if end := strings.Index(rest[1:], mark); end > 0 && rest[1] != ' ' {
				flush(i)
				b.WriteString("<em>" + Inline(rest[1:1+end]) + "</em>")
				i += end + 2
				text = i
				continue
			}
		}
		i++
	}
	flush(len(s))
	return b.String()
}

// nextOf returns a lookup of the first index at or after i where s holds a
// byte with is (-1: none). Asked for growing i, as Inline does, it scans s
// once.
func nextOf(s string, is func(byte) bool) func(i int) int {
	from, at := -1, -1
	return func(i int) int {
		if from < 0 || i < from || (at >= 0 && i > at) {
			from, at = i, -1
			for j := i; j < len(s); j++ {
				if is(s[j]) {
					at = j
					break
				}
			}
		}
		return at
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// SafeURL reports whether a link target is allowed: http(s), mailto:, tel:,
// a path on this site ("/katalog") or a fragment; others (javascript:,
// data:, "//host") are refused.
func SafeURL(u string) (string, bool) {
	u = strings.TrimSpace(u)
	lower := strings.ToLower(u)
	switch {
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"),
		strings.HasPrefix(lower, "mailto:"), strings.HasPrefix(lower, "tel:"), strings.HasPrefix(lower, "#"):
		return u, true
	case strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.Contains(u, "\\"):
		return u, true
	}
	return "", false
}

// Plain strips the marks from src, for search, feeds and descriptions.
func Plain(src string) string {
	out := string(Render(src, 0))
	out = tagRe.ReplaceAllString(out, " ")
	out = html.UnescapeString(out)
	return strings.Join(strings.Fields(out), " ")
}

var tagRe = regexp.MustCompile(`<[^>]*>`)
