//! The pure core of cspr: the words of the field as types, the England and Wales working-day
//! calendar, and the Child Safeguarding Practice Review case as an event-sourced state machine.
//! No IO, no async, no database or web types: the clock, calendar, actor and settings arrive
//! in [`case::Ctx`].

pub mod calendar;
pub mod vocab;
