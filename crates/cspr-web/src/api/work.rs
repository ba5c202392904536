//! What is not one case, through the API: the action tracker's actions, the partnership's
//! yearly figures and the learning library, each in the caller's scope as its page shows it.

use cspr_domain::figures::Period;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cases::{at_most, paging, window};
use super::{ApiCall, ApiQuery, Problem};

/// One agreed action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionItem {
    /// Its case.
    pub case_id: Uuid,
    /// The action.
    pub action_id: Uuid,
    /// The recommendation it answers.
    pub recommendation: String,
    /// The agency that owns it.
    pub agency: String,
    /// What is to be done.
    pub description: String,
    /// When it is due.
    pub due: Option<Date>,
    /// Its progress (`agreed`, `in-progress`, `completed`, `impact-evidenced`...).
    pub status: String,
    /// The day of its latest progress.
    pub last_progress: Option<Date>,
    /// The day it was completed.
    pub completed_on: Option<Date>,
    /// The day its impact was evidenced.
    pub impact_evidenced_on: Option<Date>,
    /// Its learning themes.
    pub themes: Vec<String>,
}

/// A page of actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionPage {
    /// The actions of this page.
    pub items: Vec<ActionItem>,
    /// This page (from 1).
    pub page: u32,
    /// Its size.
    pub per_page: u32,
    /// How many match in all.
    pub total: u64,
}

/// What the actions are filtered and paged by.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// The page, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Actions a page.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
    /// Only actions with this status.
    #[param(max_length = 40)]
    pub status: Option<String>,
    /// Only the actions of one case.
    pub case_id: Option<Uuid>,
}

/// The actions agreed on the cases the token's person may see, due soonest first, paged. The
/// look is written to the access log first (the ids of the cases listed).
#[utoipa::path(get, path = "/actions", tag = "actions", params(ActionQuery),
    responses((status = 200, body = ActionPage), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn actions(
    ApiCall(state, caller, source): ApiCall,
    ApiQuery(q): ApiQuery<ActionQuery>,
) -> Result<axum::Json<ActionPage>, Problem> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    at_most(q.status.as_deref(), "status", 40)?;
    let p = &caller.principal;
    let all = state
        .store()
        .actions_kept_at(cspr_app::policy::listing_scope(p), caller.read_models)
        .await?;
    let mut matching: Vec<&cspr_store::ActionRow> = all
        .iter()
        .filter(|a| q.status.as_ref().is_none_or(|s| &a.status == s))
        .filter(|a| q.case_id.is_none_or(|c| a.case_id == c))
        .collect();
    matching.sort_by_key(|a| (a.due.is_none(), a.due, a.case_id, a.action_id));
    let shown = &matching[window(matching.len(), page, per_page)];
    let ids: Vec<Uuid> = shown.iter().map(|a| a.case_id).collect();
    cspr_app::reader::audit_listing(&state, p, "api-list-actions", &ids, &source).await?;
    Ok(axum::Json(ActionPage {
        items: shown
            .iter()
            .map(|a| ActionItem {
                case_id: a.case_id,
                action_id: a.action_id,
                recommendation: a.recommendation.clone(),
                agency: a.agency.clone(),
                description: a.description.clone(),
                due: a.due,
                status: a.status.clone(),
                last_progress: a.last_progress,
                completed_on: a.completed_on,
                impact_evidenced_on: a.impact_evidenced_on,
                themes: a.themes.clone(),
            })
            .collect(),
        page,
        per_page,
        total: matching.len() as u64,
    }))
}

/// The period of the figures.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The first day (`2025-04-01`). Without it: the start of the reporting year `to` is in;
    /// without either: the current reporting year.
    #[param(format = Date, value_type = Option<String>)]
    pub from: Option<String>,
    /// The last day (`2026-03-31`). Without it: the end of the reporting year `from` is in.
    #[param(format = Date, value_type = Option<String>)]
    pub to: Option<String>,
}

/// One figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct Figure {
    /// What it counts, in words (as the figures page and its CSV name it).
    pub figure: String,
    /// Its value, as the page shows it.
    pub value: String,
}

/// The partnership's figures for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresBody {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
    /// Every figure.
    pub figures: Vec<Figure>,
    /// How many cases they count.
    pub counted: u64,
    /// How many cases the partnership has.
    pub all: u64,
}

fn day(text: &str, name: &str) -> Result<Date, Problem> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|_| {
        Problem::new("bad-request").detail(format!("{name} is not a date (2026-03-31)."))
    })
}

/// The yearly figures (the figures page's, as its CSV gives them). Every case counted is
/// read through the audited reader.
#[utoipa::path(get, path = "/figures", tag = "figures", params(FiguresQuery),
    responses((status = 200, body = FiguresBody), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn figures(
    ApiCall(state, caller, source): ApiCall,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> Result<axum::Json<FiguresBody>, Problem> {
    // One end alone: the other is the end of that reporting year, or its start.
    let period = match (q.from.as_deref(), q.to.as_deref()) {
        (None, None) => Period::reporting_year(state.today()),
        (from, to) => {
            let from = from.map(|f| day(f, "from")).transpose()?;
            let to = to.map(|t| day(t, "to")).transpose()?;
            let today = state.today();
            let from = from.unwrap_or_else(|| Period::reporting_year(to.unwrap_or(today)).from);
            let to = to.unwrap_or_else(|| Period::reporting_year(from).to);
            Period::new(from, to).map_err(|e| Problem::new("bad-request").detail(e.to_string()))?
        }
    };
    let f = cspr_app::learning::yearly_figures(&state, &caller.principal, &source, period).await?;
    Ok(axum::Json(FiguresBody {
        from: f.figures.period.from,
        to: f.figures.period.to,
        figures: f
            .rows()
            .into_iter()
            .map(|(figure, value)| Figure { figure, value })
            .collect(),
        counted: f.counted as u64,
        all: f.all as u64,
    }))
}

/// A search of the learning library.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LibraryQuery {
    /// What to look for; empty lists every review, newest first.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// The page, from 1.
    #[param(minimum = 1, maximum = 100)]
    pub page: Option<u32>,
    /// Reviews a page.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// One review of the library.
#[derive(Debug, Serialize, ToSchema)]
pub struct Review {
    /// Its id in the library.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its partnership.
    pub partnership: String,
    /// When it was published.
    pub published_on: Date,
    /// Its kind, in words.
    pub review_type: String,
    /// Its themes.
    pub themes: Vec<String>,
    /// Where it is published.
    pub url: String,
}

/// A page of the library.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryPage {
    /// The reviews of this page.
    pub items: Vec<Review>,
    /// This page.
    pub page: u32,
    /// Its size.
    pub per_page: u32,
    /// How many match in all.
    pub total: u64,
}

/// Searches the learning library (published reviews: nothing of an open case).
#[utoipa::path(get, path = "/library", tag = "library", params(LibraryQuery),
    responses((status = 200, body = LibraryPage), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn library(
    ApiCall(state, _, _): ApiCall,
    ApiQuery(q): ApiQuery<LibraryQuery>,
) -> Result<axum::Json<LibraryPage>, Problem> {
    let (page, per_page) = paging(q.page, q.per_page)?;
    if page > 100 {
        return Err(Problem::new("bad-request").detail("The library shows at most 100 pages."));
    }
    at_most(q.q.as_deref(), "q", 500)?;
    let text = q.q.unwrap_or_default();
    let query = cspr_app::library::Query {
        text,
        offset: (page as usize - 1) * per_page as usize,
        limit: per_page as usize,
        ..cspr_app::library::Query::default()
    };
    let results = cspr_app::library::search(&state, &query, false).await?;
    Ok(axum::Json(LibraryPage {
        items: results
            .hits
            .into_iter()
            .map(|h| Review {
                id: h.id,
                title: h.title,
                partnership: h.partnership,
                published_on: h.published_on,
                review_type: h.review_type.label().to_owned(),
                themes: h.themes,
                url: h.url,
            })
            .collect(),
        page,
        per_page,
        total: results.total as u64,
    }))
}
