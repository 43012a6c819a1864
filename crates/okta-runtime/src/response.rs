//! [`Response`]: what a call's `send()` answers with, the decoded value with the answer's
//! status and headers.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::ops::{Deref, DerefMut};

/// A decoded answer: the value, and the status and headers it came with. Derefs to the
/// value; [`Response::into_inner`] takes it out.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// A response holding `value`.
    pub fn new(value: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self { value, status, headers }
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The value, status and headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.value, self.status, self.headers)
    }

    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers (rate limits, `X-Okta-Request-Id`, `Link`).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// `X-Okta-Request-Id`, for Okta support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get(crate::headers::REQUEST_ID)?.to_str().ok()
    }

    /// The same answer with its value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}
