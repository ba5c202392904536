//! Every action a person can take on a case, as a form: its title, who may take it, its
//! questions (where each answer goes in the command) and what to say when it is done.
//!
//! One module per stage of the process: [`referral`] (incident, referral, triage),
//! [`rapid_review`] (rapid review and scoping), [`review`] (commissioning and evidence),
//! [`report`] (drafting and publication) and [`action_plan`] (the action plan and closing). This
//! module holds the form's building blocks they share.

mod action_plan;
mod rapid_review;
mod referral;
mod report;
mod review;

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use cspr_domain::agency::SafeguardingPartner;
use cspr_domain::case::{Case, CommandKind};

use super::spec::{Kind, Opt, Q};
use crate::access::Role;

/// What the questions may draw on.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The case (a new, empty one for the actions that open a case).
    pub case: &'a Case,
    /// The partnership's agencies: (id, name).
    pub agencies: Vec<(Uuid, String)>,
    /// The partnership.
    pub partnership_id: Uuid,
    /// A reference for a new case (empty for a case that exists).
    pub new_reference: String,
    /// The partnership's learning themes.
    pub themes: Vec<String>,
    /// The person's role.
    pub role: Role,
    /// Their agency.
    pub agency: Option<Uuid>,
    /// The statutory deadlines (and the local review's timescale) the case missed, with the
    /// deadline's date in words.
    pub missed: Vec<(cspr_domain::case::model::LateDeadline, String)>,
}

/// One action.
#[derive(Debug)]
pub struct Action {
    /// The URL slug.
    pub slug: &'static str,
    /// The kind of command it gives (who may give it is the policy's:
    /// `cspr_app::policy::runners`).
    pub command: CommandKind,
    /// Page heading.
    pub title: &'static str,
    /// The submit button.
    pub button: &'static str,
    /// The banner after it is done.
    pub done: &'static str,
    /// Whether it opens a new case.
    pub opens_case: bool,
    /// Its questions.
    pub questions: fn(&Ctx) -> Vec<Q>,
    /// Paragraphs before the questions (warnings for the case in hand).
    pub notes: fn(&Ctx) -> Vec<String>,
    /// Answers to start with (e.g. the last draft).
    pub prefill: fn(&Ctx) -> Vec<(String, String)>,
    /// Final touches to the assembled command.
    pub tidy: fn(&mut Value),
}

fn no_notes(_: &Ctx) -> Vec<String> {
    Vec::new()
}
fn no_prefill(_: &Ctx) -> Vec<(String, String)> {
    Vec::new()
}
const fn no_tidy(_: &mut Value) {}

/// The machine name serde gives a value ("serious-harm").
fn key<T: Serialize>(t: &T) -> String {
    match serde_json::to_value(t) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn text(path: &str, label: &str) -> Q {
    Q::new(path, label, Kind::Text)
}
fn area(path: &str, label: &str) -> Q {
    Q::new(path, label, Kind::Textarea)
}
fn date(path: &str, label: &str) -> Q {
    Q::new(path, label, Kind::Date)
}
fn radios(path: &str, label: &str, opts: Vec<Opt>) -> Q {
    Q::new(path, label, Kind::Radios(opts))
}

fn agency_opts(ctx: &Ctx) -> Vec<Opt> {
    ctx.agencies
        .iter()
        .map(|(id, name)| Opt::new(id.to_string(), name.clone()))
        .collect()
}
fn agency_select(path: &str, label: &str, ctx: &Ctx) -> Q {
    let mut opts = vec![Opt::new("", "Choose an agency")];
    opts.extend(agency_opts(ctx));
    Q::new(path, label, Kind::Select(opts))
}
fn agency_checkboxes(path: &str, label: &str, ctx: &Ctx) -> Q {
    Q::new(path, label, Kind::Checkboxes(agency_opts(ctx)))
}
fn theme_checkboxes(path: &str, label: &str, ctx: &Ctx) -> Q {
    Q::new(
        path,
        label,
        Kind::Checkboxes(
            ctx.themes
                .iter()
                .map(|t| Opt::new(t.clone(), t.clone()))
                .collect(),
        ),
    )
    .optional()
}
fn agency_name(ctx: &Ctx, id: Uuid) -> String {
    ctx.agencies
        .iter()
        .find(|a| a.0 == id)
        .map_or_else(|| "An agency".to_owned(), |a| a.1.clone())
}

fn partner_radios() -> Q {
    radios(
        "partner",
        "Which safeguarding partner is signing off?",
        SafeguardingPartner::ALL
            .iter()
            .map(|p| Opt::new(key(p), capital(p.label())))
            .collect(),
    )
}

fn relationship_opts() -> Vec<Opt> {
    [
        ("mother", "Mother"),
        ("father", "Father"),
        ("stepparent", "Stepparent"),
        ("carer", "Carer"),
        ("grandparent", "Grandparent"),
        ("sibling", "Sibling"),
        ("partner_of_parent", "Partner of a parent"),
    ]
    .into_iter()
    .map(|(v, l)| Opt::new(v, l))
    .collect()
}

/// An action as most are: its slug is its command's name, with no notes, no prefill and no
/// tidying.
fn a(
    command: CommandKind,
    title: &'static str,
    button: &'static str,
    done: &'static str,
    questions: fn(&Ctx) -> Vec<Q>,
) -> Action {
    Action {
        slug: command.name(),
        command,
        title,
        button,
        done,
        opens_case: false,
        questions,
        notes: no_notes,
        prefill: no_prefill,
        tidy: no_tidy,
    }
}

/// Every action, in the order of the process.
pub fn all() -> Vec<Action> {
    [
        referral::actions(),
        rapid_review::actions(),
        review::actions(),
        report::actions(),
        action_plan::actions(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The action with this slug.
#[must_use]
pub fn find(slug: &str) -> Option<Action> {
    all().into_iter().find(|a| a.slug == slug)
}
