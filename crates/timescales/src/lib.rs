//! The waymark rule engine (being written).
