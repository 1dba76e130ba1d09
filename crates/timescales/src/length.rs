//! Lengths of time as rules files write them: `15 calendar days`,
//! `10 working days`, `4 weeks`, `6 months`.

use std::fmt;

/// What a length counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Every day counts.
    CalendarDays,
    /// Only working days of the calendar count.
    WorkingDays,
    /// Seven calendar days each.
    Weeks,
    /// Whole months, clamped to the month's end.
    Months,
}

impl Unit {
    /// Every unit, in the order messages list them.
    pub const ALL: [Unit; 4] = [Unit::CalendarDays, Unit::WorkingDays, Unit::Weeks, Unit::Months];

    /// The unit's words for a count of `n` (`calendar day` / `calendar days`).
    pub fn words(self, n: u32) -> &'static str {
        match (self, n == 1) {
            (Unit::CalendarDays, true) => "calendar day",
            (Unit::CalendarDays, false) => "calendar days",
            (Unit::WorkingDays, true) => "working day",
            (Unit::WorkingDays, false) => "working days",
            (Unit::Weeks, true) => "week",
            (Unit::Weeks, false) => "weeks",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
        }
    }

    /// The family wording: "calendar days" is just "days" there.
    pub fn plain_words(self, n: u32) -> &'static str {
        match (self, n == 1) {
            (Unit::CalendarDays, true) => "day",
            (Unit::CalendarDays, false) => "days",
            _ => self.words(n),
        }
    }
}

/// A count of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Length {
    /// How many.
    pub n: u32,
    /// Of what.
    pub unit: Unit,
}

impl Length {
    /// The family wording (`15 days`, `10 working days`).
    pub fn plain(&self) -> String {
        format!("{} {}", self.n, self.unit.plain_words(self.n))
    }
}

impl fmt::Display for Length {
    /// `15 calendar days`, `1 working day`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.n, self.unit.words(self.n))
    }
}

/// Why a length did not parse, with the nearest valid wording if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthError {
    /// Suggested replacements, best first (`15 calendar days`).
    pub suggestions: Vec<String>,
}

/// Parses `N calendar days|working days|weeks|months` (singular allowed,
/// any case, extra spaces ignored). N is written in figures.
pub fn parse(text: &str) -> Result<Length, LengthError> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let (num, unit_words) = match words.split_first() {
        Some((n, rest)) => (n.as_str(), rest.join(" ")),
        None => return Err(LengthError { suggestions: Vec::new() }),
    };
    let n = num.parse::<u32>().ok().filter(|_| num.bytes().all(|b| b.is_ascii_digit()));
    let unit = Unit::ALL.into_iter().find(|u| unit_words == u.words(1) || unit_words == u.words(2));
    match (n, unit) {
        (Some(n), Some(unit)) if n <= 100_000 => Ok(Length { n, unit }),
        (n, _) => {
            let shown = n.map_or_else(|| "N".to_owned(), |n| n.to_string());
            Err(LengthError { suggestions: suggest_units(&unit_words).into_iter().map(|u| format!("{shown} {}", u.words(2))).collect() })
        }
    }
}

/// The units a misspelt unit probably meant. A bare or misspelt "days" is
/// ambiguous, so both kinds of day are offered.
fn suggest_units(wrong: &str) -> Vec<Unit> {
    let last = wrong.split_whitespace().last().unwrap_or("");
    let dayish = strsim::levenshtein(last, "days") <= 1 || strsim::levenshtein(last, "day") <= 1;
    let best = Unit::ALL
        .into_iter()
        .map(|u| (strsim::jaro_winkler(wrong, u.words(2)), u))
        .filter(|(s, _)| *s > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, u)| u);
    match best {
        Some(u) => vec![u],
        None if dayish => vec![Unit::CalendarDays, Unit::WorkingDays],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse("15 calendar days"), Ok(Length { n: 15, unit: Unit::CalendarDays }));
        assert_eq!(parse(" 1  Working Day "), Ok(Length { n: 1, unit: Unit::WorkingDays }));
        assert_eq!(parse("4 weeks").unwrap().to_string(), "4 weeks");
        assert_eq!(parse("6 months").unwrap().plain(), "6 months");
        assert_eq!(parse("15 calendar days").unwrap().plain(), "15 days");
    }

    #[test]
    fn suggests_for_typos() {
        assert_eq!(parse("15 dayz").unwrap_err().suggestions, ["15 calendar days", "15 working days"]);
        assert_eq!(parse("15 days").unwrap_err().suggestions, ["15 calendar days", "15 working days"]);
        assert_eq!(parse("10 workng days").unwrap_err().suggestions, ["10 working days"]);
        assert_eq!(parse("4 weeeks").unwrap_err().suggestions, ["4 weeks"]);
        assert_eq!(parse("two weeks").unwrap_err().suggestions, ["N weeks"]);
        assert_eq!(parse("soon").unwrap_err().suggestions, Vec::<String>::new());
        assert!(parse("-3 weeks").is_err());
    }
}
