//! The one place waymark reads YAML: page front matter and the rules file.
//!
//! Values are read with `serde_yaml_ng` (the maintained fork of `serde_yaml`),
//! whose errors carry a byte position. Semantic checks that happen after
//! deserialising (an unknown event named in a rule, say) need the position of
//! a key that deserialised fine; serde cannot give that, so [`KeyIndex`] walks
//! the same text once with `saphyr-parser`'s event stream and records where
//! every key and value starts, by path.

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use crate::diag::{self, Code, Diagnostic, SourceMap};

/// A YAML problem, positioned relative to the start of the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Byte offset in the YAML text, when the parser knew it.
    pub offset: Option<usize>,
    /// The message without the parser's own " at line X column Y" suffix.
    pub message: String,
    /// For an unknown key: the key and the keys that are allowed there.
    pub unknown_key: Option<(String, Vec<String>)>,
}

impl YamlError {
    /// Turns the error into a diagnostic in `src`, where the YAML text began
    /// at byte `base` (front matter starts after the opening `---` line).
    pub fn into_diagnostic(self, code: Code, src: &SourceMap, base: usize) -> Diagnostic {
        let mut d = Diagnostic::error(code, self.message);
        d = match self.offset {
            Some(off) => d.at(src, base + off),
            None => d.at(src, base),
        };
        if let Some((key, allowed)) = self.unknown_key {
            d = d.with_help(diag::suggest_help(&key, allowed.iter().map(String::as_str), "allowed keys here"));
        }
        d
    }
}

/// Deserialises YAML text into `T`, keeping the position of any error.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let offset = e.location().map(|l| l.index());
        let raw = e.to_string();
        let message = strip_position_suffix(&raw);
        let unknown_key = parse_unknown_field(&message);
        let message = match &unknown_key {
            Some((key, _)) => format!("unknown key `{key}`"),
            None => message,
        };
        YamlError { offset, message, unknown_key }
    })
}

/// serde_yaml_ng appends " at line L column C" (sometimes after a path):
/// we print positions our own way.
fn strip_position_suffix(msg: &str) -> String {
    let mut out = msg.to_owned();
    // Syntax errors carry the position in the middle too:
    // "did not find expected ',' at line 4 column 7, while parsing a flow sequence at line 3 column 8".
    while let Some(i) = out.find(" at line ") {
        let rest = &out[i + " at line ".len()..];
        let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
        let n1 = digits(rest);
        let Some(after) = rest[n1..].strip_prefix(" column ") else { break };
        let n2 = digits(after);
        if n1 == 0 || n2 == 0 {
            break;
        }
        let end = i + " at line ".len() + n1 + " column ".len() + n2;
        out.replace_range(i..end, "");
    }
    out
}

/// Recognises serde's "unknown field `x`, expected one of `a`, `b`" message.
pub(crate) fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let start = msg.find("unknown field `")? + "unknown field `".len();
    let rest = &msg[start..];
    let end = rest.find('`')?;
    let key = rest[..end].to_owned();
    let allowed = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((key, allowed))
}

/// One segment of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// Where each key and value of a YAML document starts, by path.
#[derive(Debug, Default, Clone)]
pub struct KeyIndex {
    keys: HashMap<Vec<Seg>, usize>,
    values: HashMap<Vec<Seg>, usize>,
}

impl KeyIndex {
    /// Indexes `text`. A text that does not parse gives an empty index
    /// (the deserialiser will already have reported the syntax error).
    pub fn new(text: &str) -> Self {
        use saphyr_parser::{Event, Parser};

        // saphyr's markers count characters; we keep byte offsets.
        let char_to_byte: Vec<usize> =
            text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
        let byte = |ch: usize| char_to_byte.get(ch).copied().unwrap_or(text.len());

        enum Frame {
            Map { path: Vec<Seg>, pending_key: Option<String> },
            Seq { path: Vec<Seg>, next: usize },
        }
        let mut index = KeyIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(text);

        // Where does the node that starts now sit, and is it a key?
        // Returns (path of the node, true if it is a key scalar).
        fn place(stack: &mut [Frame]) -> Option<(Vec<Seg>, bool)> {
            match stack.last_mut()? {
                Frame::Map { path, pending_key } => match pending_key.take() {
                    Some(k) => {
                        let mut p = path.clone();
                        p.push(Seg::Key(k));
                        Some((p, false))
                    }
                    None => Some((path.clone(), true)),
                },
                Frame::Seq { path, next } => {
                    let mut p = path.clone();
                    p.push(Seg::Index(*next));
                    *next += 1;
                    Some((p, false))
                }
            }
        }

        while let Some(Ok((event, span))) = parser.next_event() {
            let at = byte(span.start.index());
            match event {
                Event::Scalar(value, ..) => match place(&mut stack) {
                    Some((path, true)) => {
                        let mut p = path;
                        p.push(Seg::Key(value.to_string()));
                        index.keys.insert(p, at);
                        if let Some(Frame::Map { pending_key, .. }) = stack.last_mut() {
                            *pending_key = Some(value.to_string());
                        }
                    }
                    Some((path, false)) => {
                        index.values.insert(path, at);
                    }
                    None => {
                        index.values.insert(Vec::new(), at);
                    }
                },
                Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(..) => {
                    let path = match place(&mut stack) {
                        Some((path, true)) => {
                            // A complex key: not something waymark files use.
                            path
                        }
                        Some((path, false)) => path,
                        None => Vec::new(),
                    };
                    index.values.entry(path.clone()).or_insert(at);
                    match event {
                        Event::MappingStart(..) => {
                            stack.push(Frame::Map { path, pending_key: None })
                        }
                        Event::SequenceStart(..) => stack.push(Frame::Seq { path, next: 0 }),
                        _ => {}
                    }
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
        index
    }

    /// Byte offset of the key at `path` (e.g. `timescales`, `first_core_group`, `after`).
    pub fn key(&self, path: &[Seg]) -> Option<usize> {
        self.keys.get(path).copied()
    }

    /// Byte offset of the value at `path`.
    pub fn value(&self, path: &[Seg]) -> Option<usize> {
        self.values.get(path).copied()
    }

    /// The best position for a problem with `path`: its value, else its key,
    /// else the nearest ancestor that is known.
    pub fn best(&self, path: &[Seg]) -> Option<usize> {
        (0..=path.len()).rev().find_map(|n| {
            let p = &path[..n];
            self.value(p).or_else(|| self.key(p))
        })
    }
}

/// Builds a path of mapping keys, for the common case.
pub fn keys(parts: &[&str]) -> Vec<Seg> {
    parts.iter().map(|k| Seg::Key((*k).to_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        summary: Option<String>,
    }

    #[test]
    fn unknown_keys_are_named_with_the_allowed_ones() {
        let err = from_str::<Fm>("title: a\ntitel: b\n").unwrap_err();
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.offset, Some(9));
        let (key, allowed) = err.unknown_key.unwrap();
        assert_eq!(key, "titel");
        assert_eq!(allowed, vec!["title", "summary"]);
    }

    #[test]
    fn positions_inside_messages_are_removed() {
        assert_eq!(
            strip_position_suffix("did not find expected ',' at line 4 column 7, while parsing a flow sequence at line 3 column 8"),
            "did not find expected ',', while parsing a flow sequence"
        );
        assert_eq!(strip_position_suffix("a message about line 4"), "a message about line 4");
    }

    #[test]
    fn syntax_errors_keep_their_position() {
        let err = from_str::<Fm>("title: [a\nsummary: b\n").unwrap_err();
        assert!(err.offset.is_some());
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn diagnostics_shift_by_the_front_matter_start() {
        let text = "---\ntitle: a\ntitel: b\n---\nbody\n";
        let src = SourceMap::new("p.md", text);
        let err = from_str::<Fm>(&text[4..22]).unwrap_err();
        let d = err.into_diagnostic(Code::FrontMatter, &src, 4);
        assert_eq!(d.location().unwrap(), "p.md:3:1");
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn key_index_finds_nested_keys_and_values() {
        let text = "timescales:\n  first:\n    after: registration\n    within: 15 dayz\n  list: [a, b]\nflow: { x: 1, yé: 2, z: 3 }\n";
        let idx = KeyIndex::new(text);
        assert_eq!(idx.key(&keys(&["timescales", "first", "within"])), text.find("within"));
        assert_eq!(idx.value(&keys(&["timescales", "first", "within"])), text.find("15 dayz"));
        let mut p = keys(&["timescales", "list"]);
        p.push(Seg::Index(1));
        assert_eq!(idx.value(&p), text.find("b]"));
        // Offsets are bytes even after a multi-byte character.
        assert_eq!(idx.key(&keys(&["flow", "z"])), text.find("z:"));
        // An unknown child falls back to the nearest known ancestor.
        assert_eq!(idx.best(&keys(&["timescales", "first", "nope"])), text.find("after"));
    }
}
