//! The OAuth 2 token endpoint (RFC 6749, section 4.4, the client credentials grant): a system
//! integration trades its client id and secret, sent with HTTP Basic or in the form, for an
//! access token that lasts an hour. Its problems also carry the OAuth `error` code.

use axum::extract::FromRequest;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Problem;
use crate::AppState;

/// The grant's form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenForm {
    /// Always `client_credentials`.
    #[schema(schema_with = super::docs::grant_schema)]
    pub grant_type: String,
    /// The client id, when not sent with HTTP Basic.
    pub client_id: Option<String>,
    /// The client secret, when not sent with HTTP Basic.
    pub client_secret: Option<String>,
}

/// An access token (RFC 6749, section 5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenBody {
    /// The token, for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds it lasts.
    pub expires_in: i64,
}

fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn invalid_client() -> Response {
    let mut response = Problem::new("invalid-client")
        .oauth("invalid_client")
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Basic realm=\"cspr\""),
    );
    response
}

/// The client credentials grant.
#[utoipa::path(post, path = "/oauth/token", tag = "account",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = TokenBody), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem)))]
pub async fn token(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> Response {
    let headers = request.headers().clone();
    let form = match axum::Form::<TokenForm>::from_request(request, &state).await {
        Ok(axum::Form(form)) => form,
        Err(axum::extract::rejection::FormRejection::InvalidFormContentType(_)) => {
            return Problem::new("unsupported-media-type").into_response();
        }
        Err(e) => {
            return Problem::new("bad-request")
                .oauth("invalid_request")
                .detail(e.body_text())
                .into_response();
        }
    };
    if form.grant_type != "client_credentials" {
        return Problem::new("unsupported-grant-type")
            .oauth("unsupported_grant_type")
            .into_response();
    }
    let (id, secret) = match (basic(&headers), form.client_id, form.client_secret) {
        (Some(pair), None, None) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => return invalid_client(),
    };
    let secret = SecretString::from(secret);
    match cspr_app::accounts::api::client_credentials(&state, &id, &secret).await {
        Ok(Some(issued)) => {
            use secrecy::ExposeSecret;
            let body = TokenBody {
                access_token: issued.secret.expose_secret().to_owned(),
                token_type: "Bearer",
                expires_in: cspr_app::accounts::api::CLIENT_TOKEN_LIFETIME.whole_seconds(),
            };
            (
                [
                    (header::CACHE_CONTROL, "no-store"),
                    (header::PRAGMA, "no-cache"),
                ],
                axum::Json(body),
            )
                .into_response()
        }
        Ok(None) => {
            tracing::info!("API client credentials refused");
            invalid_client()
        }
        Err(e) => Problem::from(e).into_response(),
    }
}
