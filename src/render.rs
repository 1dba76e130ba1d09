//! Stage 3, **render** ([`render`]: the entry; [`output`]), and the two
//! minijinja environments the stages render with.
//!
//! Two minijinja environments exist. [`PageFunctions`] evaluates the calls
//! authors write in Markdown (`{{ timescale("first_core_group") }}`) and knows
//! only the functions of `parse::call::Function`. [`Templates`] holds the theme's
//! templates, parsed once and shared by every page rendered in parallel.

mod context;
mod generated;
mod print;
pub(crate) mod output;

pub(crate) use context::{CSP, hashed_path};
pub(crate) use generated::{SEARCH_URL, audience_url};
pub(crate) use output::{Outputs, files, files_at, last_files, other_files, problems, refresh_generated, render, render_not_found, render_pages};
#[cfg(feature = "search")]
pub(crate) use output::search_files;

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, UndefinedBehavior};

use crate::load::Page;
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::glossary::Glossary;
use crate::markdown::{CallError, Calls, Fragment};
use crate::rules::SiteRules;
use crate::theme::Theme;

/// The partials (under `templates/partials/`) that page bodies are made
/// with, by the Markdown renderer and the page functions: a change to one
/// renders every page's Markdown again.
pub const BODY_PARTIALS: &[&str] = &[
    "alert.html",
    "table.html",
    "footnote.html",
    "footnote-ref.html",
    "calculator.html",
    "glossary.html",
    "timescales-table.html",
    "resources.html",
    "resources-filter.html",
];

/// Evaluates function calls in Markdown. Functions that make markup return
/// a typed context, which the theme's partial for it renders.
pub struct PageFunctions {
    env: Environment<'static>,
    /// The theme's templates (None when they failed to load: that is
    /// reported, and the built-in theme's partials are used meanwhile).
    templates: Option<Arc<Templates>>,
    /// The site's base path (`/` or `/sub/`): calls see their page's URL.
    base_path: String,
    /// The rules file, or the resources list, exists but has problems: they
    /// are reported at the file, so calls that need it stay quiet.
    rules_failed: bool,
    resources_failed: bool,
    /// The site's languages (codes, strings), for the calculators of
    /// translated pages.
    languages: Languages,
}

impl std::fmt::Debug for PageFunctions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageFunctions")
    }
}

/// What page functions need to speak a page's language: each language's
/// wording of the rules (None for the default), the theme's strings and the
/// language codes.
#[derive(Debug, Clone, Default)]
pub struct Languages {
    pub wordings: Vec<Option<Arc<crate::wording::Wording>>>,
    pub strings: Arc<crate::i18n::Strings>,
    pub codes: Vec<String>,
}

/// A page function's result for a partial to render: `partials/<name>`
/// with the context.
#[derive(Debug)]
struct Partial {
    name: &'static str,
    ctx: Value,
}

impl minijinja::value::Object for Partial {}

fn partial<S: serde::Serialize>(name: &'static str, ctx: &S) -> Value {
    Value::from_object(Partial { name, ctx: Value::from(minijinja::value::Serde(ctx)) })
}

fn need_rules(rules: &Option<Arc<SiteRules>>) -> Result<&SiteRules, minijinja::Error> {
    rules.as_deref().ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "this site has no rules file: set `rules` in site.toml to use timescale functions",
        )
    })
}

fn need_resources(r: &Option<Arc<crate::resources::Resources>>) -> Result<&crate::resources::Resources, minijinja::Error> {
    r.as_deref().ok_or_else(|| author_error(format!("this site has no {} in its content folder", crate::resources::FILE)))
}

fn author_error(msg: String) -> minijinja::Error {
    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, msg)
}

/// The language a template is rendered in: `lang_index` (partials) or
/// `site.lang_index` (pages); the default language otherwise.
fn lang_index(state: &minijinja::State) -> usize {
    let top = state.lookup("lang_index").filter(|v| !v.is_undefined() && !v.is_none());
    let v = top.or_else(|| state.lookup("site").and_then(|s| s.get_attr("lang_index").ok()));
    v.and_then(|v| usize::try_from(v).ok()).unwrap_or(0)
}

/// The audience view a call is evaluated for (see [`PageFunctions::in_view`]).
fn view_of(state: &minijinja::State) -> Option<crate::resources::View> {
    let v = state.lookup("view").filter(|v| !v.is_none() && !v.is_undefined())?;
    let get = |k: &str| v.get_attr(k).ok().map(|a| a.to_string());
    Some(crate::resources::View { audience: get("audience")?, label: get("label")? })
}

impl PageFunctions {
    /// The functions, reading the site's rules and glossary; `calculators`
    /// are the URLs a calculator's script loads (see [`crate::calculator`]);
    /// `templates` render what they make.
    pub fn new(
        rules: Option<Arc<SiteRules>>,
        glossary: Arc<Glossary>,
        calculators: crate::calculator::Assets,
        resources: Option<Arc<crate::resources::Resources>>,
        templates: Option<Arc<Templates>>,
        languages: Languages,
    ) -> Self {
        let mut env = Environment::new();
        env.set_debug(true);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let langs = languages.clone();
        let r = rules.clone();
        env.add_function("timescale", move |state: &minijinja::State, id: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            let plain: Option<bool> = kwargs.get("plain")?;
            kwargs.assert_all_used()?;
            let rules = need_rules(&r)?;
            let lang = state.lookup("lang").and_then(|v| usize::try_from(v).ok()).unwrap_or(0);
            if lang == 0 {
                return rules.describe(&id, plain.unwrap_or(false)).map(Value::from).map_err(author_error);
            }
            // A translated page: the rule in its language's words.
            let code = languages.codes.get(lang).map_or("", String::as_str);
            let Some(w) = languages.wordings.get(lang).and_then(Option::as_deref) else {
                let file = crate::wording::path_for(rules.path(), code);
                return Err(author_error(format!("this page is in `{code}`, and there is no {} with the rules in its words", file.display())));
            };
            let strings = &languages.strings;
            let date = |d: timescales::Date| strings.date(lang, d);
            let text = |k: &str| strings.get(lang, k).unwrap_or(k).to_owned();
            rules.describe_in(&id, w, &date, &text).map(Value::from).map_err(author_error)
        });
        let r = rules.clone();
        env.add_function("timescale_source", move |id: String| -> Result<Value, minijinja::Error> {
            need_rules(&r)?.source(&id).map(Value::from).map_err(author_error)
        });
        let r = rules.clone();
        env.add_function("calculator", move |id: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            let plain: Option<bool> = kwargs.get("plain")?;
            kwargs.assert_all_used()?;
            let ctx = crate::calculator::context(need_rules(&r)?, &calculators, &id, plain.unwrap_or(false)).map_err(author_error)?;
            Ok(partial("calculator.html", &ctx))
        });
        let r = rules;
        env.add_function("timescales_table", move || -> Result<Value, minijinja::Error> {
            Ok(partial("timescales-table.html", &crate::timescale_table::context(need_rules(&r)?)))
        });
        let res = resources.clone();
        env.add_function("resources", move |state: &minijinja::State, group: String| -> Result<Value, minijinja::Error> {
            let r = need_resources(&res)?;
            if !r.has_group(&group) {
                let groups = r.groups();
                let help = crate::diag::suggest_help(&group, groups.iter().copied(), &format!("the groups in {}", crate::resources::FILE));
                return Err(author_error(format!("no resource is in the group `{group}`; {help}")));
            }
            Ok(partial("resources.html", &r.table(&group, view_of(state).as_ref())))
        });
        let res = resources;
        env.add_function("resources_filter", move |state: &minijinja::State| -> Result<Value, minijinja::Error> {
            let url = state.lookup("page_url").map(|v| v.to_string()).unwrap_or_default();
            Ok(partial("resources-filter.html", &need_resources(&res)?.filter(&url, view_of(state).as_ref())))
        });
        env.add_function("glossary", move || -> Result<Value, minijinja::Error> { Ok(partial("glossary.html", &glossary.context())) });
        PageFunctions { env, templates, base_path: String::new(), rules_failed: false, resources_failed: false, languages: langs }
    }

    /// Calls that need a data file that failed to load give nothing (the
    /// file's own problems are reported instead of one per call).
    pub fn with_failed_data(mut self, rules: bool, resources: bool) -> Self {
        self.rules_failed = rules;
        self.resources_failed = resources;
        self
    }

    /// Sets the site's base path, which the URLs calls make start with.
    pub fn with_base_path(mut self, base_path: &str) -> Self {
        base_path.clone_into(&mut self.base_path);
        self
    }

    /// The functions as they evaluate for one audience's view of a page
    /// (the resources list shows only that audience's rows).
    pub fn in_view<'a>(&'a self, view: &'a crate::resources::View) -> InView<'a> {
        InView { functions: self, view }
    }

    fn eval(&self, page: &Page, expr: &str, view: Option<&crate::resources::View>) -> Result<Fragment, CallError> {
        let call = crate::parse::call::Call::parse(expr);
        if call.function.is_some_and(|f| f.needs_rules() && self.rules_failed || f.needs_resources() && self.resources_failed) {
            return Ok(Fragment { html: String::new(), block: false });
        }
        let name = call.name.as_str();
        if call.function.is_none() {
            let known = crate::parse::call::Function::ALL.map(|f| f.name());
            return Err(format!("unknown function `{name}`; {}", crate::diag::suggest_help(name, known, "pages can call")).into());
        }
        let compiled = self.env.compile_expression(expr).map_err(|e| format!("cannot read `{{{{ {expr} }}}}`: {}", e.detail().unwrap_or("syntax error")))?;
        let page_url = format!("{}{}", self.base_path, page.url);
        let value = compiled.eval(minijinja::context! { page_url, lang => page.lang, view => view.map(|v| Value::from(minijinja::value::Serde(v))) }).map_err(|e| {
            let detail = e.detail().map(str::to_owned).unwrap_or_else(|| e.kind().to_string());
            format!("`{name}(…)` failed: {detail}")
        })?;
        if let Some(p) = value.downcast_object_ref::<Partial>() {
            let templates = self.templates.as_deref().unwrap_or_else(|| Templates::builtin());
            // A calculator speaks the default language for now (its script's
            // words and the rules' words in it are not translated yet): on a
            // translated page it is marked as such, and says so in the page's language.
            let lang = if p.name == "calculator.html" { 0 } else { page.lang };
            let mut html = templates.render_in(&format!("partials/{}", p.name), &p.ctx, lang).map_err(CallError::Template)?;
            if lang != page.lang {
                let code = |l: usize| self.languages.codes.get(l).map_or("", String::as_str);
                let note = self.languages.strings.get(page.lang, "calculator.in_default_language").unwrap_or("");
                let mut esc = String::new();
                pulldown_cmark_escape::escape_html(&mut esc, note).expect("string");
                html = format!(
                    "<div class=\"wm-in-default-language\" lang=\"{}\" dir=\"{}\">\n<p class=\"wm-in-default-language__note\" lang=\"{}\" dir=\"{}\">{esc}</p>\n{html}</div>\n",
                    code(0),
                    crate::lang::direction(code(0)).as_str(),
                    code(page.lang),
                    crate::lang::direction(code(page.lang)).as_str(),
                );
            }
            Ok(Fragment { html, block: true })
        } else if value.is_safe() {
            Ok(Fragment { html: value.to_string(), block: true })
        } else {
            let mut html = String::new();
            pulldown_cmark_escape::escape_html(&mut html, &smart_quotes(&value.to_string())).expect("string");
            Ok(Fragment { html, block: false })
        }
    }
}

impl Calls for PageFunctions {
    fn call(&self, page: &Page, expr: &str) -> Result<Fragment, CallError> {
        self.eval(page, expr, None)
    }
}

/// [`PageFunctions`] for one audience's view of a page.
#[derive(Debug)]
pub struct InView<'a> {
    functions: &'a PageFunctions,
    view: &'a crate::resources::View,
}

impl Calls for InView<'_> {
    fn call(&self, page: &Page, expr: &str) -> Result<Fragment, CallError> {
        self.functions.eval(page, expr, Some(self.view))
    }
}

/// The same typographic quotes the Markdown around a call gets (pulldown-cmark's
/// smart punctuation), so inserted rule text does not stand out with straight ones.
pub fn smart_quotes(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let opening = prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '\u{2014}' | '\u{2013}'));
        out.push(match (c, opening) {
            ('\'', true) => '\u{2018}',
            ('\'', false) => '\u{2019}',
            ('"', true) => '\u{201C}',
            ('"', false) => '\u{201D}',
            (c, _) => c,
        });
        prev = Some(c);
    }
    out
}

/// The theme's templates, parsed once.
pub struct Templates {
    env: Environment<'static>,
    shown: BTreeMap<String, SourceMap>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Templates")
    }
}

impl Templates {
    /// Parses every template; syntax errors are diagnostics naming the file and line.
    pub fn new(theme: &Theme, assets: BTreeMap<String, String>, base_path: &str, strings: Arc<crate::i18n::Strings>) -> Result<Templates, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_debug(true);
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        // minijinja's HTML escaping also escapes `/`, which is valid but makes
        // every URL in the output unreadable (`&#x2f;procedures&#x2f;`). Escape
        // only what HTML needs, so output diffs stay legible.
        env.set_formatter(|out, state, value| {
            if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
                && !value.is_safe()
                && let Some(s) = value.as_str()
            {
                let mut buf = String::with_capacity(s.len());
                pulldown_cmark_escape::escape_html(&mut buf, s).expect("string");
                return out.write_str(&buf).map_err(minijinja::Error::from);
            }
            minijinja::escape_formatter(out, state, value)
        });
        let mut diags = Vec::new();
        let mut shown = BTreeMap::new();
        for (name, file) in theme.templates() {
            let text = String::from_utf8_lossy(&file.bytes).into_owned();
            shown.insert(name.to_owned(), SourceMap::new(file.shown.clone(), text.clone()));
            if let Err(e) = env.add_template_owned(name.to_owned(), text) {
                diags.push(template_diagnostic(&e, &shown));
            }
        }
        let base = base_path.to_owned();
        env.add_function("asset", move |name: String| -> Result<Value, minijinja::Error> {
            match assets.get(&name) {
                Some(p) => Ok(Value::from(format!("{base}{p}"))),
                None => Err(author_error(format!(
                    "asset(\"{name}\"): the theme has no file static/{name} (files: {})",
                    assets.keys().cloned().collect::<Vec<_>>().join(", ")
                ))),
            }
        });
        // `t("key", name=…)`: a string of the page's language (see crate::i18n).
        let strings_default = strings.clone();
        env.add_function("t", move |state: &minijinja::State, key: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            let lang = lang_index(state);
            let Some(text) = strings.get(lang, &key) else {
                let file = strings.table(0).and_then(|t| t.files.first()).map_or_else(|| "i18n/en-GB.yaml".to_owned(), |f| f.display().to_string());
                return Err(author_error(format!("t(\"{key}\"): there is no string `{key}` in {file}")));
            };
            let mut args = Vec::new();
            for k in kwargs.args() {
                let v: Value = kwargs.get(k)?;
                args.push((k.to_owned(), v.to_string()));
            }
            kwargs.assert_all_used()?;
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            Ok(Value::from(crate::i18n::Strings::fill(text, &args)))
        });
        // `t_default("key")`: the string in the default language (the
        // notice on an unreviewed translation says it in both).
        let strings = strings_default;
        env.add_function("t_default", move |key: String| -> Result<Value, minijinja::Error> {
            strings.get(0, &key).map(Value::from).ok_or_else(|| author_error(format!("t_default(\"{key}\"): there is no string `{key}`")))
        });
        for required in ["page.html", "fallback.html", "section.html", "home.html", "404.html", "audience.html", "updates.html", "print.html"] {
            if !shown.contains_key(required) {
                diags.push(Diagnostic::error(Code::Template, format!("the theme has no `templates/{required}`")));
            }
        }
        if diags.is_empty() { Ok(Templates { env, shown }) } else { Err(diags) }
    }

    /// Renders a template with a context; errors name the template file and line.
    pub fn render(&self, name: &str, ctx: &Value) -> Result<String, Diagnostic> {
        let tmpl = self.env.get_template(name).map_err(|e| template_diagnostic(&e, &self.shown))?;
        tmpl.render(ctx).map_err(|e| template_diagnostic(&e, &self.shown))
    }

    /// The built-in theme's templates, for page bodies when the site's own
    /// failed to load (that is reported; the bodies are still made, so their
    /// ids and links are checked as usual). Its partials need no assets.
    pub fn builtin() -> &'static Templates {
        static BUILTIN: std::sync::OnceLock<Templates> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            let theme = Theme::builtin();
            let strings = crate::i18n::Strings::builtin(&theme);
            Templates::new(&theme, BTreeMap::new(), "/", Arc::new(strings)).expect("the built-in theme's templates parse")
        })
    }

    /// Renders `templates/partials/<name>` with a typed context (each partial
    /// and its fields are listed in themes/default/README.md); errors name the
    /// partial's file, line and column.
    pub fn partial<S: serde::Serialize>(&self, name: &str, ctx: &S, lang: usize) -> Result<String, Diagnostic> {
        self.render_in(&format!("partials/{name}"), &Value::from(minijinja::value::Serde(ctx)), lang)
    }

    /// Renders a template whose context has no `site` (a partial) with the
    /// strings of language `lang` (its place in site.toml's languages).
    pub fn render_in(&self, name: &str, ctx: &Value, lang: usize) -> Result<String, Diagnostic> {
        self.render(name, &minijinja::context! { lang_index => lang, ..ctx.clone() })
    }
}

/// A minijinja error as a diagnostic at the template's file and line.
fn template_diagnostic(e: &minijinja::Error, shown: &BTreeMap<String, SourceMap>) -> Diagnostic {
    // The innermost error names the template that really failed
    // (an included or extended one, not the one rendered).
    let mut err: &dyn std::error::Error = e;
    let mut inner = e;
    while let Some(src) = err.source() {
        if let Some(m) = src.downcast_ref::<minijinja::Error>() {
            inner = m;
        }
        err = src;
    }
    let detail = inner.detail().map(str::to_owned).unwrap_or_else(|| inner.kind().to_string());
    let mut d = Diagnostic::error(Code::Template, format!("{}: {detail}", inner.kind()));
    if let Some(src) = inner.name().and_then(|n| shown.get(n)) {
        d = match (inner.range(), inner.line()) {
            (Some(r), _) => d.at(src, r.start),
            (None, Some(line)) => d.at_line_col(src, crate::diag::LineCol { line: line as u32, col: 1 }),
            (None, None) => d.in_file(src.path()),
        };
    }
    d
}

#[cfg(test)]
mod tests {
    use super::smart_quotes;

    #[test]
    fn quotes_curl_like_the_markdown_around_them() {
        assert_eq!(smart_quotes("the child's name"), "the child\u{2019}s name");
        assert_eq!(smart_quotes("says \"15 days\" ('no unit')"), "says \u{201C}15 days\u{201D} (\u{2018}no unit\u{2019})");
    }
}
