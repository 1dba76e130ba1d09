//! The theme's picture library, for Easy Read pages (and any page).
//!
//! A picture is an SVG file `static/pictures/NAME.svg` in the theme; the
//! theme's `pictures.yaml` gives each one the alt text used when the author
//! leaves it empty. A page refers to a picture by name:
//! `![](picture:meeting)` takes the default alt text, `![Your meeting](picture:meeting)`
//! its own. Names are checked against the library ([`Code::Picture`]); a
//! site adds pictures, or changes an alt text, by putting files of the same
//! names under its own `themes/<theme>/`.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, SourceMap};
use crate::theme::Theme;

/// The file of default alt texts, inside the theme.
pub const ALT_FILE: &str = "pictures.yaml";
/// Where the pictures are, inside the theme's `static/`.
const DIR: &str = "pictures/";
/// How a Markdown image names a picture of the library.
pub const SCHEME: &str = "picture:";

/// One picture of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// The published address (with the base path and the content hash).
    pub url: String,
    /// The alt text used when the author gives none.
    pub alt: Option<String>,
}

/// The default alt texts, as loaded from the theme (addresses come later,
/// once static files have their hashed names).
#[derive(Debug, Clone, Default)]
pub struct AltTexts {
    /// Picture name → alt text.
    pub by_name: BTreeMap<String, String>,
}

impl AltTexts {
    /// Reads `pictures.yaml` from the theme, if it has one, and checks that
    /// every picture it names exists.
    pub fn load(theme: &Theme) -> (AltTexts, Vec<Diagnostic>) {
        let Some(file) = theme.files.get(ALT_FILE) else {
            return (AltTexts::default(), Vec::new());
        };
        let src = SourceMap::new(file.shown.clone(), String::from_utf8_lossy(&file.bytes).into_owned());
        let by_name: BTreeMap<String, String> = match crate::yaml::from_str(src.text()) {
            Ok(m) => m,
            Err(e) => return (AltTexts::default(), vec![e.into_diagnostic(Code::Picture, &src, 0)]),
        };
        let mut diags = Vec::new();
        let mut index = None;
        for (name, alt) in &by_name {
            let at = |index: &mut Option<crate::yaml::KeyIndex>| {
                index.get_or_insert_with(|| crate::yaml::KeyIndex::new(src.text())).key(&crate::yaml::keys(&[name])).unwrap_or(0)
            };
            if !theme.files.contains_key(&format!("static/{DIR}{name}.svg")) {
                diags.push(
                    Diagnostic::error(Code::Picture, format!("`{name}` has an alt text but the theme has no picture static/{DIR}{name}.svg"))
                        .at(&src, at(&mut index))
                        .with_help("add the SVG file, or remove the entry"),
                );
            } else if alt.trim().is_empty() {
                diags.push(Diagnostic::error(Code::Picture, format!("the alt text of `{name}` is empty")).at(&src, at(&mut index)).with_help("say in a few words what the picture shows"));
            }
        }
        (AltTexts { by_name }, diags)
    }
}

/// The library: every picture the theme publishes, by name.
#[derive(Debug, Clone, Default)]
pub struct Pictures {
    by_name: BTreeMap<String, Picture>,
}

impl Pictures {
    /// The library from the static files' published names (`asset_map`:
    /// `pictures/meeting.svg` → `static/pictures/meeting.<hash>.svg`).
    pub fn new(asset_map: &BTreeMap<String, String>, base_path: &str, alts: &AltTexts) -> Pictures {
        let by_name = asset_map
            .iter()
            .filter_map(|(k, out)| {
                let name = k.strip_prefix(DIR)?.strip_suffix(".svg")?;
                (!name.contains('/')).then(|| (name.to_owned(), Picture { url: format!("{base_path}{out}"), alt: alts.by_name.get(name).cloned() }))
            })
            .collect();
        Pictures { by_name }
    }

    /// The picture called `name`.
    pub fn get(&self, name: &str) -> Option<&Picture> {
        self.by_name.get(name)
    }

    /// Every name, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.by_name.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(files: &[(&str, &str)]) -> Theme {
        let mut t = Theme::default();
        for (k, v) in files {
            t.files.insert((*k).to_owned(), crate::theme::ThemeFile { bytes: v.as_bytes().to_vec(), shown: format!("themes/default/{k}").into() });
        }
        t
    }

    #[test]
    fn alt_texts_must_name_pictures_the_theme_has() {
        let t = theme(&[("static/pictures/house.svg", "<svg/>"), ("pictures.yaml", "house: A house\nclock: A clock\n")]);
        let (alts, diags) = AltTexts::load(&t);
        assert_eq!(alts.by_name.len(), 2);
        let got: Vec<_> = diags.iter().map(|d| (d.location().unwrap(), d.message.clone())).collect();
        assert_eq!(got, [("themes/default/pictures.yaml:2:1".to_owned(), "`clock` has an alt text but the theme has no picture static/pictures/clock.svg".to_owned())]);
    }

    #[test]
    fn the_library_is_what_the_theme_publishes() {
        let mut map = BTreeMap::new();
        map.insert("pictures/house.svg".to_owned(), "static/pictures/house.0123456789.svg".to_owned());
        map.insert("images/tick.svg".to_owned(), "static/images/tick.abc.svg".to_owned());
        let alts = AltTexts { by_name: [("house".to_owned(), "A house".to_owned())].into() };
        let p = Pictures::new(&map, "/cp/", &alts);
        assert_eq!(p.names().collect::<Vec<_>>(), ["house"]);
        assert_eq!(p.get("house"), Some(&Picture { url: "/cp/static/pictures/house.0123456789.svg".into(), alt: Some("A house".into()) }));
    }
}
