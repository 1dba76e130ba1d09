//! The rules in another language's words: `rules.<code>.yaml` beside the
//! rules file (`content/rules.pl.yaml` for `content/rules.yaml`).
//!
//! A translated page's `{{ timescale("id", plain=true) }}` is the phrase
//! the wording file gives for that rule, with `{length}` replaced by the
//! figure the rules file has for the day the site states (so the number is
//! never typed into a translation and changes with the rule):
//!
//! ```yaml
//! lengths:
//!   # {n} is the number; one form for each plural category (CLDR) the
//!   # language uses: zero, one, two, few, many, other.
//!   calendar_days: { one: "{n} dzień", few: "{n} dni", many: "{n} dni" }
//!   working_days: { one: "{n} dzień roboczy", few: "{n} dni robocze", many: "{n} dni roboczych" }
//!   weeks: { one: "{n} tydzień", few: "{n} tygodnie", many: "{n} tygodni" }
//!   months: { one: "{n} miesiąc", few: "{n} miesiące", many: "{n} miesięcy" }
//! timescales:
//!   first_core_group: "w ciągu {length} od wpisania dziecka do rejestru"
//! ```
//!
//! A whole phrase per rule (rather than words for events put together by a
//! pattern) lets each language put the words in its own order and case. The
//! plural category of a number comes from the Unicode CLDR rules
//! (`intl_pluralrules`). Problems are `rules` diagnostics at the file's line
//! and column; a translated page calling a rule its language's file lacks
//! is a `function` error on that page.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use serde::Deserialize;
use timescales::{Length, Unit};

use crate::diag::{Code, Diagnostic, SourceMap};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    lengths: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    timescales: BTreeMap<String, String>,
}

/// One language's wording of the rules.
pub(crate) struct Wording {
    /// The file, as diagnostics name it.
    pub path: PathBuf,
    plurals: PluralRules,
    /// Unit → plural category (`one`, `few`…) → form with `{n}`.
    lengths: HashMap<Unit, HashMap<String, String>>,
    /// Rule id → phrase with `{length}`.
    timescales: HashMap<String, String>,
}

impl std::fmt::Debug for Wording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wording").field("path", &self.path).finish_non_exhaustive()
    }
}

/// The key each unit has under `lengths:`.
fn unit_key(u: Unit) -> &'static str {
    match u {
        Unit::CalendarDays => "calendar_days",
        Unit::WorkingDays => "working_days",
        Unit::Weeks => "weeks",
        Unit::Months => "months",
    }
}

fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

/// The wording file of language `code` for the rules file `rules` (a path
/// relative to the site root): `content/rules.yaml` → `content/rules.pl.yaml`.
pub(crate) fn path_for(rules: &Path, code: &str) -> PathBuf {
    let stem = rules.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "rules".into());
    rules.with_file_name(format!("{stem}.{code}.yaml"))
}

impl Wording {
    /// Reads `shown` (its text `text`) for language `code`; `ids` are the
    /// rules file's timescale ids and `lengths` the units they use.
    pub(crate) fn parse(shown: &Path, text: &str, code: &str, ids: &[(String, Option<Length>)]) -> Result<Wording, Vec<Diagnostic>> {
        let src = SourceMap::new(shown, text);
        let raw: Raw = crate::yaml::from_str(text).map_err(|e| vec![e.into_diagnostic(Code::Rules, &src, 0)])?;
        let index = crate::yaml::KeyIndex::new(text);
        let at = |path: &[&str]| index.best(&crate::yaml::keys(path)).unwrap_or(0);
        let at_key = |path: &[&str]| index.key(&crate::yaml::keys(path)).or_else(|| index.best(&crate::yaml::keys(path))).unwrap_or(0);
        let mut diags = Vec::new();
        let lang: unic_langid::LanguageIdentifier = match code.parse() {
            Ok(l) => l,
            Err(_) => return Err(vec![Diagnostic::error(Code::Rules, format!("`{code}` is not a language this file can be for")).in_file(shown)]),
        };
        let plurals = match PluralRules::create(lang, PluralRuleType::CARDINAL) {
            Ok(p) => p,
            Err(e) => return Err(vec![Diagnostic::error(Code::Rules, format!("no plural rules are known for `{code}` ({e})")).in_file(shown)]),
        };
        // The forms whole numbers take in this language (counts of days are
        // whole; CLDR's rules repeat within the first few hundred).
        let mut categories: Vec<&str> = Vec::new();
        // How many numbers each form stands for: a form for one number only
        // (Arabic's dual, "two days") may say it in words, without `{n}`.
        let mut numbers: HashMap<&str, usize> = HashMap::new();
        for n in 0..=1000usize {
            if let Ok(c) = plurals.select(n).map(category_name) {
                *numbers.entry(c).or_default() += 1;
                if !categories.contains(&c) {
                    categories.push(c);
                }
            }
        }
        let mut lengths = HashMap::new();
        for (key, forms) in raw.lengths {
            let Some(unit) = Unit::ALL.into_iter().find(|u| unit_key(*u) == key) else {
                let units = Unit::ALL.map(unit_key);
                diags.push(Diagnostic::error(Code::Rules, format!("unknown unit `{key}`")).at(&src, at_key(&["lengths", &key])).with_help(crate::diag::suggest_help(&key, units, "units")));
                continue;
            };
            for c in &categories {
                if !forms.contains_key(*c) {
                    diags.push(
                        Diagnostic::error(Code::Rules, format!("`lengths: {key}` has no `{c}` form, which numbers in `{code}` take"))
                            .at(&src, at_key(&["lengths", &key]))
                            .with_help(format!("give every form the language uses: {}", categories.join(", "))),
                    );
                }
            }
            for (c, form) in &forms {
                if !categories.contains(&c.as_str()) {
                    diags.push(Diagnostic::error(Code::Rules, format!("whole numbers in `{code}` have no plural form `{c}`")).at(&src, at_key(&["lengths", &key, c])).with_help(format!("the forms of `{code}` are {}", categories.join(", "))));
                } else if !form.contains("{n}") && numbers.get(c.as_str()).is_none_or(|n| *n > 1) {
                    diags.push(Diagnostic::error(Code::Rules, format!("the `{c}` form of `{key}` has no `{{n}}` for the number")).at(&src, at(&["lengths", &key, c])));
                }
            }
            lengths.insert(unit, forms.into_iter().collect());
        }
        let mut timescales = HashMap::new();
        for (id, phrase) in raw.timescales {
            match ids.iter().find(|(i, _)| *i == id) {
                None => diags.push(
                    Diagnostic::error(Code::Rules, format!("the rules file has no timescale `{id}`"))
                        .at(&src, at_key(&["timescales", &id]))
                        .with_help(crate::diag::suggest_help(&id, ids.iter().map(|(i, _)| i.as_str()), "timescales")),
                ),
                Some((_, length)) => {
                    if let Some(l) = length {
                        if !phrase.contains("{length}") {
                            diags.push(
                                Diagnostic::error(Code::Rules, format!("the wording of `{id}` has no `{{length}}`: the figure must come from the rules file"))
                                    .at(&src, at(&["timescales", &id]))
                                    .with_help(format!("write `{{length}}` where the figure goes (it is {} in the rules file now)", l.plain())),
                            );
                        } else if !lengths.contains_key(&l.unit) {
                            diags.push(Diagnostic::error(Code::Rules, format!("`{id}` is counted in {}, which `lengths:` does not say how to write", unit_key(l.unit))).at(&src, at(&["timescales", &id])));
                        }
                    }
                    timescales.insert(id, phrase);
                }
            }
        }
        if diags.is_empty() { Ok(Wording { path: shown.to_path_buf(), plurals, lengths, timescales }) } else { Err(diags) }
    }

    /// A length in words (`15 dni`).
    pub(crate) fn length(&self, l: &Length) -> Option<String> {
        let cat = self.plurals.select(l.n as usize).ok()?;
        let form = self.lengths.get(&l.unit)?.get(category_name(cat))?;
        Some(form.replace("{n}", &l.n.to_string()))
    }

    /// Rule `id` in this language, its figure `length` (the rule's length
    /// on the day the site states). Err: what the author must add.
    pub(crate) fn describe(&self, id: &str, length: Option<&Length>) -> Result<String, String> {
        let phrase = self.timescales.get(id).ok_or_else(|| format!("{} has no wording for the timescale `{id}`: add it under `timescales:`", self.path.display()))?;
        Ok(match length {
            Some(l) => phrase.replace("{length}", &self.length(l).ok_or_else(|| format!("{} does not say how to write {}", self.path.display(), unit_key(l.unit)))?),
            None => phrase.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PL: &str = "lengths:\n  calendar_days: { one: \"{n} dzień\", few: \"{n} dni\", many: \"{n} dni\" }\n  weeks: { one: \"{n} tydzień\", few: \"{n} tygodnie\", many: \"{n} tygodni\" }\ntimescales:\n  first: \"w ciągu {length} od spotkania\"\n  cycle: \"co {length}\"\n";

    fn ids() -> Vec<(String, Option<Length>)> {
        vec![("first".into(), Some(Length { n: 15, unit: Unit::CalendarDays })), ("cycle".into(), Some(Length { n: 4, unit: Unit::Weeks }))]
    }

    #[test]
    fn polish_numbers_take_their_plural_forms() {
        let w = Wording::parse(Path::new("content/rules.pl.yaml"), PL, "pl", &ids()).unwrap();
        assert_eq!(w.describe("first", Some(&Length { n: 15, unit: Unit::CalendarDays })).unwrap(), "w ciągu 15 dni od spotkania");
        assert_eq!(w.describe("first", Some(&Length { n: 1, unit: Unit::CalendarDays })).unwrap(), "w ciągu 1 dzień od spotkania");
        assert_eq!(w.describe("cycle", Some(&Length { n: 4, unit: Unit::Weeks })).unwrap(), "co 4 tygodnie");
        assert_eq!(w.describe("cycle", Some(&Length { n: 5, unit: Unit::Weeks })).unwrap(), "co 5 tygodni");
        assert!(w.describe("other", None).unwrap_err().contains("has no wording for the timescale `other`"));
    }

    #[test]
    fn a_form_for_one_number_only_may_say_it_in_words() {
        let ar = "lengths:\n  calendar_days: { zero: \"{n} يوم\", one: \"يوم واحد\", two: \"يومين\", few: \"{n} أيام\", many: \"{n} يومًا\", other: \"{n} يوم\" }\ntimescales:\n  first: \"خلال {length}\"\n";
        let w = Wording::parse(Path::new("content/rules.ar.yaml"), ar, "ar", &ids()[..1]).unwrap();
        assert_eq!(w.describe("first", Some(&Length { n: 2, unit: Unit::CalendarDays })).unwrap(), "خلال يومين");
        assert_eq!(w.describe("first", Some(&Length { n: 15, unit: Unit::CalendarDays })).unwrap(), "خلال 15 يومًا");
        // Polish `many` stands for many numbers: it must say which.
        let pl = PL.replace("many: \"{n} dni\" }\n  weeks", "many: \"dni\" }\n  weeks");
        let d = Wording::parse(Path::new("content/rules.pl.yaml"), &pl, "pl", &ids()).unwrap_err();
        assert_eq!(d[0].message, "the `many` form of `calendar_days` has no `{n}` for the number");
    }

    #[test]
    fn mistakes_are_placed() {
        let bad = "lengths:\n  calendar_days: { one: \"{n} dzień\", many: \"{n} dni\", other: \"{n} dnia\" }\ntimescales:\n  first: \"w ciągu 15 dni\"\n  frist: \"x\"\n";
        let d = Wording::parse(Path::new("content/rules.pl.yaml"), bad, "pl", &ids()).unwrap_err();
        let lines: Vec<String> = d.iter().map(|d| format!("{}: {}", d.location().unwrap(), d.message)).collect();
        assert!(lines.contains(&"content/rules.pl.yaml:2:3: `lengths: calendar_days` has no `few` form, which numbers in `pl` take".to_owned()), "{lines:?}");
        assert!(lines.contains(&"content/rules.pl.yaml:2:55: whole numbers in `pl` have no plural form `other`".to_owned()), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("content/rules.pl.yaml:4:10: the wording of `first` has no `{length}`")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("content/rules.pl.yaml:5:3: the rules file has no timescale `frist`")), "{lines:?}");
        assert_eq!(path_for(Path::new("content/rules.yaml"), "pl"), Path::new("content/rules.pl.yaml"));
    }
}
