//! `cspr api-token` and `cspr api-client`: the JSON API's credentials, made at the command line
//! by the operator. A secret is printed once and never again (only its hash is kept); the
//! person the credential acts as is told by email when email is set up.

use std::sync::Arc;

use cspr_app::accounts::api::{self, IssueError};
use cspr_app::{Services, SystemClock};
use cspr_store::Store;
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use crate::{
    cli::{ApiClientCommand, ApiTokenCommand},
    config::{Access, Settings},
    exit::Failure,
    partnership,
    store::{store_failure, with_store},
};

async fn services(store: &Store, settings: &Settings) -> Result<Services, Failure> {
    let now = OffsetDateTime::now_utc();
    let partnership = partnership::served(store, "there are no accounts").await?;
    let app = partnership::app(store, settings, &partnership, false, now).await?;
    Ok(
        Services::new(app, partnership.id, partnership.name, Arc::new(SystemClock))
            .with_mail(settings.mail.clone(), settings.public_url.clone()),
    )
}

fn failure(e: IssueError) -> Failure {
    match e {
        IssueError::Store(e) => store_failure(e, "cannot keep the credential"),
        other => Failure::config(other.to_string()),
    }
}

fn app_failure(e: cspr_app::AppError) -> Failure {
    match e {
        cspr_app::AppError::Store(e) => store_failure(e, "cannot revoke"),
        other => Failure::from(anyhow::Error::new(other).context("cannot revoke")),
    }
}

fn day(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub async fn token(settings: &Settings, command: ApiTokenCommand) -> Result<(), Failure> {
    let out = with_store(settings, Access::ReadWrite, false, async |store: &Store| {
        let services = services(store, settings).await?;
        match &command {
            ApiTokenCommand::Create { email, label, days } => {
                let issued = api::issue(&services, email, label, *days)
                    .await
                    .map_err(failure)?;
                Ok(format!(
                    "Personal access token {} (works until {}; shown only now):\n{}\n\
                     Send it as `Authorization: Bearer <token>` to /api/v1. Keep it as you \
                     would a password.\n",
                    issued.id,
                    day(issued.expires_at),
                    issued.secret.expose_secret()
                ))
            }
            ApiTokenCommand::Revoke { email, id } => {
                let user = store
                    .user_by_email(email.trim())
                    .await
                    .map_err(|e| store_failure(e, "cannot read the account"))?
                    .ok_or_else(|| {
                        Failure::config("There is no account with that email address.")
                    })?;
                let user_id = cspr_domain::ids::UserId::from_uuid(user.id);
                if api::revoke(&services, user_id, *id)
                    .await
                    .map_err(app_failure)?
                {
                    Ok(format!("Revoked token {id}.\n"))
                } else {
                    Err(Failure::config(
                        "That account has no such token still standing.",
                    ))
                }
            }
        }
    })
    .await?;
    print!("{out}");
    Ok(())
}

pub async fn client(settings: &Settings, command: ApiClientCommand) -> Result<(), Failure> {
    let out = with_store(settings, Access::ReadWrite, false, async |store: &Store| {
        let services = services(store, settings).await?;
        match &command {
            ApiClientCommand::Create { email, label } => {
                let client = api::create_client(&services, email, label)
                    .await
                    .map_err(failure)?;
                Ok(format!(
                    "Client id: {}\nClient secret (shown only now): {}\n\
                     Trade them at POST /api/v1/oauth/token (grant_type=client_credentials) for \
                     an access token that lasts an hour.\n",
                    client.id,
                    client.secret.expose_secret()
                ))
            }
            ApiClientCommand::Revoke { id } => {
                if api::revoke_client(&services, *id)
                    .await
                    .map_err(app_failure)?
                {
                    Ok(format!("Revoked client {id}.\n"))
                } else {
                    Err(Failure::config("There is no such client still standing."))
                }
            }
        }
    })
    .await?;
    print!("{out}");
    Ok(())
}
