//! What the demonstration cases say: the worked example's short placeholders replaced by
//! synthetic text of the kind a partnership writes (agency summaries, a police chronology with
//! its key episode, the rapid review's learning, terms of reference, learning-event notes and an
//! overview report that reads like one), and a surname of each case's own, so no two
//! demonstration families share a name. Every person, place and event here is invented. The
//! report's text names nobody but the child's first name (found and replaced by the
//! anonymisation review), as reviews are written.

use cspr_domain::case::Command;
use cspr_domain::case::model::{
    ChronologyEntry, ContributionKind, DatePrecision, EntryDetail, InequalitiesConsideration,
    PracticeAnalysis,
};
use cspr_domain::examples::{CSC, ENTRY1, HEALTH, POLICE, text};
use cspr_domain::ids::AgencyId;
use cspr_domain::report::Section;
use time::Duration;
use uuid::Uuid;

/// Invented surnames, one for each demonstration family in turn.
const SURNAMES: [&str; 24] = [
    "Thornbury",
    "Maddox",
    "Ellery",
    "Okafor",
    "Penhale",
    "Rushworth",
    "Achterberg",
    "Kowalczyk",
    "Fairbairn",
    "Quaye",
    "Lindqvist",
    "Marchetti",
    "Brannock",
    "Hallorann",
    "Sutcliffe",
    "Adeyemi",
    "Carrow",
    "Devereux",
    "Gunnell",
    "Harcourt",
    "Ibbotson",
    "Jarrold",
    "Kettering",
    "Loveday",
];

/// Invented streets for the families' addresses.
const STREETS: [&str; 6] = [
    "Orchard Lane",
    "Mill Road",
    "Cedar Close",
    "Foundry Street",
    "Larkspur Way",
    "Canal Side",
];

/// The surname of the `i`th demonstration case (a number after the first round of names).
#[must_use]
pub fn surname(i: usize) -> String {
    let base = SURNAMES[i % SURNAMES.len()];
    match i / SURNAMES.len() {
        0 => base.to_owned(),
        round => format!("{base}-{}", SURNAMES[(i + round) % SURNAMES.len()]),
    }
}

/// The worked example's family name, and its misspelling (an alias), in every string.
fn rename(value: &mut serde_json::Value, surname: &str) {
    match value {
        serde_json::Value::String(s) => {
            if s.contains("Example Street") {
                let street = STREETS[surname.len() % STREETS.len()];
                *s = s.replace("Example Street", street);
            }
            if s.contains("Exampel") {
                let misspelt = misspell(surname);
                *s = s.replace("Exampel", &misspelt);
            }
            if s.contains("Example") {
                *s = s.replace("Example", surname);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| rename(i, surname)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|i| rename(i, surname)),
        _ => {}
    }
}

/// A plausible misspelling: the last two letters swapped.
fn misspell(surname: &str) -> String {
    let mut chars: Vec<char> = surname.chars().collect();
    let n = chars.len();
    if n > 3 {
        chars.swap(n - 1, n - 2);
    }
    chars.into_iter().collect()
}

/// The command with the family's surname and the demonstration's text.
///
/// # Errors
/// The command could not be read back after renaming (a bug).
pub fn enrich(cmd: &Command, surname: &str) -> Result<Command, serde_json::Error> {
    let mut value = serde_json::to_value(cmd)?;
    rename(&mut value, surname);
    let mut cmd: Command = serde_json::from_value(value)?;
    write(&mut cmd);
    Ok(cmd)
}

fn write(cmd: &mut Command) {
    match cmd {
        Command::RecordSeriousIncident { incident, .. } => {
            incident.description = text(INCIDENT);
        }
        Command::ReceiveReferral { referral, .. } => {
            referral.analysis = PracticeAnalysis {
                summary: text(REFERRAL_SUMMARY),
                strengths: text(REFERRAL_STRENGTHS),
                challenges: text(REFERRAL_CHALLENGES),
            };
        }
        Command::ReceiveContribution {
            kind,
            agency,
            contribution,
            ..
        } => {
            if let Some(words) = contribution_text(*kind, *agency) {
                contribution.text = text(words);
            }
            if *kind == ContributionKind::Chronology && *agency == POLICE {
                contribution.chronology = police_chronology();
            }
        }
        Command::HoldRapidReviewMeeting { notes, .. } => *notes = text(RAPID_REVIEW_NOTES),
        Command::RecordRapidReviewLearning { learning, .. } => {
            *learning = text(RAPID_REVIEW_LEARNING);
        }
        Command::RecordInequalitiesConsideration { consideration } => {
            *consideration = InequalitiesConsideration {
                racism_and_culture: text(RACISM_AND_CULTURE),
                other_inequalities: text(OTHER_INEQUALITIES),
                disability: text(DISABILITY),
            };
        }
        Command::AgreeTermsOfReference { terms } => {
            terms.key_lines_of_enquiry = LINES_OF_ENQUIRY.iter().map(|l| text(l)).collect();
            terms.family_involvement = text(FAMILY_INVOLVEMENT);
            terms.parallel_processes = text(PARALLEL_PROCESSES);
            terms.publication = text(PUBLICATION);
        }
        Command::RecordLearningEventNotes { notes, .. } => *notes = text(LEARNING_EVENT),
        Command::SubmitReportDraft { report } => {
            for (section, words) in REPORT {
                report.sections.insert(section, words.to_owned());
            }
        }
        Command::SaveDocumentSection {
            section, text: t, ..
        } if section == "overview" => {
            *t = OVERVIEW_HTML.to_owned();
        }
        Command::ScanReport { findings, .. } => {
            // The child's first name, where the overview section names it.
            let at = OVERVIEW_HTML
                .find("Ada")
                .map(|byte| OVERVIEW_HTML[..byte].chars().count());
            if let (Some(f), Some(Ok(start))) = (findings.first_mut(), at.map(u32::try_from)) {
                f.start = start;
                f.end = start + 3;
            }
        }
        Command::RecordActionProgress { note, .. } => *note = text(ACTION_PROGRESS),
        Command::RecordFamilyContact { contact } => {
            contact.what_they_said = Some(text(FAMILY_WORDS));
            contact.views_on_publication = Some(text(FAMILY_PUBLICATION));
        }
        _ => {}
    }
}

fn contribution_text(kind: ContributionKind, agency: AgencyId) -> Option<&'static str> {
    use ContributionKind as K;
    Some(match (kind, agency) {
        (K::AgencySummary, a) if a == POLICE => POLICE_SUMMARY,
        (K::AgencySummary, a) if a == HEALTH => HEALTH_SUMMARY,
        (K::AgencySummary, a) if a == CSC => CSC_SUMMARY,
        (K::AgencyReport, a) if a == POLICE => POLICE_REPORT,
        (K::AgencyReport, a) if a == HEALTH => HEALTH_REPORT,
        (K::Chronology, _) => CHRONOLOGY_COVER,
        (K::ScopingForm, a) if a == HEALTH => HEALTH_SCOPING,
        (K::ScopingForm, _) => CSC_SCOPING,
        (K::FactualAccuracy, _) => FACTUAL_ACCURACY,
        _ => return None,
    })
}

/// The police chronology: days before the incident (27 February 2025 in the worked example,
/// moved with the case), what happened, and the key episode kept under the example's id.
fn police_chronology() -> Vec<ChronologyEntry> {
    let incident = time::macros::date!(2025 - 02 - 27);
    let entry = |days: i64, what: &str, significance: &str, id: Uuid| ChronologyEntry {
        date: incident - Duration::days(days),
        what: text(what),
        detail: EntryDetail {
            id: Some(id),
            precision: DatePrecision::Day,
            source: "Police case management system".to_owned(),
            who: "Response officers".to_owned(),
            significance: significance.to_owned(),
            ..EntryDetail::default()
        },
    };
    let id = |n: u128| Uuid::from_u128(0xDE40_0000 + n);
    let mut entries = vec![
        entry(
            302,
            "Call from a neighbour reporting shouting at the flat. Officers attended; mother and \
             her new partner said they had argued about money. No injuries seen; the baby was \
             asleep. Domestic abuse risk assessment graded standard.",
            "First police contact with the new partner at the address.",
            id(1),
        ),
        entry(
            245,
            "Partner arrested at another address for assault on a former partner; released \
             under investigation. His address was recorded as the family's flat.",
            "The partner's history of violence was known to the police from this date.",
            id(2),
        ),
        entry(
            188,
            "Second call to the flat: mother said the partner had pushed her. She did not want \
             to make a statement. Risk assessment graded medium; a notification was made to \
             children's social care the following week.",
            "The notification did not say the partner was living there or that he was under \
             investigation for assault.",
            id(3),
        ),
        entry(
            41,
            "Officers attended after a report that a man was banging on the door. The partner \
             had left before they arrived. Mother said she and the baby were safe.",
            "No notification was made: the officers did not see the baby.",
            id(4),
        ),
        entry(
            0,
            "Ambulance crew called police from the family home: the baby had a head injury and \
             the explanation did not fit it. Mother and partner arrested; child protection \
             strategy discussion held the same evening.",
            "The incident that led to the review.",
            id(5),
        ),
    ];
    entries.insert(
        2,
        ChronologyEntry {
            date: incident - Duration::days(187),
            what: text(
                "Home visit by the police domestic abuse officer after the second call. The \
                 officer spoke with mother alone; she said things were better and declined \
                 referral to the domestic abuse service.",
            ),
            detail: EntryDetail {
                id: Some(ENTRY1),
                precision: DatePrecision::Day,
                source: "Police case management system".to_owned(),
                who: "Domestic abuse officer".to_owned(),
                significance: "Key practice episode: the partner's history was not \
                               discussed with mother or shared with health visiting."
                    .to_owned(),
                analysis: "The visit focused on mother's safety; the baby's safety and the \
                           partner's role in her care were not explored."
                    .to_owned(),
                ..EntryDetail::default()
            },
        },
    );
    entries
}

const INCIDENT: &str = "A seven-month-old girl was brought to the emergency department by \
    ambulance with a skull fracture and bruising to her face. The explanation given, a fall from \
    a sofa, did not fit the injuries, and a skeletal survey found older rib fractures. Her mother \
    and mother's partner were arrested; she is recovering in the care of her grandmother.";

const REFERRAL_SUMMARY: &str = "Police, health visiting and children's social care all knew \
    the family in the year before the incident. Mother was 26, caring for her baby alone until a \
    new partner moved in during the spring. There were three police call-outs to the flat, and \
    the baby had been seen by her health visitor at every mandated contact.";

const REFERRAL_STRENGTHS: &str = "Health visiting was prompt and persistent: every contact took \
    place, safe sleep advice was given and recorded, and mother's low mood was picked up and \
    referred to her GP. The emergency department followed the child protection pathway at once.";

const REFERRAL_CHALLENGES: &str = "Information about the new partner, including his arrest for \
    assaulting a former partner, was not shared with the health visitor or social care. The \
    notification after the second call-out did not say he lived at the address. Nobody asked \
    mother directly who was caring for the baby.";

const POLICE_SUMMARY: &str = "The police attended the family's flat three times between May \
    and January. The partner was arrested in June for an assault on a former partner and gave \
    the family's flat as his address. One notification was sent to children's social care, in \
    August; it described the incident but not the partner's history or that he lived there.";

const HEALTH_SUMMARY: &str = "The health visiting team saw mother and baby at the new birth \
    visit, at six to eight weeks and at the six-month review. Safe sleep advice was given and \
    recorded each time. At the six-month review mother said a friend sometimes stayed over; the \
    health visitor did not know this was the partner, and was not told of the police call-outs.";

const CSC_SUMMARY: &str = "Children's social care received one police notification in August. \
    It was screened by the front door and closed with advice to mother, as she said the \
    relationship had ended. No checks were made with health visiting, and the partner's police \
    record was not requested.";

const POLICE_REPORT: &str = "Our officers responded to each call promptly and assessed risk to \
    mother using the domestic abuse risk tool. We did not consistently record that a baby lived \
    at the address, and the risk tool does not prompt officers to consider the risk to an \
    infant. Since the incident we have changed the tool so that every assessment records the \
    children in the household and their ages, and every notification names all adults living \
    there.";

const HEALTH_REPORT: &str = "Health visiting contacts met the healthy child programme, and the \
    practitioner built a trusting relationship with mother. The service's records did not have \
    a place to record who else lived in or regularly visited the home, and the practitioner did \
    not routinely ask. Supervision discussed mother's mood but not the household. We have added \
    a household composition question to every contact and to safeguarding supervision.";

const HEALTH_SCOPING: &str = "School nursing and the GP practice knew the child. He missed \
    two dental appointments and his immunisations were incomplete; the school nurse saw him \
    twice for head lice and once because he was hungry. Each contact was handled on its own and \
    no one recorded a concern about neglect.";

const CSC_SCOPING: &str = "The family was known to early help for eighteen months, with a \
    family support worker visiting fortnightly. The case was stepped down when mother's \
    engagement improved, and closed three months before the incident. The neglect toolkit was \
    not used at step-down.";

const FACTUAL_ACCURACY: &str = "We have checked the draft report against our records. One date \
    needs correcting, noted against the section; otherwise the report is a fair account of our \
    involvement.";

const CHRONOLOGY_COVER: &str = "Our chronology of contact with the family from May 2024 to \
    the incident, taken from the police case management system. The entry for the domestic \
    abuse officer's home visit is the episode we think most important.";

const RAPID_REVIEW_NOTES: &str = "The chair opened the meeting by reminding members of its \
    purpose: to establish the facts, consider the immediate safety of the baby's brother, and \
    decide whether a local review is needed. Each agency summarised its involvement. Members \
    agreed that three agencies each held part of the picture about the new partner and that none \
    of them held all of it. The baby's brother is safe with his father under a safety plan, \
    which social care will confirm by 1 April.";

const RAPID_REVIEW_LEARNING: &str = "Information about a new adult in a baby's household was \
    held by the police but did not reach the practitioners who saw the baby. The notification \
    process and the health visiting record both lack a prompt to ask, and to tell, who lives in \
    the home. The baby's daily life, and who cared for her, was not explored by any agency.";

const RACISM_AND_CULTURE: &str = "The family is White British. Members considered whether \
    assumptions about the family's culture affected practice and found no evidence that they \
    did.";

const OTHER_INEQUALITIES: &str = "Mother was living on universal credit in temporary \
    accommodation and had debts. Money worries were the reason given for the first call-out and \
    may have made the partner's financial support hard to give up.";

const DISABILITY: &str = "Mother has a mild learning disability, known to her GP but not to \
    health visiting or the police. Information was given to her in writing only; she told the \
    review she did not always read letters.";

const LINES_OF_ENQUIRY: [&str; 4] = [
    "How information about the partner, and his history of violence, was shared between the \
     police, health visiting and children's social care.",
    "How practitioners found out who lived in and visited the baby's home, and how they \
     recorded it.",
    "How mother's learning disability and circumstances shaped the help she was offered.",
    "What the baby's daily life was like, and how practitioners saw it.",
];

const FAMILY_INVOLVEMENT: &str = "The independent reviewer will write to mother and to the \
    baby's grandmother, through the health visitor who knows them, and offer to meet them at a \
    place they choose, with an advocate for mother. The father of the baby's brother will also \
    be invited.";

const PARALLEL_PROCESSES: &str = "A police investigation is under way and the coroner is not \
    involved. The reviewer will agree with the senior investigating officer which witnesses can \
    be spoken to, and when.";

const PUBLICATION: &str = "The report will be published in full, anonymised, on the \
    partnership's website, unless the family's views or the criminal proceedings make that \
    inappropriate.";

const LEARNING_EVENT: &str = "Eleven practitioners from the police, health visiting, social \
    care and the GP practice attended. They described high caseloads and the pressure to close \
    domestic abuse notifications quickly when a victim says the relationship has ended. Health \
    visitors said they would not have known to ask about a partner's police record, and that \
    asking who lives in the home can feel intrusive. All agreed that a shared question about \
    household members, asked at every contact, would help.";

const FAMILY_WORDS: &str = "She said she had felt watched rather than helped, and that nobody \
    asked her about her partner in a way she could answer honestly. She wanted agencies to \
    listen, and to explain things to her face to face rather than in letters.";

const FAMILY_PUBLICATION: &str = "Content for the report to be published with a pseudonym, as \
    long as her daughter's school cannot be identified.";

const ACTION_PROGRESS: &str = "Revised guidance on recording household members drafted with \
    health visiting and police leads; consultation with practitioners closes at the end of the \
    month.";

/// The overview report's opening, as the rich-text editor saves it (the child's first name is
/// what the anonymisation review's finding replaces).
const OVERVIEW_HTML: &str = "<p>Ada was seven months old when she was taken to hospital with a \
    skull fracture and older rib fractures. Her mother's partner, who had moved into the family's \
    flat in the spring, has since been charged with causing her injuries.</p><p>In the year \
    before, <strong>three agencies</strong> each knew something about the partner: the police \
    had attended the flat three times and arrested him for assaulting a former partner; the \
    health visitor had been told that a friend sometimes stayed; children's social care had \
    closed a notification because mother said the relationship was over. Nobody put these \
    pieces together, and nobody asked who was looking after the baby.</p>";

const REPORT: [(Section, &str); 6] = [
    (
        Section::Overview,
        "Child A was seven months old when she was taken to hospital with a skull fracture and \
         older rib fractures. Her mother's partner had moved into the family's flat in the \
         spring. In the year before, the police, the health visiting service and children's \
         social care each knew part of the picture about him; nobody held all of it.",
    ),
    (
        Section::SystemicAnalysis,
        "The police's risk tool asks about the adult victim, not the children in the household, \
         so officers recorded the baby inconsistently. The notification to social care \
         described the incident but not who lived at the address. Health visiting records had \
         no place to record household members, and supervision focused on mother's mood. \
         Each service's system worked as designed; the gaps lay between them.",
    ),
    (
        Section::MultiAgencyCritique,
        "Agencies shared what their processes asked them to share. The front door screened the \
         notification without checking with health visiting, who saw the baby every few weeks. \
         No strategy discussion was held because no single piece of information met the \
         threshold. Mother's learning disability was known to her GP alone, so written advice \
         was the only advice she received.",
    ),
    (
        Section::GeneralPractice,
        "An audit of fifty notifications in the same quarter found that a third did not record \
         all adults living at the address, and practitioners at the learning event described the \
         same pressures. This is not a problem of one team or one practitioner; it reflects how \
         the partnership's agencies work with new adults in babies' lives.",
    ),
    (
        Section::WhatShouldChange,
        "Every agency should ask, and record, who lives in and regularly visits a baby's home at \
         every contact, and share new adults' details when it notifies another agency. The \
         partnership should make this a shared standard, train practitioners to ask the \
         question with confidence, and check through audit that it has made a difference.",
    ),
    (
        Section::Recommendations,
        "The review makes two recommendations to the partnership. Each names the agencies that \
         must act and the date by which the partnership expects to see evidence that practice \
         has changed.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_are_the_familys_own_and_the_alias_is_misspelt() {
        assert_eq!(surname(0), "Thornbury");
        assert_ne!(surname(1), surname(0));
        assert_ne!(surname(24), surname(0));
        assert_eq!(misspell("Thornbury"), "Thornbuyr");
        let cmd = cspr_domain::examples::local_review_script()
            .into_iter()
            .find(|(_, c)| matches!(c, Command::ReceiveReferral { .. }))
            .expect("a referral")
            .1;
        let Command::ReceiveReferral { referral, .. } = enrich(&cmd, "Thornbury").expect("enrich")
        else {
            panic!("not a referral");
        };
        let mother = &referral.carers[0];
        assert_eq!(mother.name.as_str(), "Beth Thornbury");
        assert_eq!(mother.aliases[0].as_str(), "Bethany Thornbuyr");
        assert!(referral.analysis.summary.as_str().len() > 100);
    }

    #[test]
    fn the_anonymisation_finding_covers_the_childs_first_name() {
        let start = OVERVIEW_HTML.find("Ada").expect("the name");
        assert_eq!(&OVERVIEW_HTML[start..start + 3], "Ada");
        for (_, words) in REPORT {
            assert!(!words.contains("Ada"), "the report names nobody");
        }
    }
}
