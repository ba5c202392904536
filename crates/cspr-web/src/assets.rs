//! The stylesheet, scripts and images served under /assets/, built into the binary by build.rs
//! from web/. Each file's name carries a hash of its content, so browsers may keep it for a
//! year: a change makes a new name.

use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One file served under /assets/.
#[derive(Debug)]
pub struct Asset {
    /// Its name before hashing, e.g. `app.css`.
    pub name: &'static str,
    /// Where it is served, e.g. `/assets/app-0123456789abcdef.css`.
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its content.
    pub bytes: &'static [u8],
}

// `ASSETS`, `CSS_HREF`, `JS_SRC` and `FAVICON_HREF`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Where the compiled stylesheet is served.
#[must_use]
pub fn css_href() -> &'static str {
    CSS_HREF
}

/// Where the script that starts the components is served (load it with `type="module"`).
#[must_use]
pub fn js_src() -> &'static str {
    JS_SRC
}

/// Where a page's own script (`report-editor.js`, `passkey.js`) is served, by its name before
/// hashing; empty when there is none of that name (the page then loads none).
#[must_use]
pub fn script_src(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .map_or("", |asset| asset.path)
}

/// Where the favicon (cspr's own, not GOV.UK's) is served.
#[must_use]
pub fn favicon_href() -> &'static str {
    FAVICON_HREF
}

impl crate::layout::Chrome {
    /// Where the favicon is served: the layout links it. (Kept here, with the other asset
    /// URLs, so that `Chrome` needs no field for it.)
    #[must_use]
    pub fn favicon_href(&self) -> &'static str {
        FAVICON_HREF
    }
}

/// Every served file.
#[must_use]
pub fn all() -> &'static [Asset] {
    ASSETS
}

/// The file served at `path`, given as `/assets/<file>` or as `<file>` alone.
#[must_use]
pub fn get(path: &str) -> Option<&'static Asset> {
    let file = path.strip_prefix("/assets/").unwrap_or(path);
    ASSETS
        .iter()
        .find(|asset| asset.path.strip_prefix("/assets/") == Some(file))
}

/// `GET /assets/{file}`: the file with a year-long immutable cache lifetime, or 404.
pub async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = get(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        Body::from(asset.bytes),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_assets_are_served_under_hashed_names() {
        for (href, name) in [
            (css_href(), "app.css"),
            (js_src(), "init.js"),
            (favicon_href(), "favicon.svg"),
        ] {
            let asset = get(href).map(|a| a.name);
            assert_eq!(asset, Some(name), "{href}");
            assert_ne!(href, format!("/assets/{name}"), "{href} has no hash");
        }
    }

    #[test]
    fn lookups_accept_the_file_name_alone_and_refuse_the_rest() {
        let file = css_href().trim_start_matches("/assets/");
        assert!(get(file).is_some());
        assert!(get("app.css").is_none());
        assert!(get("").is_none());
        assert!(get("../Cargo.toml").is_none());
    }

    #[test]
    fn no_crown_no_gds_transport_and_no_unhashed_urls_in_the_stylesheet() {
        let css = get(css_href()).map(|a| String::from_utf8_lossy(a.bytes).into_owned());
        let css = css.unwrap_or_default();
        assert!(!css.is_empty());
        assert!(
            !css.contains("crest"),
            "the Royal Arms must not be referenced"
        );
        assert!(!css.contains("GDS Transport"));
        assert!(!css.contains("@font-face"));
        for (at, _) in css.match_indices("url(") {
            let url = &css[at..css[at..].find(')').map_or(css.len(), |end| at + end)];
            let path = url.trim_start_matches("url(").trim_matches('"');
            assert!(get(path).is_some(), "{url} is not served");
        }
    }

    #[test]
    fn init_imports_the_served_libraries() {
        let init = get(js_src()).map(|a| String::from_utf8_lossy(a.bytes).into_owned());
        let init = init.unwrap_or_default();
        for library in ["govuk-frontend.js", "moj-frontend.js"] {
            let served = all().iter().find(|a| a.name == library).map(|a| a.path);
            let served = served.unwrap_or_default().trim_start_matches("/assets/");
            assert!(init.contains(&format!("'./{served}'")), "{library}");
        }
    }

    #[tokio::test]
    async fn serving_sets_type_caching_and_nosniff() {
        let file = js_src().trim_start_matches("/assets/").to_string();
        let response = serve(Path(file)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

        let missing = serve(Path("app.css".to_string())).await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
}
