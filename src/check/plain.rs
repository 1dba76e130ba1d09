//! Plain-language lint for pages written for families and young people.
//!
//! Per page: Flesch reading ease and Flesch–Kincaid grade (formulas and
//! syllable counts from the `textstat` crate), the reading age derived from
//! the grade (UK reading age ≈ US grade + 5), sentences longer than the
//! site's limit, words from the site's "words to avoid" list, and glossary
//! terms or abbreviations used without being explained on the page or linked
//! to the glossary. Thresholds come from `[check]` in site.toml.

use serde::Deserialize;

use super::Input;
use crate::load::Page;
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::markdown::Rendered;

/// One entry of the words-to-avoid list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvoidEntry {
    /// The word or phrase to avoid (matched as whole words, any case).
    pub word: String,
    /// What to write instead.
    pub instead: String,
}

/// The site's words-to-avoid list.
#[derive(Debug, Clone, Default)]
pub struct WordsToAvoid {
    /// Entries in file order.
    pub entries: Vec<AvoidEntry>,
}

impl WordsToAvoid {
    /// Parses the list (`shown` names the file in messages).
    pub fn parse(shown: std::path::PathBuf, text: String) -> Result<WordsToAvoid, Vec<Diagnostic>> {
        let src = SourceMap::new(shown, text);
        crate::yaml::from_str(src.text())
            .map(|entries| WordsToAvoid { entries })
            .map_err(|e| vec![e.into_diagnostic(Code::WordsToAvoid, &src, 0)])
    }
}

/// Readability figures for one page.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Readability {
    /// Words counted.
    pub words: usize,
    /// Sentences counted (each list item or paragraph ends one).
    pub sentences: usize,
    /// Flesch reading ease (higher is easier).
    pub reading_ease: f64,
    /// Flesch–Kincaid grade (US school grade).
    pub grade: f64,
    /// Reading age in years (grade + 5).
    pub reading_age: f64,
}

/// The prose of a page as one text, each block ending a sentence.
fn prose(r: &Rendered) -> String {
    let mut text = String::new();
    for b in &r.blocks {
        text.push_str(b.text.trim());
        if !b.text.trim_end().ends_with(['.', '!', '?', ':']) {
            text.push('.');
        }
        text.push(' ');
    }
    text
}

/// Readability of a page's prose, or None when it has too little to measure.
pub fn readability(r: &Rendered) -> Option<Readability> {
    measure(&prose(r))
}

/// Readability of a text whose sentences end in `.`, `!`, `?` or `:`, or
/// None when it has too little to measure.
pub(crate) fn measure(text: &str) -> Option<Readability> {
    let words = textstat::lexicon_count(text);
    if words < 20 {
        return None;
    }
    let grade = textstat::flesch_kincaid_grade(text);
    Some(Readability {
        words,
        sentences: textstat::sentence_count(text),
        reading_ease: textstat::flesch_reading_ease(text),
        grade,
        reading_age: grade + 5.0,
    })
}

/// Splits a block's text into sentences (at `.`, `!` or `?` followed by a
/// space; also Urdu's full stop `۔` and the Arabic question mark `؟`).
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let next = i + c.len_utf8();
        if matches!(c, '.' | '!' | '?' | '\u{06d4}' | '\u{061f}') && bytes.get(next).is_none_or(|b| *b == b' ') {
            out.push(text[start..next].trim());
            start = next;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

pub(crate) fn words_in(s: &str) -> usize {
    textstat::lexicon_count(s)
}

/// Whole-word, case-insensitive search; returns the byte index in `hay`.
pub(crate) fn find_word(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.to_lowercase();
    let n = needle.to_lowercase();
    let mut from = 0;
    while let Some(i) = h[from..].find(&n) {
        let at = from + i;
        let before = h[..at].chars().next_back();
        let after = h[at + n.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + n.len().max(1);
    }
    None
}

fn is_plain_page(input: &Input<'_>, page: &Page) -> bool {
    page.front.audience.iter().any(|a| input.config.check.plain_audiences.contains(a))
}

/// Runs the plain-language checks.
pub fn check(input: &Input<'_>) -> Vec<Diagnostic> {
    let cfg = &input.config.check;
    let glossary_page = input.pages.glossary_page().map(|id| input.pages.get(id).page.rel.as_str());
    let mut out = Vec::new();
    for s in input.each() {
        let (page, r) = (&s.page, &s.body);
        if !is_plain_page(input, page) || Some(page.rel.as_str()) == glossary_page {
            continue;
        }
        // In another language than the default, only what does not depend
        // on English holds: the length of sentences (the reading-age
        // formula, the glossary and the words to avoid are English).
        let english = page.lang == 0;
        // Easy Read pages have stricter checks of their own, line by line
        // (super::easy_read); the glossary terms are checked here for both.
        if page.front.format == crate::load::Format::EasyRead {
            if english {
                out.extend(unexplained_terms(input, page, r, glossary_page));
            }
            continue;
        }
        if let Some(m) = s.readability
            && (m.grade > cfg.max_grade || m.reading_ease < cfg.min_reading_ease)
        {
            out.push(
                Diagnostic::warning(
                    Code::PlainReadability,
                    format!(
                        "this family page reads at grade {:.1} (reading age about {:.0}), reading ease {:.0}; the site's limits are grade {} and reading ease {}",
                        m.grade, m.reading_age, m.reading_ease, cfg.max_grade, cfg.min_reading_ease
                    ),
                )
                .at(&page.src, page.body_start)
                .with_help("use shorter sentences and everyday words; explain one idea per sentence"),
            );
        }
        for b in &r.blocks {
            for s in sentences(&b.text) {
                let n = words_in(s);
                if n > cfg.max_sentence_words {
                    let start: String = s.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
                    out.push(
                        Diagnostic::warning(Code::PlainLongSentence, format!("a sentence of {n} words (limit {}): \u{201c}{start}\u{2026}\u{201d}", cfg.max_sentence_words))
                            .at(&page.src, b.offset)
                            .with_help("split it into two or more sentences"),
                    );
                }
            }
            for e in input.words.entries.iter().filter(|_| english) {
                if find_word(&b.authored, &e.word).is_some() {
                    out.push(
                        Diagnostic::warning(Code::PlainWord, format!("\u{201c}{}\u{201d} is on the site's list of words to avoid", e.word))
                            .at(&page.src, b.offset)
                            .with_help(format!("write \u{201c}{}\u{201d} instead", e.instead)),
                    );
                }
            }
        }
        if english {
            out.extend(unexplained_terms(input, page, r, glossary_page));
        }
    }
    out
}

/// Glossary terms and abbreviations a family page uses without explaining
/// them there (in **bold**, or the abbreviation's full words on the page) or
/// linking to the glossary.
fn unexplained_terms(input: &Input<'_>, page: &Page, r: &Rendered, glossary_rel: Option<&str>) -> Vec<Diagnostic> {
    // A link to the glossary page as a whole counts for every term; a link
    // to one entry (as glossary linking makes) counts for that term.
    let to_glossary: Vec<Option<&str>> = r.links.iter().filter(|l| Some(l.target.as_str()) == glossary_rel).map(|l| l.fragment.as_deref()).collect();
    if to_glossary.iter().any(Option::is_none) {
        return Vec::new();
    }
    let linked = |term: &str| to_glossary.contains(&Some(crate::glossary::Glossary::anchor(term).as_str()));
    let all_text: String = r.blocks.iter().map(|b| b.authored.as_str()).collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    for e in &input.glossary.entries {
        if linked(&e.term) {
            continue;
        }
        let fold = crate::glossary::fold_apostrophes;
        let bolded = |w: &str| r.strong.iter().any(|s| fold(s).eq_ignore_ascii_case(&fold(w)));
        let mut names: Vec<&str> = vec![e.term.as_str()];
        names.extend(e.also_called.iter().map(String::as_str));
        if let Some(abbr) = &e.abbr {
            // An abbreviation is explained when its full words are on the page.
            let used = r.blocks.iter().find(|b| find_word_case(&b.authored, abbr).is_some());
            if let Some(b) = used
                && find_word(&fold(&all_text), &fold(&e.term)).is_none()
                && !bolded(abbr)
            {
                out.push(
                    Diagnostic::warning(Code::PlainAbbreviation, format!("\u{201c}{abbr}\u{201d} is used but not explained on this page"))
                        .at(&page.src, b.offset)
                        .with_help(format!("write \u{201c}{} ({abbr})\u{201d} the first time, or link to the glossary", e.term)),
                );
            }
        }
        let first = r.blocks.iter().find(|b| names.iter().any(|n| find_word(&fold(&b.authored), &fold(n)).is_some()));
        if let Some(b) = first
            && !names.iter().any(|n| bolded(n))
        {
            out.push(
                Diagnostic::warning(Code::PlainTerm, format!("\u{201c}{}\u{201d} is a glossary word, but this page neither explains it nor links to the glossary", e.term))
                    .at(&page.src, b.offset)
                    .with_help("explain it where it is first used, with the word in **bold**, or link it to the glossary"),
            );
        }
    }
    out
}

/// Case-sensitive whole-word search (abbreviations are capitals).
fn find_word_case(hay: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let at = from + i;
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        if before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric()) {
            return Some(at);
        }
        from = at + needle.len().max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_are_counted_right_for_real_words() {
        // Dictionary syllable counts. The formulas use textstat's counter; this
        // checks it on the kind of words family pages use.
        let words = [
            ("the", 1), ("child", 1), ("meeting", 2), ("people", 2), ("worried", 2), ("social", 2),
            ("worker", 2), ("safe", 1), ("family", 3), ("families", 3), ("protection", 3), ("register", 3),
            ("decide", 2), ("advocate", 3), ("interpreter", 4), ("solicitor", 4), ("happen", 2),
            ("plan", 1), ("parents", 2), ("carer", 2), ("school", 1), ("teacher", 2), ("police", 2),
            ("health", 1), ("visitor", 3), ("doctor", 2), ("report", 2), ("write", 1), ("chair", 1),
            ("decision", 3), ("agree", 2), ("disagree", 3), ("review", 2), ("name", 1), ("group", 1),
            ("together", 3), ("important", 3), ("question", 2), ("about", 2), ("because", 2), ("better", 2),
            ("understand", 3), ("information", 4), ("help", 1), ("support", 2), ("danger", 2),
            ("harm", 1), ("listen", 2), ("feelings", 2), ("anyone", 3), ("everyone", 3), ("nobody", 3),
            ("private", 2), ("website", 2), ("history", 3), ("computer", 3), ("telephone", 3),
        ];
        let wrong: Vec<_> = words.iter().filter(|(w, n)| textstat::syllables(w) != *n).map(|(w, n)| format!("{w}: {} not {n}", textstat::syllables(w))).collect();
        // A vowel-group heuristic is not a dictionary: allow a few misses, and
        // never more than one syllable out.
        assert!(wrong.len() <= words.len() / 10, "too many miscounts: {wrong:?}");
        for (w, n) in words {
            assert!(textstat::syllables(w).abs_diff(n) <= 1, "{w}");
        }
    }

    #[test]
    fn plain_and_dense_text_score_apart() {
        let plain = "You can bring someone with you. They can help you say what you think. The meeting is about keeping your child safe. You will get the report before the meeting.";
        let dense = "Multi-agency practitioners should ensure that comprehensive chronologies are disseminated expeditiously to facilitate collaborative assessment of cumulative vulnerability.";
        assert!(textstat::flesch_kincaid_grade(plain) < 4.0);
        assert!(textstat::flesch_kincaid_grade(dense) > 14.0);
        assert!(textstat::flesch_reading_ease(plain) > 80.0);
    }

    #[test]
    fn sentences_split_at_their_ends() {
        assert_eq!(sentences("One two. Three? Four! 3.5 stays"), ["One two.", "Three?", "Four!", "3.5 stays"]);
    }

    #[test]
    fn words_match_whole_words_in_any_case() {
        assert_eq!(find_word("We will Commence soon", "commence"), Some(8));
        assert_eq!(find_word("recommenced", "commence"), None);
        assert_eq!(find_word("in order to help", "in order to"), Some(0));
    }
}
