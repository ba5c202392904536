//! A published report's title and summary are read by anyone: `publication::public_text` keeps
//! out an empty or overlong text and any name the case records, pointing to the pseudonym.

use cspr_app::publication::{PublicTextError, knowledge, public_text};
use cspr_domain::examples::local_review_script;
use cspr_store::Backend;

use super::workflows::{app, case_after};

async fn a_public_text_names_no_one_the_case_records(backend: Backend) {
    let (_db, app) = app(backend).await;
    let case_id = case_after(&app, &local_review_script(), 5).await;
    let (case, _) = app.load(case_id).await.expect("load");
    let known = knowledge(&case);
    let child = case
        .children
        .first()
        .expect("a child")
        .name
        .as_str()
        .to_owned();
    let pseudonym = known.pseudonyms.get(&child).expect("a pseudonym").clone();

    assert_eq!(
        public_text("  Learning from a review  ", 200, &known),
        Ok("Learning from a review".to_owned())
    );
    assert_eq!(
        public_text("   ", 200, &known),
        Err(PublicTextError::Missing)
    );
    assert_eq!(
        public_text(&"a".repeat(201), 200, &known),
        Err(PublicTextError::TooLong)
    );
    assert_eq!(
        public_text(&format!("The review of {child}"), 200, &known),
        Err(PublicTextError::Names(pseudonym))
    );
}

on_both!(a_public_text_names_no_one_the_case_records);
