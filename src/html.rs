//! A small HTML tokenizer for the accessibility lint of whole pages
//! (`check/a11y.rs`) and the ids of HTML that functions produce. The
//! raw-HTML security policy does not use it: `html_policy.rs` reads authors'
//! HTML with a tokenizer that follows the HTML standard. It reads start tags with their
//! attributes, end tags and text; comments, doctypes and the contents of
//! `script` and `style` are skipped. It is not a full HTML parser: it reads
//! HTML that waymark or an author wrote, to judge it, never to rewrite it.

/// A start tag: name and attributes (names lower-cased, values decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Byte offset of the `<` in the text.
    pub offset: usize,
    /// Tag name, lower case.
    pub name: String,
    /// Attributes in order.
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    /// The value of an attribute, if present.
    pub fn attr(&self, n: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str())
    }
}

/// One piece of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `<name attr=…>`.
    Start(Tag),
    /// `</name>`, with the offset of its `<`.
    End(usize, String),
    /// Text between tags, entities decoded.
    Text(String),
}

/// Splits HTML into tokens.
pub fn tokenize(html: &str) -> Vec<Token> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = html[i..].find('<').map_or(html.len(), |j| i + j);
            out.push(Token::Text(decode(&html[i..end])));
            i = end;
            continue;
        }
        let start = i;
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(html.len(), |e| i + e + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let mut j = i + if closing { 2 } else { 1 };
        let ns = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        let name = html[ns..j].to_ascii_lowercase();
        if name.is_empty() {
            out.push(Token::Text("<".into()));
            i += 1;
            continue;
        }
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let an = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let aname = html[an..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let vs = j + 1;
                    j = vs;
                    while j < b.len() && b[j] != q {
                        j += 1;
                    }
                    value = decode(&html[vs..j.min(b.len())]);
                    j += 1;
                } else {
                    let vs = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = decode(&html[vs..j]);
                }
            }
            attrs.push((aname, value));
        }
        i = j.min(html.len());
        if closing {
            out.push(Token::End(start, name));
        } else {
            let raw_text = matches!(name.as_str(), "script" | "style");
            out.push(Token::Start(Tag { offset: start, name: name.clone(), attrs }));
            if raw_text {
                let close = format!("</{name}");
                i = html[i..].find(&close).map_or(html.len(), |e| i + e);
            }
        }
    }
    out
}

/// The `id` and `name` attribute values in HTML (link targets).
pub fn ids(html: &str) -> Vec<String> {
    tokenize(html)
        .into_iter()
        .filter_map(|t| match t {
            Token::Start(tag) => Some(tag.attrs.into_iter().filter(|(n, _)| n == "id" || n == "name").map(|(_, v)| v)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Decodes the entities waymark and authors commonly write.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&nbsp;", " ").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_text_and_offsets() {
        let t = tokenize("<p id=a>x &amp; y</p><!-- c --><script>if (a<b) {}</script><img alt='z'>");
        assert_eq!(
            t,
            [
                Token::Start(Tag { offset: 0, name: "p".into(), attrs: vec![("id".into(), "a".into())] }),
                Token::Text("x & y".into()),
                Token::End(17, "p".into()),
                Token::Start(Tag { offset: 31, name: "script".into(), attrs: vec![] }),
                Token::End(50, "script".into()),
                Token::Start(Tag { offset: 59, name: "img".into(), attrs: vec![("alt".into(), "z".into())] }),
            ]
        );
        assert_eq!(ids("<dt id=\"x\"></dt><a name=y>"), ["x", "y"]);
    }
}
