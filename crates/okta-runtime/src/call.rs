//! A call, from a generated builder to the wire and back.
//!
//! A generated `send()` builds its `reqwest::Request` (progenitor's argument checks and
//! request building) and hands it, with the operation's facts (`&OPERATIONS[row]`) and the
//! call's [`RequestOptions`], to one of the entry points here: [`json`] (a JSON success body,
//! decoded as the operation's type), [`empty`] (no success body) or [`bytes`] (a body that is
//! not JSON). Each runs the request through the pipeline inside the `okta.call` span and
//! decodes the answer. Nothing travels beside the call: its facts and options are arguments,
//! its outcome the return value.

use crate::build::{Built, RequestError};
use crate::error::{DecodeError, Error};
use crate::operation::OperationMeta;
use crate::options::RequestOptions;
use crate::pipeline::{Answer, CallReport, Target};
use crate::response::Response;
use crate::runtime::Runtime;
use bytes::Bytes;
use futures::FutureExt;
use futures::future::{self, Either};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::time::Instant;
use tracing::Instrument;

impl Runtime {
    /// Runs one request of `op` through the pipeline inside its `okta.call` span (operation,
    /// method, path template, status, attempts, request id, duration); retries and cache
    /// hits are events inside it.
    ///
    /// Not an `async fn`, and the request is kept here, in the call's own state, where the
    /// pipeline borrows it: an `async fn` stores each argument twice (as given, and as the
    /// body's variable), and each level that took the request by value would hold another
    /// 264 bytes. A call's whole state is one future (1,872 bytes, `okta-bench sizes`), with
    /// no heap block above glibc's per-thread cache size (1,032 bytes), whose allocation and
    /// release would take an arena lock that the runtime's threads contend for.
    pub(crate) fn call(
        &self,
        op: &'static OperationMeta,
        options: RequestOptions,
        request: reqwest::Request,
        target: Target,
    ) -> impl Future<Output = Result<Answer, Error>> + Send + '_ {
        let span = tracing::info_span!(
            "okta.call",
            operation = op.id,
            method = request.method().as_str(),
            path = op.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let recorded = span.clone();
        let mut request = request;
        async move {
            // Nobody listens to the span (no subscriber, or a filter that drops it): its
            // fields, the clock read for its duration included, are not worked out.
            let started = (!recorded.is_disabled()).then(Instant::now);
            let mut report = CallReport::default();
            let outcome = self.pipeline(op, &options, &mut request, target, &mut report).await;
            if let Some(started) = started {
                record(&recorded, &outcome, &report, started);
            }
            if let Err(e) = &outcome {
                for i in self.parts.interceptors.iter() {
                    i.on_error(op, e);
                }
            }
            outcome
        }
        .instrument(span)
    }

    /// Runs a built request of `op`. Not an `async fn`, and the entry points below map its
    /// future rather than awaiting it in an `async` block: either would keep the whole call
    /// future in a slot of its own beside the one it awaits (the entry point's future was
    /// twice the pipeline's size that way, and every call copied it).
    fn send_built(
        &self,
        op: &'static OperationMeta,
        built: Result<Built, RequestError>,
    ) -> impl Future<Output = Result<Answer, Error>> + '_ {
        match built {
            Ok(Built { request, options }) => Either::Left(self.call(op, options, request, Target::Built)),
            Err(e) => Either::Right(future::ready(Err(e.into_error(op.id)))),
        }
    }
}

/// Records a call's outcome on its span (status, attempts, request id, duration), and the
/// `call finished` event inside it.
fn record(span: &tracing::Span, outcome: &Result<Answer, Error>, report: &CallReport, started: Instant) {
    let status = match outcome {
        Ok(answer) => Some(answer.status),
        Err(e) => e.status(),
    };
    if let Some(status) = status {
        span.record("status", status.as_u16());
    }
    span.record("attempts", report.attempts);
    let request_id = match outcome {
        Ok(answer) => answer.headers.get(crate::headers::REQUEST_ID),
        Err(e) => e.api().and_then(|a| a.headers.get(crate::headers::REQUEST_ID)),
    };
    if let Some(id) = request_id.and_then(|v| v.to_str().ok()) {
        span.record("request_id", id);
    }
    span.record(
        "duration_ms",
        u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    );
    span.in_scope(|| {
        tracing::debug!(
            status = status.map(|s| s.as_u16()),
            attempts = report.attempts,
            cache_hit = report.cache_hit,
            "call finished"
        )
    });
}

/// Sends a generated operation whose success body is JSON and decodes it as `T`.
#[doc(hidden)]
pub fn json<'a, T: DeserializeOwned>(
    runtime: &'a Runtime,
    op: &'static OperationMeta,
    built: Result<Built, RequestError>,
) -> impl Future<Output = Result<Response<T>, Error>> + 'a {
    runtime
        .send_built(op, built)
        .map(move |answer| answer.and_then(|answer| decode(op, answer)))
}

/// Sends a generated operation whose success has no body.
#[doc(hidden)]
pub fn empty<'a>(
    runtime: &'a Runtime,
    op: &'static OperationMeta,
    built: Result<Built, RequestError>,
) -> impl Future<Output = Result<Response<()>, Error>> + 'a {
    runtime
        .send_built(op, built)
        .map(|answer| answer.map(|answer| Response::new((), answer.status, answer.headers)))
}

/// Sends a generated operation whose success body is not JSON (an XML document, a file) and
/// answers with its bytes.
#[doc(hidden)]
pub fn bytes<'a>(
    runtime: &'a Runtime,
    op: &'static OperationMeta,
    built: Result<Built, RequestError>,
) -> impl Future<Output = Result<Response<Bytes>, Error>> + 'a {
    runtime
        .send_built(op, built)
        .map(|answer| answer.map(|answer| Response::new(answer.body, answer.status, answer.headers)))
}

/// Decodes a success answer as `T` (an empty body, which the wire fix-ups turned into `null`
/// where the operation allows one, decodes as `null`), leniently: a field in a shape its type
/// does not accept is set aside, not fatal; a failure names the JSON path.
pub(crate) fn decode<T: DeserializeOwned>(op: &'static OperationMeta, answer: Answer) -> Result<Response<T>, Error> {
    let Answer { status, headers, body } = answer;
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &body
    };
    // serde first, straight into the response (a decoded model is large: 1,688 bytes for a
    // user, and each layer that re-wraps it copies it); only when that fails, the lenient
    // decode that sets a field of an unexpected shape aside instead of failing the answer.
    match serde_json::from_slice(text) {
        Ok(value) => Ok(Response::new(value, status, headers)),
        Err(_) => mended(op, status, headers, text),
    }
}

/// The lenient decode of an answer serde did not decode as `T` (`okta_lenient::mended`).
#[cold]
fn mended<T: DeserializeOwned>(
    op: &'static OperationMeta,
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: &[u8],
) -> Result<Response<T>, Error> {
    match okta_lenient::mended(body) {
        Ok(value) => Ok(Response::new(value, status, headers)),
        Err(failure) => Err(Error::Decode(Box::new(DecodeError::new(
            op.id,
            status,
            failure.path,
            failure.message,
            body,
        )))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every call moves its future a few times (into the caller's future, onto the task): an
    /// entry point that kept the call future twice (an `async` block awaiting it) doubled
    /// what each call copies.
    #[test]
    fn an_entry_points_future_is_the_calls_future_and_no_more() {
        let rt = Runtime::new();
        let op = &crate::pipeline::RAW;
        let request = || reqwest::Request::new(reqwest::Method::GET, "http://x/api/v1/users/1".parse().unwrap());
        let built = || {
            Ok(Built {
                request: request(),
                options: RequestOptions::default(),
            })
        };
        let call = std::mem::size_of_val(&rt.call(op, RequestOptions::default(), request(), Target::Built));
        let json = std::mem::size_of_val(&json::<serde_json::Value>(&rt, op, built()));
        let empty = std::mem::size_of_val(&empty(&rt, op, built()));
        assert!(
            json <= call + 64 && empty <= call + 64,
            "call {call}, json {json}, empty {empty}"
        );
        // The request is stored once, in the call's own state, and nothing is boxed: the
        // whole call is one future (1,872 bytes in a release build; 4,072 when every level
        // took the request by value).
        assert!(json <= 2048, "a call's future is {json} bytes");
    }
}
