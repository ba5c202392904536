//! Subject access requests: the partnership team types the request's reference, the person's
//! name, aliases and date of birth; the page lists every case that holds something about them
//! (people records and passages), each ticked; the team unticks a namesake's case and downloads
//! one PDF of the rest. Both the search and the export are the application's
//! (`cspr_app::subject_access`): every case read is in the access log. The form posts, so no
//! name ever reaches a URL.

use askama::Template;
use axum::response::Response;
use cspr_app::subject_access::{self, RequestInput, SubjectAccessError, SubjectAccessRequest};
use cspr_domain::subject_access::{DateOfBirth, SubjectAccessReport};
use uuid::Uuid;

use crate::access::Principal;
use crate::date_input;
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, ValidForm, WebError};

/// The form as posted (checkboxes repeat their name).
#[derive(Debug, Default, Clone)]
pub struct RequestForm {
    reference: String,
    name: String,
    aliases: String,
    day: String,
    month: String,
    year: String,
    cases: Vec<String>,
}

impl RequestForm {
    fn read(pairs: Vec<(String, String)>) -> Result<Self, WebError> {
        let mut form = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "reference" => form.reference = v,
                "name" => form.name = v,
                "aliases" => form.aliases = v,
                "dob-day" => form.day = v,
                "dob-month" => form.month = v,
                "dob-year" => form.year = v,
                "cases" => form.cases.push(v),
                _ => {}
            }
        }
        if form.name.len() + form.aliases.len() > 10_000 || form.cases.len() > 100_000 {
            return Err(WebError::BadRequest);
        }
        Ok(form)
    }

    /// The request, or every problem with its field.
    fn request(&self) -> Result<SubjectAccessRequest, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let dob = match date_input::parse(&self.day, &self.month, &self.year) {
            Ok(d) => d,
            Err(problem) => {
                errors.push(("#dob-day".to_owned(), problem.message("Date of birth")));
                None
            }
        };
        let parsed = SubjectAccessRequest::parse(&RequestInput {
            reference: self.reference.clone(),
            name: self.name.clone(),
            aliases: self.aliases.clone(),
            date_of_birth: dob,
        });
        match parsed {
            Ok(request) if errors.is_empty() => Ok(request),
            Ok(_) => Err(errors),
            Err(SubjectAccessError::Invalid(more)) => {
                let mut all: Vec<(String, String)> = more
                    .into_iter()
                    .map(|(field, message)| (format!("#{field}"), message))
                    .collect();
                all.extend(errors);
                Err(all)
            }
            Err(_) => Err(errors),
        }
    }

    fn error_for(&self, errors: &[(String, String)], field: &str) -> String {
        crate::layout::error_for(errors, field)
    }
}

/// One case found, as the page lists it.
struct Found {
    case_id: Uuid,
    reference: String,
    records: Vec<String>,
    passages: usize,
    unsure: bool,
}

#[derive(Template)]
#[template(path = "pages/subject_access.html")]
struct SubjectAccessPage {
    chrome: Chrome,
    form: RequestForm,
    errors: Vec<(String, String)>,
    /// After a search: how many cases were searched, and those that hold something.
    results: Option<(usize, Vec<Found>)>,
    /// The export form's checkboxes: (value, text, hint, checked).
    choices: Vec<(String, String, String, bool)>,
}

fn page(
    state: &AppState,
    p: &Principal,
    form: RequestForm,
    errors: Vec<(String, String)>,
    report: Option<&SubjectAccessReport>,
) -> Result<Response, WebError> {
    let results = report.map(|r| {
        let found = r
            .cases
            .iter()
            .map(|c| Found {
                case_id: c.case_id,
                reference: c.reference.clone(),
                records: c.records.iter().map(|m| m.kind.clone()).collect(),
                passages: c.passages.len(),
                unsure: c
                    .records
                    .iter()
                    .any(|m| m.date_of_birth == DateOfBirth::NotRecorded),
            })
            .collect::<Vec<_>>();
        (r.cases_searched, found)
    });
    let choices = results.as_ref().map_or_else(Vec::new, |(_, found)| {
        found
            .iter()
            .map(|f| {
                let id = f.case_id.to_string();
                let checked = form.cases.is_empty() || form.cases.contains(&id);
                (id, f.reference.clone(), String::new(), checked)
            })
            .collect()
    });
    let view = SubjectAccessPage {
        chrome: Chrome::signed_in(state, p, "/subject-access"),
        form,
        errors,
        results,
        choices,
    };
    crate::layout::render_checked(&view, &view.errors)
}

fn app_error(e: SubjectAccessError) -> WebError {
    match e {
        SubjectAccessError::Forbidden => WebError::Forbidden,
        SubjectAccessError::Invalid(_) => WebError::BadRequest,
        SubjectAccessError::App(e) => e.into(),
    }
}

/// `GET /subject-access`: the empty form.
pub async fn form(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    page(&state, &p, RequestForm::default(), Vec::new(), None)
}

/// `POST /subject-access`: searches every case and lists what holds something.
pub async fn search(
    Signed(state, p, source): Signed,
    ValidForm(pairs): ValidForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut form = RequestForm::read(pairs)?;
    form.cases.clear();
    let request = match form.request() {
        Ok(r) => r,
        Err(errors) => return page(&state, &p, form, errors, None),
    };
    let report = subject_access::search(&state, &p, &request, &source)
        .await
        .map_err(app_error)?;
    page(&state, &p, form, Vec::new(), Some(&report))
}

/// `POST /subject-access/export`: the PDF of the ticked cases.
pub async fn export(
    Signed(state, p, source): Signed,
    ValidForm(pairs): ValidForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = RequestForm::read(pairs)?;
    let request = match form.request() {
        Ok(r) => r,
        Err(errors) => return page(&state, &p, form, errors, None),
    };
    let chosen: Vec<Uuid> = form
        .cases
        .iter()
        .filter_map(|c| Uuid::parse_str(c).ok())
        .collect();
    match subject_access::export(&state, &p, &request, &chosen, &source).await {
        Ok(bytes) => Ok(crate::download::file(
            bytes,
            "application/pdf",
            &format!("subject-access-{}.pdf", request.reference()),
        )),
        Err(SubjectAccessError::Invalid(errors)) => {
            let report = subject_access::search(&state, &p, &request, &source)
                .await
                .map_err(app_error)?;
            let errors = errors
                .into_iter()
                .map(|(field, message)| (format!("#{field}"), message))
                .collect();
            page(&state, &p, form, errors, Some(&report))
        }
        Err(e) => Err(app_error(e)),
    }
}
