//! The call context: what the generated `send()` hands the pipeline besides the request
//! (the operation's facts and the per-request options), and what the pipeline reports back
//! (final status, attempts, request id). It travels in a tokio task-local, because
//! progenitor's hook sees only the request and the operation's name.

use crate::error::{ApiError, DecodeError, Error};
use crate::operation::OperationMeta;
use crate::options::RequestOptions;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

tokio::task_local! {
    static CALL: Arc<CallContext>;
}

/// One call's facts and options, and the pipeline's report on it.
#[derive(Debug)]
pub struct CallContext {
    /// The operation.
    pub op: &'static OperationMeta,
    /// Its options.
    pub options: RequestOptions,
    report: Mutex<CallReport>,
}

/// What the pipeline found out about a call.
#[derive(Debug, Clone, Default)]
pub struct CallReport {
    /// The status of the last answer, if one arrived.
    pub status: Option<StatusCode>,
    /// How many attempts were started.
    pub attempts: u32,
    /// `X-Okta-Request-Id` of the last answer.
    pub request_id: Option<String>,
    /// Whether the answer came from the response cache.
    pub cache_hit: bool,
}

impl CallContext {
    /// The final report, taken out (the call is over).
    fn take_report(&self) -> CallReport {
        self.report
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut CallReport)) {
        if let Ok(mut r) = self.report.lock() {
            f(&mut r);
        }
    }
}

/// The context of the call running on this task, if any.
pub(crate) fn current() -> Option<Arc<CallContext>> {
    CALL.try_with(Arc::clone).ok()
}

/// Runs one call of `op` (a generated `send()`, or a raw request) inside its context and its
/// tracing span `okta.call` (operation, method, path template, status, attempts, request id,
/// duration); the future answers the call's output and the pipeline's report. Retries and
/// cache hits are events inside the span.
pub fn run<F: Future>(
    op: &'static OperationMeta,
    method: &str,
    path: &str,
    options: RequestOptions,
    call: F,
) -> CallFuture<F> {
    let ctx = Arc::new(CallContext {
        op,
        options,
        report: Mutex::new(CallReport::default()),
    });
    let span = tracing::info_span!(
        "okta.call",
        operation = op.id,
        method = method,
        path = path,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        request_id = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    CallFuture {
        inner: call,
        ctx,
        span,
        started: Instant::now(),
    }
}

pin_project_lite::pin_project! {
    /// The future [`run`] returns.
    ///
    /// One future, written by hand, rather than a stack of combinators (task-local scope, span,
    /// map): the request's state is several kilobytes, each layer of a stack is a move of all
    /// of it when the future is built, and the call's output is moved again through each layer
    /// when it is ready.
    #[must_use = "futures do nothing unless polled"]
    pub struct CallFuture<F> {
        #[pin]
        inner: F,
        ctx: Arc<CallContext>,
        span: tracing::Span,
        started: Instant,
    }
}

impl<F: Future> Future for CallFuture<F> {
    type Output = (F::Output, CallReport);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let output = {
            let _entered = this.span.enter();
            let inner = this.inner;
            match CALL.sync_scope(this.ctx.clone(), || inner.poll(cx)) {
                Poll::Ready(output) => output,
                Poll::Pending => return Poll::Pending,
            }
        };
        let report = this.ctx.take_report();
        let span = &*this.span;
        if let Some(status) = report.status {
            span.record("status", status.as_u16());
        }
        span.record("attempts", report.attempts);
        if let Some(id) = &report.request_id {
            span.record("request_id", id.as_str());
        }
        span.record("duration_ms", this.started.elapsed().as_millis() as u64);
        span.in_scope(|| {
            tracing::debug!(
                status = report.status.map(|s| s.as_u16()),
                attempts = report.attempts,
                cache_hit = report.cache_hit,
                "call finished"
            )
        });
        Poll::Ready((output, report))
    }
}

/// Finds where a body fails to decode as the operation's success type.
pub type Locate = fn(&'static str, StatusCode, &[u8]) -> DecodeError;

/// Runs a generated operation's request (`call`, progenitor's own send) inside the call
/// context and converts any failure into the one [`Error`] type. `locate` re-reads a body
/// that failed to decode, to name the JSON path (absent for non-JSON success types).
pub fn send_operation<T, E, F>(
    op: &'static OperationMeta,
    options: RequestOptions,
    locate: Option<Locate>,
    call: F,
) -> SendOperation<F, T, E>
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: Send + 'static,
{
    SendOperation::Calling {
        call: run(op, op.method, op.path, options, call),
        op,
        locate,
        _types: PhantomData,
    }
}

/// A failure being turned into [`Error`] (reading the body of an unexpected answer).
type Converting = Pin<Box<dyn Future<Output = Error> + Send>>;

pin_project_lite::pin_project! {
    /// The future [`send_operation`] returns: the call, then (only for a failure) its
    /// conversion into [`Error`]. Written by hand for the reason [`CallFuture`] gives.
    #[must_use = "futures do nothing unless polled"]
    #[project = SendProj]
    pub enum SendOperation<F, T, E> {
        /// The call is running.
        Calling {
            #[pin]
            call: CallFuture<F>,
            op: &'static OperationMeta,
            locate: Option<Locate>,
            _types: PhantomData<fn() -> (T, E)>,
        },
        /// The call failed; its error is being converted.
        Converting { error: Converting },
        /// The output was handed out.
        Done,
    }
}

impl<F, T, E> Future for SendOperation<F, T, E>
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: Send + 'static,
{
    type Output = Result<ResponseValue<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let converting = match self.as_mut().project() {
                SendProj::Calling { call, op, locate, .. } => match call.poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready((Ok(value), _)) => {
                        self.set(Self::Done);
                        return Poll::Ready(Ok(value));
                    }
                    Poll::Ready((Err(e), report)) => {
                        let (op, locate) = (*op, *locate);
                        Box::pin(async move { convert(e, op, &report, locate).await }) as Converting
                    }
                },
                SendProj::Converting { error } => {
                    let error = futures::ready!(error.as_mut().poll(cx));
                    self.set(Self::Done);
                    return Poll::Ready(Err(error));
                }
                SendProj::Done => return Poll::Pending,
            };
            self.set(Self::Converting { error: converting });
        }
    }
}

async fn convert<E>(
    e: progenitor_client::Error<E>,
    op: &'static OperationMeta,
    report: &CallReport,
    locate: Option<Locate>,
) -> Error {
    use progenitor_client::Error as P;
    let transport = |source: reqwest::Error| Error::transport(op.id, source, report.attempts.max(1));
    match e {
        P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest {
            operation: op.id,
            message,
        },
        P::CommunicationError(source) | P::InvalidUpgrade(source) | P::ResponseBodyError(source) => transport(source),
        P::ErrorResponse(value) => Error::Api(Box::new(ApiError::new(
            op.id,
            value.status(),
            value.headers().clone(),
            bytes::Bytes::new(),
        ))),
        P::InvalidResponsePayload(body, err) => {
            let status = report.status.unwrap_or(StatusCode::OK);
            let decode = match locate {
                Some(locate) => locate(op.id, status, &body),
                None => DecodeError::new(op.id, status, ".".into(), err.to_string(), &body),
            };
            Error::Decode(Box::new(decode))
        }
        P::UnexpectedResponse(response) => {
            if let Some(carried) = Error::from_response(&response) {
                return carried;
            }
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(body) => {
                    let mut e = ApiError::new(op.id, status, headers, body);
                    e.attempts = report.attempts.max(1);
                    Error::Api(Box::new(e))
                }
                Err(source) => transport(source),
            }
        }
    }
}
