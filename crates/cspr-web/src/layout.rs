//! What every page's frame needs: the partnership's name, the signed-in user, the service
//! navigation and the asset URLs. Pages embed a `Chrome` and extend `layout.html`.

/// One item of the service navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Link text.
    pub text: &'static str,
    /// Where it goes.
    pub href: &'static str,
    /// Whether it is the current section.
    pub current: bool,
}

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    /// Their name.
    pub display_name: String,
    /// Their role in words.
    pub role_label: &'static str,
}

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The partnership's name, shown in the header instead of a crown and wordmark.
    pub partnership_name: String,
    /// The signed-in user, if any.
    pub user: Option<ChromeUser>,
    /// Service navigation (empty when signed out).
    pub nav: Vec<NavItem>,
    /// URL of the compiled stylesheet (with its content hash in the name).
    pub css_href: &'static str,
    /// URL of the JavaScript that initialises the components (hashed name).
    pub js_src: &'static str,
}

impl Chrome {
    /// The frame for someone not signed in.
    #[must_use]
    pub fn signed_out(state: &crate::AppState) -> Self {
        Self {
            partnership_name: state.config().partnership_name.clone(),
            user: None,
            nav: Vec::new(),
            css_href: crate::assets::css_href(),
            js_src: crate::assets::js_src(),
        }
    }

    /// The frame for a signed-in person, with the navigation their role has; `current` is the
    /// href of the section the page belongs to.
    #[must_use]
    pub fn signed_in(
        state: &crate::AppState,
        principal: &crate::access::Principal,
        current: &str,
    ) -> Self {
        use crate::access::Role;
        let mut nav = Vec::new();
        if principal.role != Role::SystemAdministrator {
            nav.push(("Dashboard", "/dashboard"));
            nav.push(("Cases", "/cases"));
            nav.push(("Actions", "/actions"));
            nav.push(("Library", "/library"));
        }
        if matches!(
            principal.role,
            Role::PartnershipTeam | Role::Chair | Role::SubgroupMember
        ) {
            nav.push(("Meetings", "/meetings"));
        }
        if matches!(
            principal.role,
            Role::PartnershipTeam
                | Role::Chair
                | Role::SubgroupMember
                | Role::SafeguardingPartner
                | Role::AgencyRepresentative
        ) {
            nav.push(("Briefings", "/briefings"));
        }
        if matches!(
            principal.role,
            Role::PartnershipTeam | Role::Chair | Role::SubgroupMember | Role::SafeguardingPartner
        ) {
            nav.push(("Figures", "/figures"));
        }
        if matches!(
            principal.role,
            Role::SystemAdministrator | Role::PartnershipTeam
        ) {
            nav.push(("Administration", "/admin"));
        }
        nav.push(("Your account", "/account"));
        Self {
            partnership_name: state.config().partnership_name.clone(),
            user: Some(ChromeUser {
                display_name: principal.display_name.clone(),
                role_label: principal.role.label(),
            }),
            nav: nav
                .into_iter()
                .map(|(text, href)| NavItem {
                    text,
                    href,
                    current: href == current,
                })
                .collect(),
            css_href: crate::assets::css_href(),
            js_src: crate::assets::js_src(),
        }
    }
}

/// Draws a page with its status.
///
/// # Errors
/// The template failed.
pub fn render(
    status: axum::http::StatusCode,
    page: &impl askama::Template,
) -> Result<axum::response::Response, crate::WebError> {
    use axum::response::IntoResponse;
    Ok((status, axum::response::Html(page.render()?)).into_response())
}

/// Draws a form's page: 200 when `ok`, else `invalid` (422, or 400 where the form says so), so
/// a page that shows errors never answers as a success.
///
/// # Errors
/// The template failed.
pub fn render_form(
    page: &impl askama::Template,
    ok: bool,
    invalid: axum::http::StatusCode,
) -> Result<axum::response::Response, crate::WebError> {
    let status = if ok {
        axum::http::StatusCode::OK
    } else {
        invalid
    };
    render(status, page)
}

/// Draws a form's page with the errors it shows: 200 without, 422 with.
///
/// # Errors
/// The template failed.
pub fn render_checked<T>(
    page: &impl askama::Template,
    errors: &[T],
) -> Result<axum::response::Response, crate::WebError> {
    render_form(
        page,
        errors.is_empty(),
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// The message of a form's error for the field `field`, or nothing: errors are kept as
/// ("#field", message), the error summary's link and its words.
#[must_use]
pub fn error_for(errors: &[(String, String)], field: &str) -> String {
    errors
        .iter()
        .find(|(f, _)| f.strip_prefix('#') == Some(field))
        .map_or_else(String::new, |(_, m)| m.clone())
}
