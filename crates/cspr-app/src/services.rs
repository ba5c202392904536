//! What every workflow of one partnership runs with: the application services over the store,
//! the partnership, the clock, and how email goes out. The web's state and the binary's
//! commands each hold one; jobs and exports take it instead of anything of the web.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use cspr_domain::ids::PartnershipId;
use cspr_store::Store;
use time::{Date, OffsetDateTime};

use crate::mail::MailConfig;
use crate::{Actor, App};

/// Where the time comes from: the system clock in service, a fixed or moved clock in tests.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

#[derive(Debug)]
struct Inner {
    app: RwLock<App>,
    /// The version of the saved settings `app` was made from (0: none saved, or not yet
    /// compared with the store; [`Services::settings_at`]).
    settings_version: AtomicI64,
    /// Moves on whenever `app` is replaced ([`Services::app_generation`]).
    generation: AtomicU64,
    store: Store,
    partnership_id: PartnershipId,
    partnership_name: String,
    clock: Arc<dyn Clock>,
    mail: Option<MailConfig>,
    public_url: Option<String>,
    /// Where the library's indexes live (in memory when `None`).
    library_dir: Option<std::path::PathBuf>,
    /// The library's indexes, opened on first use.
    library: tokio::sync::OnceCell<Arc<crate::library::Indexes>>,
}

/// One partnership's services (a cheap clone).
#[derive(Debug, Clone)]
pub struct Services(Arc<Inner>);

impl Services {
    /// Services of a partnership over an application, with a clock; no email until
    /// [`Services::with_mail`].
    #[must_use]
    pub fn new(
        app: App,
        partnership_id: PartnershipId,
        partnership_name: impl Into<String>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self::build(
            app,
            partnership_id,
            partnership_name.into(),
            clock,
            None,
            None,
            None,
        )
    }

    /// The same services, keeping the library's indexes under `dir` (rebuilt there from the
    /// store when missing or behind) instead of in memory.
    #[must_use]
    pub fn with_library_dir(self, dir: Option<std::path::PathBuf>) -> Self {
        let inner = &self.0;
        Self::build(
            inner_app(inner),
            inner.partnership_id,
            inner.partnership_name.clone(),
            inner.clock.clone(),
            inner.mail.clone(),
            inner.public_url.clone(),
            dir,
        )
    }

    /// The same services, sending email with `mail` and linking to `public_url`.
    #[must_use]
    pub fn with_mail(self, mail: Option<MailConfig>, public_url: Option<String>) -> Self {
        let inner = &self.0;
        Self::build(
            inner_app(inner),
            inner.partnership_id,
            inner.partnership_name.clone(),
            inner.clock.clone(),
            mail,
            public_url,
            inner.library_dir.clone(),
        )
    }

    fn build(
        app: App,
        partnership_id: PartnershipId,
        partnership_name: String,
        clock: Arc<dyn Clock>,
        mail: Option<MailConfig>,
        public_url: Option<String>,
        library_dir: Option<std::path::PathBuf>,
    ) -> Self {
        let store = app.store().clone();
        Self(Arc::new(Inner {
            app: RwLock::new(app),
            settings_version: AtomicI64::new(0),
            generation: AtomicU64::new(0),
            store,
            partnership_id,
            partnership_name,
            clock,
            mail,
            public_url,
            library_dir,
            library: tokio::sync::OnceCell::new(),
        }))
    }

    /// Where the library's indexes live, when on disk.
    #[must_use]
    pub fn library_dir(&self) -> Option<&std::path::Path> {
        self.0.library_dir.as_deref()
    }

    /// The library's indexes once opened ([`crate::library::indexes`]).
    pub(crate) fn library_cell(&self) -> &tokio::sync::OnceCell<Arc<crate::library::Indexes>> {
        &self.0.library
    }

    /// The application services (a cheap clone: the store is a pool handle).
    #[must_use]
    pub fn app(&self) -> App {
        inner_app(&self.0)
    }

    /// Replaces the application services (after the partnership's settings change).
    pub fn replace_app(&self, app: App) {
        match self.0.app.write() {
            Ok(mut slot) => *slot = app,
            Err(poisoned) => *poisoned.into_inner() = app,
        }
        self.0.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// How many times the application services were replaced: what is worked out from their
    /// calendar and settings (the tracker's statuses) is kept only while this stands.
    #[must_use]
    pub fn app_generation(&self) -> u64 {
        self.0.generation.load(Ordering::Acquire)
    }

    /// Serves from now on with the saved settings of `version` (which a save returned).
    pub fn replace_app_at(&self, app: App, version: i64) {
        self.replace_app(app);
        self.0.settings_version.store(version, Ordering::Release);
    }

    /// Makes sure these services run with the partnership's saved settings of `version`, the
    /// one the store holds now (read with a signed-in request's session): when another server
    /// saved newer settings, they are read and taken up before this request acts (issue 18).
    /// Nothing is read when the version is the one already served.
    ///
    /// # Errors
    /// Store failures; saved settings that cannot be read.
    pub async fn settings_at(&self, version: i64) -> Result<(), crate::AppError> {
        if self.0.settings_version.load(Ordering::Acquire) == version {
            return Ok(());
        }
        let partnership = self.0.partnership_id.as_uuid();
        match self
            .0
            .store
            .partnership_settings_versioned(partnership)
            .await?
        {
            Some((value, now)) => {
                let stored: crate::settings::StoredSettings = serde_json::from_value(value)
                    .map_err(|e| {
                        crate::AppError::Corrupt(format!(
                            "the partnership's saved settings cannot be read: {e}"
                        ))
                    })?;
                self.replace_app_at(stored.app(&self.0.store), now);
                tracing::debug!(version = now, "settings saved elsewhere taken up");
            }
            // None saved: what the server started with stands.
            None => self.0.settings_version.store(0, Ordering::Release),
        }
        Ok(())
    }

    /// [`Services::settings_at`] the version the store holds now (before jobs run).
    ///
    /// # Errors
    /// As [`Services::settings_at`].
    pub async fn refresh_settings(&self) -> Result<(), crate::AppError> {
        let version = self
            .0
            .store
            .partnership_settings_version(self.0.partnership_id.as_uuid())
            .await?;
        self.settings_at(version).await
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The partnership served.
    #[must_use]
    pub fn partnership_id(&self) -> PartnershipId {
        self.0.partnership_id
    }

    /// Its name.
    #[must_use]
    pub fn partnership_name(&self) -> &str {
        &self.0.partnership_name
    }

    /// How email goes out, when it is set up.
    #[must_use]
    pub fn mail(&self) -> Option<&MailConfig> {
        self.0.mail.as_ref()
    }

    /// The address people open cspr at, for links in emails.
    #[must_use]
    pub fn public_url(&self) -> Option<&str> {
        self.0
            .public_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
    }

    /// Now, from the clock.
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        self.0.clock.now()
    }

    /// Today in England (Europe/London), whatever the UTC date.
    #[must_use]
    pub fn today(&self) -> Date {
        crate::date_in_england(self.now())
    }

    /// A user acting now.
    #[must_use]
    pub fn actor(&self, user_id: cspr_domain::ids::UserId) -> Actor {
        let now = self.now();
        Actor {
            user_id,
            now,
            today: crate::date_in_england(now),
            acting_for: None,
        }
    }

    /// A signed-in person acting now, for their agency when they act for one
    /// ([`crate::policy::acting_for`]).
    #[must_use]
    pub fn actor_for(&self, p: &crate::policy::Principal) -> Actor {
        Actor {
            acting_for: crate::policy::acting_for(p),
            ..self.actor(p.user_id)
        }
    }
}

fn inner_app(inner: &Inner) -> App {
    match inner.app.read() {
        Ok(app) => app.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}
