//! The anonymisation review and publication of the overview report: what the case knows
//! about everyone in it (for the redaction engine, `cspr-redact`), the scan of the report, the
//! redacted text, the check for names left, the residual risks, and the workflows that record
//! them: the scan, each finding's review and accepting every finding left in one action, the
//! check for names left, publishing with the public copy written in
//! the same transaction as the event, and withdrawing with the public copy taken down with it.

use std::collections::{BTreeMap, HashMap};

use cspr_domain::anonymisation::{
    AnonymisationReview, FindingDecision, RemainingName, ReportPart, ScanFinding,
};
use cspr_domain::case::{Case, Command, Event};
use cspr_domain::ids::{AgencyId, CaseId};
use cspr_domain::report::OverviewReport;
use cspr_domain::vocab::{AgeOrDateOfBirth, NonEmptyText, Relationship};
use cspr_redact::{CaseKnowledge, CasePerson, Label, Policy};
use cspr_store::NewPublishedReport;
use time::Date;
use uuid::Uuid;

use crate::{Actor, App, AppError, Services};

// ------------------------------------------------------------------------------------------
// What the case knows, and the engine run on the report
// ------------------------------------------------------------------------------------------

/// The people the case records, with the pseudonyms the published text uses for them.
struct People(CaseKnowledge);

impl People {
    fn add(
        &mut self,
        role: &str,
        name: &str,
        aliases: Vec<String>,
        dob: Option<String>,
        addresses: Vec<String>,
        pseudonym: &str,
    ) {
        let name = name.trim();
        if name.is_empty() || self.0.people.iter().any(|p| p.name == name) {
            return;
        }
        // Two mothers recorded get "Mother" and "Mother 2": a pseudonym names one person.
        let mut chosen = pseudonym.to_owned();
        let mut n = 2;
        while self.0.pseudonyms.values().any(|v| *v == chosen) {
            chosen = format!("{pseudonym} {n}");
            n += 1;
        }
        self.0.people.push(CasePerson {
            role: role.to_owned(),
            name: name.to_owned(),
            aliases,
            dob,
            addresses,
        });
        self.0.pseudonyms.insert(name.to_owned(), chosen);
    }
}

fn address_text(a: &cspr_domain::case::model::Address) -> String {
    let mut parts: Vec<String> = a
        .lines
        .iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(p) = &a.postcode {
        parts.push(p.as_str().to_owned());
    }
    parts.join(", ")
}

fn dob_text(age: Option<&AgeOrDateOfBirth>) -> Option<String> {
    match age {
        Some(AgeOrDateOfBirth::DateOfBirth(d)) => Some(format!(
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )),
        _ => None,
    }
}

pub fn relationship_words(r: &Relationship) -> String {
    match r {
        Relationship::OtherRelative(w) | Relationship::Other(w) => {
            let mut c = w.trim().chars();
            c.next().map_or_else(
                || "Relative".to_owned(),
                |f| f.to_uppercase().chain(c).collect(),
            )
        }
        Relationship::PartnerOfParent => "Partner of a parent".to_owned(),
        other => other.to_string(),
    }
}

/// What the case knows about everyone in it, for the redaction engine: the children ("Child A",
/// "Child B"), the family by relationship ("Mother"), practitioners by role, the review's own
/// people. The pseudonym table comes from the same records.
#[must_use]
pub fn knowledge(case: &Case) -> CaseKnowledge {
    let mut people = People(CaseKnowledge::default());
    for (i, child) in case.children.iter().enumerate() {
        let letter = u8::try_from(i).ok().filter(|i| *i < 26).map_or_else(
            || format!("{}", i + 1),
            |i| char::from(b'A' + i).to_string(),
        );
        people.add(
            "child",
            child.name.as_str(),
            child
                .aliases
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            dob_text(Some(&child.age)),
            child.address.iter().map(address_text).collect(),
            &case
                .pseudonyms
                .get(&child.person_id)
                .cloned()
                .unwrap_or_else(|| format!("Child {letter}")),
        );
    }
    if let Some(referral) = &case.referral {
        for carer in &referral.carers {
            let words = relationship_words(&carer.relationship);
            people.add(
                &words.to_lowercase(),
                carer.name.as_str(),
                carer
                    .aliases
                    .iter()
                    .map(|a| a.as_str().to_owned())
                    .collect(),
                dob_text(carer.age.as_ref()),
                carer.addresses.iter().map(address_text).collect(),
                case.pseudonyms.get(&carer.person_id).unwrap_or(&words),
            );
        }
        people.add(
            "referrer",
            referral.referrer.as_str(),
            vec![],
            None,
            vec![],
            "The referrer",
        );
    }
    for contact in &case.family_contacts {
        let words = relationship_words(&contact.relationship);
        people.add(
            &words.to_lowercase(),
            contact.relative.as_str(),
            vec![],
            None,
            vec![],
            &words,
        );
    }
    for p in &case.practitioners {
        let role = if p.role_title.trim().is_empty() {
            "Practitioner".to_owned()
        } else {
            relationship_words(&Relationship::Other(p.role_title.clone()))
        };
        people.add("practitioner", p.name.as_str(), vec![], None, vec![], &role);
    }
    if let Some((approver, _, _)) = &case.referral_approved {
        people.add(
            "subgroup member",
            approver.as_str(),
            vec![],
            None,
            vec![],
            "A subgroup member",
        );
    }
    for m in &case.panel {
        people.add(
            "panel member",
            m.name.as_str(),
            vec![],
            None,
            vec![],
            "A panel member",
        );
    }
    if let Some(r) = &case.reviewer {
        people.add(
            "reviewer",
            r.name.as_str(),
            vec![],
            None,
            vec![],
            "The independent reviewer",
        );
    }
    people.0
}

/// The text with its markup (`<p>`, `<em>`) turned into spaces, character for character, so the
/// engine reads words and its offsets are offsets into the stored text.
pub fn masked(text: &str) -> String {
    // Only a real tag is markup: `<` then a letter or `/`, closed by `>` before any other `<`.
    // A lone `<` ("aged < 5") stays text, so nothing after it escapes the scan.
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let opens = chars[i] == '<'
            && chars
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/');
        let close = if opens {
            chars[i + 1..]
                .iter()
                .position(|c| *c == '>' || *c == '<')
                .filter(|k| chars[i + 1 + k] == '>')
                .map(|k| i + 1 + k)
        } else {
            None
        };
        match close {
            Some(end) => {
                out.extend(std::iter::repeat_n(' ', end + 1 - i));
                i = end + 1;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

fn chars_before(text: &str, byte: usize) -> u32 {
    u32::try_from(text[..byte].chars().count()).unwrap_or(u32::MAX)
}

fn reason_name(r: cspr_redact::Reason) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The engine's findings in every part of the report.
#[must_use]
pub fn scan_report(report: &OverviewReport, known: &CaseKnowledge) -> Vec<ScanFinding> {
    let mut out = Vec::new();
    for part in ReportPart::all(report) {
        let Some(text) = part.text(report) else {
            continue;
        };
        let plain = masked(text);
        let start_of_part = out.len();
        for f in cspr_redact::find(&plain, known) {
            let (byte_start, replacement) =
                cspr_redact::replacement_for(&plain, &f, known, Policy::default());
            let mut byte_start = byte_start.min(f.byte_start);
            if f.person.is_some() && f.label == Label::Person {
                byte_start = title_before(&plain, byte_start);
            }
            let start = chars_before(&plain, byte_start);
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a confidence between 0 and 1 in percent"
            )]
            let confidence = (f.confidence.clamp(0.0, 1.0) * 100.0).round() as u8;
            out.push(ScanFinding {
                part,
                start,
                end: u32::try_from(f.end).unwrap_or(u32::MAX),
                label: f.label.as_str().to_owned(),
                // A finding in doubt carries its note for the reviewer: "reason|note".
                reason: match f.note {
                    Some(note) => format!("{}|{note}", reason_name(f.reason)),
                    None => reason_name(f.reason),
                },
                confidence,
                known_person: f.person.is_some(),
                replacement,
            });
        }
        merge_names(&plain, &mut out, start_of_part);
    }
    out
}

/// Where a courtesy title right before a known person's name starts ("Mrs Beth Example"
/// becomes "Mother", not "Mrs Mother"); `at` when there is none.
fn title_before(plain: &str, at: usize) -> usize {
    const TITLES: [&str; 7] = ["mr", "mrs", "ms", "miss", "mx", "dr", "master"];
    let Some(head) = plain[..at].strip_suffix(' ') else {
        return at;
    };
    let word_start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = head[word_start..].trim_end_matches('.').to_lowercase();
    if TITLES.contains(&word.as_str()) {
        word_start
    } else {
        at
    }
}

/// Joins a person's names found as separate spans ("Beth" and "Example", the surname shared
/// with the child) into one finding, so the text reads "Mother", not "Mother Child A". The first
/// name says whose name it is.
fn merge_names(plain: &str, findings: &mut Vec<ScanFinding>, from: usize) {
    let chars: Vec<char> = plain.chars().collect();
    let mut i = from;
    while i + 1 < findings.len() {
        let (a, b) = (&findings[i], &findings[i + 1]);
        let gap = chars
            .get(a.end as usize..b.start as usize)
            .unwrap_or_default();
        if a.label == "PERSON"
            && b.label == "PERSON"
            && a.part == b.part
            && !gap.is_empty()
            && gap.iter().all(|c| *c == ' ')
        {
            let b = findings.remove(i + 1);
            let a = &mut findings[i];
            a.end = b.end;
            a.confidence = a.confidence.min(b.confidence);
            if !a.known_person && b.known_person {
                a.replacement = b.replacement;
                a.reason = b.reason;
            }
            a.known_person |= b.known_person;
        } else {
            i += 1;
        }
    }
}

/// The text of each part of the report after the review: accepted findings and widened spans
/// replaced, rejected ones left. Overlapping spans are replaced once, by the first.
#[must_use]
pub fn redacted_parts(
    report: &OverviewReport,
    review: &AnonymisationReview,
) -> BTreeMap<ReportPart, String> {
    let mut spans: BTreeMap<ReportPart, Vec<(u32, u32, &str)>> = BTreeMap::new();
    for (part, start, end, f) in review.replaced_spans() {
        spans
            .entry(part)
            .or_default()
            .push((start, end, f.replacement.as_str()));
    }
    let mut out = BTreeMap::new();
    for part in ReportPart::all(report) {
        let Some(text) = part.text(report) else {
            continue;
        };
        let mut list = spans.remove(&part).unwrap_or_default();
        list.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
        let chars: Vec<char> = text.chars().collect();
        let mut redacted = String::with_capacity(text.len());
        let mut pos = 0usize;
        for (start, end, replacement) in list {
            let (s, e) = (start as usize, (end as usize).min(chars.len()));
            if e <= pos {
                continue;
            }
            let s = s.max(pos);
            redacted.extend(&chars[pos..s]);
            redacted.push_str(replacement);
            pos = e;
        }
        redacted.extend(&chars[pos.min(chars.len())..]);
        out.insert(part, generalise(&redacted, &review.generalised));
    }
    out
}

/// A redacted text with the details the team generalised put in their general words
/// (wherever the text has them: a detail's key is the same for the same words).
#[must_use]
pub fn generalise(text: &str, generalised: &BTreeMap<String, String>) -> String {
    if generalised.is_empty() {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    // Found in the text with its markup masked (as the jigsaw check reads it: the tags are
    // spaces, byte for byte), replaced in the stored text; the words are escaped, as the
    // stored text may be rich text.
    let rich = cspr_export::richtext::is_html(text);
    let mut items = cspr_redact::quasi_identifiers(&masked(text));
    items.sort_by_key(|q| std::cmp::Reverse(q.byte_start));
    let mut until = usize::MAX;
    for q in items {
        let Some(to) = generalised.get(&q.key) else {
            continue;
        };
        if q.byte_end > until
            || !out.is_char_boundary(q.byte_start)
            || !out.is_char_boundary(q.byte_end)
        {
            continue;
        }
        let words = if rich {
            cspr_export::escape_html(to)
        } else {
            to.clone()
        };
        out.replace_range(q.byte_start..q.byte_end, &words);
        until = q.byte_start;
    }
    out
}

/// One detail of a jigsaw risk, as the publication page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JigsawDetail {
    /// Its key (to generalise it).
    pub key: String,
    /// What kind of detail.
    pub kind: &'static str,
    /// Its words in the redacted report.
    pub text: String,
    /// More general words the engine suggests.
    pub suggestion: String,
}

/// A combination of details left in the redacted report that could identify the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JigsawItem {
    /// Its key (to keep it).
    pub key: String,
    /// The part of the report.
    pub part: String,
    /// High, medium or low.
    pub level: cspr_redact::RiskLevel,
    /// Why these details together are a risk.
    pub reason: String,
    /// The details.
    pub details: Vec<JigsawDetail>,
    /// The team kept it.
    pub accepted: bool,
}

impl JigsawItem {
    /// A high risk neither kept nor broken up by a generalisation: publication waits for it.
    #[must_use]
    pub fn blocks(&self) -> bool {
        self.level == cspr_redact::RiskLevel::High && !self.accepted
    }
}

fn kind_words(kind: cspr_redact::QuasiKind) -> &'static str {
    use cspr_redact::QuasiKind as Q;
    match kind {
        Q::ExactAge => "An exact age",
        Q::SchoolYear => "A school year",
        Q::MonthAndYear => "A month and year",
        Q::SeasonAndYear => "A season and year",
        Q::Place => "A place",
        Q::SmallPlace => "A small place",
        Q::UnusualEvent => "An unusual event",
        _ => "A detail",
    }
}

/// The jigsaw check of the report as it would be published (redacted, generalised): every
/// combination of details that could identify the family, highest risk first. A generalised
/// detail is no longer in the text, so the combinations it broke are gone.
#[must_use]
pub fn jigsaw(report: &OverviewReport, review: &AnonymisationReview) -> Vec<JigsawItem> {
    let mut out = Vec::new();
    for (part, text) in redacted_parts(report, review) {
        for r in cspr_redact::jigsaw_risks(&masked(&text)) {
            out.push(JigsawItem {
                accepted: review.accepted_risks.contains(&r.key),
                key: r.key,
                part: part.label(),
                level: r.level,
                reason: r.reason,
                details: r
                    .items
                    .into_iter()
                    .map(|q| JigsawDetail {
                        key: q.key,
                        kind: kind_words(q.kind),
                        text: q.text,
                        suggestion: q.suggestion,
                    })
                    .collect(),
            });
        }
    }
    out.sort_by_key(|i| std::cmp::Reverse(i.level));
    out
}

/// Records the team's decision on a jigsaw risk (keep it) or a detail (generalise it), against
/// the case version the page showed.
///
/// # Errors
/// The case's refusal, a change since `expected_version`, store failures.
pub async fn decide_jigsaw(
    app: &App,
    case_id: CaseId,
    expected_version: u64,
    key: &str,
    decision: cspr_domain::anonymisation::JigsawDecision,
    actor: Actor,
) -> Result<u64, AppError> {
    app.execute(
        case_id,
        Some(expected_version),
        Command::DecideJigsawRisk {
            key: key.to_owned(),
            decision,
        },
        actor,
    )
    .await
}

/// The report as it will be published: every part redacted.
#[must_use]
pub fn redacted_report(report: &OverviewReport, review: &AnonymisationReview) -> OverviewReport {
    let mut out = report.clone();
    for (part, text) in redacted_parts(report, review) {
        match part {
            ReportPart::Section(s) => {
                out.sections.insert(s, text);
            }
            ReportPart::Recommendation(i) => {
                if let Some(r) = usize::try_from(i)
                    .ok()
                    .and_then(|i| out.recommendations.get_mut(i))
                {
                    r.text = text;
                }
            }
        }
    }
    out
}

/// Whose names the redacted text still holds: the engine run again on it, keeping what it
/// finds of the case's people. Each is named by pseudonym, never by name.
#[must_use]
pub fn names_left(
    parts: &BTreeMap<ReportPart, String>,
    known: &CaseKnowledge,
) -> Vec<RemainingName> {
    let mut out: Vec<RemainingName> = Vec::new();
    for (part, text) in parts {
        let plain: Vec<char> = masked(text).chars().collect();
        for f in cspr_redact::find(&masked(text), known) {
            let Some(person) = f.person.and_then(|p| known.people.get(p)) else {
                continue;
            };
            if !matches!(f.label, Label::Person | Label::DateOfBirth) {
                continue;
            }
            // A known name used as an ordinary word ("health visitors" when a practitioner is
            // called Visitor) is put before the reviewer in the scan, in doubt, with its note;
            // one the reviewer kept as a word must not stop publication here.
            if f.note.is_some() {
                continue;
            }
            // A name in two spans ("Beth" "Example") is one name, whose first name says whose.
            if let Some(last) = out.last_mut()
                && last.part == *part
                && plain
                    .get(last.end as usize..f.start)
                    .is_some_and(|gap| !gap.is_empty() && gap.iter().all(|c| *c == ' '))
            {
                last.end = u32::try_from(f.end).unwrap_or(u32::MAX);
                continue;
            }
            out.push(RemainingName {
                part: *part,
                start: u32::try_from(f.start).unwrap_or(u32::MAX),
                end: u32::try_from(f.end).unwrap_or(u32::MAX),
                who: known
                    .pseudonyms
                    .get(&person.name)
                    .cloned()
                    .unwrap_or_else(|| "someone the case records".to_owned()),
            });
        }
    }
    out
}

/// One line of the residual-risk report.
#[derive(Debug, Clone)]
pub struct Risk {
    /// The part of the report.
    pub part: String,
    /// What kind of risk.
    pub what: &'static str,
    /// The words at risk.
    pub text: String,
}

/// What could still identify someone in the redacted text: exact ages and unrecognised
/// capitalised words (the engine's residual list), and places the team chose to keep.
pub fn residual(
    parts: &BTreeMap<ReportPart, String>,
    review: &AnonymisationReview,
    report: &OverviewReport,
) -> Vec<Risk> {
    let mut out = Vec::new();
    for (part, text) in parts {
        for r in cspr_redact::residual_risks(&masked(text)) {
            out.push(Risk {
                part: part.label(),
                what: match r.kind {
                    cspr_redact::ResidualKind::Age => "An exact age",
                    cspr_redact::ResidualKind::UnrecognisedName => {
                        "A rare detail or name no detector recognised"
                    }
                },
                text: r.text,
            });
        }
    }
    for (i, f) in review.findings.iter().enumerate() {
        let rejected = u32::try_from(i)
            .ok()
            .and_then(|i| review.decisions.get(&i))
            .is_some_and(|d| *d == FindingDecision::Reject);
        if rejected
            && matches!(
                f.label.as_str(),
                "LOCATION" | "ADDRESS" | "POSTCODE" | "ORG"
            )
        {
            out.push(Risk {
                part: f.part.label(),
                what: "A place name kept in the text",
                text: span_text(report, f.part, f.start, f.end),
            });
        }
    }
    out
}

fn span_text(report: &OverviewReport, part: ReportPart, start: u32, end: u32) -> String {
    let text = masked(part.text(report).unwrap_or_default());
    text.chars()
        .skip(start as usize)
        .take(end.saturating_sub(start) as usize)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A finding grown by whole words on either side (character offsets of the part's text).
pub fn widen(text: &str, start: u32, end: u32, before: usize, after: usize) -> (u32, u32) {
    let chars: Vec<char> = masked(text).chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-';
    let mut s = (start as usize).min(chars.len());
    for _ in 0..before {
        let mut i = s;
        while i > 0 && !word(chars[i - 1]) {
            i -= 1;
        }
        if i == 0 {
            break;
        }
        while i > 0 && word(chars[i - 1]) {
            i -= 1;
        }
        s = i;
    }
    let mut e = (end as usize).min(chars.len());
    for _ in 0..after {
        let mut i = e;
        while i < chars.len() && !word(chars[i]) {
            i += 1;
        }
        if i == chars.len() {
            break;
        }
        while i < chars.len() && word(chars[i]) {
            i += 1;
        }
        e = i;
    }
    (
        u32::try_from(s).unwrap_or(u32::MAX),
        u32::try_from(e).unwrap_or(u32::MAX),
    )
}

/// A key of the scan a page showed, so a decision made on a page older than the last scan is
/// not applied to a different finding.
pub fn scan_key(review: &AnonymisationReview) -> String {
    let json = serde_json::to_vec(&(review.version, review.scanned_on, &review.findings))
        .unwrap_or_default();
    blake3::hash(&json).to_hex()[..16].to_owned()
}

// ------------------------------------------------------------------------------------------
// The workflows
// ------------------------------------------------------------------------------------------

/// The earliest day of publication: 7 working days after the report went to the Panel and the
/// Secretary of State (WT2023 ch.5; the notice is a setting), or `None` before it went. A
/// statutory count: the partnership's closure days do not lengthen it (the domain's rule).
#[must_use]
pub fn earliest_publication(app: &App, case: &Case) -> Option<Date> {
    case.report_sent_on.map(|sent| {
        cspr_domain::deadlines::earliest_publication(sent, app.calendar(), app.settings())
    })
}

/// The learning themes a public copy lists: the case's and its recommendations'.
#[must_use]
pub fn themes(case: &Case) -> Vec<String> {
    let mut all: Vec<String> = case.themes.iter().cloned().collect();
    if let Some(d) = case.latest_draft() {
        for r in &d.report.recommendations {
            all.extend(r.themes.iter().cloned());
        }
    }
    all.sort();
    all.dedup();
    all
}

/// Scans the latest version of the report (nothing to scan before there is one) and records the
/// findings. Returns how many there are.
///
/// # Errors
/// The case's refusal, a change since the case was read, store failures.
pub async fn scan(
    app: &App,
    case_id: CaseId,
    case: &Case,
    actor: Actor,
) -> Result<usize, AppError> {
    let (version, findings) = match case.latest_draft() {
        Some(d) => (d.version, scan_report(&d.report, &knowledge(case))),
        None => (0, Vec::new()),
    };
    let found = findings.len();
    app.execute(
        case_id,
        Some(case.version),
        Command::ScanReport { version, findings },
        actor,
    )
    .await?;
    Ok(found)
}

/// Scans the redacted text again for names the case records and records what it found. Returns
/// how many names are left (how many, never whose: callers may log it).
///
/// # Errors
/// The case's refusal, a change since the case was read, store failures.
pub async fn check(
    app: &App,
    case_id: CaseId,
    case: &Case,
    actor: Actor,
) -> Result<usize, AppError> {
    let remaining = match (&case.anonymisation, case.latest_draft()) {
        (Some(review), Some(draft)) => {
            names_left(&redacted_parts(&draft.report, review), &knowledge(case))
        }
        _ => Vec::new(),
    };
    let found = remaining.len();
    app.execute(
        case_id,
        Some(case.version),
        Command::CheckAnonymisation { remaining },
        actor,
    )
    .await?;
    Ok(found)
}

/// How many words on either side a finding may be widened by.
pub const MAX_WIDEN_WORDS: usize = 5;

/// The reviewer's choice on one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Replace the text found.
    Accept,
    /// Keep the text: it is not personal.
    Reject,
    /// Replace the text found and some words on either side.
    Widen {
        /// Words before.
        before: usize,
        /// Words after.
        after: usize,
    },
}

/// Why a choice on a finding was not recorded. Nothing is written.
#[derive(Debug)]
pub enum ReviewError {
    /// No such finding on the current scan.
    NoFinding,
    /// The report was scanned again since the page was opened.
    Rescanned,
    /// Widened by more than [`MAX_WIDEN_WORDS`] on a side.
    TooWide,
    /// Widened by no words at all.
    NotWidened,
    /// No more words on the side asked for.
    NoMoreWords,
    /// The case refused, or the store failed.
    App(AppError),
}

impl From<AppError> for ReviewError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

/// Records the choice on finding `index` (from 0) of the scan the page showed (`scan`, its
/// [`scan_key`]), on the case as it was read.
///
/// # Errors
/// [`ReviewError`].
pub async fn review_finding(
    app: &App,
    case_id: CaseId,
    case: &Case,
    index: usize,
    scan: &str,
    choice: Choice,
    actor: Actor,
) -> Result<(), ReviewError> {
    let (Some(review), Some(draft)) = (&case.anonymisation, case.latest_draft()) else {
        return Err(ReviewError::NoFinding);
    };
    let Some(f) = review.findings.get(index) else {
        return Err(ReviewError::NoFinding);
    };
    if review.version != draft.version || scan != scan_key(review) {
        return Err(ReviewError::Rescanned);
    }
    let decision = match choice {
        Choice::Accept => FindingDecision::Accept,
        Choice::Reject => FindingDecision::Reject,
        Choice::Widen { before, after } => {
            if before > MAX_WIDEN_WORDS || after > MAX_WIDEN_WORDS {
                return Err(ReviewError::TooWide);
            }
            if before == 0 && after == 0 {
                return Err(ReviewError::NotWidened);
            }
            let text = f.part.text(&draft.report).unwrap_or_default();
            let (start, end) = widen(text, f.start, f.end, before, after);
            if (start, end) == (f.start, f.end) {
                return Err(ReviewError::NoMoreWords);
            }
            FindingDecision::Widen { start, end }
        }
    };
    let finding = u32::try_from(index).map_err(|_| ReviewError::NoFinding)?;
    app.execute(
        case_id,
        Some(case.version),
        Command::ReviewFinding { finding, decision },
        actor,
    )
    .await?;
    Ok(())
}

/// Accepts every finding of the current scan not reviewed yet (the cautious choice: the text is
/// replaced), in one user action. Findings already decided keep their decision. Returns how
/// many were accepted.
///
/// # Errors
/// The case's refusal, a change since `expected_version`, store failures; nothing is written on
/// any.
pub async fn accept_rest(
    app: &App,
    case_id: CaseId,
    expected_version: u64,
    actor: Actor,
) -> Result<usize, AppError> {
    app.transact(case_id, Some(expected_version), actor, |unit| {
        let open: Vec<u32> = unit
            .case()
            .anonymisation
            .as_ref()
            .map(|review| {
                (0..review.findings.len())
                    .filter_map(|i| u32::try_from(i).ok())
                    .filter(|i| !review.decisions.contains_key(i))
                    .collect()
            })
            .unwrap_or_default();
        for finding in &open {
            unit.run(Command::ReviewFinding {
                finding: *finding,
                decision: FindingDecision::Accept,
            })?;
        }
        Ok(open.len())
    })
    .await
    .map(|(n, _)| n)
}

/// Why a text for the public page (a published report's title or summary) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicTextError {
    /// It is empty.
    Missing,
    /// It is longer than the page allows.
    TooLong,
    /// It names someone the case records: the pseudonym to use instead.
    Names(String),
}

/// Which people the case records a text names, by the pseudonyms the public text uses.
#[must_use]
fn names_in(text: &str, known: &CaseKnowledge) -> Vec<String> {
    let mut out: Vec<String> = cspr_redact::find(text, known)
        .into_iter()
        // A known name the engine doubts, written in lower case ("health visitors" when a
        // practitioner is called Visitor), is the ordinary word: no one reviews these texts
        // finding by finding, and refusing it would leave nothing to reword. Capitalised, it
        // is refused like any name ("in June 2021" when a child is called June).
        .filter(|f| {
            f.note.is_none()
                || text
                    .get(f.byte_start..f.byte_end)
                    .and_then(|w| w.chars().next())
                    .is_none_or(char::is_uppercase)
        })
        .filter_map(|f| f.person.and_then(|p| known.people.get(p)))
        .filter_map(|p| known.pseudonyms.get(&p.name).cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A text for the public page, trimmed: present, at most `max_chars` long, and naming no one
/// the case records (a published title or summary is read by anyone).
///
/// # Errors
/// [`PublicTextError`].
pub fn public_text(
    text: &str,
    max_chars: usize,
    known: &CaseKnowledge,
) -> Result<String, PublicTextError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PublicTextError::Missing);
    }
    if text.chars().count() > max_chars {
        return Err(PublicTextError::TooLong);
    }
    match names_in(text, known).into_iter().next() {
        Some(pseudonym) => Err(PublicTextError::Names(pseudonym)),
        None => Ok(text.to_owned()),
    }
}

/// What the partnership team publishes.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The public title.
    pub title: String,
    /// The summary for the list of published reports.
    pub summary: String,
    /// The day of publication.
    pub published_on: Date,
    /// It stays online at least until then (a year when not given).
    pub online_until: Option<Date>,
    /// The team confirms the text passed the anonymisation review.
    pub anonymisation_reviewed: bool,
    /// Why the partners publish while a parallel process is still running.
    pub despite_parallel_process: Option<NonEmptyText>,
}

/// Information about the improvements, published when the partners decided not to publish the
/// report (PROCESS.md stage 12): each recommendation of the final report with the actions
/// agreed for it, then the actions answering none. Every text is checked for the people the
/// case records, as the page is public.
///
/// # Errors
/// [`AppError::Domain`] naming, by pseudonym, someone a text names.
pub fn improvements(
    case: &Case,
    agency_name: &dyn Fn(AgencyId) -> String,
) -> Result<cspr_store::Improvements, AppError> {
    use cspr_store::{Improvement, ImprovementAction};
    let known = knowledge(case);
    let checked = |text: &str| -> Result<String, AppError> {
        match names_in(text, &known).into_iter().next() {
            None => Ok(text.trim().to_owned()),
            Some(who) => Err(AppError::Domain(cspr_domain::case::DomainError::rule(
                format!(
                    "A recommendation or action to publish names someone the case records ({who}): reword it with the pseudonym before publishing."
                ),
            ))),
        }
    };
    let actions_for = |rec: Option<cspr_domain::ids::RecommendationId>| {
        case.actions
            .values()
            .filter(|a| a.action.recommendation == rec)
            .map(|a| {
                Ok(ImprovementAction {
                    what: checked(a.action.description.as_str())?,
                    by: agency_name(a.action.agency),
                    due: cspr_domain::words::long_date(a.action.due_on),
                })
            })
            .collect::<Result<Vec<_>, AppError>>()
    };
    let mut items = Vec::new();
    if let Some(draft) = case.latest_draft() {
        for rec in &draft.report.recommendations {
            items.push(Improvement {
                recommendation: checked(&rec.text)?,
                actions: actions_for(Some(rec.id))?,
            });
        }
    }
    let others = actions_for(None)?;
    if !others.is_empty() {
        items.push(Improvement {
            recommendation: String::new(),
            actions: others,
        });
    }
    Ok(cspr_store::Improvements { items })
}

/// Publishes the case's report: the case is asked first (7 working days after sending,
/// findings reviewed, no known name left), then the public copy is made (a PDF of the redacted
/// report, or the page about the improvements when the partners decided not to publish the
/// report) and written in the same
/// transaction as the event, so there is never a copy without its publication or the reverse.
/// Returns the public copy's id.
///
/// # Errors
/// The case's refusal ([`AppError::Domain`]); a report already on the public page
/// (`AppError::Store(StoreError::Duplicate)`); a change since `expected_version`; store and
/// rendering failures. Nothing is written on any.
pub async fn publish(
    services: &Services,
    case_id: CaseId,
    expected_version: u64,
    publication: &Publication,
    actor: Actor,
) -> Result<Uuid, AppError> {
    let app = services.app();
    let command = Command::Publish {
        published_on: publication.published_on,
        anonymisation_reviewed: publication.anonymisation_reviewed,
        online_until: publication.online_until,
        despite_parallel_process: publication.despite_parallel_process.clone(),
    };
    let (case, _) = app.load(case_id).await?;
    let events = app.check_case(&case, command.clone(), actor)?;
    let until = events.iter().find_map(|e| match e {
        Event::Published { online_until, .. } => *online_until,
        _ => None,
    });
    let agencies: HashMap<AgencyId, String> = services
        .store()
        .agencies(services.partnership_id().as_uuid())
        .await?
        .into_iter()
        .map(|a| (AgencyId::from_uuid(a.id), a.name))
        .collect();
    let (pdf, improvements, body_text) = if case.publishes_full_report() {
        let (Some(review), Some(draft)) = (&case.anonymisation, case.latest_draft()) else {
            return Err(AppError::Internal(
                "the case allowed publication without an anonymisation review".into(),
            ));
        };
        // Issue 19: a combination of details that could identify the family is kept or broken
        // up (a detail generalised) before the report goes out.
        let open = jigsaw(&draft.report, review)
            .iter()
            .filter(|i| i.blocks())
            .count();
        if open > 0 {
            return Err(AppError::Domain(cspr_domain::case::DomainError::rule(
                format!(
                    "{open} combination{} of details could identify the family: keep each, or put one of its details in more general words, before publishing.",
                    if open == 1 { "" } else { "s" }
                ),
            )));
        }
        let report = redacted_report(&draft.report, review);
        let title_page = cspr_export::TitlePage {
            title: publication.title.clone(),
            subtitle: None,
            author: services.partnership_name().to_owned(),
            date: Some(publication.published_on),
        };
        let doc = cspr_export::overview_report(&report, &title_page, &agencies);
        let text = doc.plain_text();
        let pdf = tokio::task::spawn_blocking(move || cspr_export::to_public_pdf(&doc))
            .await
            .map_err(|e| AppError::Internal(format!("the PDF task failed: {e}")))?
            .map_err(|e| AppError::Internal(format!("the public PDF could not be made: {e}")))?;
        (pdf, None, Some(text))
    } else {
        let name = |a: AgencyId| {
            agencies
                .get(&a)
                .cloned()
                .unwrap_or_else(|| "An agency".to_owned())
        };
        let published = improvements(&case, &name)?;
        let text = published
            .items
            .iter()
            .flat_map(|i| {
                std::iter::once(i.recommendation.clone())
                    .chain(i.actions.iter().map(|a| a.what.clone()))
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        (Vec::new(), Some(published), Some(text))
    };
    let copy = NewPublishedReport {
        id: Uuid::new_v4(),
        partnership_id: services.partnership_id().as_uuid(),
        case_id: case_id.as_uuid(),
        title: publication.title.clone(),
        summary: publication.summary.clone(),
        themes: themes(&case),
        published_on: publication.published_on,
        online_until: until.unwrap_or(publication.published_on),
        pdf,
        improvements,
        body_text,
        age_group: Some(crate::library::age_group_of(&case).as_str().to_owned()),
        created_at: actor.now,
    };

    let id = copy.id;
    app.transact(case_id, Some(expected_version), actor, |unit| {
        unit.run(command.clone())?;
        unit.publish(copy.clone());
        Ok(())
    })
    .await?;
    // The library finds it from now on (a failure is logged and mended by the next refresh).
    crate::library::published(services, id).await;
    Ok(id)
}

/// Takes the published report down: recorded on the case with its reason, and off the public
/// page in the same transaction; then out of the library's indexes.
///
/// # Errors
/// The case's refusal, a change since `expected_version`, store failures.
pub async fn withdraw(
    services: &Services,
    case_id: CaseId,
    expected_version: u64,
    removed_on: Date,
    reason: NonEmptyText,
    actor: Actor,
) -> Result<u64, AppError> {
    let online = services
        .store()
        .published_report_for_case(case_id.as_uuid())
        .await?
        .filter(|r| r.withdrawn_on.is_none())
        .map(|r| r.id);
    let ((), version) = services
        .app()
        .transact(case_id, Some(expected_version), actor, |unit| {
            unit.run(Command::Unpublish {
                removed_on,
                reason: Some(reason.clone()),
            })?;
            unit.withdraw_public_copy(removed_on);
            Ok(())
        })
        .await?;
    // Out of the library at once: a withdrawn report may identify someone.
    if let Some(id) = online {
        crate::library::withdrawn(services, id).await;
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    /// Issue 19: a detail is found in rich text as the jigsaw check finds it (markup masked)
    /// and replaced in the stored text, its words escaped.
    #[test]
    fn a_generalised_detail_is_replaced_in_rich_text() {
        let html = "<p>She was aged <strong>2 years 3 months</strong> at the time.</p>";
        let found = cspr_redact::quasi_identifiers(&masked(html));
        let age = found
            .iter()
            .find(|q| q.kind == cspr_redact::QuasiKind::ExactAge)
            .expect("the age is found through the markup");
        let out = generalise(
            html,
            &BTreeMap::from([(age.key.clone(), "a <toddler>".to_owned())]),
        );
        assert!(out.contains("a &lt;toddler&gt;"), "{out}");
        assert!(!out.contains("3 months"), "{out}");
        assert!(out.starts_with("<p>She was "), "{out}");
        // Plain text is not escaped.
        let plain = "She was aged 2 years 3 months at the time.";
        let key = cspr_redact::quasi_identifiers(plain)
            .into_iter()
            .find(|q| q.kind == cspr_redact::QuasiKind::ExactAge)
            .expect("age")
            .key;
        assert_eq!(
            generalise(
                plain,
                &BTreeMap::from([(key, "a toddler & more".to_owned())])
            ),
            "She was a toddler & more at the time."
        );
    }

    use super::*;

    #[test]
    fn markup_becomes_spaces_character_for_character() {
        let html = "<p>Jane <em>Smith</em> \u{e9}t\u{e9}</p>";
        let plain = masked(html);
        assert_eq!(plain.chars().count(), html.chars().count());
        assert_eq!(
            plain.split_whitespace().collect::<Vec<_>>(),
            ["Jane", "Smith", "\u{e9}t\u{e9}"]
        );
    }

    #[test]
    fn a_lone_angle_bracket_hides_nothing_from_the_scan() {
        let text = "Aged < 5, Jane Smith > said <b>Lee</b>";
        let plain = masked(text);
        assert_eq!(plain.chars().count(), text.chars().count());
        assert!(plain.contains("< 5, Jane Smith > said"), "{plain}");
        assert!(plain.contains(" Lee "), "{plain}");
        assert!(!plain.contains("<b>"), "{plain}");
    }

    #[test]
    fn a_title_goes_with_a_known_name() {
        let text = "She told Mrs. Beth Example and Dr Lee.";
        assert_eq!(title_before(text, 14), 9);
        assert_eq!(title_before(text, 30), 30, "no title before \"Dr\"");
        assert_eq!(title_before("Beth", 0), 0);
    }

    #[test]
    fn widening_takes_whole_words_and_stops_at_the_ends() {
        let text = "Seen by Dr Jane Lee at home.";
        // "Jane" is 11..15.
        assert_eq!(widen(text, 11, 15, 1, 1), (8, 19));
        assert_eq!(widen(text, 11, 15, 0, 2), (11, 22));
        assert_eq!(widen(text, 11, 15, 9, 0), (0, 15));
        assert_eq!(widen(text, 11, 15, 0, 9), (11, 27));
    }
}
