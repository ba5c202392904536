//! The API's description, OpenAPI 3.1 generated from the handlers' annotations (utoipa), and
//! the table of problem codes.

use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::server::Server;
use utoipa::{Modify, OpenApi, ToSchema};

use super::{cases, documents, problem, progress, token, work};

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal access token (cspr api-token create) or a client's access token (POST /oauth/token).",
                    ))
                    .build(),
            ),
        );
        openapi.servers = Some(vec![Server::new(super::PREFIX)]);
        // Every error is a problem (RFC 9457): its media type says so.
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                for (status, response) in &mut operation.responses.responses {
                    let utoipa::openapi::RefOr::T(response) = response else {
                        continue;
                    };
                    if status.as_str() >= "400"
                        && let Some(content) = response.content.shift_remove("application/json")
                    {
                        response
                            .content
                            .insert("application/problem+json".to_owned(), content);
                    }
                }
            }
        }
    }
}

/// A schema of one of these words.
pub(crate) fn one_of_words(words: Vec<&'static str>) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(words))
        .build()
}

/// The stages' machine names.
pub(crate) fn stage_schema() -> utoipa::openapi::schema::Object {
    one_of_words(
        cspr_domain::case::Stage::ALL
            .iter()
            .map(|s| s.key())
            .collect(),
    )
}

/// The one grant the token endpoint takes.
pub(crate) fn grant_schema() -> utoipa::openapi::schema::Object {
    one_of_words(vec!["client_credentials"])
}

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(title = "cspr API", version = "1",
        description = "Child Safeguarding Practice Reviews: cases, their timelines, deadlines and commands, actions, figures and the learning library, under the same access policy as the pages. Errors are RFC 9457 problem details with a stable code (GET /problems)."),
    paths(cases::me, cases::list, cases::open, cases::read, cases::timeline, progress::deadlines, progress::requests,
        cases::command, documents::export, documents::exports, documents::download, work::actions, work::figures, work::library, token::token, problems),
    components(schemas(problem::Problem, cases::Me, cases::CaseItem, cases::CasePage, cases::CaseRead,
        cases::TimelineEntry, cases::TimelinePage, progress::DeadlineItem, progress::RequestItem, cases::CommandBody,
        cases::Given, documents::ExportAsked, documents::ExportItem, documents::ExportQueued, work::ActionItem, work::ActionPage, work::Figure, work::FiguresBody,
        work::Review, work::LibraryPage, token::TokenForm, token::TokenBody, Code)),
    modifiers(&Security),
)]
#[derive(Debug)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// One problem code.
#[derive(Debug, Serialize, ToSchema)]
pub struct Code {
    /// The code.
    pub code: &'static str,
    /// Its HTTP status.
    pub status: u16,
    /// What it means.
    pub title: &'static str,
}

/// Every problem code the API answers with.
#[utoipa::path(get, path = "/problems", tag = "account",
    responses((status = 200, body = Vec<Code>)))]
pub async fn problems() -> axum::Json<Vec<Code>> {
    axum::Json(
        problem::CODES
            .iter()
            .map(|(code, status, title)| Code {
                code,
                status: *status,
                title,
            })
            .collect(),
    )
}
