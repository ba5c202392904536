//! `cspr admin create` and `cspr admin link`: the first administrator of a new installation,
//! who then makes every other account on the administration pages. The command prints the
//! one-time activation link (on the `public_url` setting, else a path to open on the service)
//! and nothing else about the account; its making is written to the access log. The database
//! is migrated and the partnership created first, as `cspr serve` would.

use cspr_app::accounts::activation::{OperatorError, OperatorLink};
use cspr_store::Store;
use time::OffsetDateTime;

use crate::{
    cli::AdminCommand,
    config::{Access, Settings},
    exit::Failure,
    partnership,
    store::{store_failure, with_store},
};

pub async fn run(settings: &Settings, command: AdminCommand) -> Result<(), Failure> {
    if let AdminCommand::RemovePasskeys { email } = &command {
        let removed = with_store(settings, Access::ReadWrite, true, async |store: &Store| {
            let partnership = partnership::resolve(store, settings, false).await?;
            cspr_app::accounts::activation::remove_passkeys(
                store,
                partnership.id.as_uuid(),
                email,
                OffsetDateTime::now_utc(),
            )
            .await
            .map_err(|e| match e {
                OperatorError::Store(e) => store_failure(e, "cannot remove the passkeys"),
                other => Failure::config(other.to_string()),
            })
        })
        .await?;
        println!(
            "Removed {removed} passkeys and signed the account out everywhere: it signs in with its password and code again."
        );
        return Ok(());
    }
    let link = with_store(settings, Access::ReadWrite, true, async |store: &Store| {
        let now = OffsetDateTime::now_utc();
        let partnership = partnership::resolve(store, settings, false).await?;
        let id = partnership.id.as_uuid();
        let made = match &command {
            AdminCommand::Create { email, name } => {
                cspr_app::accounts::activation::create_administrator(store, id, email, name, now)
                    .await
            }
            AdminCommand::Link { email } => {
                cspr_app::accounts::activation::renew_administrator_link(store, id, email, now)
                    .await
            }
            AdminCommand::RemovePasskeys { .. } => unreachable!("handled above"),
        };
        made.map_err(|e| match e {
            OperatorError::Store(e) => store_failure(e, "cannot make the account"),
            other => Failure::config(other.to_string()),
        })
    })
    .await?;
    print!("{}", text(settings.public_url.as_deref(), &link));
    Ok(())
}

/// What the command prints.
fn text(public_url: Option<&str>, link: &OperatorLink) -> String {
    let path = format!("/activate/{}", link.token);
    let (url, note) = match public_url {
        Some(base) => (format!("{}{path}", base.trim_end_matches('/')), ""),
        None => (
            path,
            "(the `public_url` setting is not set: open this path on the service's address)\n",
        ),
    };
    let until = link
        .expires_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    format!(
        "Activation link for the administrator's account (works once, until {until}):\n\
         {url}\n{note}\
         Give it to the person by a secure route: whoever opens it chooses the account's \
         password.\n"
    )
}
