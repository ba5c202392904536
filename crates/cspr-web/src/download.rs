//! The one way a file leaves cspr: bytes with their media type, as an attachment under a name
//! that survives any browser (an ASCII fallback and the exact UTF-8 name). The security layers
//! add `no-store` and `nosniff` to every response.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A download of `bytes` as `file_name`.
pub fn file(bytes: impl Into<Body>, media_type: &str, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition(file_name)),
        ],
        bytes.into(),
    )
        .into_response()
}

/// `attachment; filename="..."; filename*=UTF-8''...`: an ASCII fallback and the exact name
/// (RFC 6266 with RFC 5987 encoding).
#[must_use]
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encode(name)
    )
}

/// Percent-encodes everything but letters, digits and `-._~` (the unreserved characters, safe
/// in a URL's query and in RFC 5987's encoding alike).
#[must_use]
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_names_the_file_safely() {
        assert_eq!(
            disposition("plan \"v2\".pdf"),
            "attachment; filename=\"plan _v2_.pdf\"; filename*=UTF-8''plan%20%22v2%22.pdf"
        );
        assert_eq!(
            disposition("résumé.pdf"),
            "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
        );
    }
}
