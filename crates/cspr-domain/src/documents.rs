//! The documents a case produces: the rapid review report (to the National Panel), the terms of
//! reference of a local review, and the overview report. Each is a list of sections; a section
//! starts as what cspr assembles from the case and becomes what a person wrote once saved.
//! Every save is a version (an event) with its author and time; versions can be compared word
//! by word. Agencies' factual-accuracy comments are threaded per section and resolved by the
//! reviewer; the family's comments on the report are recorded; exports are recorded with the
//! sealed file that holds them.
//!
//! Section text is the limited rich text reports allow (headings, paragraphs, lists, tables,
//! emphasis) as HTML, sanitised at the edge; text without tags is read as plain paragraphs.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::case::Case;
use crate::case::model::{ContributionKind, ContributionStatus, Methodology, ReviewOutcome};
use crate::ids::{AgencyId, UserId};
use crate::report::{Recommendation, Section};
use crate::vocab::NonEmptyText;
use crate::words::{add_months, long_date};

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// The rapid review report sent to the National Panel.
    RapidReview,
    /// The terms of reference of a local review.
    TermsOfReference,
    /// The overview report of a local review.
    OverviewReport,
}

impl DocumentKind {
    /// All three.
    pub const ALL: [Self; 3] = [
        Self::RapidReview,
        Self::TermsOfReference,
        Self::OverviewReport,
    ];

    /// The name in URLs and on the command line.
    #[must_use]
    pub const fn slug(self) -> &'static str {
        match self {
            Self::RapidReview => "rapid-review",
            Self::TermsOfReference => "terms-of-reference",
            Self::OverviewReport => "overview-report",
        }
    }

    /// The kind a slug names.
    #[must_use]
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The document's title.
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Self::RapidReview => "Rapid review report",
            Self::TermsOfReference => "Terms of reference",
            Self::OverviewReport => "Overview report",
        }
    }

    /// The sections, in order.
    #[must_use]
    pub const fn sections(self) -> &'static [SectionSpec] {
        match self {
            Self::RapidReview => &RAPID_REVIEW_SECTIONS,
            Self::TermsOfReference => &TERMS_SECTIONS,
            Self::OverviewReport => &OVERVIEW_SECTIONS,
        }
    }

    /// The section with this key.
    #[must_use]
    pub fn section(self, key: &str) -> Option<&'static SectionSpec> {
        self.sections().iter().find(|s| s.key == key)
    }

    /// Whether the case has reached the point where the document exists.
    #[must_use]
    pub fn exists_for(self, case: &Case) -> bool {
        use crate::case::Stage as S;
        match self {
            Self::RapidReview => {
                !matches!(case.stage, S::New | S::Incident | S::Referral | S::Triage)
            }
            Self::TermsOfReference => {
                case.terms_of_reference.is_some()
                    || matches!(case.stage, S::Commissioning | S::Evidence)
                    || case.documents.latest(self, "period").is_some()
            }
            Self::OverviewReport => {
                case.current_report().is_some() || matches!(case.stage, S::Evidence | S::Drafting)
            }
        }
    }
}

/// A section of a document: its key, its heading and guidance in our own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpec {
    /// Stable key (in URLs and events).
    pub key: &'static str,
    /// Heading.
    pub heading: &'static str,
    /// What the section should say.
    pub guidance: &'static str,
}

const fn spec(key: &'static str, heading: &'static str, guidance: &'static str) -> SectionSpec {
    SectionSpec {
        key,
        heading,
        guidance,
    }
}

const RAPID_REVIEW_SECTIONS: [SectionSpec; 6] = [
    spec(
        "facts",
        "What happened and which agencies were involved",
        "The facts as the partners know them now: what happened to the child, when, and what each agency knew and did. Keep to what the agencies' summaries show; leave judgement to the learning.",
    ),
    spec(
        "episodes",
        "Key practice episodes",
        "The moments in the agencies' work that mattered most: a visit, a referral, a decision not to act. Say when each happened and which agency was involved.",
    ),
    spec(
        "safety",
        "Immediate safety action",
        "What has been done, or is being done, to keep this child, their siblings and other children safe now, by whom and by when.",
    ),
    spec(
        "learning",
        "Learning",
        "What the rapid review has already learnt about practice and systems, and the themes it raises. Be specific enough for the National Panel to see why it matters.",
    ),
    spec(
        "inequalities",
        "Racism, inequalities and disability",
        "How racism, ethnicity and culture, other inequalities such as poverty, and any disability of the child or parents shaped what happened and how agencies responded. Say so plainly when the partners found no such effect, and why.",
    ),
    spec(
        "decision",
        "Decision and the criteria considered",
        "Whether the partners will hold a local review, which criteria of regulation 11 are met, and the reasons, including any other form of learning chosen instead.",
    ),
];

const TERMS_SECTIONS: [SectionSpec; 9] = [
    spec(
        "period",
        "Period under review",
        "The dates the review looks at, and why this period: usually from the first contact that matters to the incident.",
    ),
    spec(
        "lines-of-enquiry",
        "Key lines of enquiry",
        "The questions the review sets out to answer. A few focused questions serve the review better than many general ones.",
    ),
    spec(
        "methodology",
        "How the review will work",
        "How evidence will be gathered: agency reports, conversations with practitioners, learning events, and how the reviewer will check what they find.",
    ),
    spec(
        "panel",
        "Review panel",
        "Who sits on the panel, for which agency, and how any conflict of interest was handled.",
    ),
    spec(
        "reviewer",
        "Independent reviewer",
        "Who the reviewer is and why they are independent of the agencies involved.",
    ),
    spec(
        "timescale",
        "Timescale",
        "When the review was commissioned and when the final report is due, with any reason the clock may stop.",
    ),
    spec(
        "family",
        "Involving the family",
        "How the child's family will be invited to take part, by whom, and how their views will be reflected in the report.",
    ),
    spec(
        "parallel-processes",
        "Parallel processes",
        "Investigations, trials, inquests and other reviews running alongside, and how the review will work with them without prejudicing them.",
    ),
    spec(
        "publication",
        "Publication",
        "How and when the report will be published, and how the child and family will be kept anonymous.",
    ),
];

const OVERVIEW_SECTIONS: [SectionSpec; 6] = [
    spec(
        "overview",
        "What happened",
        "A short account of what happened: the key circumstances, background and context, told so a reader who does not know the family can follow it.",
    ),
    spec(
        "systemic-analysis",
        "Why things happened as they did",
        "Look beneath individual actions: what in the systems, pressures, tools and culture around practitioners made their choices seem sensible at the time.",
    ),
    spec(
        "multi-agency-critique",
        "How agencies worked together",
        "How well information was shared and decisions made across agencies, and where the joins between them failed the child.",
    ),
    spec(
        "general-practice",
        "Whether this reflects practice more widely",
        "Say whether the shortcomings found are particular to this case or are features of practice across the area, and what evidence tells you so.",
    ),
    spec(
        "what-should-change",
        "What needs to be done differently",
        "What would need to change to keep other children in similar circumstances from harm.",
    ),
    spec(
        "recommendations",
        "Recommendations",
        "Each recommendation says which agencies must act, what they must do and by when. An optional introduction can go above the list.",
    ),
];

/// The report section a key of the overview report names.
#[must_use]
pub fn overview_section(key: &str) -> Option<Section> {
    Section::ALL
        .into_iter()
        .zip(OVERVIEW_SECTIONS)
        .find(|(_, s)| s.key == key)
        .map(|(s, _)| s)
}

/// The key of a report section.
#[must_use]
pub fn overview_key(section: Section) -> &'static str {
    let i = Section::ALL.iter().position(|s| *s == section).unwrap_or(0);
    OVERVIEW_SECTIONS[i].key
}

/// One saved version of one section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionVersion {
    /// Which document.
    pub document: DocumentKind,
    /// Which section (its key).
    pub section: String,
    /// 1, 2, ... within the section.
    pub number: u32,
    /// The text saved (sanitised rich text).
    pub text: String,
    /// The recommendations as they stood, for the recommendations of the overview report.
    #[serde(default)]
    pub recommendations: Option<Vec<Recommendation>>,
    /// Who saved it (`None` for a whole draft submitted through the draft form).
    pub saved_by: Option<UserId>,
    /// When.
    pub saved_at: OffsetDateTime,
}

/// The reviewer's resolution of a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// Who resolved it.
    pub by: UserId,
    /// When.
    pub at: OffsetDateTime,
    /// What was done about it.
    pub note: Option<NonEmptyText>,
}

/// A factual-accuracy comment on a section, or a reply in its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionComment {
    /// Id (made at the edge).
    pub id: Uuid,
    /// Which document.
    pub document: DocumentKind,
    /// Which section.
    pub section: String,
    /// The agency it speaks for, when it does.
    pub agency: Option<AgencyId>,
    /// The comment it answers, for a reply.
    pub reply_to: Option<Uuid>,
    /// Who wrote it.
    pub author: UserId,
    /// When.
    pub at: OffsetDateTime,
    /// The comment.
    pub text: NonEmptyText,
    /// Resolved, for an opening comment.
    pub resolved: Option<Resolution>,
}

/// The family's comments on the report before publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyComment {
    /// Who in the family (as they wish to be described).
    pub from: NonEmptyText,
    /// When the comments were received.
    pub received_on: Date,
    /// The section they concern, if one.
    pub section: Option<String>,
    /// What they said.
    pub text: NonEmptyText,
    /// How the partners responded, when recorded.
    pub response: Option<NonEmptyText>,
}

/// A file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// Tagged PDF (PDF/UA-1).
    Pdf,
    /// Word document.
    Docx,
    /// A standalone web page.
    Html,
}

impl ExportFormat {
    /// All three.
    pub const ALL: [Self; 3] = [Self::Pdf, Self::Docx, Self::Html];

    /// The file extension and its name on the command line.
    #[must_use]
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Html => "html",
        }
    }

    /// The format an extension names.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|f| f.extension() == t)
    }

    /// The media type.
    #[must_use]
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Html => "text/html; charset=utf-8",
        }
    }

    /// Its name for people.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Docx => "Word document",
            Self::Html => "Web page (HTML)",
        }
    }
}

/// An export made: the sealed file that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentExport {
    /// Id (made when the export was asked for).
    pub export_id: Uuid,
    /// Which document.
    pub document: DocumentKind,
    /// Which format.
    pub format: ExportFormat,
    /// The stored file.
    pub blob_id: Uuid,
    /// Its size in bytes.
    pub size: u64,
    /// Who asked for it.
    pub requested_by: UserId,
    /// When it was made.
    pub made_at: OffsetDateTime,
}

/// How long an export can be downloaded after it was made: a file of a case's personal data
/// is not kept for ever because someone once asked for it (issue 16, finding 13). Ask again
/// for a newer one.
pub const EXPORT_KEPT_FOR: time::Duration = time::Duration::days(7);

impl DocumentExport {
    /// When the file stops being available (and the job runner deletes it).
    #[must_use]
    pub fn expires_at(&self) -> OffsetDateTime {
        self.made_at.saturating_add(EXPORT_KEPT_FOR)
    }

    /// Whether it can still be downloaded at `now`.
    #[must_use]
    pub fn available(&self, now: OffsetDateTime) -> bool {
        now < self.expires_at()
    }
}

/// Everything a case holds about its documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Documents {
    /// Every saved version, oldest first.
    pub versions: Vec<SectionVersion>,
    /// Comments and replies, oldest first.
    pub comments: Vec<SectionComment>,
    /// The family's comments, oldest first.
    pub family_comments: Vec<FamilyComment>,
    /// Exports made, oldest first.
    pub exports: Vec<DocumentExport>,
}

impl Documents {
    /// The versions of one section, oldest first.
    pub fn history<'a>(
        &'a self,
        document: DocumentKind,
        section: &'a str,
    ) -> impl Iterator<Item = &'a SectionVersion> + 'a {
        self.versions
            .iter()
            .filter(move |v| v.document == document && v.section == section)
    }

    /// The latest version of one section.
    #[must_use]
    pub fn latest(&self, document: DocumentKind, section: &str) -> Option<&SectionVersion> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.document == document && v.section == section)
    }

    /// One version of one section by its number.
    #[must_use]
    pub fn version(
        &self,
        document: DocumentKind,
        section: &str,
        number: u32,
    ) -> Option<&SectionVersion> {
        self.versions
            .iter()
            .find(|v| v.document == document && v.section == section && v.number == number)
    }

    /// The next version number of a section.
    #[must_use]
    pub fn next_number(&self, document: DocumentKind, section: &str) -> u32 {
        self.latest(document, section).map_or(1, |v| v.number + 1)
    }

    /// Records a version (numbered after the section's latest).
    pub fn push_version(
        &mut self,
        document: DocumentKind,
        section: &str,
        text: String,
        recommendations: Option<Vec<Recommendation>>,
        saved_by: Option<UserId>,
        saved_at: OffsetDateTime,
    ) {
        let number = self.next_number(document, section);
        self.versions.push(SectionVersion {
            document,
            section: section.to_owned(),
            number,
            text,
            recommendations,
            saved_by,
            saved_at,
        });
    }

    /// A comment by id.
    #[must_use]
    pub fn comment(&self, id: Uuid) -> Option<&SectionComment> {
        self.comments.iter().find(|c| c.id == id)
    }

    /// The threads of one section: each opening comment with its replies, oldest first.
    #[must_use]
    pub fn threads(
        &self,
        document: DocumentKind,
        section: &str,
    ) -> Vec<(&SectionComment, Vec<&SectionComment>)> {
        self.comments
            .iter()
            .filter(|c| c.document == document && c.section == section && c.reply_to.is_none())
            .map(|c| {
                let replies = self
                    .comments
                    .iter()
                    .filter(|r| r.reply_to == Some(c.id))
                    .collect();
                (c, replies)
            })
            .collect()
    }

    /// Opening comments not yet resolved on a document.
    #[must_use]
    pub fn open_comments(&self, document: DocumentKind) -> usize {
        self.comments
            .iter()
            .filter(|c| c.document == document && c.reply_to.is_none() && c.resolved.is_none())
            .count()
    }

    /// An export by id.
    #[must_use]
    pub fn export(&self, id: Uuid) -> Option<&DocumentExport> {
        self.exports.iter().find(|e| e.export_id == id)
    }
}

/// Where a section's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Assembled from the case's records (nobody has saved the section yet).
    Assembled,
    /// Saved by a person: the version.
    Saved(u32),
    /// Nothing yet.
    Empty,
}

/// A piece of a section assembled from the case's records. Plain text only: the export
/// crate draws it as markup (escaped there), so no HTML is made here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A paragraph.
    Paragraph(String),
    /// A sub-heading inside the section (level 2 of the document; the section is level 1).
    Heading(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// A numbered list.
    Numbered(Vec<String>),
    /// A table: its column headings and its rows.
    Table {
        /// The column headings.
        header: Vec<String>,
        /// The rows, one text a cell.
        rows: Vec<Vec<String>>,
    },
}

/// What a section holds before it is drawn: text someone saved (rich text, or plain text of
/// older drafts), or the parts the case's records give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Saved text.
    Saved(String),
    /// Assembled from the records.
    Assembled(Vec<Part>),
}

/// One section of a document as it stands, before it is drawn.
#[derive(Debug, Clone)]
pub struct SectionSource {
    /// The section.
    pub spec: &'static SectionSpec,
    /// What it holds.
    pub body: Body,
    /// Where it came from.
    pub origin: Origin,
}

/// The sections of a document as they stand: each section's latest saved version, or what
/// the case's records say for a section nobody has written yet. For the overview report the
/// text is the current report's (section 6 holds its introduction; the recommendations are
/// [`Case::current_report`]'s).
#[must_use]
pub fn sources(
    case: &Case,
    document: DocumentKind,
    agency_name: &dyn Fn(AgencyId) -> String,
) -> Vec<SectionSource> {
    document
        .sections()
        .iter()
        .map(|spec| {
            if document == DocumentKind::OverviewReport {
                let text = overview_section(spec.key)
                    .and_then(|s| case.current_report().map(|r| r.section(s).to_owned()))
                    .unwrap_or_default();
                let origin = match case.documents.latest(document, spec.key) {
                    Some(v) => Origin::Saved(v.number),
                    None if text.trim().is_empty() => Origin::Empty,
                    None => Origin::Saved(0),
                };
                return SectionSource {
                    spec,
                    body: Body::Saved(text),
                    origin,
                };
            }
            if let Some(v) = case.documents.latest(document, spec.key) {
                return SectionSource {
                    spec,
                    body: Body::Saved(v.text.clone()),
                    origin: Origin::Saved(v.number),
                };
            }
            let parts = assembled(case, document, spec.key, agency_name);
            let origin = if parts.is_empty() {
                Origin::Empty
            } else {
                Origin::Assembled
            };
            SectionSource {
                spec,
                body: Body::Assembled(parts),
                origin,
            }
        })
        .collect()
}

fn p(text: &str) -> Vec<Part> {
    vec![Part::Paragraph(text.trim().to_owned())]
}

/// A sub-heading inside a section.
fn h2(text: &str) -> Vec<Part> {
    vec![Part::Heading(text.to_owned())]
}

fn ul(items: &[String]) -> Vec<Part> {
    vec![Part::Bullets(items.to_vec())]
}

fn ol(items: &[String]) -> Vec<Part> {
    vec![Part::Numbered(items.to_vec())]
}

fn table(header: &[&str], rows: &[Vec<String>]) -> Vec<Part> {
    vec![Part::Table {
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows.to_vec(),
    }]
}

/// Paragraphs of a free text (blank lines split them).
fn paragraphs(text: &str) -> Vec<Part> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .flat_map(p)
        .collect()
}

const fn methodology_words(m: Methodology) -> &'static str {
    match m {
        Methodology::LearningEvents => "Learning events with the practitioners involved",
        Methodology::AgencyReports => "Reports from each agency involved",
        Methodology::PractitionerConversations => "Conversations with individual practitioners",
        Methodology::Other => "Other methods, described below",
    }
}

/// What the case's records say for a section nobody has written yet ("" when they say
/// nothing).
#[must_use]
#[expect(clippy::too_many_lines, reason = "one arm per section")]
#[allow(clippy::collapsible_match, reason = "an arm per section reads better")]
pub fn assembled(
    case: &Case,
    document: DocumentKind,
    key: &str,
    agency_name: &dyn Fn(AgencyId) -> String,
) -> Vec<Part> {
    let mut out = Vec::new();
    match (document, key) {
        (DocumentKind::RapidReview, "facts") => {
            if let Some(i) = &case.incident {
                out.extend(p(&format!(
                    "The incident happened on {}.",
                    long_date(i.occurred_on)
                )));
                out.extend(paragraphs(i.description.as_str()));
            }
            let agencies: Vec<String> = case
                .involved_agencies()
                .into_iter()
                .map(agency_name)
                .collect();
            if !agencies.is_empty() {
                out.extend(p("These agencies were involved with the child and family:"));
                out.extend(ul(&agencies));
            }
            for r in case.requests(ContributionKind::AgencySummary) {
                if let ContributionStatus::Received { contribution, .. } = &r.status {
                    out.extend(h2(&agency_name(r.agency)));
                    out.extend(paragraphs(contribution.text.as_str()));
                }
            }
        }
        (DocumentKind::RapidReview, "episodes") => {
            let mut rows: Vec<(Date, String, String)> = case
                .requests(ContributionKind::AgencySummary)
                .filter_map(|r| match &r.status {
                    ContributionStatus::Received { contribution, .. } => Some(
                        contribution
                            .chronology
                            .iter()
                            .map(|e| (e.date, agency_name(r.agency), e.what.as_str().to_owned()))
                            .collect::<Vec<_>>(),
                    ),
                    _ => None,
                })
                .flatten()
                .collect();
            rows.sort_by_key(|r| r.0);
            if !rows.is_empty() {
                out.extend(table(
                    &["Date", "Agency", "What happened"],
                    &rows
                        .into_iter()
                        .map(|(d, a, w)| vec![long_date(d), a, w])
                        .collect::<Vec<_>>(),
                ));
            }
        }
        (DocumentKind::RapidReview, "safety") => {
            if !case.safety_actions.is_empty() {
                let rows: Vec<Vec<String>> = case
                    .safety_actions
                    .iter()
                    .map(|a| {
                        vec![
                            a.description.as_str().to_owned(),
                            agency_name(a.agency),
                            long_date(a.due_on),
                            case.safety_actions_done
                                .get(&a.action_id)
                                .map_or_else(|| "Not yet".to_owned(), |d| long_date(*d)),
                        ]
                    })
                    .collect();
                out.extend(table(&["Action", "Agency", "By", "Done"], &rows));
            }
        }
        (DocumentKind::RapidReview, "learning") => {
            if let Some((held_on, _)) = &case.rapid_review_meeting {
                out.extend(p(&format!(
                    "The partners met for the rapid review on {}.",
                    long_date(*held_on)
                )));
            }
            if let Some((learning, themes)) = &case.rapid_review_learning {
                out.extend(paragraphs(learning.as_str()));
                if !themes.is_empty() {
                    out.extend(p("Themes:"));
                    out.extend(ul(themes));
                }
            }
        }
        (DocumentKind::RapidReview, "inequalities") => {
            if let Some(c) = &case.inequalities {
                out.extend(h2("Racism, ethnicity and culture"));
                out.extend(paragraphs(c.racism_and_culture.as_str()));
                out.extend(h2("Other inequalities"));
                out.extend(paragraphs(c.other_inequalities.as_str()));
                out.extend(h2("Disability"));
                out.extend(paragraphs(c.disability.as_str()));
            }
        }
        (DocumentKind::RapidReview, "decision") => {
            if let Some((criteria, outcome, reasons, on)) = &case.decision {
                let what = match outcome {
                    ReviewOutcome::LocalReview => {
                        "to hold a local child safeguarding practice review".to_owned()
                    }
                    ReviewOutcome::OtherLearning { form } => {
                        format!(
                            "to take the learning forward another way: {}",
                            form.as_str()
                        )
                    }
                    ReviewOutcome::NoFurtherAction => "that no further review is needed".to_owned(),
                };
                out.extend(p(&format!(
                    "On {} the partners decided {what}.",
                    long_date(*on)
                )));
                let met: Vec<String> = [
                    (criteria.improvements_needed, "It highlights, or may highlight, improvements needed to safeguard children, including ones identified before."),
                    (criteria.recurrent_themes, "It highlights, or may highlight, recurrent themes in safeguarding children."),
                    (criteria.multi_agency_concerns, "It raises concerns about two or more organisations working together."),
                    (criteria.panel_suggested_local_review, "The National Panel concluded a local review may be more appropriate."),
                    (criteria.single_agency_concern, "There is serious concern about the work of a single agency."),
                    (criteria.no_agency_involvement, "No agency was involved, which is itself a concern."),
                    (criteria.several_areas, "More than one local authority, police area or health area was involved."),
                    (criteria.institutional_setting, "It happened in an institutional setting."),
                ]
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, w)| w.to_owned())
                .collect();
                if met.is_empty() {
                    out.extend(p("None of the criteria for a local review is met."));
                } else {
                    out.extend(p("The criteria considered met:"));
                    out.extend(ul(&met));
                }
                out.extend(h2("Reasons"));
                out.extend(paragraphs(reasons.as_str()));
            }
        }
        (DocumentKind::TermsOfReference, key) => {
            let terms = case.terms_of_reference.as_ref();
            match key {
                "period" => {
                    if let Some(t) = terms {
                        out.extend(p(&format!(
                            "The review looks at the period from {} to {}.",
                            long_date(t.period_from),
                            long_date(t.period_to)
                        )));
                    }
                }
                "lines-of-enquiry" => {
                    if let Some(t) = terms
                        && !t.key_lines_of_enquiry.is_empty()
                    {
                        let items: Vec<String> = t
                            .key_lines_of_enquiry
                            .iter()
                            .map(|l| l.as_str().to_owned())
                            .collect();
                        out.extend(ol(&items));
                    }
                }
                "methodology" => {
                    if let Some(t) = terms
                        && !t.methodology.is_empty()
                    {
                        let items: Vec<String> = t
                            .methodology
                            .iter()
                            .map(|m| methodology_words(*m).to_owned())
                            .collect();
                        out.extend(ul(&items));
                    }
                }
                "panel" => {
                    if !case.panel.is_empty() {
                        let rows: Vec<Vec<String>> = case
                            .panel
                            .iter()
                            .map(|m| {
                                vec![
                                    m.name.as_str().to_owned(),
                                    agency_name(m.agency),
                                    m.role_title.clone(),
                                ]
                            })
                            .collect();
                        out.extend(table(&["Name", "Agency", "Role"], &rows));
                    }
                }
                "reviewer" => {
                    if let Some(r) = &case.reviewer {
                        out.extend(p(&format!(
                            "The independent reviewer is {}.",
                            r.name.as_str()
                        )));
                    }
                }
                "timescale" => {
                    if let Some((_, _, _, decided_on)) = &case.decision {
                        if let Some(on) = case.commissioned_on {
                            out.extend(p(&format!(
                                "The review was commissioned on {}.",
                                long_date(on)
                            )));
                        }
                        out.extend(p(&format!(
                            "The partners decided to hold the review on {}. The final report is due within six months of that decision, by {}, unless a parallel process stops the clock.",
                            long_date(*decided_on),
                            long_date(add_months(*decided_on, 6))
                        )));
                    }
                }
                "family" => {
                    if let Some(t) = terms {
                        out.extend(paragraphs(t.family_involvement.as_str()));
                    }
                }
                "parallel-processes" => {
                    if let Some(t) = terms {
                        out.extend(paragraphs(t.parallel_processes.as_str()));
                    }
                    if !case.parallel_processes.is_empty() {
                        let rows: Vec<Vec<String>> = case
                            .parallel_processes
                            .values()
                            .map(|pp| {
                                let kind = pp.kind.label();
                                let mut k = kind.to_owned();
                                if let Some(first) = k.get_mut(0..1) {
                                    first.make_ascii_uppercase();
                                }
                                vec![
                                    k,
                                    long_date(pp.started_on),
                                    pp.ended_on
                                        .map_or_else(|| "Still running".to_owned(), long_date),
                                    if pp.stops_clock { "Yes" } else { "No" }.to_owned(),
                                ]
                            })
                            .collect();
                        out.extend(table(
                            &["Process", "Started", "Ended", "Stops the review's clock"],
                            &rows,
                        ));
                    }
                }
                "publication" => {
                    if let Some(t) = terms {
                        out.extend(paragraphs(t.publication.as_str()));
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    out
}

/// What a comparison found: text the same in both, or only in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In both.
    Same,
    /// Only in the newer.
    Added,
    /// Only in the older.
    Removed,
}

/// Compares two plain texts word by word (whitespace kept with its word), grouping runs of
/// the same kind.
#[must_use]
pub fn compare(old: &str, new: &str) -> Vec<(Change, String)> {
    let diff = TextDiff::configure().diff_words(old, new);
    let mut out: Vec<(Change, String)> = Vec::new();
    for c in diff.iter_all_changes() {
        let kind = match c.tag() {
            ChangeTag::Equal => Change::Same,
            ChangeTag::Insert => Change::Added,
            ChangeTag::Delete => Change::Removed,
        };
        match out.last_mut() {
            Some((k, text)) if *k == kind => text.push_str(c.value()),
            _ => out.push((kind, c.value().to_owned())),
        }
    }
    out
}

/// The stages in which documents are worked on and exported: any once a case exists.
pub(crate) const DOCUMENT_STAGES: &[crate::case::Stage] = crate::case::Stage::EXISTING;

/// The stages in which a document may still be edited, and the words for a refusal.
fn editable(case: &Case, document: DocumentKind) -> Result<(), crate::case::DomainError> {
    use crate::case::DomainError;
    use crate::case::Stage as S;
    match document {
        DocumentKind::RapidReview => {
            if case.rapid_review_submitted_on.is_some() {
                return Err(DomainError::rule(
                    "The rapid review report has been sent to the National Panel: it can no longer be changed.",
                ));
            }
            if !matches!(case.stage, S::RapidReview | S::Scoping) {
                return Err(DomainError::rule(
                    "The rapid review report is written during the rapid review.",
                ));
            }
        }
        DocumentKind::TermsOfReference => {
            if !matches!(case.stage, S::Commissioning | S::Evidence) {
                return Err(DomainError::rule(
                    "The terms of reference are written while the local review is commissioned and gathers its evidence.",
                ));
            }
        }
        DocumentKind::OverviewReport => {
            if case.report_sent_on.is_some() {
                return Err(DomainError::rule(
                    "The overview report has been sent to the National Panel and the Secretary of State: it can no longer be changed.",
                ));
            }
            if !matches!(case.stage, S::Evidence | S::Drafting) {
                return Err(DomainError::rule(
                    "The overview report is written once the review is gathering its evidence.",
                ));
            }
        }
    }
    Ok(())
}

/// The longest text a section may hold, in bytes (a long report's section is a few dozen KB).
pub const MAX_SECTION_BYTES: usize = 400_000;

/// Decides the document commands (called from [`crate::case::decide`]).
pub(crate) fn decide(
    case: &Case,
    command: crate::case::Command,
    ctx: &crate::case::Ctx<'_>,
) -> Result<Vec<crate::case::Event>, crate::case::DomainError> {
    use crate::case::{Command, DomainError, Event};
    let not_future = |field: &'static str, at: OffsetDateTime| {
        if at.date() > ctx.today.next_day().unwrap_or(ctx.today) {
            Err(DomainError::invalid(
                field,
                "The time must not be in the future.",
            ))
        } else {
            Ok(())
        }
    };
    match command {
        Command::SaveDocumentSection {
            document,
            section,
            text,
            saved_at,
        } => {
            if document.section(&section).is_none() {
                return Err(DomainError::invalid("section", "There is no such section."));
            }
            editable(case, document)?;
            not_future("saved_at", saved_at)?;
            if text.len() > MAX_SECTION_BYTES {
                return Err(DomainError::invalid(
                    "text",
                    "The section is too long: split it, or shorten it.",
                ));
            }
            if case
                .documents
                .latest(document, &section)
                .is_some_and(|v| v.text == text)
            {
                return Err(DomainError::invalid(
                    "text",
                    "Nothing has changed since the last version.",
                ));
            }
            Ok(vec![Event::DocumentSectionSaved {
                document,
                section,
                text,
                saved_by: ctx.actor,
                saved_at,
            }])
        }
        Command::SaveRecommendation {
            recommendation,
            saved_at,
        } => {
            editable(case, DocumentKind::OverviewReport)?;
            not_future("saved_at", saved_at)?;
            if recommendation.text.trim().is_empty() {
                return Err(DomainError::invalid(
                    "recommendation.text",
                    "Enter what must be done.",
                ));
            }
            if let Some(due) = recommendation.due_on
                && due < ctx.today
            {
                return Err(DomainError::invalid(
                    "recommendation.due_on",
                    "The date must be today or in the future.",
                ));
            }
            if case
                .current_report()
                .and_then(|r| r.recommendations.iter().find(|x| x.id == recommendation.id))
                == Some(&recommendation)
            {
                return Err(DomainError::invalid(
                    "recommendation.text",
                    "Nothing has changed since the last version.",
                ));
            }
            Ok(vec![Event::RecommendationSaved {
                recommendation,
                saved_by: ctx.actor,
                saved_at,
            }])
        }
        Command::WithdrawRecommendation { id, saved_at } => {
            editable(case, DocumentKind::OverviewReport)?;
            not_future("saved_at", saved_at)?;
            if !case
                .current_report()
                .is_some_and(|r| r.recommendations.iter().any(|x| x.id == id))
            {
                return Err(DomainError::rule("There is no such recommendation."));
            }
            if case
                .actions
                .values()
                .any(|a| a.action.recommendation == Some(id))
            {
                return Err(DomainError::rule(
                    "An agreed action answers this recommendation: it cannot be withdrawn.",
                ));
            }
            Ok(vec![Event::RecommendationWithdrawn {
                id,
                saved_by: ctx.actor,
                saved_at,
            }])
        }
        Command::CommentOnSection { comment } => {
            if comment.document.section(&comment.section).is_none() {
                return Err(DomainError::invalid("section", "There is no such section."));
            }
            // A comment is written in its author's name, whatever the form said.
            let comment = SectionComment {
                author: ctx.actor,
                ..comment
            };
            not_future("at", comment.at)?;
            if case.documents.comment(comment.id).is_some() {
                return Err(DomainError::invalid(
                    "comment",
                    "This comment is already recorded.",
                ));
            }
            if comment.resolved.is_some() {
                return Err(DomainError::invalid(
                    "comment",
                    "A new comment is not resolved.",
                ));
            }
            if let Some(to) = comment.reply_to {
                match case.documents.comment(to) {
                    Some(c)
                        if c.reply_to.is_none()
                            && c.document == comment.document
                            && c.section == comment.section =>
                    {
                        if c.resolved.is_some() {
                            return Err(DomainError::rule(
                                "This comment has been resolved: start a new comment instead.",
                            ));
                        }
                    }
                    _ => return Err(DomainError::invalid("comment", "There is no such comment.")),
                }
            } else if comment.document == DocumentKind::OverviewReport
                && case.report_sent_on.is_some()
            {
                return Err(DomainError::rule(
                    "The overview report has been sent: it takes no more factual-accuracy comments.",
                ));
            }
            Ok(vec![Event::SectionCommented { comment }])
        }
        Command::ResolveSectionComment {
            comment_id,
            note,
            at,
        } => {
            not_future("at", at)?;
            match case.documents.comment(comment_id) {
                Some(c) if c.reply_to.is_none() => {
                    if c.resolved.is_some() {
                        return Err(DomainError::rule("This comment is already resolved."));
                    }
                }
                _ => return Err(DomainError::invalid("comment", "There is no such comment.")),
            }
            Ok(vec![Event::SectionCommentResolved {
                comment_id,
                resolution: Resolution {
                    by: ctx.actor,
                    at,
                    note,
                },
            }])
        }
        Command::RecordFamilyComment { comment } => {
            crate::case::decide::happened_by(
                "comment.received_on",
                "the comments were received",
                comment.received_on,
                ctx.today,
            )?;
            if let Some(s) = &comment.section
                && DocumentKind::OverviewReport.section(s).is_none()
            {
                return Err(DomainError::invalid(
                    "comment.section",
                    "There is no such section.",
                ));
            }
            if case.current_report().is_none() {
                return Err(DomainError::rule(
                    "The family comment on the overview report: there is no report yet.",
                ));
            }
            Ok(vec![Event::FamilyCommentRecorded { comment }])
        }
        Command::RecordDocumentExport { export } => {
            if case.documents.export(export.export_id).is_some() {
                return Err(DomainError::rule("This export is already recorded."));
            }
            Ok(vec![Event::DocumentExported { export }])
        }
        _ => Err(DomainError::rule("Not a document command.")),
    }
}

/// The pattern matching the events this module owns, so that the case's
/// [`apply`](crate::case::apply) and the timeline hand over the same set to [`apply`] and
/// [`describe`].
macro_rules! document_event {
    () => {
        $crate::case::Event::DocumentSectionSaved { .. }
            | $crate::case::Event::RecommendationSaved { .. }
            | $crate::case::Event::RecommendationWithdrawn { .. }
            | $crate::case::Event::SectionCommented { .. }
            | $crate::case::Event::SectionCommentResolved { .. }
            | $crate::case::Event::FamilyCommentRecorded { .. }
            | $crate::case::Event::DocumentExported { .. }
    };
}
pub(crate) use document_event;

/// Applies the document events (called from [`crate::case::apply`]).
pub(crate) fn apply(case: &mut Case, event: &crate::case::Event) {
    use crate::case::model::ReportDraft;
    use crate::case::{Event, Stage};
    fn new_report(
        case: &mut Case,
        change: &dyn Fn(&mut crate::report::OverviewReport),
        section: &str,
        saved_by: UserId,
        saved_at: OffsetDateTime,
    ) {
        let mut report = case.current_report().cloned().unwrap_or_default();
        change(&mut report);
        let version = u32::try_from(case.drafts.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let recommendations =
            (section == "recommendations").then(|| report.recommendations.clone());
        let text = overview_section(section)
            .map(|s| report.section(s).to_owned())
            .unwrap_or_default();
        case.documents.push_version(
            DocumentKind::OverviewReport,
            section,
            text,
            recommendations,
            Some(saved_by),
            saved_at,
        );
        case.drafts.push(ReportDraft {
            version,
            submitted_on: saved_at.date(),
            report,
        });
        // A changed report needs signing off afresh.
        case.report_sign_offs.clear();
        if case.stage == Stage::Evidence {
            case.stage = Stage::Drafting;
        }
    }
    match event {
        Event::DocumentSectionSaved {
            document,
            section,
            text,
            saved_by,
            saved_at,
        } => match document {
            DocumentKind::OverviewReport => {
                if let Some(s) = overview_section(section) {
                    let t = text.clone();
                    new_report(
                        case,
                        &move |r| {
                            r.sections.insert(s, t.clone());
                        },
                        section,
                        *saved_by,
                        *saved_at,
                    );
                }
            }
            other => {
                case.documents.push_version(
                    *other,
                    section,
                    text.clone(),
                    None,
                    Some(*saved_by),
                    *saved_at,
                );
                if *other == DocumentKind::RapidReview {
                    // A changed rapid review report needs signing off afresh.
                    case.rapid_review_sign_offs.clear();
                }
            }
        },
        Event::RecommendationSaved {
            recommendation,
            saved_by,
            saved_at,
        } => {
            let rec = recommendation.clone();
            new_report(
                case,
                &move |r| {
                    if let Some(x) = r.recommendations.iter_mut().find(|x| x.id == rec.id) {
                        *x = rec.clone();
                    } else {
                        r.recommendations.push(rec.clone());
                    }
                },
                "recommendations",
                *saved_by,
                *saved_at,
            );
        }
        Event::RecommendationWithdrawn {
            id,
            saved_by,
            saved_at,
        } => {
            let id = *id;
            new_report(
                case,
                &move |r| r.recommendations.retain(|x| x.id != id),
                "recommendations",
                *saved_by,
                *saved_at,
            );
        }
        Event::SectionCommented { comment } => case.documents.comments.push(comment.clone()),
        Event::SectionCommentResolved {
            comment_id,
            resolution,
        } => {
            if let Some(c) = case
                .documents
                .comments
                .iter_mut()
                .find(|c| c.id == *comment_id)
            {
                c.resolved = Some(resolution.clone());
            }
        }
        Event::FamilyCommentRecorded { comment } => {
            case.documents.family_comments.push(comment.clone());
        }
        Event::DocumentExported { export } => case.documents.exports.push(export.clone()),
        _ => {}
    }
}

/// Records the sections a whole draft changed as versions (a draft submitted through the
/// draft form has no author in the event; its day is the draft's).
pub(crate) fn record_draft(
    case: &mut Case,
    previous: Option<&crate::report::OverviewReport>,
    report: &crate::report::OverviewReport,
    submitted_on: Date,
) {
    let at = submitted_on.midnight().assume_utc();
    for s in Section::ALL {
        let key = overview_key(s);
        let before = previous.map_or("", |r| r.section(s));
        let changed_recs = s == Section::Recommendations
            && previous.map(|r| &r.recommendations) != Some(&report.recommendations);
        if before != report.section(s) || changed_recs {
            let recs = (s == Section::Recommendations).then(|| report.recommendations.clone());
            case.documents.push_version(
                DocumentKind::OverviewReport,
                key,
                report.section(s).to_owned(),
                recs,
                None,
                at,
            );
        }
    }
}

/// The timeline's sentence for a document event (no free text: sections can be long and are
/// read on the document's page).
#[must_use]
pub fn describe(
    event: &crate::case::Event,
    agency_name: &dyn Fn(AgencyId) -> String,
) -> (Option<Date>, String) {
    use crate::case::Event;
    let heading = |d: DocumentKind, s: &str| d.section(s).map_or("a section", |x| x.heading);
    match event {
        Event::DocumentSectionSaved {
            document,
            section,
            saved_at,
            ..
        } => (
            Some(saved_at.date()),
            format!(
                "A new version of \u{201c}{}\u{201d} in the {} was saved.",
                heading(*document, section),
                document.title().to_lowercase()
            ),
        ),
        Event::RecommendationSaved { saved_at, .. } => (
            Some(saved_at.date()),
            "A recommendation of the overview report was saved.".to_owned(),
        ),
        Event::RecommendationWithdrawn { saved_at, .. } => (
            Some(saved_at.date()),
            "A recommendation was taken out of the overview report.".to_owned(),
        ),
        Event::SectionCommented { comment } => {
            let who = comment
                .agency
                .map_or_else(String::new, |a| format!(" for {}", agency_name(a)));
            let what = if comment.reply_to.is_some() {
                "A reply to a comment"
            } else {
                "A factual-accuracy comment"
            };
            (
                Some(comment.at.date()),
                format!(
                    "{what} on \u{201c}{}\u{201d} of the {} was made{who}.",
                    heading(comment.document, &comment.section),
                    comment.document.title().to_lowercase()
                ),
            )
        }
        Event::SectionCommentResolved { resolution, .. } => (
            Some(resolution.at.date()),
            "A factual-accuracy comment was resolved.".to_owned(),
        ),
        Event::FamilyCommentRecorded { comment } => (
            Some(comment.received_on),
            "The family's comments on the overview report were recorded.".to_owned(),
        ),
        Event::DocumentExported { export } => (
            Some(export.made_at.date()),
            format!(
                "The {} was exported as a {}.",
                export.document.title().to_lowercase(),
                export.format.label()
            ),
        ),
        _ => (None, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_has_distinct_section_keys_and_guidance() {
        for kind in DocumentKind::ALL {
            let keys: std::collections::BTreeSet<_> =
                kind.sections().iter().map(|s| s.key).collect();
            assert_eq!(keys.len(), kind.sections().len(), "{kind:?}");
            assert!(kind.sections().iter().all(|s| s.guidance.len() > 40));
            assert_eq!(DocumentKind::from_slug(kind.slug()), Some(kind));
        }
        assert_eq!(DocumentKind::OverviewReport.sections().len(), 6);
        for s in Section::ALL {
            assert_eq!(overview_section(overview_key(s)), Some(s));
            assert_eq!(
                DocumentKind::OverviewReport
                    .section(overview_key(s))
                    .map(|x| x.heading),
                Some(s.heading())
            );
        }
    }

    #[test]
    fn comparison_marks_words_added_and_removed() {
        let c = compare("The visit was late.", "The home visit was not late.");
        let added: Vec<_> = c
            .iter()
            .filter(|(k, _)| *k == Change::Added)
            .map(|(_, t)| t.trim())
            .collect();
        assert_eq!(added, ["home", "not"]);
        assert!(c.iter().all(|(k, _)| *k != Change::Removed));
        let c = compare("a b c", "a c");
        assert_eq!(
            c.iter()
                .filter(|(k, _)| *k == Change::Removed)
                .map(|(_, t)| t.trim())
                .collect::<Vec<_>>(),
            ["b"]
        );
        assert_eq!(
            compare("same", "same"),
            vec![(Change::Same, "same".to_owned())]
        );
    }
}
