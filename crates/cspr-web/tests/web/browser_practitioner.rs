//! A practitioner's pages in Chromium, checked with axe-core (WCAG 2.2 AA): the link's first
//! page, the code page (with its error), the form and the page after sending (SECURITY.md,
//! section 5: these pages were not checked with axe). The code comes by email through aiosmtpd, as in
//! `practitioner_links.rs`.

use crate::browser_support::{Site, Web};
use crate::practitioner_links::{code_in, linked};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practitioners_pages_pass_axe() {
    let mut l = linked("CSPR-2025-031").await;
    let token = l.token.clone();
    let site = Site::serve(l.t).await;
    let mut web = Web::open(&site.server.base).await;

    web.goto(&format!("/contribute/{token}")).await;
    assert_eq!(web.h1().await, "Get a code to open your form");
    web.axe("contribute-start").await;
    web.screenshot("contribute-start").await;

    web.click(&format!("form[action='/contribute/{token}/code'] button"))
        .await;
    assert_eq!(web.h1().await, "Enter the code from your email");
    web.axe("contribute-code").await;
    let code = code_in(&l.smtp.one_message());

    // A wrong code: the GOV.UK error summary, linked to the field.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    web.fill("#code", wrong).await;
    web.click(&format!("form[action='/contribute/{token}'] button"))
        .await;
    assert!(
        web.text(".govuk-error-summary").await.contains("code"),
        "no error summary"
    );
    web.axe("contribute-code-error").await;
    web.screenshot("contribute-code-error").await;

    web.fill("#code", &code).await;
    web.click(&format!("form[action='/contribute/{token}'] button"))
        .await;
    assert_eq!(web.path().await, format!("/contribute/{token}/form"));
    web.axe("contribute-form").await;
    web.screenshot("contribute-form").await;

    web.fill("textarea", "I saw the family twice in March.")
        .await;
    web.click(&format!(
        "form[action='/contribute/{token}/form'] button[value='send'], \
         form[action='/contribute/{token}/form'] button"
    ))
    .await;
    assert_eq!(web.h1().await, "Contribution sent");
    web.axe("contribute-done").await;
    web.screenshot("contribute-done").await;
    web.finish().await;
}
