//! The waymark rule engine: timescales, calendars and working days.
//!
//! Pure: no I/O, no clock, no threads, so the same code runs in the
//! generator, the `waymark dates` command and (as WebAssembly) the browser
//! calculators. A host deserialises the rules file into [`RulesDoc`] (YAML or
//! JSON of the same shape), validates it with [`Rules::from_doc`], which
//! reports every problem as a [`RuleError`] naming the rule and field, then
//! asks for dates with [`Rules::due`], [`Rules::series`] or
//! [`Rules::explain`], and for the rule in words with [`Rules::describe`].
//!
//! Counting follows docs/rules.md, "Counting conventions"; see [`eval`].

pub mod calendar;
pub mod date;
pub mod doc;
pub mod error;
pub mod eval;
pub mod length;
pub mod plan;
pub mod rules;
pub mod versions;

pub use calendar::{BuiltIn, Calendar, Holiday, NonWorking};
pub use doc::{GovUkFeed, RulesDoc};
pub use error::{ErrorKind, EvalError, PathPart, RefKind, RuleError, Section};
pub use eval::{EventDates, Outcome, Step};
pub use length::{Length, Unit};
pub use rules::{Anchor, Calculator, Direction, Event, Imports, OtherSource, Rules, Shape, Timescale};
pub use time::Date;
pub use versions::Version;
