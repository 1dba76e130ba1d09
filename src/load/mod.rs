//! Stage 1, **load**: everything the build reads from the disk, read once.
//!
//! [`load`] reads site.toml, walks the content folder (every `.md` file is a
//! page, a folder with `_index.md` is a section, every other file an asset
//! copied as it is), splits and checks each page's front matter
//! ([`page`]), reads the rules file, the data files (glossary, words to
//! avoid, resources), the theme and the git history. The result, [`Sources`],
//! owns every byte later stages need: nothing after this stage touches the
//! disk (`waymark serve` reads an edited file again through
//! [`read_page`] and [`read_asset`], which are part of this stage too).
//!
//! I/O failures are a [`Failure::Error`]; problems in what the author wrote
//! are diagnostics, all of them, kept with the page or the file they belong to.

pub(crate) mod page;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) use page::{ChangeNote, Format, Page, PageKind, TranslatedFrom, TranslationStatus, parse_page};


use crate::check::plain::WordsToAvoid;
use crate::config::SiteConfig;
use crate::file_policy;
use crate::diag::Diagnostic;
use crate::glossary::Glossary;
use crate::history::History;
use crate::resources::Resources;
use crate::rules::SiteRules;
use crate::site::{BuildOptions, PageState, Pages};
use crate::theme::Theme;
use crate::{Error, Failure};

/// A file that is not Markdown, copied to the output as it is.
#[derive(Debug, Clone)]
pub(crate) struct Asset {
    /// Path relative to the content folder, with `/` separators (also its output path).
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// The path as the author knows it (`content/images/a.png`).
    pub shown: PathBuf,
    /// Its contents, read while loading.
    pub bytes: Vec<u8>,
}

/// A data file that the site may have: absent, present but with problems
/// (reported once, at the file; calls that need it then stay quiet), or loaded.
#[derive(Debug, Clone, Default)]
pub(crate) enum DataFile<T> {
    /// The site has no such file.
    #[default]
    Absent,
    /// The file has problems (already reported).
    Failed,
    /// The file, parsed and checked.
    Loaded(Arc<T>),
}

impl<T> DataFile<T> {
    /// The loaded value, if any.
    pub fn get(&self) -> Option<&Arc<T>> {
        match self {
            DataFile::Loaded(v) => Some(v),
            _ => None,
        }
    }

    /// The file exists but did not load.
    pub fn failed(&self) -> bool {
        matches!(self, DataFile::Failed)
    }

    fn from(parsed: Option<Result<T, Vec<Diagnostic>>>, diags: &mut Vec<Diagnostic>) -> Self {
        match parsed {
            None => DataFile::Absent,
            Some(Ok(v)) => DataFile::Loaded(Arc::new(v)),
            Some(Err(mut d)) => {
                diags.append(&mut d);
                DataFile::Failed
            }
        }
    }
}

/// Files in `content/` that are data for page functions, not pages or assets.
pub(crate) const DATA_FILES: &[&str] = &["glossary.yaml", "resources.yaml"];

/// Everything read from the disk for one build.
#[derive(Debug)]
pub(crate) struct Sources {
    /// What was asked for.
    pub opts: BuildOptions,
    /// site.toml, with the base URL given on the command line applied.
    pub config: SiteConfig,
    /// Every published page, with its front matter (bodies are parsed later).
    pub pages: Pages,
    /// Every other file of the content folder, with its bytes.
    pub assets: Vec<Asset>,
    /// Files the content file policy refused ([`crate::file_policy`]): never
    /// published, kept so that the output-path check still sees them.
    pub refused: Vec<Asset>,
    /// The rules file (`rules` in site.toml).
    pub rules: DataFile<SiteRules>,
    /// `content/glossary.yaml`.
    pub glossary: DataFile<Glossary>,
    /// The words-to-avoid list (`[check] words_to_avoid`).
    pub words: DataFile<WordsToAvoid>,
    /// `content/resources.yaml`.
    pub resources: DataFile<Resources>,
    /// The theme: the built-in default with the site's overrides.
    pub theme: Theme,
    /// The default alt texts of the theme's pictures (`pictures.yaml`).
    pub picture_alts: crate::pictures::AltTexts,
    /// The theme's and the site's words in every language (`i18n/<code>.yaml`).
    pub strings: Arc<crate::i18n::Strings>,
    /// The rules in each language's family words (`rules.<code>.yaml`),
    /// by language; None for the default and where a language has none.
    pub wordings: Vec<Option<Arc<crate::wording::Wording>>>,
    /// Each content file's last commit date.
    pub history: History,
    /// Problems that belong to no single page's front matter: site.toml's
    /// pages, the rules and data files, pages that failed to load.
    pub diags: Vec<Diagnostic>,
}

/// Reads the whole site. Problems in the content are kept in
/// [`Sources::diags`] and each page's state; only a site.toml with problems,
/// or an I/O failure, is an `Err`.
pub(crate) fn load(opts: &BuildOptions) -> Result<Sources, Failure> {
    let mut config = SiteConfig::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.set_base_url(url)?;
    }
    let Content { pages, assets, refused, mut diags } = load_content(&config, opts.drafts)?;

    let mut history = History::load(&config.root, &config.content);
    // Translations that name the commit of the text they follow.
    let commits: Vec<&str> = pages.pages().filter_map(|p| match &p.front.translated_from {
        Some(TranslatedFrom::Commit(c)) => Some(c.as_str()),
        _ => None,
    }).collect();
    history.resolve_commits(&config.root, commits.into_iter());
    let rules = match &config.rules {
        Some(rel) => match SiteRules::load(&config.root, rel) {
            Ok(mut r) => {
                // The day the pages state the rules for (see crate::asat).
                let day = opts.as_at.or(config.as_at).or_else(|| crate::asat::default_as_at(r.engine(), &pages, &history));
                r.set_as_at(day);
                DataFile::Loaded(Arc::new(r))
            }
            Err(Failure::Content(mut d)) => {
                diags.append(&mut d);
                DataFile::Failed
            }
            Err(Failure::Error(e)) => return Err(e.into()),
        },
        None => DataFile::Absent,
    };
    let mut wordings: Vec<Option<Arc<crate::wording::Wording>>> = vec![None];
    for l in config.languages.iter().skip(1) {
        let made = match (&config.rules, rules.get()) {
            (Some(rel), Some(r)) => {
                let shown = crate::wording::path_for(rel, &l.code);
                match std::fs::read_to_string(config.root.join(&shown)) {
                    Ok(text) => match crate::wording::Wording::parse(&shown, &text, &l.code, &r.lengths()) {
                        Ok(w) => Some(Arc::new(w)),
                        Err(mut d) => {
                            diags.append(&mut d);
                            None
                        }
                    },
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(source) => return Err(Error::Io { path: config.root.join(&shown), source }.into()),
                }
            }
            _ => None,
        };
        wordings.push(made);
    }
    let glossary = read_data_file(&config, crate::glossary::FILE)?.map(|(shown, text)| Glossary::parse(shown, text));
    let glossary = DataFile::from(glossary, &mut diags);
    let words = read_data_file(&config, &config.check.words_to_avoid)?.map(|(shown, text)| WordsToAvoid::parse(shown, text));
    let words = DataFile::from(words, &mut diags);
    let resources = read_data_file(&config, crate::resources::FILE)?.map(|(shown, text)| Resources::load(shown, text, &config, &pages));
    let resources = DataFile::from(resources, &mut diags);
    let theme = Theme::load(&config)?;
    let (picture_alts, picture_diags) = crate::pictures::AltTexts::load(&theme);
    diags.extend(picture_diags);
    let (strings, string_diags) = crate::i18n::Strings::load(&config, &theme);
    diags.extend(string_diags);
    diags.extend(crate::check::config_pages(&config, &pages));
    diags.extend(easy_read_links(&pages));
    Ok(Sources { opts: opts.clone(), config, pages, assets, refused, rules, glossary, words, resources, theme, picture_alts, strings: Arc::new(strings), wordings, history, diags })
}

/// The page an Easy Read page is the version of (`easy_read_of`, resolved
/// like a link from the page's folder), as a content path.
/// A translation's Easy Read version pairs with the page's translation in
/// the same language (`easy_read_of` is written as in the source).
pub(crate) fn easy_read_target(p: &Page) -> Option<String> {
    let target = crate::markdown::normalise(&p.rel, p.front.easy_read_of.as_deref()?.trim())?;
    match (&p.source, crate::lang::split_file_name(&p.rel)) {
        (Some(_), Some((_, code))) if !target.ends_with(&format!(".{code}.md")) => Some(crate::lang::translated_rel(&target, code)),
        _ => Some(target),
    }
}

/// Every `easy_read_of` names an ordinary published page, and no page has
/// two Easy Read versions.
fn easy_read_links(pages: &Pages) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, &Page> = HashMap::new();
    for p in pages.pages() {
        let Some(written) = p.front.easy_read_of.as_deref() else { continue };
        let at = || {
            let yaml = &p.src.text()[p.yaml_start..p.body_start];
            p.yaml_start + crate::yaml::KeyIndex::new(yaml).best(&crate::yaml::keys(&["easy_read_of"])).unwrap_or(0)
        };
        let target = easy_read_target(p);
        let problem = match target.as_deref().map(|t| (t, pages.page(t))) {
            None | Some((_, None)) => Some(format!("`easy_read_of` names `{written}`, which is not a published page")),
            Some((t, _)) if t == p.rel => Some("a page cannot be the Easy Read version of itself".to_owned()),
            Some((_, Some(t))) if t.front.format == Format::EasyRead => Some(format!("`{written}` is an Easy Read page itself: name the ordinary page")),
            Some((t, Some(_))) => match seen.get(t) {
                Some(first) => Some(format!("`{written}` already has an Easy Read version, {}", first.src.path().display())),
                None => {
                    seen.insert(t.to_owned(), p);
                    None
                }
            },
        };
        if let Some(msg) = problem {
            let names = pages.rels().filter(|r| !r.ends_with("_index.md"));
            let help = target.map(|t| crate::diag::suggest_help(&t, names, "pages")).unwrap_or_else(|| "write the path of the ordinary page, as in a link (`what-is-a-cppm.md`)".into());
            out.push(Diagnostic::error(crate::diag::Code::FrontMatter, msg).at(&p.src, at()).with_help(help));
        }
    }
    out
}

/// What one file of the content folder is to the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ContentFile {
    /// Not read by the build (hidden files).
    Ignored,
    /// Read as data by another part of the build (rules, glossary, words to avoid, resources).
    Data,
    /// A Markdown page.
    Page,
    /// Copied as it is.
    Asset,
}

/// Classifies a file of the content folder by its path (`rel` to the content folder).
pub(crate) fn content_file(config: &SiteConfig, rel: &str) -> ContentFile {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let path = config.root.join(&config.content).join(rel);
    let rules = config.rules.as_ref().is_some_and(|r| {
        let r = config.root.join(r);
        // The rules file, and its wording in each other language (rules.pl.yaml).
        r == path || config.languages.iter().skip(1).any(|l| crate::wording::path_for(&r, &l.code) == path)
    });
    if rules || DATA_FILES.contains(&rel) || rel == config.check.words_to_avoid {
        ContentFile::Data
    } else if name.starts_with('.') {
        ContentFile::Ignored
    } else if rel.ends_with(".md") {
        ContentFile::Page
    } else {
        ContentFile::Asset
    }
}

/// What the walk of the content folder found.
struct Content {
    pages: Pages,
    assets: Vec<Asset>,
    refused: Vec<Asset>,
    diags: Vec<Diagnostic>,
}

/// Walks the content folder: pages (drafts left out unless `drafts`), assets
/// (those the file policy refuses apart), and a word for every file skipped.
fn load_content(config: &SiteConfig, drafts: bool) -> Result<Content, Error> {
    let dir = config.root.join(&config.content);
    let mut diags = Vec::new();
    let mut markdown_files = Vec::new();
    let mut asset_files = Vec::new();
    let walker = walkdir::WalkDir::new(&dir).sort_by_file_name().follow_links(false);
    for entry in walker {
        let entry = entry.map_err(|e| Error::Io {
            path: e.path().map_or_else(|| dir.clone(), Path::to_path_buf),
            source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        let path = entry.path();
        let rel_path = path.strip_prefix(&dir).unwrap_or(path);
        let shown = config.content.join(rel_path);
        if !entry.file_type().is_file() {
            // Links are never followed (they could reach outside the site);
            // say so rather than drop them without a word.
            if entry.file_type().is_symlink() {
                diags.push(file_policy::skipped(&shown, "it is a symbolic link, and links are not followed (copy the file or folder into the content folder instead)"));
            } else if !entry.file_type().is_dir() {
                diags.push(file_policy::skipped(&shown, "it is not a regular file"));
            }
            continue;
        }
        let rel = rel_path.to_string_lossy().replace('\\', "/");
        match content_file(config, &rel) {
            ContentFile::Data => {}
            ContentFile::Ignored => {
                if rel.to_ascii_lowercase().ends_with(".md") {
                    diags.push(file_policy::skipped(&shown, "its name starts with `.`, so it is a hidden file, not a page").with_help("give the page a name that starts with a letter or digit"));
                }
            }
            ContentFile::Page => match entry.metadata() {
                Ok(m) if m.len() > file_policy::MAX_PAGE_BYTES => diags.push(file_policy::too_large(&shown, m.len())),
                _ => markdown_files.push((path.to_path_buf(), shown, rel)),
            },
            ContentFile::Asset => asset_files.push((rel, path.to_path_buf(), shown)),
        }
    }

    // Reading and parsing files is independent per file: do it in parallel,
    // keeping the walk's (sorted) order.
    use rayon::prelude::*;
    let parsed: Vec<Result<page::ParsedPage, Error>> = markdown_files
        .into_par_iter()
        .map(|(path, shown, rel)| {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?;
            Ok(parse_page(config, shown, rel, text))
        })
        .collect();
    let files = asset_files
        .into_par_iter()
        .map(|(rel, path, shown)| Ok(Asset { bytes: std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?, rel, path, shown }))
        .collect::<Result<Vec<_>, Error>>()?;
    // Content that a browser would run is refused, unless the site allows it.
    let allowed = file_policy::Allowed::new(&config.allow_active_files).unwrap_or_default();
    let (mut assets, mut refused) = (Vec::new(), Vec::new());
    for a in files {
        match file_policy::refuse(&allowed, &a.rel, &a.shown, &a.bytes) {
            Some(d) => {
                diags.push(d);
                refused.push(a);
            }
            None => assets.push(a),
        }
    }
    let mut pages = Vec::new();
    let mut left_out = HashSet::new();
    for p in parsed {
        match p? {
            Ok((page, front_diags)) => {
                if drafts || !page.front.draft {
                    pages.push(PageState::new(page, front_diags));
                } else {
                    // Its problems are reported even though it is left out.
                    diags.extend(front_diags);
                    left_out.insert(page.rel);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags.extend(translation_sources(&pages, &left_out));
    link_sections(&mut pages, config);
    Ok(Content { pages: Pages::new(pages, left_out), assets, refused, diags })
}

/// A page's file read again (for `waymark serve`): its text, or None when it is gone.
pub(crate) fn read_page(config: &SiteConfig, rel: &str) -> Result<Option<String>, Error> {
    let path = config.root.join(&config.content).join(rel);
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// An asset's bytes read again (for `waymark serve`).
pub(crate) fn read_asset(asset: &Asset) -> Result<Vec<u8>, Error> {
    std::fs::read(&asset.path).map_err(|source| Error::Io { path: asset.path.clone(), source })
}

/// A data file under the content folder (`rel`), if it exists: the path
/// diagnostics show and its text.
fn read_data_file(config: &SiteConfig, rel: &str) -> Result<Option<(PathBuf, String)>, Error> {
    let path = config.root.join(&config.content).join(rel);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?;
    Ok(Some((config.content.join(rel), text)))
}

/// Gives each page its section: the nearest folder upwards with `_index.md`.
/// A translation's section is its source page's section in the same
/// language, or the source page's own section when that has no translation.
fn link_sections(pages: &mut [PageState], config: &SiteConfig) {
    let sections: HashSet<String> = pages.iter().filter(|s| s.page.kind != PageKind::Page && s.page.source.is_none()).map(|s| s.page.rel.clone()).collect();
    let all: HashSet<String> = pages.iter().map(|s| s.page.rel.clone()).collect();
    for p in pages.iter_mut().map(|s| &mut s.page) {
        if p.kind == PageKind::Home {
            continue;
        }
        let rel = p.source.as_deref().unwrap_or(&p.rel);
        let mut dir = Path::new(rel).parent();
        if p.kind == PageKind::Section {
            dir = dir.and_then(Path::parent);
        }
        while let Some(d) = dir {
            let cand = if d.as_os_str().is_empty() { "_index.md".to_owned() } else { format!("{}/_index.md", d.to_string_lossy().replace('\\', "/")) };
            if sections.contains(&cand) {
                let translated = (p.lang != 0).then(|| crate::lang::translated_rel(&cand, &config.languages[p.lang].code)).filter(|t| all.contains(t));
                p.parent = Some(translated.unwrap_or(cand));
                break;
            }
            dir = d.parent();
        }
    }
}

/// Every translation has its source page, published.
fn translation_sources(pages: &[PageState], drafts: &HashSet<String>) -> Vec<Diagnostic> {
    let rels: HashSet<&str> = pages.iter().filter(|s| s.page.source.is_none()).map(|s| s.page.rel.as_str()).collect();
    let mut out = Vec::new();
    for p in pages.iter().map(|s| &s.page) {
        let Some(source) = &p.source else { continue };
        if rels.contains(source.as_str()) {
            continue;
        }
        let (msg, help) = if drafts.contains(source) {
            (format!("this translation's page, `{source}`, is a draft"), "publish the page first, or make the translation a draft too (`draft: true`)".to_owned())
        } else {
            (format!("this is a translation of `{source}`, which does not exist"), crate::diag::suggest_help(source, rels.iter().copied(), "pages"))
        };
        out.push(Diagnostic::error(crate::diag::Code::Translation, msg).at(&p.src, 0).with_help(help));
    }
    out
}

/// The `rel` → site address map used to resolve links between files.
pub(crate) fn link_targets(pages: &Pages, assets: &[Asset]) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = pages.pages().map(|p| (p.rel.clone(), p.url.clone())).collect();
    for a in assets {
        urls.insert(a.rel.clone(), a.rel.clone());
    }
    urls
}
