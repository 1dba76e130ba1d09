//! The checks of Easy Read pages (`format: easy-read`), line by line.
//!
//! Easy Read is written for readers with a learning disability. Following
//! the common conventions (the Department of Health's 2010 guidance, and
//! Mencap's "Am I making myself clear?"), each statement has a picture
//! beside it, each line says one thing in at most 15 words, nothing is
//! abbreviated, and the words are everyday ones. So, on each such page:
//!
//! - every block (paragraph) starts with a picture ([`Code::EasyReadPicture`];
//!   a picture without alt text is [`Code::A11yImageAlt`], as on any page);
//! - no sentence is longer than `[check] easy_read_sentence_words`, and a
//!   line holds one sentence ([`Code::EasyReadSentence`]);
//! - no abbreviation: capitals such as "CPPM", dotted ones such as "e.g.",
//!   and short forms such as "etc" or "Dr" ([`Code::EasyReadAbbreviation`]);
//! - no word from the site's words-to-avoid list ([`Code::PlainWord`]);
//! - the page reads at Flesch–Kincaid grade `[check] easy_read_max_grade`
//!   or below ([`Code::EasyReadGrade`]).
//!
//! Each finding names the line it is on.

use super::Input;
use super::plain::{find_word, sentences, words_in};
use crate::diag::{Code, Diagnostic};
use crate::load::Format;
use crate::markdown::Rendered;

/// Short forms that are not capitals or dotted, matched as whole words;
/// those with a capital only as written (so "St" but not "st").
const SHORT_FORMS: &[&str] = &["etc", "eg", "ie", "approx", "asap", "info", "dept", "govt", "tel", "Dr", "Mr", "Mrs", "Ms", "St", "Cllr"];

/// Every statement of an Easy Read page: (offset in the file, text as the
/// reader gets it, text the author typed). Paragraph lines come from the
/// blocks; list items and table cells from the page's other prose.
fn statements(r: &Rendered) -> Vec<(usize, &str, &str)> {
    let mut out: Vec<(usize, &str, &str)> = Vec::new();
    for b in &r.easy_read {
        out.extend(b.lines.iter().map(|l| (l.offset, l.text.as_str(), l.authored.as_str())));
    }
    for b in &r.blocks {
        if !r.easy_read.iter().any(|e| e.offset == b.offset) {
            out.push((b.offset, b.text.as_str(), b.authored.as_str()));
        }
    }
    out.sort_by_key(|s| s.0);
    out
}

/// The figures of an Easy Read page: measured over its statements only (the
/// pictures' alt texts are not part of the reading).
pub(crate) fn readability(r: &Rendered) -> Option<super::plain::Readability> {
    let mut text = String::new();
    for (_, t, _) in statements(r) {
        text.push_str(t.trim());
        if !t.trim_end().ends_with(['.', '!', '?', ':']) {
            text.push('.');
        }
        text.push(' ');
    }
    super::plain::measure(&text)
}

/// The abbreviations in a text, in order.
pub(crate) fn abbreviations(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '\'' || c == '\u{2019}')) {
        let token = raw.trim_matches(|c: char| c == '.' || c == '\'' || c == '\u{2019}');
        if token.chars().any(|c| c.is_ascii_digit()) || token.is_empty() {
            continue;
        }
        let letters: Vec<char> = token.chars().filter(|c| c.is_alphabetic()).collect();
        let capitals = letters.len() >= 2 && token.chars().all(|c| c.is_alphabetic() && c.is_uppercase());
        let dotted = token.contains('.') && token.split('.').all(|p| !p.is_empty() && p.chars().count() <= 2);
        let short = SHORT_FORMS.iter().any(|s| if s.chars().next().is_some_and(char::is_uppercase) { *s == token } else { s.eq_ignore_ascii_case(token) });
        if capitals || dotted || short {
            out.push(token);
        }
    }
    out
}

/// Runs the Easy Read checks.
pub(crate) fn check(input: &Input<'_>) -> Vec<Diagnostic> {
    let cfg = &input.config.check;
    let mut out = Vec::new();
    for s in input.each() {
        let (page, r) = (&s.page, &s.body);
        if page.front.format != Format::EasyRead {
            continue;
        }
        // A picture without alt text is an accessibility error on any page
        // (Code::A11yImageAlt); here, only the statement without a picture.
        for b in r.easy_read.iter().filter(|b| b.picture.is_none()) {
            out.push(
                Diagnostic::warning(Code::EasyReadPicture, "this Easy Read statement has no picture beside it")
                    .at(&page.src, b.offset)
                    .with_help("start the paragraph with a picture, on its own line: `![](picture:meeting)`"),
            );
        }
        for (offset, text, authored) in statements(r) {
            let said = sentences(text);
            if said.len() > 1 && r.easy_read.iter().any(|b| b.lines.iter().any(|l| l.offset == offset)) {
                out.push(
                    Diagnostic::warning(Code::EasyReadSentence, format!("this line has {} sentences; Easy Read gives each sentence its own line", said.len()))
                        .at(&page.src, offset)
                        .with_help("start a new line after each full stop"),
                );
            }
            for sentence in said {
                let n = words_in(sentence);
                if n > cfg.easy_read_sentence_words {
                    let start: String = sentence.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
                    out.push(
                        Diagnostic::warning(Code::EasyReadSentence, format!("a sentence of {n} words (Easy Read limit {}): \u{201c}{start}\u{2026}\u{201d}", cfg.easy_read_sentence_words))
                            .at(&page.src, offset)
                            .with_help("say one thing per sentence: split it in two"),
                    );
                }
            }
            // Where on the line a word is, when the line as written has it.
            let line = page.src.text()[offset..].split('\n').next().unwrap_or("");
            let at = |word: &str| offset + find_word(line, word).unwrap_or(0);
            for a in abbreviations(authored) {
                out.push(
                    Diagnostic::warning(Code::EasyReadAbbreviation, format!("\u{201c}{a}\u{201d} is an abbreviation; Easy Read writes words out in full"))
                        .at(&page.src, at(a))
                        .with_help("write the whole words, and explain them if they are not everyday ones"),
                );
            }
            // The words-to-avoid list is in the default language.
            for e in input.words.entries.iter().filter(|_| page.lang == 0) {
                if find_word(authored, &e.word).is_some() {
                    out.push(
                        Diagnostic::warning(Code::PlainWord, format!("\u{201c}{}\u{201d} is on the site's list of words to avoid", e.word))
                            .at(&page.src, at(&e.word))
                            .with_help(format!("write \u{201c}{}\u{201d} instead", e.instead)),
                    );
                }
            }
        }
        if let Some(m) = s.readability
            && m.grade > cfg.easy_read_max_grade
        {
            out.push(
                Diagnostic::warning(Code::EasyReadGrade, format!("this Easy Read page reads at grade {:.1}; the limit is grade {}", m.grade, cfg.easy_read_max_grade))
                    .at(&page.src, page.body_start)
                    .with_help("use shorter words and sentences: one idea, in everyday words, per line"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_capitals_dotted_or_known_short_forms() {
        assert_eq!(abbreviations("The CPPM is a meeting, e.g. at 10 a.m. with Dr Smith etc."), ["CPPM", "e.g", "a.m", "Dr", "etc"]);
        assert_eq!(abbreviations("I am OK. You can say no. Street. A social worker's visit."), ["OK"]);
        assert!(abbreviations("Your child's plan on 3 March. St").contains(&"St"));
        assert!(abbreviations("the first step").is_empty(), "st inside words or lower case is not one");
    }
}
