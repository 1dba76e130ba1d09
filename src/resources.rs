//! The resources list: documents and tools kept in `content/resources.yaml`,
//! each with the audiences it is for, shown by the `resources(group)` page
//! function as a table per group, with `resources_filter()` giving the
//! "Show resources for" links.
//!
//! Filtering by audience works without JavaScript: each audience has its own
//! view of the page that shows the list (`<page>/<audience id>/`, made in
//! `site/generated.rs` by [`view`]). With JavaScript, `js/resources.js`
//! filters the rows in place and says how many are shown.

use pulldown_cmark_escape::escape_html;
use serde::Deserialize;

use crate::config::SiteConfig;
use crate::site::Pages;
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::yaml::{KeyIndex, Seg};

/// Where the list lives, relative to the content folder.
pub const FILE: &str = "resources.yaml";

/// One resource, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Which table it is in (the argument of `resources(...)`).
    pub group: String,
    /// Its name.
    pub title: String,
    /// Who publishes it.
    #[serde(default)]
    pub by: Option<String>,
    /// Where the title links: a page of the site (`timescales.md`) or an
    /// `https://` address.
    #[serde(default)]
    pub link: Option<String>,
    /// What it is, in a sentence or two.
    pub summary: String,
    /// Pages of this site that summarise it (`procedures/cppm.md#anchor`).
    #[serde(default)]
    pub see: Vec<String>,
    /// Who it is for, in words ("Health visitors and social workers").
    pub who: String,
    /// The audiences (ids from site.toml) it is for: the filter uses these.
    pub audience: Vec<String>,
}


/// A link resolved against the site's pages.
#[derive(Debug, Clone)]
struct Link {
    url: String,
    text: String,
}

/// The list, with its links resolved.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    entries: Vec<(Entry, Option<Link>, Vec<Link>)>,
    /// Every page a resource links to (`rel`), whose title the list shows.
    pub linked: Vec<String>,
    /// Audience id → label, in site.toml's order.
    audiences: Vec<(String, String)>,
}

impl Resources {
    /// Parses the file's text (`shown` names it in messages) and resolves its
    /// audiences and links against the site; every problem is reported at
    /// its line and column.
    pub fn load(shown: std::path::PathBuf, text: String, config: &SiteConfig, pages: &Pages) -> Result<Resources, Vec<Diagnostic>> {
        let src = SourceMap::new(shown, text);
        let entries: Vec<Entry> = crate::yaml::from_str(src.text()).map_err(|e| vec![e.into_diagnostic(Code::Resources, &src, 0)])?;
        let index = KeyIndex::new(src.text());
        let at = |path: &[Seg]| index.best(path).unwrap_or(0);
        let mut diags = Vec::new();
        let ids: Vec<&str> = config.audiences.iter().map(|a| a.id.as_str()).collect();
        let mut linked = Vec::new();
        let mut page = |target: &str, path: Vec<Seg>, diags: &mut Vec<Diagnostic>| -> Option<Link> {
            let (rel, frag) = target.split_once('#').map_or((target, None), |(r, f)| (r, Some(f)));
            match pages.page(rel) {
                Some(p) => {
                    linked.push(rel.to_owned());
                    let mut url = format!("{}{}", config.base_path, p.url);
                    if let Some(f) = frag {
                        url.push('#');
                        url.push_str(f);
                    }
                    Some(Link { url, text: p.front.title.clone() })
                }
                None => {
                    let known = pages.rels();
                    let mut d = Diagnostic::error(Code::Resources, format!("no page `{rel}` (pages are named by their path in the content folder)")).at(&src, at(&path));
                    if let Some(s) = crate::diag::suggest(rel, known) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                    None
                }
            }
        };
        let mut out = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            let here = |k: &str| vec![Seg::Index(i), Seg::Key(k.into())];
            if e.audience.is_empty() {
                diags.push(Diagnostic::error(Code::Resources, format!("`{}` is for no audience", e.title)).at(&src, at(&here("audience"))).with_help(format!("add `audience: [...]` with one or more of {}", ids.join(", "))));
            }
            for (k, a) in e.audience.iter().enumerate() {
                if !ids.contains(&a.as_str()) {
                    let mut path = here("audience");
                    path.push(Seg::Index(k));
                    diags.push(Diagnostic::error(Code::Resources, format!("unknown audience `{a}`")).at(&src, at(&path)).with_help(crate::diag::suggest_help(a, ids.iter().copied(), "audiences in site.toml")));
                }
            }
            let link = match e.link.as_deref() {
                Some(l) if l.starts_with("https://") || l.starts_with("http://") => Some(Link { url: l.to_owned(), text: e.title.clone() }),
                Some(l) => page(l, here("link"), &mut diags).map(|mut p| {
                    p.text = e.title.clone();
                    p
                }),
                None => None,
            };
            let see = e
                .see
                .iter()
                .enumerate()
                .filter_map(|(k, s)| {
                    let mut path = here("see");
                    path.push(Seg::Index(k));
                    page(s, path, &mut diags)
                })
                .collect();
            out.push((e, link, see));
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let audiences = config.audiences.iter().map(|a| (a.id.clone(), a.label.clone())).collect();
        Ok(Resources { entries: out, linked, audiences })
    }

    /// Whether any resource is in `group`.
    pub fn has_group(&self, group: &str) -> bool {
        self.entries.iter().any(|(e, ..)| e.group == group)
    }

    /// The groups named in the file, in order of first use.
    pub fn groups(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (e, ..) in &self.entries {
            if !out.contains(&e.group.as_str()) {
                out.push(&e.group);
            }
        }
        out
    }

    /// The audiences some resource is for, in site.toml's order: (id, label).
    pub fn audiences(&self) -> Vec<(&str, &str)> {
        self.audiences.iter().filter(|(id, _)| self.entries.iter().any(|(e, ..)| e.audience.contains(id))).map(|(i, l)| (i.as_str(), l.as_str())).collect()
    }

    /// A group's table. Each row carries its audiences, for the filters.
    pub fn table(&self, group: &str) -> String {
        let mut o = String::from(TABLE_START);
        o.push_str("<table class=\"wm-table wm-resources__table\">\n");
        o.push_str("<thead><tr><th scope=\"col\">Title</th><th scope=\"col\">What it is</th><th scope=\"col\">Who it is for</th></tr></thead>\n<tbody>\n");
        for (e, link, see) in self.entries.iter().filter(|(e, ..)| e.group == group) {
            o.push_str(ROW_START);
            esc(&mut o, &e.audience.join(" "));
            o.push_str("\"><td>");
            match link {
                Some(l) => {
                    o.push_str("<a href=\"");
                    esc(&mut o, &l.url);
                    o.push_str("\">");
                    esc(&mut o, &e.title);
                    o.push_str("</a>");
                }
                None => esc(&mut o, &e.title),
            }
            if let Some(by) = &e.by {
                o.push_str("<span class=\"wm-resources__by\">");
                esc(&mut o, by);
                o.push_str("</span>");
            }
            o.push_str("</td><td>");
            esc(&mut o, &e.summary);
            if !see.is_empty() {
                o.push_str(" On this site: ");
                for (k, l) in see.iter().enumerate() {
                    if k > 0 {
                        o.push_str(if k + 1 == see.len() { " and " } else { ", " });
                    }
                    o.push_str("<a href=\"");
                    esc(&mut o, &l.url);
                    o.push_str("\">");
                    esc(&mut o, &l.text);
                    o.push_str("</a>");
                }
                o.push('.');
            }
            o.push_str("</td><td>");
            esc(&mut o, &e.who);
            o.push_str("</td></tr>\n");
        }
        o.push_str("</tbody>\n</table>\n</div>\n");
        o.push_str(EMPTY_NOTE);
        o
    }

    /// The "Show resources for" links: everyone, then one per audience, each
    /// to its view of `page_url` (the page showing the list).
    pub fn filter(&self, page_url: &str) -> String {
        let mut o = String::from("<nav class=\"wm-resources-filter\" aria-labelledby=\"wm-resources-filter-label\" data-wm-resources-filter>\n");
        o.push_str("<p class=\"wm-resources-filter__label\" id=\"wm-resources-filter-label\">Show resources for:</p>\n<ul class=\"wm-resources-filter__list\">\n");
        // "Everyone" (the page itself, current until a view marks its own link), then each audience.
        for (id, label) in std::iter::once(("", "Everyone")).chain(self.audiences()) {
            o.push_str("<li><a class=\"wm-resources-filter__link\" href=\"");
            esc(&mut o, &if id.is_empty() { page_url.to_owned() } else { format!("{page_url}{id}/") });
            o.push_str("\" data-wm-audience=\"");
            esc(&mut o, id);
            o.push_str(if id.is_empty() { "\" aria-current=\"page\">" } else { "\">" });
            esc(&mut o, label);
            o.push_str("</a></li>\n");
        }
        o.push_str("</ul>\n</nav>\n<p class=\"wm-resources-filter__status\" role=\"status\" data-wm-resources-status></p>\n");
        o
    }
}

const TABLE_START: &str = "<div class=\"wm-table-wrap wm-resources\" data-wm-resources>\n";
const ROW_START: &str = "<tr class=\"wm-resources__row\" data-wm-audience=\"";
/// Follows every table: the script fills it in and shows it when a filter
/// leaves the table empty.
const EMPTY_NOTE: &str = "<p class=\"wm-resources__none\" hidden></p>\n";

fn esc(o: &mut String, s: &str) {
    escape_html(o, s).expect("string");
}

/// The page's HTML as it shows for one audience: rows for other audiences
/// left out, a table left with none replaced by a line saying so, and the
/// filter link for `audience` marked as the current one. `html` is a page
/// that shows the list (its tables from [`Resources::table`]).
pub fn view(html: &str, audience: &str, label: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(TABLE_START) {
        out.push_str(&rest[..start]);
        let block = &rest[start..];
        let end = block.find(EMPTY_NOTE).map_or(block.len(), |e| e + EMPTY_NOTE.len());
        let (table, after) = block.split_at(end);
        rest = after;
        let mut kept = String::with_capacity(table.len());
        let mut any = false;
        let mut t = table;
        while let Some(r) = t.find(ROW_START) {
            kept.push_str(&t[..r]);
            let row = &t[r..];
            let row_end = row.find("</tr>\n").map_or(row.len(), |e| e + "</tr>\n".len());
            let ids = &row[ROW_START.len()..];
            let ids = &ids[..ids.find('"').unwrap_or(0)];
            if ids.split(' ').any(|i| i == audience) {
                kept.push_str(&row[..row_end]);
                any = true;
            }
            t = &row[row_end..];
        }
        kept.push_str(t);
        if any {
            out.push_str(&kept);
        } else {
            out.push_str("<p class=\"wm-resources__none\">");
            esc(&mut out, &format!("Nothing in this list is for {}.", label.to_lowercase()));
            out.push_str("</p>\n");
        }
    }
    out.push_str(rest);
    // The current filter: this audience's link, not "Everyone".
    let out = out.replace("data-wm-audience=\"\" aria-current=\"page\">", "data-wm-audience=\"\">");
    let mark = format!("data-wm-audience=\"{audience}\">");
    out.replacen(&mark, &format!("data-wm-audience=\"{audience}\" aria-current=\"page\">"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Resources {
        let e = |group: &str, title: &str, audience: &[&str]| {
            (
                Entry {
                    group: group.into(),
                    title: title.into(),
                    by: None,
                    link: None,
                    summary: format!("About {title}."),
                    see: Vec::new(),
                    who: "Someone".into(),
                    audience: audience.iter().map(|a| (*a).to_owned()).collect(),
                },
                None,
                Vec::new(),
            )
        };
        Resources {
            entries: vec![e("a", "Guidance", &["pros"]), e("a", "Leaflet", &["pros", "families"]), e("b", "Toolkit", &["pros"])],
            linked: Vec::new(),
            audiences: vec![("pros".into(), "Practitioners".into()), ("families".into(), "Families".into()), ("none".into(), "Nobody".into())],
        }
    }

    #[test]
    fn a_view_keeps_its_audience_rows_and_says_when_a_table_has_none() {
        let r = list();
        let html = format!("<main>{}<h2>A</h2>{}<h2>B</h2>{}</main>", r.filter("/res/"), r.table("a"), r.table("b"));
        let v = view(&html, "families", "Families");
        assert!(v.contains(">Leaflet<") && !v.contains(">Guidance<") && !v.contains(">Toolkit<"), "{v}");
        assert_eq!(v.matches("<table").count(), 1, "{v}");
        assert!(v.contains("<h2>B</h2><p class=\"wm-resources__none\">Nothing in this list is for families.</p>"), "{v}");
        assert!(v.contains("href=\"/res/families/\" data-wm-audience=\"families\" aria-current=\"page\">Families</a>"), "{v}");
        assert!(!v.contains("data-wm-audience=\"\" aria-current"), "{v}");
        // Only audiences some resource is for get a link.
        assert!(!html.contains("Nobody"));
        let all = view(&html, "pros", "Practitioners");
        assert_eq!(all.matches("wm-resources__row").count(), 3);
    }
}
