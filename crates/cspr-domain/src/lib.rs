//! The pure core of cspr: the words of the field as types, the England and Wales working-day
//! calendar, and the Child Safeguarding Practice Review case as an event-sourced state machine.
//! No IO, no async, no database or web types: the clock, calendar, actor and settings arrive
//! in [`case::Ctx`].

pub mod actions;
pub mod agency;
pub mod anonymisation;
pub mod briefing;
pub mod calendar;
pub mod case;
pub mod chronology;
pub mod deadlines;
pub mod documents;
pub mod examples;
pub mod figures;
pub mod forms;
pub mod ids;
pub mod report;
pub mod retention;
pub mod settings;
pub mod subject_access;
pub mod timeline;
pub mod vocab;
pub mod words;
