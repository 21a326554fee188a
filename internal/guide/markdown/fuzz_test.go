package markdown

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var tagTokRe = regexp.MustCompile(`<(/?)([a-z0-9]+)((?: [a-z]+="[^"<>]*")*)>`)

// checkHTML reports what is wrong with out as the renderer's HTML: only the
// few tags it writes, well nested, no attribute but a safe href on <a>, and
// every other '<' or '>' escaped.
func checkHTML(out string) string {
	allowed := map[string]bool{"p": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "ul": true, "ol": true, "li": true, "a": true, "strong": true, "em": true}
	var stack []string
	rest := out
	for {
		loc := tagTokRe.FindStringSubmatchIndex(rest)
		text := rest
		if loc != nil {
			text = rest[:loc[0]]
		}
		if strings.ContainsAny(text, "<>") {
			return "unescaped < or > in text " + text
		}
		if loc == nil {
			break
		}
		closing, name, attrs := rest[loc[2]:loc[3]] == "/", rest[loc[4]:loc[5]], rest[loc[6]:loc[7]]
		rest = rest[loc[1]:]
		if !allowed[name] {
			return "tag " + name
		}
		if closing {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return "</" + name + "> closes " + strings.Join(stack, ">")
			}
			stack = stack[:len(stack)-1]
			continue
		}
		switch {
		case name == "a":
			m := regexp.MustCompile(`^ href="([^"]*)"$`).FindStringSubmatch(attrs)
			if m == nil {
				return "<a" + attrs + ">"
			}
			if _, ok := SafeURL(html.UnescapeString(m[1])); !ok {
				return "unsafe href " + m[1]
			}
		case attrs != "":
			return "attributes on <" + name + ">"
		}
		stack = append(stack, name)
	}
	if len(stack) > 0 {
		return "unclosed " + strings.Join(stack, ">")
	}
	return ""
}

// Whatever the coordinator types, the guide shows it as the few safe tags
// the renderer writes, well nested, with the text escaped; headings start
// at h2 (+shift) and never skip above h6; Plain holds no markup.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# Nadpis\n\nOdstavec s **tučným** a *kurzívou* a [odkazem](/katalog).\n\n- jedna\n- dvě\n  pokračování\n1. první\n2) druhá",
		"<img src=x onerror=alert(1)>", "<a href='javascript:x'>a</a>", "**<i>x</i>**", "[<svg/onload=x>](/ok)", "# <iframe>",
		"[x](javascript:alert(1))", "[x](//evil.example)", "[x](/a\\b)", "[**b**](https://x.cz/?a=1&b=\"2\")", "\\*ne\\* \\[ne\\]",
		"***", "**a*b**c*", "_a_b_", "file_name_x", "###### šest\n# jedna", "[a](#kotva) [b](mailto:a@b.cz) [c](tel:+420123)",
		"[[x](/a)](/b)", "*[x](/a)*", "\r\n# a\r- b\r\n", "\x00\xff", strings.Repeat("*", 200), strings.Repeat("[", 100) + strings.Repeat("](/)", 100),
	} {
		f.Add(s, 0)
	}
	f.Add("# a\n## b", 3)
	f.Fuzz(func(t *testing.T, src string, shift int) {
		if shift < 0 || shift > 4 || len(src) > 1<<14 {
			return
		}
		out := string(Render(src, shift))
		if msg := checkHTML(out); msg != "" {
			t.Fatalf("Render(%q, %d) = %q: %s", src, shift, out, msg)
		}
		if utf8.ValidString(src) && !utf8.ValidString(out) {
			t.Fatalf("Render(%q) broke UTF-8: %q", src, out)
		}
		for lvl := 2; lvl < 2+shift; lvl++ {
			if strings.Contains(out, "<h"+string(rune('0'+lvl))+">") {
				t.Fatalf("Render(%q, %d) uses h%d", src, shift, lvl)
			}
		}
		if p := Plain(src); strings.ContainsAny(p, "\n") || tagTokRe.MatchString(p) && !strings.Contains(src, "<") {
			t.Fatalf("Plain(%q) = %q", src, p)
		}
	})
}
