//! The JSON API's credentials (issue 18): personal access tokens and clients, found by the hash
//! of their secret with their account in one statement, listed, revoked and expired, on both
//! backends.

use cspr_store::{ApiClientRow, ApiTokenKind, ApiTokenRow, NewUser, Store};
use time::Duration;
use uuid::Uuid;

use crate::T0;

async fn user(store: &Store, partnership_id: Uuid, email: &str) -> Uuid {
    let id = Uuid::new_v4();
    store
        .create_user(
            NewUser {
                id,
                partnership_id,
                email: email.to_owned(),
                display_name: "Someone".to_owned(),
                role: "partnership-team".to_owned(),
                agency_id: None,
                password_hash: None,
            },
            T0,
        )
        .await
        .unwrap();
    id
}

fn token(
    user_id: Uuid,
    partnership_id: Uuid,
    hash: &str,
    label: &str,
    at: time::OffsetDateTime,
) -> ApiTokenRow {
    ApiTokenRow {
        id: Uuid::now_v7(),
        user_id,
        partnership_id,
        kind: ApiTokenKind::Personal,
        client_id: None,
        label: label.to_owned(),
        token_hash: hash.to_owned(),
        created_at: at,
        expires_at: at + Duration::days(90),
        revoked_at: None,
        last_used_at: None,
    }
}

cspr_store::backend_tests! {
    async fn a_token_is_found_by_its_hash_with_its_account_listed_and_revoked(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let jo = user(&store, p, "jo@example.org").await;
        let kim = user(&store, p, "kim@example.org").await;
        let first = token(jo, p, "hash-1", "Case system", T0);
        let second = token(jo, p, "hash-2", "Reporting", T0 + Duration::minutes(1));
        store.add_api_token(&first).await.unwrap();
        store.add_api_token(&second).await.unwrap();
        // A second token with the same hash is refused: a hash names one token.
        assert!(store.add_api_token(&token(kim, p, "hash-1", "Copy", T0)).await.is_err());

        let read = store.api_token_with_user("hash-1").await.unwrap().expect("found");
        assert_eq!(read.token, first);
        assert_eq!(read.user.expect("account").id, jo);
        assert!(!read.client_revoked);
        assert!(read.read_models >= 0);
        assert_eq!(read.settings, 0);
        assert!(store.api_token_with_user("hash-3").await.unwrap().is_none());

        // Newest first; another person's list is their own.
        let labels: Vec<String> = store.api_tokens(jo, ApiTokenKind::Personal).await.unwrap()
            .into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["Reporting", "Case system"]);
        assert!(store.api_tokens(kim, ApiTokenKind::Personal).await.unwrap().is_empty());
        assert!(store.api_tokens(jo, ApiTokenKind::Client).await.unwrap().is_empty());

        // Used: recorded. Revoked by its owner only, once.
        store.touch_api_token(first.id, T0 + Duration::minutes(5)).await.unwrap();
        assert!(!store.revoke_api_token(kim, first.id, T0).await.unwrap());
        assert!(store.revoke_api_token(jo, first.id, T0 + Duration::hours(1)).await.unwrap());
        assert!(!store.revoke_api_token(jo, first.id, T0 + Duration::hours(2)).await.unwrap());
        let read = store.api_token_with_user("hash-1").await.unwrap().expect("found");
        assert_eq!(read.token.revoked_at, Some(T0 + Duration::hours(1)));
        assert_eq!(read.token.last_used_at, Some(T0 + Duration::minutes(5)));
        // All of a person's at once.
        assert_eq!(store.revoke_api_tokens(jo, T0 + Duration::hours(3)).await.unwrap(), 1);

        // Expired long enough ago: purged.
        assert_eq!(store.purge_expired_api_tokens(T0 + Duration::days(89)).await.unwrap(), 0);
        assert_eq!(store.purge_expired_api_tokens(T0 + Duration::days(91)).await.unwrap(), 2);
        assert!(store.api_token_with_user("hash-2").await.unwrap().is_none());
    }

    async fn a_client_revoked_takes_its_tokens_with_it(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let system = user(&store, p, "system@example.org").await;
        let client = ApiClientRow {
            id: Uuid::now_v7(),
            user_id: system,
            label: "Police case system".to_owned(),
            secret_hash: "secret-hash".to_owned(),
            created_at: T0,
            revoked_at: None,
        };
        store.add_api_client(&client).await.unwrap();
        assert_eq!(store.api_client(client.id).await.unwrap(), Some(client.clone()));
        assert_eq!(store.api_clients(system).await.unwrap(), vec![client.clone()]);
        let given = ApiTokenRow {
            kind: ApiTokenKind::Client,
            client_id: Some(client.id),
            expires_at: T0 + Duration::hours(1),
            ..token(system, p, "client-token", "Police case system", T0)
        };
        store.add_api_token(&given).await.unwrap();
        assert!(!store.api_token_with_user("client-token").await.unwrap().unwrap().client_revoked);
        assert!(store.revoke_api_client(client.id, T0 + Duration::minutes(1)).await.unwrap());
        assert!(!store.revoke_api_client(client.id, T0 + Duration::minutes(2)).await.unwrap());
        assert!(store.api_token_with_user("client-token").await.unwrap().unwrap().client_revoked);
        assert!(!store.revoke_api_client(Uuid::new_v4(), T0).await.unwrap());
    }
}
