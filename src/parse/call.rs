//! A page-function call as written in Markdown, `{{ timescale("first_core_group") }}`,
//! read once into a [`Call`] so that later stages ask typed questions
//! ("does this page have a calculator?", "which rules does it use?") instead
//! of searching text.

/// The functions a page's Markdown may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Function {
    /// `timescale("id", plain=false)`: a rule in words.
    Timescale,
    /// `timescale_source("id")`: a rule's source.
    TimescaleSource,
    /// `timescales_table()`: every rule.
    TimescalesTable,
    /// `glossary()`: the glossary list.
    Glossary,
    /// `calculator("id", plain=false)`: a due-date calculator.
    Calculator,
    /// `resources("group")`: one group of the resources list.
    Resources,
    /// `resources_filter()`: "Show resources for" links.
    ResourcesFilter,
}

impl Function {
    /// Every function, in the order help messages list them.
    pub const ALL: [Function; 7] =
        [Function::Timescale, Function::TimescaleSource, Function::TimescalesTable, Function::Glossary, Function::Calculator, Function::Resources, Function::ResourcesFilter];

    /// The name pages call it by.
    pub fn name(self) -> &'static str {
        match self {
            Function::Timescale => "timescale",
            Function::TimescaleSource => "timescale_source",
            Function::TimescalesTable => "timescales_table",
            Function::Glossary => "glossary",
            Function::Calculator => "calculator",
            Function::Resources => "resources",
            Function::ResourcesFilter => "resources_filter",
        }
    }

    /// The function called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether it needs the rules file (and is quiet when the rules failed to load).
    pub fn needs_rules(self) -> bool {
        matches!(self, Function::Timescale | Function::TimescaleSource | Function::TimescalesTable | Function::Calculator)
    }

    /// Whether it needs the resources list (and is quiet when that failed to load).
    pub fn needs_resources(self) -> bool {
        matches!(self, Function::Resources | Function::ResourcesFilter)
    }
}

/// One call, as written between `{{` and `}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    /// The expression as written, trimmed (`timescale("first_core_group")`).
    pub expr: String,
    /// The name before the brackets (`timescale`), as written.
    pub name: String,
    /// The function it names, if it is one.
    pub function: Option<Function>,
    /// The first argument when it is a quoted string (`first_core_group`).
    pub first_arg: Option<String>,
}

impl Call {
    /// Reads a call's expression. Never fails: a call that is not a known
    /// function has `function: None` (and is reported where it is evaluated).
    pub fn parse(expr: &str) -> Call {
        let expr = expr.trim();
        let name: String = expr.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let first_arg = expr[name.len()..]
            .trim_start()
            .strip_prefix('(')
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix(['"', '\'']))
            .and_then(|rest| rest.split(['"', '\'']).next())
            .map(str::to_owned);
        Call { function: Function::from_name(&name), name, first_arg, expr: expr.to_owned() }
    }

    /// The timescale a `timescale(…)` or `timescale_source(…)` call names.
    pub fn timescale_id(&self) -> Option<&str> {
        matches!(self.function, Some(Function::Timescale | Function::TimescaleSource)).then_some(self.first_arg.as_deref()).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_read_into_name_function_and_first_argument() {
        let c = Call::parse(" timescale(\"first_core_group\", plain=true) ");
        assert_eq!(c.function, Some(Function::Timescale));
        assert_eq!(c.timescale_id(), Some("first_core_group"));
        assert_eq!(Call::parse("timescale_source( 'review' )").timescale_id(), Some("review"));
        let c = Call::parse("calculator(\"after-registration\")");
        assert_eq!((c.function, c.timescale_id()), (Some(Function::Calculator), None));
        assert_eq!(Call::parse("glossary()").function, Some(Function::Glossary));
        let c = Call::parse("timescal(\"x\")");
        assert_eq!((c.function, c.name.as_str()), (None, "timescal"));
        assert_eq!(Call::parse("timescale(id)").timescale_id(), None);
    }

    #[test]
    fn every_function_is_found_by_its_name() {
        for f in Function::ALL {
            assert_eq!(Function::from_name(f.name()), Some(f));
        }
    }
}
