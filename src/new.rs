//! `waymark new page`: a new page with its front matter ready to fill in.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::{Error, Failure};

/// What to create.
#[derive(Debug, Clone)]
pub struct NewPage {
    /// The site root.
    pub root: PathBuf,
    /// Path inside the content folder; `.md` is added when missing.
    pub path: PathBuf,
    /// The title.
    pub title: String,
    /// Audience ids.
    pub audience: Vec<String>,
    /// Stage id.
    pub stage: Option<String>,
}

/// Creates the page; never overwrites. Returns the path written.
pub fn page(opts: &NewPage) -> Result<PathBuf, Failure> {
    let config = SiteConfig::load(&opts.root)?;
    if opts.path.is_absolute() || opts.path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return Err(Error::Usage(format!("the path must be inside the content folder, like procedures/new-page.md, not `{}`", opts.path.display())).into());
    }
    let mut rel = opts.path.clone();
    if rel.extension().is_none_or(|e| e != "md") {
        rel.set_extension("md");
    }
    for a in &opts.audience {
        if config.audience(a).is_none() {
            let ids: Vec<_> = config.audiences.iter().map(|a| a.id.as_str()).collect();
            return Err(Error::Usage(format!("unknown audience `{a}`; site.toml has: {}", ids.join(", "))).into());
        }
    }
    if let Some(s) = &opts.stage
        && config.stage(s).is_none()
    {
        let ids: Vec<_> = config.stages.iter().map(|s| s.id.as_str()).collect();
        return Err(Error::Usage(format!("unknown stage `{s}`; site.toml has: {}", ids.join(", "))).into());
    }
    let full = config.root.join(&config.content).join(&rel);
    if full.exists() {
        return Err(Error::Usage(format!("{} already exists; waymark new never overwrites a file", full.display())).into());
    }
    let today = time::OffsetDateTime::now_utc().date();
    let due = today.replace_year(today.year() + 1).unwrap_or(today);
    let text = front_matter(&opts.title, &opts.audience, opts.stage.as_deref(), today, due);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io { path: parent.to_path_buf(), source })?;
    }
    std::fs::write(&full, text).map_err(|source| Error::Io { path: full.clone(), source })?;
    Ok(Path::new(&config.content).join(rel))
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

fn front_matter(title: &str, audience: &[String], stage: Option<&str>, today: time::Date, due: time::Date) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_string(title)));
    out.push_str("summary: One or two sentences on what this page covers.\n");
    out.push_str(&format!("audience: [{}]\n", audience.join(", ")));
    if let Some(s) = stage {
        out.push_str(&format!("stage: {s}\n"));
    }
    out.push_str(&format!("last_reviewed: {today}\nreview_due: {due}\nsources:\n  - Name the guidance or procedure this page is based on\n---\n\n"));
    out.push_str("## First heading\n\nWrite the page here. Link to other pages by their file, for example [core groups](core-groups.md).\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_matter_parses_back() {
        let d = time::macros::date!(2026 - 11 - 23);
        let text = front_matter("Getting \"help\": a guide", &["parents-and-carers".into()], Some("core-group"), d, d);
        let config = SiteConfig::parse(
            Path::new("."),
            "title = \"T\"\nbase_url = \"/\"\nexit_url = \"https://www.bbc.co.uk/weather\"\n[[audiences]]\nid = \"parents-and-carers\"\nlabel = \"P\"\n[[stages]]\nid = \"core-group\"\nlabel = \"C\"\n",
        )
        .unwrap();
        let (page, diags) = crate::load::parse_page(&config, "content/x.md".into(), "x.md".into(), text).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let fm = page.front;
        assert_eq!(fm.title, "Getting \"help\": a guide");
        assert_eq!(fm.audience, ["parents-and-carers"]);
        assert_eq!(fm.review_due.unwrap().0, d);
    }
}
