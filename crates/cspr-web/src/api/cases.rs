//! Cases through the API: the list (filtered, paged, in the caller's scope), one case, its
//! timeline and deadlines, opening a case and giving it a command. Reads go through the
//! audited reader; commands through `cspr_app::cases` under the pages' policy.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cspr_domain::case::{Command, Stage};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiCall, ApiCase, ApiJson, ApiQuery, Problem};
use crate::reader;

/// The largest page.
pub const MAX_PER_PAGE: u32 = 100;
/// A page's size unless asked.
pub const PER_PAGE: u32 = 25;

/// Who the token acts as.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The account.
    pub user_id: Uuid,
    /// Its partnership.
    pub partnership_id: Uuid,
    /// Its role (`partnership-team`, `chair`, ...).
    pub role: String,
    /// The agency it acts for, if any.
    pub agency_id: Option<Uuid>,
}

/// Who the token acts as.
#[utoipa::path(get, path = "/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn me(ApiCall(_, caller, _): ApiCall) -> axum::Json<Me> {
    let p = &caller.principal;
    axum::Json(Me {
        user_id: p.user_id.as_uuid(),
        partnership_id: p.partnership_id.as_uuid(),
        role: p.role.key().to_owned(),
        agency_id: p.agency_id.map(|a| a.as_uuid()),
    })
}

/// A case as listed: nothing personal (reference, stage, dates, agencies, themes).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseItem {
    /// The case.
    pub id: Uuid,
    /// The partnership's reference ("CSPR-2026-004").
    pub reference: String,
    /// The stage's machine name.
    pub stage: String,
    /// The stage in words.
    pub stage_label: String,
    /// The day it was opened.
    pub opened_on: Date,
    /// Whether it is closed.
    pub closed: bool,
    /// The day it closed.
    pub closed_on: Option<Date>,
    /// The soonest open deadline.
    pub next_deadline: Option<Date>,
    /// What that deadline is for.
    pub next_deadline_label: Option<String>,
    /// Whether a legal hold keeps it from erasure.
    pub legal_hold: bool,
    /// Its learning themes.
    pub themes: Vec<String>,
    /// The agencies involved.
    pub agencies: Vec<Uuid>,
}

impl From<&cspr_store::CaseSummary> for CaseItem {
    fn from(s: &cspr_store::CaseSummary) -> Self {
        Self {
            id: s.case_id,
            reference: s.reference.clone(),
            stage: s.stage.clone(),
            stage_label: s.stage_label.clone(),
            opened_on: s.opened_on,
            closed: s.closed,
            closed_on: s.closed_on,
            next_deadline: s.next_deadline,
            next_deadline_label: s.next_deadline_label.clone(),
            legal_hold: s.legal_hold,
            themes: s.themes.clone(),
            agencies: s.agencies.clone(),
        }
    }
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    /// The cases of this page.
    pub items: Vec<CaseItem>,
    /// This page (from 1).
    pub page: u32,
    /// Its size.
    pub per_page: u32,
    /// How many cases match in all.
    pub total: u64,
}

/// What the case list is filtered and paged by.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The page, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Cases a page.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
    /// Only cases at this stage (its machine name).
    #[param(schema_with = super::docs::stage_schema)]
    pub stage: Option<String>,
    /// Only closed (true) or open (false) cases.
    pub closed: Option<bool>,
    /// Only cases tagged with this theme.
    #[param(max_length = 200)]
    pub theme: Option<String>,
}

/// Reads page and size, refusing what is out of range.
pub(crate) fn paging(page: Option<u32>, per_page: Option<u32>) -> Result<(u32, u32), Problem> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(PER_PAGE);
    if page == 0 || page > 100_000 {
        return Err(Problem::new("bad-request").detail("page runs from 1 to 100000."));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(
            Problem::new("bad-request").detail(format!("per_page runs from 1 to {MAX_PER_PAGE}."))
        );
    }
    Ok((page, per_page))
}

/// Refuses a text longer than the operation takes (`max` characters).
pub(crate) fn at_most(value: Option<&str>, name: &str, max: usize) -> Result<(), Problem> {
    match value {
        Some(v) if v.chars().count() > max => {
            Err(Problem::new("bad-request").detail(format!("{name} is at most {max} characters.")))
        }
        _ => Ok(()),
    }
}

/// The slice of `total` items a page shows.
pub(crate) fn window(total: usize, page: u32, per_page: u32) -> std::ops::Range<usize> {
    let per = per_page as usize;
    let start = (page as usize - 1).saturating_mul(per).min(total);
    start..start.saturating_add(per).min(total)
}

/// The cases the token's person may see, newest opened first, filtered and paged. The look is
/// written to the access log (the ids of the page's cases) before it is answered.
#[utoipa::path(get, path = "/cases", tag = "cases", params(ListQuery),
    responses((status = 200, body = CasePage), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    ApiCall(state, caller, source): ApiCall,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<CasePage>, Problem> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    at_most(q.theme.as_deref(), "theme", 200)?;
    if let Some(stage) = &q.stage
        && !Stage::ALL.iter().any(|s| s.key() == stage)
    {
        return Err(Problem::new("bad-request").detail("stage is not the machine name of a stage."));
    }
    let p = &caller.principal;
    let all = state
        .store()
        .case_summaries_kept_at(cspr_app::policy::listing_scope(p), caller.read_models)
        .await?;
    let matching: Vec<&cspr_store::CaseSummary> = all
        .iter()
        .filter(|s| q.stage.as_ref().is_none_or(|st| &s.stage == st))
        .filter(|s| q.closed.is_none_or(|c| s.closed == c))
        .filter(|s| {
            q.theme
                .as_ref()
                .is_none_or(|t| s.themes.iter().any(|x| x == t))
        })
        .collect();
    let shown = &matching[window(matching.len(), page, per_page)];
    let ids: Vec<Uuid> = shown.iter().map(|s| s.case_id).collect();
    cspr_app::reader::audit_listing(&state, p, "api-list-cases", &ids, &source).await?;
    Ok(axum::Json(CasePage {
        items: shown.iter().map(|s| CaseItem::from(*s)).collect(),
        page,
        per_page,
        total: matching.len() as u64,
    }))
}

/// One case, with the version to give in `If-Match`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRead {
    /// The case as listed.
    #[serde(flatten)]
    pub case: CaseItem,
    /// Its version: how many events it has.
    pub version: u64,
}

fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// One case. Its read is written to the access log first.
#[utoipa::path(get, path = "/cases/{case_id}", tag = "cases",
    params(("case_id" = Uuid, Path, description = "The case")),
    responses((status = 200, body = CaseRead, headers(("ETag" = String, description = "The case's version"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 410, body = Problem)),
    security(("bearer" = [])))]
pub async fn read(ApiCase(state, access, source, _): ApiCase) -> Result<Response, Problem> {
    reader::load_case_shared(&state, &access, "api-view-case", &source).await?;
    let version = access.stream_version();
    let body = CaseRead {
        case: CaseItem::from(access.summary()),
        version,
    };
    Ok(([(header::ETAG, etag(version))], axum::Json(body)).into_response())
}

/// One line of a case's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    /// The event's number in the case (its version once appended).
    pub number: u64,
    /// The day it happened, when the event records one.
    pub date: Option<Date>,
    /// What happened, in a sentence.
    pub text: String,
}

/// A page of a case's timeline, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinePage {
    /// The entries of this page.
    pub items: Vec<TimelineEntry>,
    /// This page (from 1).
    pub page: u32,
    /// Its size.
    pub per_page: u32,
    /// How many entries in all.
    pub total: u64,
}

/// Paging of a timeline.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Entries a page.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A case's timeline, newest first, paged. Its read is written to the access log first.
#[utoipa::path(get, path = "/cases/{case_id}/timeline", tag = "cases",
    params(("case_id" = Uuid, Path, description = "The case"), PageQuery),
    responses((status = 200, body = TimelinePage), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 410, body = Problem)),
    security(("bearer" = [])))]
pub async fn timeline(
    ApiCase(state, access, source, read_models): ApiCase,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<axum::Json<TimelinePage>, Problem> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    let (_, events) =
        reader::load_case_shared(&state, &access, "api-view-timeline", &source).await?;
    let agencies = super::agencies(&state, &access, read_models).await?;
    let name = |id: cspr_domain::ids::AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == id.as_uuid())
            .map_or_else(|| "an agency".to_owned(), |a| a.name.clone())
    };
    let total = events.len();
    let range = window(total, page, per_page);
    // Newest first: the page's window counts back from the last event.
    let items = range
        .map(|i| {
            let index = total - 1 - i;
            let entry = cspr_domain::timeline::describe(&events[index], &name);
            TimelineEntry {
                number: index as u64 + 1,
                date: entry.date,
                text: entry.text,
            }
        })
        .collect();
    Ok(axum::Json(TimelinePage {
        items,
        page,
        per_page,
        total: total as u64,
    }))
}

/// A command: its name in `command`, and its fields (docs/API.md lists them; they are the
/// commands of the case's forms).
#[derive(Debug, Deserialize, Serialize)]
pub struct CommandBody {
    /// The command's name (`notify-national-panel`).
    pub command: String,
}

impl utoipa::PartialSchema for CommandBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let names: Vec<&'static str> = cspr_domain::case::CommandKind::all()
            .map(cspr_domain::case::CommandKind::name)
            .collect();
        ObjectBuilder::new()
            .description(Some(
                "A command: its name in `command` and its fields beside it, as the case's forms give them.",
            ))
            .property(
                "command",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(names)),
            )
            .required("command")
            .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(true)))
            .into()
    }
}

impl ToSchema for CommandBody {}

/// What a command did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Given {
    /// The case.
    pub id: Uuid,
    /// Its version now.
    pub version: u64,
}

fn read_command(value: serde_json::Value) -> Result<Command, Problem> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        Problem::new("invalid-command").detail(format!("At {}: {}", e.path(), e.inner()))
    })
}

/// The version `If-Match` gives: `Some(n)` for `"n"`, `None` for `*`.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(Problem::new("precondition-required"));
    };
    let text = value
        .to_str()
        .map_err(|_| Problem::new("bad-request").detail("If-Match is not text."))?
        .trim();
    if text == "*" {
        return Ok(None);
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.is_empty() && t.len() <= 19 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| {
            Problem::new("bad-request")
                .detail("If-Match takes the case's version as an entity tag (\"12\"), or *.")
        })
}

/// Gives one command on a case, as the case's forms would, if the case is still at the version
/// in `If-Match`.
#[utoipa::path(post, path = "/cases/{case_id}/commands", tag = "cases",
    params(("case_id" = Uuid, Path, description = "The case"),
        ("If-Match" = String, Header, description = "The case's version as read (\"12\"), or * for whatever is current",
            pattern = r#"^("[0-9]{1,19}"|\*)$"#)),
    request_body(content = CommandBody, content_type = "application/json"),
    responses((status = 200, body = Given, headers(("ETag" = String, description = "The case's new version"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 410, body = Problem), (status = 412, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)),
    security(("bearer" = [])))]
pub async fn command(
    ApiCase(state, access, source, _): ApiCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson,
) -> Result<Response, Problem> {
    let expected = if_match(&headers)?;
    let command = read_command(body)?;
    // The command is judged against the case as it stands: a read of it, audited like a page's.
    reader::audit(&state, &access, "api-give-command", &source).await?;
    let version = cspr_app::cases::give(&state, &access, expected, command).await?;
    let body = Given {
        id: access.case_id().as_uuid(),
        version,
    };
    Ok(([(header::ETAG, etag(version))], axum::Json(body)).into_response())
}

/// Opens a case with a serious incident (`record-serious-incident`) or a referral with the
/// case's details (`receive-referral` with `opening`). `partnership_id` may be left out (the
/// token's partnership), and so may `reference` (the next of the year).
#[utoipa::path(post, path = "/cases", tag = "cases",
    request_body(content = CommandBody, content_type = "application/json"),
    responses((status = 201, body = Given, headers(("Location" = String, description = "The new case"),
            ("ETag" = String, description = "Its version"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn open(
    ApiCall(state, caller, _): ApiCall,
    ApiJson(mut body): ApiJson,
) -> Result<Response, Problem> {
    let p = &caller.principal;
    let partnership = p.partnership_id.as_uuid();
    let year = state.today().year();
    // Where the case's details sit: at the top for an incident, under `opening` for a referral.
    let kind = body
        .get("command")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let target = match kind.as_str() {
        "record-serious-incident" => Some(&mut body),
        "receive-referral" => body.get_mut("opening").filter(|o| o.is_object()),
        _ => None,
    };
    if let Some(serde_json::Value::Object(fields)) = target {
        if !fields.contains_key("partnership_id") {
            fields.insert("partnership_id".to_owned(), serde_json::json!(partnership));
        }
        if !fields.contains_key("reference") {
            let next = cspr_app::cases::next_reference(state.store(), partnership, year).await?;
            fields.insert("reference".to_owned(), serde_json::json!(next));
        }
    }
    let command = read_command(body)?;
    let (case_id, version) = cspr_app::cases::open(&state, p, command).await?;
    let location = format!("{}/cases/{case_id}", super::PREFIX);
    Ok((
        StatusCode::CREATED,
        [
            (
                header::LOCATION,
                HeaderValue::from_str(&location).map_err(|_| Problem::new("internal"))?,
            ),
            (header::ETAG, etag(version)),
        ],
        axum::Json(Given {
            id: case_id.as_uuid(),
            version,
        }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::{if_match, window};
    use axum::http::{HeaderMap, HeaderValue, header};

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_MATCH,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    #[test]
    fn if_match_takes_a_quoted_version_or_a_star_and_nothing_else() {
        assert_eq!(if_match(&with("\"12\"")).expect("version"), Some(12));
        assert_eq!(if_match(&with("*")).expect("star"), None);
        for bad in [
            "12",
            "W/\"12\"",
            "\"\"",
            "\"-1\"",
            "\"1a\"",
            "\"99999999999999999999\"",
        ] {
            assert_eq!(
                if_match(&with(bad)).expect_err(bad).code,
                "bad-request",
                "{bad}"
            );
        }
        assert_eq!(
            if_match(&HeaderMap::new()).expect_err("missing").code,
            "precondition-required"
        );
    }

    #[test]
    fn a_page_past_the_end_is_empty() {
        assert_eq!(window(10, 1, 4), 0..4);
        assert_eq!(window(10, 3, 4), 8..10);
        assert_eq!(window(10, 4, 4), 10..10);
        assert_eq!(window(0, 1, 25), 0..0);
    }
}
