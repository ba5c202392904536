//! A case's events in plain English, for the case page's timeline: one short sentence an
//! event, with the day it happened. Free text is quoted on one line and cut to
//! [`EXCERPT_CHARS`] characters; the full text stays on the pages that show it in full.

use time::Date;

use crate::case::Event;
use crate::case::Stage;
use crate::case::model::{
    AbuseOrNeglect, CaseOpening, ContributionKind, FamilyContact, Harm, Incident,
    LearningEventKind, NotifiableBecause, ParallelProcessKind, PublicationDecision, ReviewOutcome,
    TriageOutcome,
};
use crate::ids::AgencyId;
use crate::vocab::Relationship;
use crate::words::{long_date, plural};

/// The longest excerpt of free text a timeline sentence carries, in characters, ellipsis
/// included.
pub const EXCERPT_CHARS: usize = 120;

/// One line of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The day the event happened, when the event records it (never a due or planned day).
    pub date: Option<Date>,
    /// One sentence in plain English. It ends with a full stop, or with the ellipsis of a
    /// shortened free text, or with the question or exclamation mark a free text ended with.
    pub text: String,
    /// The stage the event moved the case into, when the event alone decides it (a triage, a
    /// first draft, closure); `None` for events that leave the stage alone or whose effect
    /// depends on the case.
    pub stage_hint: Option<Stage>,
}

/// Describes every event, in event order.
#[must_use]
pub fn timeline(events: &[Event], agency_name: &dyn Fn(AgencyId) -> String) -> Vec<Entry> {
    events.iter().map(|e| describe(e, agency_name)).collect()
}

/// Describes one event. `agency_name` turns an agency id into the name the partnership uses.
#[must_use]
#[expect(clippy::too_many_lines, reason = "one arm per event")]
pub fn describe(event: &Event, agency_name: &dyn Fn(AgencyId) -> String) -> Entry {
    let (date, text, stage_hint) = match event {
        Event::SeriousIncidentRecorded {
            reference,
            incident,
            children,
            became_aware_on,
            notifiable_because,
            partnership_id: _,
        } => (
            Some(*became_aware_on),
            format!(
                "The local authority became aware of a serious incident ({}): {}",
                excerpt(reference),
                what_happened(incident, children.len(), *notifiable_because)
            ),
            Some(Stage::Incident),
        ),
        Event::ReferralFoundNotifiable {
            became_aware_on, ..
        } => (
            Some(*became_aware_on),
            "The referral proved notifiable: the local authority became aware of a serious incident"
                .to_owned(),
            None,
        ),
        Event::NationalPanelNotified {
            notified_on,
            panel_reference,
        } => (
            Some(*notified_on),
            match panel_reference {
                Some(r) => format!("The National Panel was notified (reference {})", excerpt(r)),
                None => "The National Panel was notified".to_owned(),
            },
            None,
        ),
        Event::ReferralReceived { referral, opening } => (
            Some(referral.received_on),
            format!(
                "A referral was received from {} ({}){}",
                referral.referrer,
                agency_name(referral.referrer_agency),
                opening
                    .as_ref()
                    .map(|CaseOpening { reference, .. }| format!(
                        ", opening case {}",
                        excerpt(reference)
                    ))
                    .unwrap_or_default()
            ),
            Some(Stage::Referral),
        ),
        Event::ReferralApproved {
            approver,
            agency,
            approved_on,
        } => (
            Some(*approved_on),
            format!(
                "{approver} ({}) approved the referral",
                agency_name(*agency)
            ),
            Some(Stage::Triage),
        ),
        Event::ReferralTriaged {
            outcome,
            reasons,
            triaged_on,
            scoping_meeting_on,
        } => {
            let (route, stage) = match outcome {
                TriageOutcome::RapidReview => (
                    "The chair sent the referral to a rapid review".to_owned(),
                    Stage::RapidReview,
                ),
                TriageOutcome::Scoping => (
                    match scoping_meeting_on {
                        Some(d) => format!(
                            "The chair sent the referral to scoping at the subgroup meeting of {}",
                            long_date(*d)
                        ),
                        None => "The chair sent the referral to scoping".to_owned(),
                    },
                    Stage::Scoping,
                ),
                TriageOutcome::NoFurtherAction => (
                    "The chair decided on no further action for the referral".to_owned(),
                    Stage::Decided,
                ),
                TriageOutcome::RapidReviewCriteriaNotMet => (
                    "The chair determined that the case does not meet the criteria for a rapid review".to_owned(),
                    Stage::Decided,
                ),
            };
            (
                Some(*triaged_on),
                format!("{route}: {}", excerpt(reasons.as_str())),
                Some(stage),
            )
        }
        Event::ContributionsRequested {
            kind,
            agencies,
            requested_on,
            due_on,
        } => {
            let names: Vec<String> = agencies.iter().map(|a| agency_name(*a)).collect();
            let text = if names.is_empty() {
                format!(
                    "{} was asked for, due {}",
                    kind.with_article(),
                    long_date(*due_on)
                )
            } else {
                format!(
                    "{} were asked for {}, due {}",
                    and_list(&names),
                    a_kind(*kind),
                    long_date(*due_on)
                )
            };
            (Some(*requested_on), text, None)
        }
        Event::ContributionReceived {
            kind,
            agency,
            received_on,
            contribution,
        } => {
            let entries = contribution.chronology.len();
            let count = if entries == 0 {
                String::new()
            } else {
                format!(
                    " ({})",
                    plural(
                        i64::try_from(entries).unwrap_or(i64::MAX),
                        "entry",
                        "entries"
                    )
                )
            };
            (
                Some(*received_on),
                format!("{} sent {}{count}", agency_name(*agency), a_kind(*kind)),
                None,
            )
        }
        Event::ContributionDraftSaved {
            kind,
            agency,
            saved_on,
            link: None,
            ..
        } => (
            Some(*saved_on),
            format!(
                "{} saved a draft of {}",
                agency_name(*agency),
                a_kind(*kind)
            ),
            None,
        ),
        Event::ContributionDraftSaved {
            kind,
            agency,
            saved_on,
            link: Some(link),
            ..
        } => (
            Some(*saved_on),
            format!(
                "A practitioner (link {link}) saved a draft of {} for {}",
                a_kind(*kind),
                agency_name(*agency)
            ),
            None,
        ),
        Event::PractitionerAnswersSubmitted {
            kind,
            agency,
            link,
            submitted_on,
            ..
        } => (
            Some(*submitted_on),
            format!(
                "A practitioner (link {link}) sent answers to {} for {}, for the agency to accept or decline",
                a_kind(*kind),
                agency_name(*agency)
            ),
            None,
        ),
        Event::PractitionerAnswersAccepted {
            kind,
            agency,
            link,
            accepted_on,
        } => (
            Some(*accepted_on),
            format!(
                "{} accepted a practitioner's answers (link {link}) as its draft of {}",
                agency_name(*agency),
                a_kind(*kind)
            ),
            None,
        ),
        Event::PractitionerAnswersDeclined {
            kind,
            agency,
            link,
            reason,
            declined_on,
        } => (
            Some(*declined_on),
            format!(
                "{} declined a practitioner's answers (link {link}) to {}: {}",
                agency_name(*agency),
                a_kind(*kind),
                excerpt(reason.as_str())
            ),
            None,
        ),
        Event::ContributionReopened {
            kind,
            agency,
            reason,
            reopened_on,
        } => (
            Some(*reopened_on),
            format!(
                "The partnership team reopened {} from {}: {}",
                a_kind(*kind),
                agency_name(*agency),
                excerpt(reason.as_str())
            ),
            None,
        ),
        Event::ContributionDueChanged {
            kind,
            agencies,
            due_on,
            reason,
        } => {
            let names: Vec<String> = agencies.iter().map(|a| agency_name(*a)).collect();
            (
                None,
                format!(
                    "{} from {} is now due {}: {}",
                    kind.with_article(),
                    and_list(&names),
                    long_date(*due_on),
                    excerpt(reason.as_str())
                ),
                None,
            )
        }
        Event::KeyPracticeEpisodeMarked { key, .. } => (
            None,
            if *key {
                "An entry of the integrated chronology was marked as a key practice episode"
                    .to_owned()
            } else {
                "An entry of the integrated chronology is no longer marked as a key practice episode"
                    .to_owned()
            },
            None,
        ),
        Event::ContributionWaived {
            kind,
            agency,
            reason,
        } => (
            None,
            format!(
                "{} from {} is no longer needed: {}",
                kind.with_article(),
                agency_name(*agency),
                excerpt(reason.as_str())
            ),
            None,
        ),
        Event::RapidReviewMeetingHeld { held_on, notes } => (
            Some(*held_on),
            format!(
                "The rapid review meeting was held: {}",
                excerpt(notes.as_str())
            ),
            None,
        ),
        Event::SafetyActionRecorded { action } => (
            None,
            format!(
                "An immediate safety action was agreed for {}, due {}: {}",
                agency_name(action.agency),
                long_date(action.due_on),
                excerpt(action.description.as_str())
            ),
            None,
        ),
        Event::SafetyActionCompleted {
            action_id: _,
            completed_on,
        } => (
            Some(*completed_on),
            "An immediate safety action was carried out".to_owned(),
            None,
        ),
        Event::RapidReviewLearningRecorded { learning, themes } => {
            let themes = if themes.is_empty() {
                String::new()
            } else {
                let themes: Vec<String> = themes.iter().map(|t| excerpt(t)).collect();
                format!(" (themes: {})", and_list(&themes))
            };
            (
                None,
                format!(
                    "The rapid review's learning was recorded{themes}: {}",
                    excerpt(learning.as_str())
                ),
                None,
            )
        }
        Event::InequalitiesConsidered { consideration: _ } => (
            None,
            "The consideration of racism, other inequalities and disability was recorded"
                .to_owned(),
            None,
        ),
        Event::ScopingMeetingHeld { held_on, notes } => (
            Some(*held_on),
            format!("The scoping meeting was held: {}", excerpt(notes.as_str())),
            None,
        ),
        Event::LocalReviewDecided {
            outcome,
            decided_on,
            criteria: _,
            reasons: _,
        } => (
            Some(*decided_on),
            match outcome {
                ReviewOutcome::LocalReview => {
                    "The local review decision: hold a local review".to_owned()
                }
                ReviewOutcome::OtherLearning { form } => format!(
                    "The local review decision: another form of learning ({})",
                    inner(&excerpt(form.as_str()))
                ),
                ReviewOutcome::NoFurtherAction => {
                    "The local review decision: no further action".to_owned()
                }
            },
            None,
        ),
        Event::RapidReviewSignedOff { partner, signed_on } => (
            Some(*signed_on),
            format!(
                "{} signed off the rapid review",
                capitalise(partner.label())
            ),
            None,
        ),
        Event::RapidReviewSubmitted {
            submitted_on,
            resubmission,
        } => (
            Some(*submitted_on),
            if *resubmission {
                "The rapid review was sent again to the National Panel, with the information it asked for"
            } else {
                "The rapid review was sent to the National Panel"
            }
            .to_owned(),
            None,
        ),
        Event::PanelResponded {
            agrees,
            answer,
            comments,
            received_on,
        } => {
            let verdict = format!(
                "The National Panel {}",
                crate::case::model::PanelAnswer::recorded(*agrees, *answer).label()
            );
            (
                Some(*received_on),
                match comments {
                    Some(c) => format!("{verdict}: {}", excerpt(c.as_str())),
                    None => verdict,
                },
                None,
            )
        }
        Event::PanelMemberAppointed {
            member,
            conflict_accepted_because,
        } => (
            None,
            format!(
                "{} ({}, {}) was appointed to the review panel{}",
                member.name,
                excerpt(&member.role_title),
                agency_name(member.agency),
                conflict_accepted_because
                    .as_ref()
                    .map(|why| format!(
                        ", their agency's involvement accepted: {}",
                        excerpt(why.as_str())
                    ))
                    .unwrap_or_default()
            ),
            None,
        ),
        Event::TermsOfReferenceAgreed { terms } => (
            None,
            format!(
                "The terms of reference were agreed, covering {} to {}{}",
                long_date(terms.period_from),
                long_date(terms.period_to),
                terms
                    .report_due_on
                    .map(|d| format!(", the review to report by {}", long_date(d)))
                    .unwrap_or_default()
            ),
            None,
        ),
        Event::IndependentReviewerAppointed { reviewer } => (
            None,
            format!(
                "{} was appointed as the independent reviewer",
                reviewer.name
            ),
            None,
        ),
        Event::CommissioningCompleted { on } => (
            Some(*on),
            "Commissioning was completed and the review began".to_owned(),
            Some(Stage::Evidence),
        ),
        Event::PractitionerRecorded { practitioner } => (
            None,
            format!(
                "{} ({}, {}) was recorded as a practitioner",
                practitioner.name,
                excerpt(&practitioner.role_title),
                agency_name(practitioner.agency)
            ),
            None,
        ),
        Event::LearningEventScheduled {
            kind,
            on,
            invited,
            id: _,
        } => (
            None,
            format!(
                "A {} was scheduled for {}, with {} invited",
                learning_event(*kind),
                long_date(*on),
                plural(
                    i64::try_from(invited.len()).unwrap_or(i64::MAX),
                    "practitioner",
                    "practitioners"
                )
            ),
            None,
        ),
        Event::AdvanceInformationSent { sent_on, id: _ } => (
            Some(*sent_on),
            "Advance information for a learning event was sent".to_owned(),
            None,
        ),
        Event::LearningEventHeld { notes, id: _ } => (
            None,
            format!("A learning event was held: {}", excerpt(notes.as_str())),
            None,
        ),
        Event::FamilyContactRecorded { contact } => {
            (Some(contact.on), family_contact(contact), None)
        }
        Event::ContactConstraintRecorded { constraint } => (
            None,
            format!(
                "{} is not to be contacted for now: {}",
                constraint.person,
                excerpt(constraint.reason.as_str())
            ),
            None,
        ),
        Event::ParallelProcessStarted {
            kind,
            started_on,
            stops_clock,
            reason,
            id: _,
        } => (
            Some(*started_on),
            format!(
                "{} began{}: {}",
                capitalise(&a_process(*kind)),
                if *stops_clock {
                    ", stopping the review clock"
                } else {
                    " alongside the review"
                },
                excerpt(reason.as_str())
            ),
            None,
        ),
        Event::ParallelProcessEnded { ended_on, id: _ } => {
            (Some(*ended_on), "A parallel process ended".to_owned(), None)
        }
        Event::ReportDraftSubmitted {
            version,
            submitted_on,
            report: _,
        } => (
            Some(*submitted_on),
            format!("Draft {version} of the overview report was submitted"),
            Some(Stage::Drafting),
        ),
        Event::ReportSignedOff { partner, signed_on } => (
            Some(*signed_on),
            format!(
                "{} signed off the overview report",
                capitalise(partner.label())
            ),
            None,
        ),
        Event::ReportSent { sent_on } => (
            Some(*sent_on),
            "The overview report was sent to the National Panel, the Secretary of State and Ofsted"
                .to_owned(),
            None,
        ),
        Event::PublicationDecided {
            decision,
            decided_on,
            ..
        } => (
            Some(*decided_on),
            match decision {
                PublicationDecision::Publish => {
                    "The partners decided to publish the report".to_owned()
                }
                PublicationDecision::DoNotPublish { reason } => format!(
                    "The partners decided not to publish the report, and to publish information about the improvements instead: {}",
                    excerpt(reason.as_str())
                ),
                PublicationDecision::PublishImprovementsOnly { reason } => format!(
                    "The partners decided to publish the improvements instead of the report: {}",
                    excerpt(reason.as_str())
                ),
            },
            None,
        ),
        Event::PseudonymChosen { .. } => (
            None,
            "A pseudonym was chosen for the published report".to_owned(),
            None,
        ),
        Event::ReportScanned {
            version,
            scanned_on,
            findings,
        } => (
            Some(*scanned_on),
            format!(
                "Version {version} of the report was scanned for personal data: {} to review",
                crate::words::plural(
                    i64::try_from(findings.len()).unwrap_or(i64::MAX),
                    "finding",
                    "findings"
                )
            ),
            None,
        ),
        Event::FindingReviewed {
            finding,
            decision,
            reviewed_on,
            ..
        } => (
            Some(*reviewed_on),
            format!(
                "Finding {} of the anonymisation scan was {}",
                u64::from(*finding) + 1,
                match decision {
                    crate::anonymisation::FindingDecision::Accept => "accepted",
                    crate::anonymisation::FindingDecision::Reject => "rejected",
                    crate::anonymisation::FindingDecision::Widen { .. } => "widened",
                }
            ),
            None,
        ),
        // The timeline never repeats the detail: it may be what identifies the family.
        Event::JigsawRiskDecided {
            decision,
            decided_on,
            ..
        } => (
            Some(*decided_on),
            match decision {
                crate::anonymisation::JigsawDecision::AcceptRisk => {
                    "A combination of details in the redacted report was kept".to_owned()
                }
                crate::anonymisation::JigsawDecision::Generalise { .. } => {
                    "A detail of the redacted report was put in more general words".to_owned()
                }
            },
            None,
        ),
        Event::AnonymisationChecked {
            checked_on,
            remaining,
            ..
        } => (
            Some(*checked_on),
            if remaining.is_empty() {
                "The redacted report was checked again and names no one the case records".to_owned()
            } else {
                format!(
                    "The redacted report was checked again and still names {}",
                    crate::words::plural(
                        i64::try_from(remaining.len()).unwrap_or(i64::MAX),
                        "known person",
                        "known people"
                    )
                )
            },
            None,
        ),
        Event::Published {
            published_on,
            despite_parallel_process,
            ..
        } => (
            Some(*published_on),
            despite_parallel_process.as_ref().map_or_else(
                || "Published on the public page".to_owned(),
                |why| {
                    format!(
                        "Published while a parallel process was still running: {}",
                        excerpt(why.as_str())
                    )
                },
            ),
            Some(Stage::ActionPlan),
        ),
        Event::Unpublished { removed_on, reason } => (
            Some(*removed_on),
            match reason {
                Some(r) => format!(
                    "The published report was taken down: {}",
                    excerpt(r.as_str())
                ),
                None => "The published report was taken down".to_owned(),
            },
            None,
        ),
        Event::ActionAgreed { action } => (
            None,
            format!(
                "An action was agreed for {}, due {}: {}",
                agency_name(action.agency),
                long_date(action.due_on),
                excerpt(action.description.as_str())
            ),
            None,
        ),
        Event::ActionProgressRecorded {
            on,
            note,
            evidence,
            action_id: _,
        } => (
            Some(*on),
            format!(
                "Progress on an action was recorded{}: {}",
                if evidence.is_some() {
                    ", with evidence"
                } else {
                    ""
                },
                excerpt(note.as_str())
            ),
            None,
        ),
        Event::ActionEvidenceAttached { on, attachment, .. } => (
            Some(*on),
            format!(
                "Evidence was attached to an action: {}",
                excerpt(&attachment.file_name)
            ),
            None,
        ),
        Event::ThemesTagged { themes } => (
            None,
            if themes.is_empty() {
                "The case's learning themes were cleared".to_owned()
            } else {
                format!(
                    "The case was tagged with the themes {}",
                    excerpt(&themes.join(", "))
                )
            },
            None,
        ),
        Event::LearningDisseminated { dissemination } => {
            use crate::case::model::DisseminationKind as K;
            let how = match dissemination.kind {
                K::Briefing => "a briefing",
                K::LearningEvent => "a learning event",
                K::Training => "training",
                K::Newsletter => "a newsletter",
                K::Other => "other means",
            };
            let reach = dissemination.reach.map_or_else(String::new, |n| {
                format!(
                    " reaching {}",
                    crate::words::plural(i64::from(n), "person", "people")
                )
            });
            (
                Some(dissemination.on),
                format!(
                    "The learning was shared through {how}{reach}: {}",
                    excerpt(dissemination.description.as_str())
                ),
                None,
            )
        }
        Event::ActionCompleted {
            completed_on,
            evidence_of_impact,
            action_id: _,
        } => (
            Some(*completed_on),
            match evidence_of_impact {
                Some(e) => format!(
                    "An action was completed, with evidence of impact: {}",
                    excerpt(e.as_str())
                ),
                None => "An action was completed; its impact is not yet evidenced".to_owned(),
            },
            None,
        ),
        Event::MembershipGranted {
            role,
            agency,
            user: _,
        } => {
            let role = role.label().to_lowercase();
            (
                None,
                format!(
                    "A user was given access to the case as {} {role}{}",
                    article(&role),
                    agency
                        .map(|a| format!(" for {}", agency_name(a)))
                        .unwrap_or_default()
                ),
                None,
            )
        }
        Event::MembershipRevoked { user: _ } => (
            None,
            "A user's access to the case was taken away".to_owned(),
            None,
        ),
        Event::CaseClosed {
            closed_on, reason, ..
        } => (
            Some(*closed_on),
            format!("The case was closed: {}", excerpt(reason.as_str())),
            Some(Stage::Closed),
        ),
        // Where it reopens depends on the case (Decided or the action plan), not the event.
        Event::CaseReopened {
            reopened_on,
            reason,
        } => (
            Some(*reopened_on),
            match reason {
                Some(r) => format!("The case was reopened: {}", excerpt(r.as_str())),
                None => "The case was reopened: the National Panel disagreed with the decision"
                    .to_owned(),
            },
            None,
        ),
        e @ crate::documents::document_event!() => {
            let (date, text) = crate::documents::describe(e, agency_name);
            (date, text, None)
        }
        e @ crate::case::paths::path_event!() => {
            let (date, text) = crate::case::paths::describe(e);
            (date, text, None)
        }
        e @ (Event::LegalHoldPlaced { .. } | Event::LegalHoldLifted { .. }) => {
            let (date, text) = crate::case::holds::describe(e);
            (date, text, None)
        }
    };
    Entry {
        date,
        text: end_sentence(text),
        stage_hint,
    }
}

/// Free text on one line, cut to [`EXCERPT_CHARS`] characters (at a word break when one is
/// near) with an ellipsis. Cutting counts characters, so it never splits one.
#[must_use]
pub fn excerpt(free_text: &str) -> String {
    let one_line = free_text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= EXCERPT_CHARS {
        return one_line;
    }
    let cut: String = one_line.chars().take(EXCERPT_CHARS - 1).collect();
    // Back off to the last space if it is close, so a word is not cut in half.
    let cut = match cut.rfind(' ') {
        Some(i) if cut[i..].chars().count() <= 20 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// Ends a sentence with a full stop unless it already ends as a sentence can.
fn end_sentence(mut text: String) -> String {
    if !text.ends_with(['.', '?', '!', '…']) {
        text.push('.');
    }
    text
}

/// Text set inside a sentence (in brackets): without its own closing full stop.
fn inner(text: &str) -> &str {
    text.strip_suffix('.').unwrap_or(text)
}

/// "a", "b and c", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first letter in upper case.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// "a" or "an" for a lower-case phrase.
fn article(phrase: &str) -> &'static str {
    if phrase.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// "an agency summary", inside a sentence.
fn a_kind(kind: ContributionKind) -> String {
    let with = kind.with_article();
    let mut chars = with.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// "a coroner's inquest", "family proceedings".
fn a_process(kind: ParallelProcessKind) -> String {
    match kind {
        ParallelProcessKind::FamilyProceedings => kind.label().to_owned(),
        ParallelProcessKind::PoliceInvestigation
        | ParallelProcessKind::CriminalTrial
        | ParallelProcessKind::Inquest
        | ParallelProcessKind::ChildDeathReview
        | ParallelProcessKind::DomesticHomicideReview
        | ParallelProcessKind::SafeguardingAdultReview => {
            format!("{} {}", article(kind.label()), kind.label())
        }
    }
}

const fn learning_event(kind: LearningEventKind) -> &'static str {
    match kind {
        LearningEventKind::Workshop => "practitioner workshop",
        LearningEventKind::Conversation => "practitioner conversation",
    }
}

/// "a child was seriously harmed and abuse or neglect was suspected".
fn what_happened(incident: &Incident, children: usize, because: NotifiableBecause) -> String {
    match because {
        NotifiableBecause::LookedAfterChildDeath => "the death of a looked-after child".to_owned(),
        NotifiableBecause::CareLeaverDeath => "the death of a care leaver".to_owned(),
        NotifiableBecause::AbuseOrNeglect => {
            let harm = match (children == 1, incident.harm) {
                (true, Harm::Death) => "a child died".to_owned(),
                (true, Harm::SeriousHarm) => "a child was seriously harmed".to_owned(),
                (false, Harm::Death) => format!("{children} children died"),
                (false, Harm::SeriousHarm) => format!("{children} children were seriously harmed"),
            };
            let abuse = match incident.abuse_or_neglect {
                AbuseOrNeglect::Known => "abuse or neglect was known",
                AbuseOrNeglect::Suspected => "abuse or neglect was suspected",
                AbuseOrNeglect::NotSuspected => "abuse or neglect was not suspected",
            };
            format!("{harm} and {abuse}")
        }
    }
}

/// "mother", "aunt", "family friend".
fn relationship(r: &Relationship) -> String {
    match r {
        Relationship::Mother => "mother".to_owned(),
        Relationship::Father => "father".to_owned(),
        Relationship::Stepparent => "stepparent".to_owned(),
        Relationship::Carer => "carer".to_owned(),
        Relationship::Grandparent => "grandparent".to_owned(),
        Relationship::Sibling => "sibling".to_owned(),
        Relationship::PartnerOfParent => "partner of a parent".to_owned(),
        Relationship::OtherRelative(what) | Relationship::Other(what) => excerpt(what),
    }
}

/// "Beth Example (Mother) was contacted through Health visitor, and gave their views".
fn family_contact(contact: &FamilyContact) -> String {
    let through = contact
        .through
        .as_deref()
        .map(|t| format!(" through {}", excerpt(t)))
        .unwrap_or_default();
    let views = match (&contact.what_they_said, &contact.views_on_publication) {
        (Some(_), Some(_)) => ", and gave their views, including on publication",
        (Some(_), None) => ", and gave their views",
        (None, Some(_)) => ", and gave their views on publication",
        (None, None) => "",
    };
    format!(
        "{} ({}) was contacted{through}{views}",
        contact.relative,
        relationship(&contact.relationship)
    )
}
