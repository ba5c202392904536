//! A generic question page: fields, the GOV.UK error summary with inline errors, the user's
//! input kept. The foundation's account and administration forms use it.

use askama::Template;

use crate::layout::Chrome;

/// How a field is drawn.
#[derive(Debug, Clone)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// An email address.
    Email,
    /// A new password (never echoed back).
    Password,
    /// The password the person has now, re-entered (never echoed back): password managers
    /// fill it in rather than offer a new one.
    CurrentPassword,
    /// Several lines.
    Textarea,
    /// A choice of (value, label).
    Select(Vec<(String, String)>),
}

/// One field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name and id.
    pub name: &'static str,
    /// Label.
    pub label: &'static str,
    /// Hint.
    pub hint: Option<&'static str>,
    /// What was typed or stored.
    pub value: String,
    /// How to draw it.
    pub kind: FieldKind,
    /// Its error, if any (set by [`FormPage::render_page`]).
    pub error: Option<String>,
}

impl Field {
    /// A field.
    #[must_use]
    pub fn new(
        name: &'static str,
        label: &'static str,
        kind: FieldKind,
        value: impl Into<String>,
    ) -> Self {
        Self {
            name,
            label,
            hint: None,
            value: value.into(),
            kind,
            error: None,
        }
    }

    /// With a hint.
    #[must_use]
    pub const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
}

/// A question page.
#[derive(Template, Debug)]
#[template(path = "pages/form.html")]
pub struct FormPage {
    /// Frame.
    pub chrome: Chrome,
    /// Heading (and title).
    pub heading: &'static str,
    /// Paragraphs before the form.
    pub intro: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Errors: (field name, message).
    pub errors: Vec<(&'static str, String)>,
    /// Button text.
    pub submit: &'static str,
    /// A success banner.
    pub success: Option<String>,
    /// Back link.
    pub back: Option<&'static str>,
    /// Links after the form: (href, text).
    pub links: Vec<(String, String)>,
    /// Further actions, each its own small form: (action, button text).
    pub buttons: Vec<(String, String)>,
}

impl FormPage {
    /// Renders the page, placing each error on its field.
    ///
    /// # Errors
    /// Template failures.
    pub fn render_page(mut self) -> Result<axum::response::Response, crate::WebError> {
        use axum::response::IntoResponse;
        for f in &mut self.fields {
            f.error = self
                .errors
                .iter()
                .find(|e| e.0 == f.name)
                .map(|e| e.1.clone());
            if matches!(f.kind, FieldKind::Password | FieldKind::CurrentPassword) {
                f.value.clear();
            }
        }
        Ok(axum::response::Html(self.render()?).into_response())
    }
}
