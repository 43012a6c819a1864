//! Wire fix-ups for the operations the normalizer had to reshape for progenitor.
//!
//! - An operation that answers no JSON asks for the media type it answers (`Accept: text/xml`).
//! - The spec's real request media type goes back on the wire (`application/merge-patch+json`,
//!   `application/pkix-cert`, `application/secevent+jwt`, ...); a multipart upload is wrapped in a
//!   `multipart/form-data` body around the caller's bytes.
//! - A success status that has no body while another success status of the same operation has
//!   one reaches the decoder as `null`, so the caller gets `None` and can read the status.

use crate::OperationMeta;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

/// Rewrites the outgoing request for `op` where the generated code could not send it as the spec says.
pub fn prepare_request(request: &mut reqwest::Request, op: &OperationMeta) {
    if let Some(accept) = op.response_media_type
        && let Ok(v) = HeaderValue::from_str(accept)
    {
        request.headers_mut().insert(ACCEPT, v);
    }
    let Some(media) = op.request_media_type else { return };
    if let Some(field) = op.multipart_field {
        let Some(bytes) = request.body().and_then(reqwest::Body::as_bytes).map(<[u8]>::to_vec) else {
            return;
        };
        let boundary = format!("okta-rs-{:016x}", boundary_seed(bytes.len() as u64));
        let body = multipart_body(&boundary, field, &bytes);
        *request.body_mut() = Some(body.into());
        if let Ok(v) = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}")) {
            request.headers_mut().insert(CONTENT_TYPE, v);
        }
        return;
    }
    if let Ok(v) = HeaderValue::from_str(media) {
        request.headers_mut().insert(CONTENT_TYPE, v);
    }
}

/// A boundary that is unlikely to occur in the payload (derived from the clock and the size).
fn boundary_seed(seed: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (nanos ^ seed.rotate_left(17)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn multipart_body(boundary: &str, field: &str, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 256);
    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    out.extend_from_slice(
        format!("Content-Disposition: form-data; name=\"{field}\"; filename=\"{field}\"\r\n").as_bytes(),
    );
    out.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
    out.extend_from_slice(content);
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}

/// The body the generated code decodes for an answer of `op`: a success status that the spec
/// gives no body, while another success status has one, reads as `null`.
pub fn adapt_body(status: reqwest::StatusCode, body: bytes::Bytes, op: &OperationMeta) -> bytes::Bytes {
    if op.empty_success.contains(&status.as_u16()) && body.iter().all(u8::is_ascii_whitespace) {
        bytes::Bytes::from_static(b"null")
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPLOAD: OperationMeta = OperationMeta {
        id: "uploadApplicationLogo",
        method_name: "upload_application_logo",
        method: "POST",
        path: "/api/v1/apps/{appId}/logo",
        scopes: &[],
        lifecycle: None,
        lists: false,
        idempotent: false,
        request_media_type: Some("multipart/form-data"),
        multipart_field: Some("file"),
        empty_success: &[],
        response_media_type: None,
    };

    #[test]
    fn multipart_uploads_wrap_the_bytes() {
        let mut req = reqwest::Request::new(reqwest::Method::POST, "http://x/api/v1/apps/a/logo".parse().unwrap());
        *req.body_mut() = Some(b"PNGDATA".to_vec().into());
        prepare_request(&mut req, &UPLOAD);
        let ct = req.headers()[CONTENT_TYPE].to_str().unwrap().to_string();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let body = String::from_utf8(req.body().unwrap().as_bytes().unwrap().to_vec()).unwrap();
        assert!(body.starts_with(&format!("--{boundary}\r\n")));
        assert!(body.contains("name=\"file\""));
        assert!(body.contains("\r\n\r\nPNGDATA\r\n"));
        assert!(body.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn real_media_type_goes_back_on_the_wire() {
        let op = OperationMeta {
            request_media_type: Some("application/merge-patch+json"),
            multipart_field: None,
            ..UPLOAD
        };
        let mut req = reqwest::Request::new(reqwest::Method::PATCH, "http://x/".parse().unwrap());
        req.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        prepare_request(&mut req, &op);
        assert_eq!(req.headers()[CONTENT_TYPE], "application/merge-patch+json");
    }

    #[test]
    fn an_operation_without_json_answers_asks_for_its_media_type() {
        let op = OperationMeta {
            request_media_type: None,
            multipart_field: None,
            response_media_type: Some("text/xml"),
            ..UPLOAD
        };
        let mut req = reqwest::Request::new(reqwest::Method::GET, "http://x/".parse().unwrap());
        prepare_request(&mut req, &op);
        assert_eq!(req.headers()[ACCEPT], "text/xml");
        let mut req = reqwest::Request::new(reqwest::Method::GET, "http://x/".parse().unwrap());
        prepare_request(&mut req, &UPLOAD);
        assert!(
            req.headers().get(ACCEPT).is_none(),
            "JSON is asked for later, by the default headers"
        );
    }

    #[test]
    fn empty_success_bodies_become_null() {
        let op = OperationMeta {
            empty_success: &[202],
            ..UPLOAD
        };
        let accepted = reqwest::StatusCode::ACCEPTED;
        assert_eq!(adapt_body(accepted, bytes::Bytes::new(), &op), "null");
        assert_eq!(adapt_body(reqwest::StatusCode::OK, bytes::Bytes::new(), &op), "");
        assert_eq!(adapt_body(accepted, bytes::Bytes::from("{}"), &op), "{}");
    }
}
