package markdown

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"paragraphs", "Zavolejte nám.\nPomůžeme.\n\nDruhý odstavec.", "<p>Zavolejte nám. Pomůžeme.</p>\n<p>Druhý odstavec.</p>\n"},
		{"heading starts at h2", "# Kdo pomůže\n## Podrobněji", "<h2>Kdo pomůže</h2>\n<h3>Podrobněji</h3>\n"},
		{"highest heading is h2", "## Kdo pomůže\n### Podrobněji", "<h2>Kdo pomůže</h2>\n<h3>Podrobněji</h3>\n"},
		{"bullets", "- občanský průkaz\n- rozhodnutí o důchodu", "<ul>\n<li>občanský průkaz</li>\n<li>rozhodnutí o důchodu</li>\n</ul>\n"},
		{"numbers", "1. Zavolejte\n2. Přijďte", "<ol>\n<li>Zavolejte</li>\n<li>Přijďte</li>\n</ol>\n"},
		{"bold and italic", "**Důležité:** vezměte *s sebou* _doklady_", "<p><strong>Důležité:</strong> vezměte <em>s sebou</em> <em>doklady</em></p>\n"},
		{"link", "[Katalog služeb](/katalog?q=pece&x=1)", `<p><a href="/katalog?q=pece&amp;x=1">Katalog služeb</a></p>` + "\n"},
		{"mail and phone", "[napište](mailto:kpss@otrokovice.cz) nebo [volejte](tel:+420577680111)", `<p><a href="mailto:kpss@otrokovice.cz">napište</a> nebo <a href="tel:+420577680111">volejte</a></p>` + "\n"},
		{"raw html escaped", "<script>alert(1)</script> <b onclick=x>tučně</b>", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=x&gt;tučně&lt;/b&gt;</p>\n"},
		{"javascript link refused", "[klikni](javascript:alert(1))", "<p>klikni)</p>\n"},
		{"data link refused", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>\n"},
		{"protocol-relative refused", "[x](//evil.example/)", "<p>x</p>\n"},
		{"quote in url escaped", `[x](https://a.example/"onmouseover=alert(1))`, "<p><a href=\"https://a.example/&#34;onmouseover=alert(1\">x</a>)</p>\n"},
		{"underscore in word", "soubor_jmeno_verze", "<p>soubor_jmeno_verze</p>\n"},
		{"lone star", "5 * 3 = 15", "<p>5 * 3 = 15</p>\n"},
		{"escaped mark", `\*ne kurzíva\*`, "<p>*ne kurzíva*</p>\n"},
		{"list then paragraph", "- a\n- b\nText", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>Text</p>\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(Render(c.in, 0)); got != c.want {
				t.Errorf("Render(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestRenderShift(t *testing.T) {
	if got := string(Render("# A\n#### B", 1)); got != "<h3>A</h3>\n<h6>B</h6>\n" {
		t.Errorf("shifted headings: %q", got)
	}
}

func TestNoTagSurvives(t *testing.T) {
	evil := []string{"<img src=x onerror=alert(1)>", "<a href='javascript:x'>a</a>", "**<i>x</i>**", "[<svg/onload=x>](/ok)", "# <iframe>"}
	for _, in := range evil {
		out := string(Render(in, 0))
		for _, bad := range []string{"<img", "<a href='", "<i>", "<svg", "<iframe", `href="javascript`} {
			if strings.Contains(out, bad) {
				t.Errorf("Render(%q) = %q contains %q", in, out, bad)
			}
		}
	}
}

func TestPlain(t *testing.T) {
	if got := Plain("# Nadpis\n\n**Tučně** a [odkaz](/x) &"); got != "Nadpis Tučně a odkaz &" {
		t.Errorf("Plain = %q", got)
	}
}
