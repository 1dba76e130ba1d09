//! The resources list: documents and tools kept in `content/resources.yaml`,
//! each with the audiences it is for, shown by the `resources(group)` page
//! function as a table per group, with `resources_filter()` giving the
//! "Show resources for" links.
//!
//! Both render through theme partials (`partials/resources.html`,
//! `partials/resources-filter.html`) from the contexts made here.
//!
//! Filtering by audience works without JavaScript: each audience has its own
//! view of the page that shows the list (`<page>/<audience id>/`, made in
//! `site/generated.rs` by rendering the page's Markdown again for a [`View`]).
//! With JavaScript, `js/resources.js` filters the rows in place and says how
//! many are shown.

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
                        d = d.with_help(crate::diag::did_you_mean(s));
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

    /// What `partials/resources.html` gets for `group`; in an audience's
    /// view, only that audience's rows.
    pub fn table(&self, group: &str, view: Option<&View>) -> ResourcesContext {
        let rows = self
            .entries
            .iter()
            .filter(|(e, ..)| e.group == group && view.is_none_or(|v| e.audience.contains(&v.audience)))
            .map(|(e, link, see)| ResourceRow {
                audience: e.audience.clone(),
                title: e.title.clone(),
                url: link.as_ref().map(|l| l.url.clone()),
                by: e.by.clone(),
                summary: e.summary.clone(),
                see: see.iter().map(|l| SeeLink { url: l.url.clone(), text: l.text.clone() }).collect(),
                who: e.who.clone(),
            })
            .collect();
        ResourcesContext { group: group.to_owned(), rows, view: view.cloned() }
    }

    /// What `partials/resources-filter.html` gets: "Everyone", then one link
    /// per audience, each to its view of `page_url` (the page showing the
    /// list); the current one is the view's audience, or "Everyone".
    pub fn filter(&self, page_url: &str, view: Option<&View>) -> FilterContext {
        let current = view.map_or("", |v| v.audience.as_str());
        let links = std::iter::once(("", "Everyone"))
            .chain(self.audiences())
            .map(|(id, label)| FilterLink {
                url: if id.is_empty() { page_url.to_owned() } else { format!("{page_url}{id}/") },
                audience: id.to_owned(),
                label: label.to_owned(),
                current: id == current,
            })
            .collect();
        FilterContext { links }
    }
}

/// An audience's view of the page showing the list (`<page>/<audience id>/`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct View {
    /// The audience's id.
    pub audience: String,
    /// Its label ("Parents and carers").
    pub label: String,
}

/// What `partials/resources.html` gets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ResourcesContext {
    /// The group, as named in the call.
    pub group: String,
    /// Its resources, in the file's order (in a view, only the view's
    /// audience's: possibly none).
    pub rows: Vec<ResourceRow>,
    /// The audience whose view this is, if it is one.
    pub view: Option<View>,
}

/// One resource of [`ResourcesContext`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ResourceRow {
    /// The audience ids it is for (the script filters on them).
    pub audience: Vec<String>,
    /// Its name.
    pub title: String,
    /// Where its title links, if anywhere.
    pub url: Option<String>,
    /// Who publishes it.
    pub by: Option<String>,
    /// What it is.
    pub summary: String,
    /// Pages of this site about it.
    pub see: Vec<SeeLink>,
    /// Who it is for, in words.
    pub who: String,
}

/// A page of this site about a resource.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SeeLink {
    /// Its URL.
    pub url: String,
    /// Its title.
    pub text: String,
}

/// What `partials/resources-filter.html` gets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FilterContext {
    /// "Everyone" (audience ""), then each audience some resource is for.
    pub links: Vec<FilterLink>,
}

/// One link of [`FilterContext`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct FilterLink {
    /// The view's URL.
    pub url: String,
    /// The audience id; empty for "Everyone".
    pub audience: String,
    /// What the link says.
    pub label: String,
    /// This is the page being shown.
    pub current: bool,
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
    fn a_view_keeps_its_audience_rows_and_marks_its_filter_link() {
        let r = list();
        let titles = |c: &ResourcesContext| c.rows.iter().map(|r| r.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&r.table("a", None)), ["Guidance", "Leaflet"]);
        let families = View { audience: "families".into(), label: "Families".into() };
        assert_eq!(titles(&r.table("a", Some(&families))), ["Leaflet"]);
        assert!(r.table("b", Some(&families)).rows.is_empty());
        let links = |v: Option<&View>| r.filter("/res/", v).links.iter().map(|l| (l.url.clone(), l.current)).collect::<Vec<_>>();
        // Only audiences some resource is for get a link.
        assert_eq!(links(None), [("/res/".to_owned(), true), ("/res/pros/".to_owned(), false), ("/res/families/".to_owned(), false)]);
        assert_eq!(links(Some(&families)), [("/res/".to_owned(), false), ("/res/pros/".to_owned(), false), ("/res/families/".to_owned(), true)]);
    }
}
