//! Information pages anyone can read without signing in: what a review is and is not, what a
//! practitioner and a family member can expect, and how referrals work. Plain English, after
//! the GOV.UK style guide. Figures that are the partnership's own settings (the local aim for a
//! review, how long reports stay online) come from its settings, never from the page text.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::words::{plural, working_days};

use crate::layout::Chrome;
use crate::{AppState, WebError};

/// One information page as the index and the "Related" lists show it.
#[derive(Debug)]
pub struct InfoPage {
    /// Where it is.
    pub href: &'static str,
    /// Its heading, also the link text.
    pub title: &'static str,
    /// One line on what it says.
    pub summary: &'static str,
}

/// The four information pages, in the order the index lists them.
pub const PAGES: [InfoPage; 4] = [
    InfoPage {
        href: "/information/what-a-review-is",
        title: "What a child safeguarding practice review is",
        summary: "What a review looks at, what it is not, and the different kinds of review.",
    },
    InfoPage {
        href: "/information/practitioners",
        title: "Information for practitioners",
        summary: "What to expect if you worked with a child or family whose case is being reviewed.",
    },
    InfoPage {
        href: "/information/families",
        title: "Information for families",
        summary: "What happens if a review is about a child in your family, and how you can take part.",
    },
    InfoPage {
        href: "/information/referrals",
        title: "How to refer a case for a review",
        summary: "Who can refer a case, what to include and what happens next.",
    },
];

/// A link in a page's "Related" list.
#[derive(Debug)]
struct Link {
    href: &'static str,
    text: &'static str,
}

/// The figures the pages quote, in words ("15 working days", "6 months").
#[derive(Debug)]
struct Figures {
    /// From the notification to the Panel to the rapid review reaching it.
    rapid_review: String,
    /// Local aim for finishing a local review.
    local_review: String,
    /// How long a published report stays online, at least.
    online: String,
}

impl Figures {
    fn of(state: &AppState) -> Self {
        let app = state.app();
        let s = app.settings();
        Self {
            rapid_review: working_days(i64::from(s.rapid_review_working_days)),
            local_review: plural(i64::from(s.local_review_months), "month", "months"),
            online: plural(i64::from(s.years_online()), "year", "years"),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/info/index.html")]
struct Index {
    chrome: Chrome,
    pages: &'static [InfoPage],
    related: Vec<Link>,
}

/// The index of information pages.
pub async fn index(State(state): State<AppState>) -> Result<Response, WebError> {
    let page = Index {
        chrome: Chrome::signed_out(&state),
        pages: &PAGES,
        related: vec![
            Link {
                href: "/",
                text: "About this service",
            },
            Link {
                href: "/privacy",
                text: "Privacy notice",
            },
        ],
    };
    Ok(Html(page.render()?).into_response())
}

/// The "Related" list of an information page: the other three pages.
fn others(current: &InfoPage) -> Vec<Link> {
    PAGES
        .iter()
        .filter(|p| p.href != current.href)
        .map(|p| Link {
            href: p.href,
            text: p.title,
        })
        .collect()
}

/// One information page: its own template, its entry in `PAGES`, and its handler.
macro_rules! info_page {
    ($(#[$doc:meta])* $handler:ident, $ty:ident, $template:literal, $index:literal) => {
        #[derive(Template)]
        #[template(path = $template)]
        struct $ty {
            chrome: Chrome,
            page: &'static InfoPage,
            related: Vec<Link>,
            figures: Figures,
        }

        $(#[$doc])*
        pub async fn $handler(State(state): State<AppState>) -> Result<Response, WebError> {
            let page = &PAGES[$index];
            let html = $ty {
                chrome: Chrome::signed_out(&state),
                page,
                related: others(page),
                figures: Figures::of(&state),
            }
            .render()?;
            Ok(Html(html).into_response())
        }
    };
}

info_page!(
    /// What a review is and is not.
    what_a_review_is,
    WhatAReviewIs,
    "pages/info/what_a_review_is.html",
    0
);
info_page!(
    /// What a practitioner can expect.
    practitioners,
    Practitioners,
    "pages/info/practitioners.html",
    1
);
info_page!(
    /// What a family member can expect.
    families,
    Families,
    "pages/info/families.html",
    2
);
info_page!(
    /// How referrals work.
    referrals,
    Referrals,
    "pages/info/referrals.html",
    3
);
