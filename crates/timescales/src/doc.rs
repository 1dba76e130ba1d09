//! The rules document as written: serde types that a host fills from YAML
//! (or a browser from JSON of the same shape). Every struct denies unknown
//! keys. Values that need checking (dates, lengths, references) stay as text
//! here; [`crate::Rules::from_doc`] validates them and reports every problem.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The whole rules file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RulesDoc {
    /// The default calendar for timescales and calculators that name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Calendars by name.
    #[serde(default)]
    pub calendars: OrderedMap<CalendarDoc>,
    /// Events (what a calculator asks for) by id.
    #[serde(default)]
    pub events: OrderedMap<EventDoc>,
    /// Timescales by id.
    #[serde(default)]
    pub timescales: OrderedMap<TimescaleDoc>,
    /// Calculators by id.
    #[serde(default)]
    pub calculators: OrderedMap<CalculatorDoc>,
}

/// One calendar.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarDoc {
    /// Another calendar whose days this one starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Weekend day names; `[saturday, sunday]` when neither this calendar nor
    /// the one it extends says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekend: Option<Vec<String>>,
    /// Built-in holiday rule sets (`scotland`, `england-and-wales`, `northern-ireland`).
    #[serde(default)]
    pub holidays: OneOrMany,
    /// Explicit holidays.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<DateDoc>,
    /// Days the built-in rules give that are not holidays (moved by proclamation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_holidays: Vec<String>,
    /// GOV.UK `bank-holidays.json` files to take one division from: `FILE#division`.
    #[serde(default)]
    pub import: OneOrMany,
}

/// An explicit holiday.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DateDoc {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What the day is called.
    pub name: String,
}

/// Something that happens on a date a practitioner knows.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventDoc {
    /// Practitioner words, a noun phrase that fits mid-sentence.
    pub label: String,
    /// Family words, the same kind of phrase.
    pub plain: String,
    /// Anything the author wants to record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One timescale.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimescaleDoc {
    /// Practitioner name of the deadline, a noun phrase that fits mid-sentence.
    pub label: Dated<String>,
    /// Family name of it.
    pub plain: Dated<String>,
    /// Counts forward from this event or timescale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Counts back from this event or timescale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// One deadline: `N calendar days|working days|weeks|months`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Dated<String>>,
    /// A repeating deadline, same units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Dated<String>>,
    /// Whichever of these timescales falls first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_of: Option<Vec<String>>,
    /// Calendar to count in; the file's `calendar` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Where the figure in force comes from.
    pub source: Dated<OneOrMany>,
    /// Anything a reader should know (ambiguities, "may").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Dated<String>>,
    /// Words to use instead of the generated practitioner wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<Dated<String>>,
    /// Words to use instead of the generated family wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain_wording: Option<Dated<String>>,
    /// Figures other sources give, when they differ from the one in force.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_sources: Vec<OtherSourceDoc>,
    /// The first day the timescale exists (`YYYY-MM-DD`); always, when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The first day it no longer exists; never ends, when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// A value that may change over time: a plain value (in force always), or a
/// mapping from the date each value takes effect (`YYYY-MM-DD`) to the value,
/// as OpenFisca keys its parameters. The dates stay text, in the order
/// written, duplicates kept: [`crate::Rules::from_doc`] checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dated<T> {
    /// One value for all time.
    Always(T),
    /// `(date as written, value)` in file order.
    Changes(Vec<(String, T)>),
}

impl<T: Default> Default for Dated<T> {
    fn default() -> Self {
        Dated::Always(T::default())
    }
}

impl<T> Dated<T> {
    /// The value written last (the newest, in a file in order).
    pub fn last(&self) -> Option<&T> {
        match self {
            Dated::Always(v) => Some(v),
            Dated::Changes(c) => c.last().map(|(_, v)| v),
        }
    }

    /// True for the mapping form.
    pub fn is_dated(&self) -> bool {
        matches!(self, Dated::Changes(_))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Dated<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{SeqAccessDeserializer, StrDeserializer, StringDeserializer, UnitDeserializer};
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Dated<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value, or a mapping from the date it takes effect (YYYY-MM-DD) to the value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dated<T>, E> {
                T::deserialize(StrDeserializer::<E>::new(v)).map(Dated::Always)
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Dated<T>, E> {
                T::deserialize(StringDeserializer::<E>::new(v)).map(Dated::Always)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Dated<T>, E> {
                T::deserialize(UnitDeserializer::<E>::new()).map(Dated::Always)
            }
            fn visit_none<E: de::Error>(self) -> Result<Dated<T>, E> {
                self.visit_unit()
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Dated<T>, A::Error> {
                T::deserialize(SeqAccessDeserializer::new(seq)).map(Dated::Always)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dated<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<T>()?));
                }
                Ok(Dated::Changes(out))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T: Serialize> Serialize for Dated<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Dated::Always(v) => v.serialize(s),
            Dated::Changes(c) => s.collect_map(c.iter().map(|(k, v)| (k, v))),
        }
    }
}

/// Another source's figure for the same deadline.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtherSourceDoc {
    /// The source, in words.
    pub source: String,
    /// Its figure for a one-off deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// Its figure for a repeating deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// Anything to add (superseded, family wording, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A calculator form.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalculatorDoc {
    /// Heading.
    pub title: String,
    /// The event(s) whose date it asks for.
    pub asks: OneOrMany,
    /// The timescales it shows.
    pub shows: Vec<String>,
    /// Events that happen on the same day as the (first) asked event, so
    /// their dates need not be asked (registration is decided at a CPPM).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_day: Vec<String>,
    /// Calendar; the file's `calendar` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

/// A GOV.UK `bank-holidays.json` file: divisions by name.
pub type GovUkFeed = std::collections::BTreeMap<String, GovUkDivision>;

/// One division of the GOV.UK feed.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GovUkDivision {
    /// `scotland`, `england-and-wales`, `northern-ireland`.
    #[serde(default)]
    pub division: String,
    /// Its holidays.
    pub events: Vec<GovUkEvent>,
}

/// One holiday in the GOV.UK feed.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GovUkEvent {
    /// The holiday's name (with a curly apostrophe).
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `""`, `"Substitute day"` or `"Extra bank holiday"`.
    #[serde(default)]
    pub notes: String,
    /// Flags, unused here.
    #[serde(default)]
    pub bunting: bool,
}

/// A text or a list of texts (`source: A` or `source: [A, B]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text or a list of texts")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_owned()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for OneOrMany {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A mapping that keeps the file's order (so tables list rules as written)
/// and rejects a key given twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedMap<T>(pub Vec<(String, T)>);

impl<T> Default for OrderedMap<T> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<T> OrderedMap<T> {
    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrderedMap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OrderedMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of ids")
            }
            fn visit_unit<E: de::Error>(self) -> Result<OrderedMap<T>, E> {
                Ok(OrderedMap::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap<T>, A::Error> {
                let mut out: Vec<(String, T)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom(format_args!("`{key}` is defined twice")));
                    }
                    let value = map.next_value::<T>()?;
                    out.push((key, value));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

impl<T: Serialize> Serialize for OrderedMap<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}
