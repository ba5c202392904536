//! The sign-in flow: starting it (state, nonce, PKCE), keeping what it needs for ten minutes,
//! and finishing it (the token exchange and the checks of the ID token).

use openidconnect::core::{CoreAuthPrompt, CoreAuthenticationFlow, CoreIdTokenClaims};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClaimsVerificationError, CsrfToken, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, Scope, TokenResponse,
};
use time::OffsetDateTime;

use super::{
    CallbackParams, Client, Identity, MFA_METHODS, OidcConfig, OidcError, Pending, Purpose,
    Started, error_chain, one_line,
};

impl OidcConfig {
    /// Begins a sign-in: makes state, nonce and a PKCE verifier, keeps them for ten minutes
    /// under a new random id, and gives the provider's URL to send the browser to.
    ///
    /// # Errors
    /// The provider cannot be discovered.
    pub async fn start(
        &self,
        store: &cspr_store::Store,
        now: OffsetDateTime,
        source: &str,
        purpose: Purpose,
    ) -> Result<Started, OidcError> {
        let client = self.client(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge);
        if let Some(acr) = &self.mfa_acr {
            request = request.add_extra_param("acr_values", acr.clone());
        }
        if matches!(purpose, Purpose::StepUp { .. }) {
            // A proof must be a fresh sign-in at the provider, not its session's memory.
            request = request
                .add_prompt(CoreAuthPrompt::Login)
                .set_max_age(std::time::Duration::ZERO);
        }
        let (authorize_url, state, nonce) = request.url();
        let id = crate::session::new_token();
        let pending = Pending {
            state,
            nonce,
            verifier,
            purpose,
        };
        self.shared
            .pending
            .keep(store, &id, &pending, source, now)
            .await
            .map_err(|e| OidcError::Store(e.to_string()))?;
        Ok(Started { id, authorize_url })
    }

    /// Finishes a sign-in when the provider sends the browser back: checks the state against
    /// the one kept under the cookie's id, exchanges the code (with the PKCE verifier) and
    /// verifies the ID token (signature, issuer, audience, nonce, expiry against `now`).
    ///
    /// # Errors
    /// Any failed step; the sign-in in progress is used up whatever happens.
    pub async fn finish(
        &self,
        store: &cspr_store::Store,
        pending_id: Option<&str>,
        params: CallbackParams,
        now: OffsetDateTime,
    ) -> Result<(Identity, Purpose), OidcError> {
        let Some(id) = pending_id else {
            return Err(OidcError::NoPending);
        };
        let pending = self
            .shared
            .pending
            .take(store, id, now)
            .await
            .map_err(|e| OidcError::Store(e.to_string()))?
            .ok_or(OidcError::NoPending)?;
        if let Some(error) = params.error {
            return Err(OidcError::Refused(one_line(&error)));
        }
        let state = params.state.ok_or(OidcError::StateMismatch)?;
        // Compared as hashes: blake3's equality is constant-time.
        if blake3::hash(state.as_bytes()) != blake3::hash(pending.state.secret().as_bytes()) {
            return Err(OidcError::StateMismatch);
        }
        if params
            .iss
            .is_some_and(|iss| iss != self.issuer_url.as_str())
        {
            return Err(OidcError::IssuerMismatch);
        }
        let code = params
            .code
            .filter(|c| !c.is_empty())
            .ok_or(OidcError::NoCode)?;
        let client = self.client(false).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| OidcError::Config(e.to_string()))?
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.shared.http)
            .await
            .map_err(|e| OidcError::Exchange(one_line(&error_chain(&e))))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| OidcError::IdToken("no ID token in the token response".into()))?;
        let now_utc =
            chrono::DateTime::<chrono::Utc>::from_timestamp(now.unix_timestamp(), now.nanosecond())
                .ok_or_else(|| OidcError::IdToken("the clock is out of range".into()))?;
        let verify = |client: &Client| -> Result<Identity, ClaimsVerificationError> {
            let verifier = client.id_token_verifier().set_time_fn(move || now_utc);
            let claims: &CoreIdTokenClaims = id_token.claims(&verifier, &pending.nonce)?;
            // The access token must be the one the ID token was issued with.
            if let Some(expected) = claims.access_token_hash() {
                let alg = id_token
                    .signing_alg()
                    .map_err(|e| ClaimsVerificationError::Other(e.to_string()))?;
                let key = id_token
                    .signing_key(&verifier)
                    .map_err(ClaimsVerificationError::SignatureVerification)?;
                let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key)
                    .map_err(|e| ClaimsVerificationError::Other(e.to_string()))?;
                if actual != *expected {
                    return Err(ClaimsVerificationError::Other(
                        "the access token hash did not match".into(),
                    ));
                }
            }
            Ok(identity(claims, self.mfa_acr.as_deref()))
        };
        let identity = match verify(&client) {
            Ok(identity) => Ok(identity),
            Err(ClaimsVerificationError::SignatureVerification(first)) => {
                // Perhaps the provider rotated its keys: fetch them again, once.
                let client = self.client(true).await?;
                verify(&client).map_err(|e| {
                    OidcError::IdToken(one_line(&format!("{e} (before refresh: {first})")))
                })
            }
            Err(e) => Err(OidcError::IdToken(one_line(&e.to_string()))),
        }?;
        Ok((identity, pending.purpose))
    }
}

fn identity(claims: &CoreIdTokenClaims, mfa_acr: Option<&str>) -> Identity {
    let verified_email = claims
        .email()
        .filter(|_| claims.email_verified() == Some(true))
        .map(|e| e.as_str().trim().to_owned())
        .filter(|e| !e.is_empty());
    let multi_factor = claims
        .auth_method_refs()
        .is_some_and(|amr| amr.iter().any(|m| MFA_METHODS.contains(&m.as_str())))
        || mfa_acr.is_some_and(|want| {
            claims
                .auth_context_ref()
                .is_some_and(|acr| acr.as_str() == want)
        });
    let auth_time = claims
        .auth_time()
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t.timestamp()).ok());
    Identity {
        issuer: claims.issuer().as_str().to_owned(),
        subject: claims.subject().as_str().to_owned(),
        verified_email,
        multi_factor,
        auth_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use time::Duration;

    fn pending() -> Pending {
        Pending {
            state: CsrfToken::new_random(),
            nonce: Nonce::new_random(),
            verifier: PkceCodeChallenge::new_random_sha256().1,
            purpose: Purpose::SignIn,
        }
    }

    #[tokio::test]
    async fn pending_sign_ins_come_back_whole_once_expire_and_are_bounded_per_address() {
        let db = cspr_store::testing::TestDb::sqlite().await;
        let store = db.store().await;
        let c = crate::auth::oidc::tests::example_config();
        let kept = &c.shared.pending;
        let t0 = time::macros::datetime!(2025-09-01 09:00 UTC);
        let first = pending();
        kept.keep(&store, "a", &first, "1.2.3.4", t0)
            .await
            .expect("kept");
        let back = kept
            .take(&store, "a", t0 + Duration::minutes(9))
            .await
            .expect("read")
            .expect("kept for ten minutes");
        // What finishing needs comes back as it was kept.
        assert_eq!(back.state.secret(), first.state.secret());
        assert_eq!(back.nonce.secret(), first.nonce.secret());
        assert_eq!(back.verifier.secret(), first.verifier.secret());
        assert_eq!(back.purpose, Purpose::SignIn);
        let take = |id: &'static str, at| {
            let store = store.clone();
            async move { kept.take(&store, id, at).await.expect("read").is_some() }
        };
        assert!(!take("a", t0 + Duration::minutes(9)).await, "used once");
        kept.keep(&store, "b", &pending(), "1.2.3.4", t0)
            .await
            .expect("kept");
        assert!(!take("b", t0 + Duration::minutes(10)).await, "expired");
        for i in 0..=crate::auth::oidc::PENDING_PER_SOURCE {
            let at = t0 + Duration::seconds(i64::try_from(i).unwrap_or(0));
            kept.keep(&store, &format!("x{i}"), &pending(), "5.6.7.8", at)
                .await
                .expect("kept");
        }
        kept.keep(&store, "other", &pending(), "9.9.9.9", t0)
            .await
            .expect("kept");
        assert!(!take("x0", t0).await, "the address's oldest went first");
        assert!(take("x1", t0 + Duration::minutes(1)).await);
        assert!(take("other", t0).await);
    }
}
