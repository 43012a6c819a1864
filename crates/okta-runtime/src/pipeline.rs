//! The request pipeline: path check, wire fix-ups, headers, cache, retries within the time
//! budget, authentication, send, answer, error decoding. It answers with the [`Answer`] read
//! to the end, which `call` decodes.
//!
//! A success body is read after the retry loop, unless the pipeline needs it earlier: to fill
//! the response cache, to adapt an empty body (`wire::adapt_body`), or to read it within the
//! call's time budget. Failures are always read inside the loop, to build the [`ApiError`].
//!
//! The cost of that choice: a success body that breaks off after its status arrived is not
//! retried; the call fails with [`Error::Transport`]. With a time budget the body is read inside
//! the loop, and such a failure is retried like any other transport failure. Reading every body
//! inside the loop (boxed there, as failures are) measured 1.16 to 1.27 in okta-bench's
//! scenario 3 against 1.06 to 1.09 after it, and 99 allocations per `get_user` against 93
//! (BENCHMARKS.md).

use crate::auth::{Authenticator, MAX_NONCE_ROUNDS, TokenId};
use crate::cache::{CacheKey, CachedResponse, stale_paths};
use crate::error::{ApiError, Error};
use crate::interceptor::{AfterAttempt, BeforeAttempt};
use crate::operation::OperationMeta;
use crate::options::RequestOptions;
use crate::retry::{Attempt, AttemptOutcome, RetryDecision, RetryPolicy};
use crate::{Runtime, body, guard, headers, wire};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use std::sync::Arc;
// `tokio::time`'s clock, so that tests can run waits and budgets with paused time.
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// The facts the pipeline uses for a request that is not a spec operation.
pub static RAW: OperationMeta = OperationMeta {
    id: "raw",
    method_name: "raw",
    method: "*",
    path: "*",
    scopes: &[],
    lifecycle: None,
    lists: false,
    // Raw requests are idempotent by their method (see `with_retries`).
    idempotent: false,
    request_media_type: None,
    multipart_field: None,
    empty_success: &[],
    response_media_type: None,
};

const RETRY_FOR: HeaderName = HeaderName::from_static("x-okta-retry-for");
const RETRY_COUNT: HeaderName = HeaderName::from_static("x-okta-retry-count");

/// An answer, unread or read to the end.
enum Reply {
    /// Status and headers; the body is still on the connection.
    Unread(reqwest::Response),
    /// Read to the end.
    Read(Answer),
}

impl Reply {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unread(r) => r.status(),
            Self::Read(a) => a.status,
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Self::Unread(r) => r.headers(),
            Self::Read(a) => &a.headers,
        }
    }

    fn request_id(&self) -> Option<&HeaderValue> {
        self.headers().get(&headers::REQUEST_ID)
    }

    /// The answer read to the end (reading it now if it was not), within `limit` bytes and
    /// the read timeout `stall`.
    async fn read(self, limit: u64, stall: Option<Duration>) -> Result<Answer, body::ReadError> {
        match self {
            Self::Unread(r) => Answer::read(r, limit, stall).await,
            Self::Read(a) => Ok(a),
        }
    }
}

/// An answer read to the end.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Answer {
    /// Not an `async fn`, which would hold the response twice (see `Runtime::call`).
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would store its by-value argument twice"
    )]
    fn read(
        mut response: reqwest::Response,
        limit: u64,
        stall: Option<Duration>,
    ) -> impl Future<Output = Result<Self, body::ReadError>> {
        async move {
            let status = response.status();
            let body = body::read(&mut response, limit, stall).await?;
            // Taken, not copied: the response is dropped here.
            let headers = std::mem::take(response.headers_mut());
            Ok(Self { status, headers, body })
        }
    }
}

/// The call's error for a body that could not be read: the transport's, or [`Error::TooLarge`].
fn unread(op: &'static OperationMeta, status: StatusCode, limit: u64, e: body::ReadError, attempts: u32) -> Error {
    match e {
        body::ReadError::Transport(source) => Error::transport(op.id, source, attempts),
        body::ReadError::Stalled => Error::Stalled {
            operation: op.id,
            attempts,
        },
        body::ReadError::TooLarge { declared } => Error::TooLarge {
            operation: op.id,
            status,
            limit,
            declared,
        },
    }
}

/// What the pipeline found out about a call, for its span.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallReport {
    /// How many attempts were started.
    pub(crate) attempts: u32,
    /// Whether the answer came from the response cache.
    pub(crate) cache_hit: bool,
}

/// Which request of an operation this is: the one its builder built, or a next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The builder's request (or a raw request).
    Built,
    /// A page's `rel="next"` link.
    NextPage,
}

/// What one call runs with, besides its request.
struct Call<'a> {
    client: &'a reqwest::Client,
    op: &'static OperationMeta,
    options: &'a RequestOptions,
    /// How many attempts were started (read for the call's span).
    attempts: std::sync::atomic::AtomicU32,
    /// The time budget for the whole call (the call's, else the client's request timeout).
    budget: Option<Duration>,
    /// Whether a success answer must be read inside the pipeline.
    read_success: bool,
    /// The largest answer body read (`okta.client.maxResponseBytes`).
    max_body: u64,
    /// How long the server may send nothing (`okta.client.readTimeout`).
    read_timeout: Option<Duration>,
}

enum Failure {
    Transport(reqwest::Error),
    /// The server sent nothing for the read timeout: retried like a transport failure.
    Stalled,
    Runtime(Error),
}

impl Runtime {
    /// Runs one request of `op` with `options`: the path check, wire fix-ups, headers, the
    /// cache, the retry loop (authentication, send, 401 renewal, DPoP nonces), and the answer
    /// read to the end. `target` says whether this is a page's next link, which makes a path
    /// that does not fit the operation a [`Error::Pagination`]. The request is borrowed from
    /// the call, which keeps it for retries; each attempt sends a copy.
    pub(crate) async fn pipeline(
        &self,
        op: &'static OperationMeta,
        options: &RequestOptions,
        request: &mut reqwest::Request,
        target: Target,
        report: &mut CallReport,
    ) -> Result<Answer, Error> {
        // The endpoint named is the endpoint reached: the path has the operation's shape.
        if !std::ptr::eq(op, &RAW) && !guard::path_matches(op.path, request.url().path()) {
            return Err(wrong_path(op, request.url().path(), target));
        }
        wire::prepare_request(request, op);
        headers::apply(request, &options.headers, &self.parts.headers, &self.parts.user_agent);

        let method = request.method().clone();
        // The URL is kept only for the cache (a copy per call otherwise).
        let cached = self.parts.cache.as_ref().map(|cache| (cache, request.url().clone()));
        // The key holds who asks: one cache shared by clients with other credentials never
        // answers one with what another fetched.
        let key = |url: &reqwest::Url| CacheKey::new(self.parts.shared.principal, url.as_str());
        // Reads and fills skip lists, raw requests and bypassing calls; evictions never do.
        let cacheable =
            cached.is_some() && method == Method::GET && !op.lists && !options.bypass_cache && !std::ptr::eq(op, &RAW);
        if let (true, Some((cache, url))) = (cacheable, &cached)
            && let Some(hit) = cache.get(&key(url))
        {
            return Ok(self.cache_hit(&hit, url, report));
        }

        let budget = options.timeout.or(self.parts.request_timeout);
        let call = Call {
            client: &self.parts.shared.http,
            op,
            options,
            attempts: Default::default(),
            budget,
            // The body is needed here to fill the cache, to adapt it, or to read it in the budget.
            read_success: cacheable || !op.empty_success.is_empty() || budget.is_some(),
            max_body: self.parts.max_response_bytes,
            read_timeout: self.parts.read_timeout,
        };
        let outcome = self.with_retries(&call, request).await;
        report.attempts = call.attempts.load(std::sync::atomic::Ordering::Relaxed);
        let (reply, attempts) = outcome?;
        let status = reply.status();
        if !status.is_success() {
            return Err(self.failed(&call, reply, attempts).await);
        }
        if let Some((cache, url)) = &cached
            && method != Method::GET
            && method != Method::HEAD
        {
            evict(cache.as_ref(), url);
        }
        let mut answer = match reply {
            Reply::Read(answer) => answer,
            // Not boxed: this is every call's path.
            Reply::Unread(response) => Answer::read(response, call.max_body, call.read_timeout)
                .await
                .map_err(|e| unread(op, status, call.max_body, e, attempts))?,
        };
        if let (true, Some((cache, url))) = (cacheable && status == StatusCode::OK, &cached) {
            fill(cache.as_ref(), key(url), &answer);
        }
        answer.body = wire::adapt_body(status, answer.body, op);
        Ok(answer)
    }

    /// The answer the cache holds for the call (which is counted, and an event in its span).
    /// Out of line, as every rarely taken branch here: the call's future is polled from one
    /// function holding every branch of the pipeline, and its common path is read from fewer
    /// instruction-cache lines when the rest is elsewhere (okta-bench, BENCHMARKS.md).
    #[cold]
    #[inline(never)]
    fn cache_hit(&self, hit: &CachedResponse, url: &reqwest::Url, report: &mut CallReport) -> Answer {
        tracing::debug!(url = url.path(), "response cache hit");
        report.cache_hit = true;
        self.parts.limits.metrics.cache_hit();
        Answer {
            status: hit.status,
            headers: hit.headers.clone(),
            body: hit.body.clone(),
        }
    }

    /// A failure answer, read to the end (boxed: its state would otherwise sit in every
    /// call's future), as the call's error.
    #[cold]
    #[inline(never)]
    fn failed<'a>(
        &'a self,
        call: &Call<'_>,
        reply: Reply,
        attempts: u32,
    ) -> std::pin::Pin<Box<dyn Future<Output = Error> + Send + 'a>> {
        let (op, max_body, read_timeout) = (call.op, call.max_body, call.read_timeout);
        Box::pin(async move {
            let status = reply.status();
            match reply.read(max_body, read_timeout).await {
                Ok(answer) => self.api_error(op, answer, attempts),
                Err(e) => unread(op, status, max_body, e, attempts),
            }
        })
    }

    fn api_error(&self, op: &'static OperationMeta, answer: Answer, attempts: u32) -> Error {
        let mut e = ApiError::new(op.id, answer.status, answer.headers, answer.body);
        e.attempts = attempts;
        if let (StatusCode::FORBIDDEN, Authenticator::Tokens(tokens)) = (e.status, &self.parts.shared.auth)
            && let Some(requested) = tokens.scopes()
        {
            e.required_scopes = op.scopes.to_vec();
            e.requested_scopes = requested;
        }
        Error::Api(Box::new(e))
    }

    /// Sends, asking the retry policy after each attempt, within the time budget. Each attempt
    /// sends a copy of `request`, which stays for the next; a request whose body is a stream
    /// is sent itself, once (`request` is left with its method and URL only).
    async fn with_retries(&self, call: &Call<'_>, request: &mut reqwest::Request) -> Result<(Reply, u32), Error> {
        let (op, options) = (call.op, call.options);
        let policy = options.retry.as_ref().unwrap_or(&self.parts.retry);
        let budget = call.budget;
        let started = Instant::now();
        let method = request.method().clone();
        // The call's word, else the operation's fact; a raw request's method decides.
        let idempotent = options.idempotent.unwrap_or(if std::ptr::eq(op, &RAW) {
            crate::retry::is_idempotent(&method)
        } else {
            op.idempotent
        });
        let mut retry_for: Option<HeaderValue> = None;
        let mut number = 0u32;
        loop {
            number = number.saturating_add(1);
            // Pacing (the bucket's share) and the concurrency limit, within the time budget.
            let deadline = budget.and_then(|b| started.checked_add(b));
            let ticket = match self
                .parts
                .limits
                .enter(op, &method, request.url().path(), deadline)
                .await
            {
                Ok(ticket) => ticket,
                Err(crate::limits::OverBudget) => {
                    return Err(Error::Timeout {
                        operation: op.id,
                        budget: budget.unwrap_or_default(),
                        attempts: number.saturating_sub(1),
                    });
                }
            };
            call.attempts.store(number, std::sync::atomic::Ordering::Relaxed);
            let (sent, replayable) = match replay_copy(request) {
                Some(copy) => (copy, true),
                None => {
                    let rest = reqwest::Request::new(method.clone(), request.url().clone());
                    (std::mem::replace(request, rest), false)
                }
            };
            // Read only for the interceptors: a clock read is not free on every call.
            let attempt_started = (!self.parts.interceptors.is_empty()).then(Instant::now);
            // The send future is built in each arm, not before: a local would hold a copy of
            // its own beside the one each arm awaits. A time budget's timer is boxed: most
            // calls have none, and its state would otherwise sit in every call's future.
            let outcome = match budget {
                Some(budget) => match Box::pin(tokio::time::timeout(
                    budget.saturating_sub(started.elapsed()),
                    self.send_authenticated(call, sent, request, replayable),
                ))
                .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        tracing::debug!(attempt = number, ?budget, "time budget spent");
                        return Err(Error::Timeout {
                            operation: op.id,
                            budget,
                            attempts: number,
                        });
                    }
                },
                None => self.send_authenticated(call, sent, request, replayable).await,
            };
            if let Some(settle) = self
                .parts
                .limits
                .leave(ticket, outcome.as_ref().ok().map(|r| (r.status(), r.headers())))
            {
                settle.await;
            }
            if !self.parts.interceptors.is_empty() {
                self.after_attempt(op, number, attempt_started, &outcome);
            }
            let asked = Asked {
                op,
                method: &method,
                number,
                idempotent,
                started,
            };
            let Some(wait) = retry_wait(policy.as_ref(), &asked, &outcome) else {
                return finish(outcome, op, number);
            };
            if !worth_retrying(replayable, budget, started, wait) {
                return finish(outcome, op, number);
            }
            if retry_for.is_none() {
                retry_for = outcome.as_ref().ok().and_then(Reply::request_id).cloned();
            }
            self.retrying(number, &outcome, wait);
            Box::pin(tokio::time::sleep(wait)).await;
            if let Some(id) = &retry_for {
                request.headers_mut().insert(RETRY_FOR, id.clone());
            }
            request.headers_mut().insert(RETRY_COUNT, HeaderValue::from(number));
        }
    }

    /// Tells the interceptors how an attempt went.
    #[inline(never)]
    fn after_attempt(
        &self,
        op: &'static OperationMeta,
        number: u32,
        started: Option<Instant>,
        outcome: &Result<Reply, Failure>,
    ) {
        let reply = outcome.as_ref().ok();
        let attempt = AfterAttempt {
            operation: op,
            number,
            elapsed: started.map(|t| t.elapsed()).unwrap_or_default(),
            status: reply.map(Reply::status),
            headers: reply.map(Reply::headers),
        };
        for i in self.parts.interceptors.iter() {
            i.after_attempt(&attempt);
        }
    }

    /// Lets the interceptors change the headers of the attempt about to be sent.
    #[inline(never)]
    fn before_attempt(&self, call: &Call<'_>, request: &mut reqwest::Request) {
        let mut headers = std::mem::take(request.headers_mut());
        let attempt = BeforeAttempt {
            operation: call.op,
            method: request.method(),
            number: call.attempts.load(std::sync::atomic::Ordering::Relaxed),
        };
        for i in self.parts.interceptors.iter() {
            i.before_attempt(&attempt, &mut headers);
        }
        *request.headers_mut() = headers;
    }

    /// After a 401 to a request sent with access token `token`: the request to send again,
    /// when the org asked for the same token again (a DPoP nonce; a bounded number of times)
    /// or, once, with a renewed token (`rounds.stale` then names the refused one). `None`
    /// when the request cannot be sent again (`spare` is `None`) or the rounds are spent. The
    /// re-send is copied from `spare` only here, not on every call.
    #[cold]
    #[inline(never)]
    fn again_after_401(
        &self,
        token: TokenId,
        spare: Option<&reqwest::Request>,
        response: &reqwest::Response,
        rounds: &mut Rounds,
    ) -> Option<reqwest::Request> {
        let next = spare.and_then(replay_copy)?;
        if let Authenticator::Tokens(tokens) = &self.parts.shared.auth
            && rounds.nonce < MAX_NONCE_ROUNDS
            && tokens.retry_same_token(token, response.headers())
        {
            rounds.nonce += 1;
            tracing::debug!(
                round = rounds.nonce,
                "the org asked for the same token again (a DPoP nonce); retrying"
            );
            return Some(next);
        }
        if !rounds.renewed {
            tracing::debug!("401 with an access token; renewing it and retrying once");
            rounds.renewed = true;
            rounds.stale = Some(token);
            return Some(next);
        }
        None
    }

    /// A retry is coming: an event in the call's span, and counted.
    #[cold]
    #[inline(never)]
    fn retrying(&self, number: u32, outcome: &Result<Reply, Failure>, wait: Duration) {
        let status = outcome.as_ref().ok().map(|r| r.status().as_u16());
        tracing::info!(attempt = number, status, wait_ms = wait.as_millis() as u64, "retrying");
        self.parts.limits.metrics.retried();
    }

    /// Authenticates and sends `request`; on 401 with an access token renews it once and
    /// retries once, and follows a request for the same token again (a DPoP
    /// `use_dpop_nonce`) a bounded number of times. `original` is the caller's
    /// unauthenticated request, whose URL the answer must come from; when `replayable`, a
    /// re-send is copied from it (only when one is needed). A failure is read to the end, and
    /// a success too when the call needs its body (`Call::read_success`). Not an `async fn`,
    /// which would hold the request twice (see `Runtime::call`).
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would store its by-value argument twice"
    )]
    fn send_authenticated<'a>(
        &'a self,
        call: &'a Call<'a>,
        mut request: reqwest::Request,
        original: &'a reqwest::Request,
        replayable: bool,
    ) -> impl Future<Output = Result<Reply, Failure>> + 'a {
        async move {
            let spare = replayable.then_some(original);
            let mut rounds = Rounds::default();
            loop {
                if !self.parts.interceptors.is_empty() {
                    self.before_attempt(call, &mut request);
                }
                let token = self
                    .parts
                    .shared
                    .auth
                    .authorize(&mut request, rounds.stale)
                    .await
                    .map_err(|e| Failure::Runtime(e.into()))?;
                let response = crate::stall::within(call.read_timeout, call.client.execute(request))
                    .await
                    .map_err(|_| Failure::Stalled)?
                    .map_err(Failure::Transport)?;
                let status = response.status();
                if let Some(refused) = refused_answer(call.op, original.url(), &response) {
                    return Err(Failure::Runtime(refused));
                }
                if status == StatusCode::UNAUTHORIZED
                    && let Some(token) = token
                    && let Some(next) = self.again_after_401(token, spare, &response, &mut rounds)
                {
                    request = next;
                    continue;
                }
                if status.is_success() && !call.read_success {
                    return Ok(Reply::Unread(response));
                }
                // Boxed: reading is the exception (failures, cache fills, budgets), and its state
                // would otherwise sit in every call's future.
                return Box::pin(Answer::read(response, call.max_body, call.read_timeout))
                    .await
                    .map(Reply::Read)
                    .map_err(|e| match e {
                        body::ReadError::Transport(e) => Failure::Transport(e),
                        body::ReadError::Stalled => Failure::Stalled,
                        // Not retried: the same answer would come again, and cost as much.
                        too_large => Failure::Runtime(unread(call.op, status, call.max_body, too_large, 0)),
                    });
            }
        }
    }
}

/// The call's error for a request whose path does not have its operation's shape.
#[cold]
#[inline(never)]
fn wrong_path(op: &'static OperationMeta, path: &str, target: Target) -> Error {
    let message = format!(
        "the path `{path}` does not have the shape of `{}`; nothing was sent",
        op.path
    );
    match target {
        Target::NextPage => Error::Pagination {
            operation: op.id,
            message,
        },
        Target::Built => Error::InvalidRequest {
            operation: op.id,
            message,
        },
    }
}

/// A change that succeeded makes what the cache holds for its paths stale.
#[inline(never)]
fn evict(cache: &dyn crate::cache::ResponseCache, url: &reqwest::Url) {
    cache.evict(&stale_paths(url));
}

/// Keeps a success answer in the cache.
#[inline(never)]
fn fill(cache: &dyn crate::cache::ResponseCache, key: CacheKey, answer: &Answer) {
    cache.put(
        key,
        Arc::new(CachedResponse {
            status: answer.status,
            headers: answer.headers.clone(),
            body: answer.body.clone(),
        }),
    );
}

/// The re-sends one attempt has made after a 401 with an access token.
#[derive(Debug, Default)]
struct Rounds {
    /// Whether the token was renewed (once at most).
    renewed: bool,
    /// The refused token, once renewed: the next authorization must not use it.
    stale: Option<TokenId>,
    /// How many times the org asked for the same token again (a DPoP nonce).
    nonce: u32,
}

/// What the retry policy is told about an attempt, besides its outcome.
struct Asked<'a> {
    op: &'static OperationMeta,
    method: &'a Method,
    number: u32,
    idempotent: bool,
    started: Instant,
}

/// How long to wait before another attempt, as `policy` decides from `outcome`; `None` to stop
/// (always for a runtime failure, such as a refused redirect or a token that could not be got).
fn retry_wait(policy: &dyn RetryPolicy, asked: &Asked<'_>, outcome: &Result<Reply, Failure>) -> Option<Duration> {
    let attempt_outcome = match outcome {
        Ok(r) => AttemptOutcome::Response {
            status: r.status(),
            headers: r.headers(),
        },
        Err(Failure::Transport(e)) => AttemptOutcome::Transport {
            connect: e.is_connect(),
        },
        Err(Failure::Stalled) => AttemptOutcome::Transport { connect: false },
        Err(Failure::Runtime(_)) => return None,
    };
    // Okta's errorCode and the wait the server asks for, read only from a failure (whose body
    // is already read): a success is never retried by the wait it asks for.
    let failed = outcome.as_ref().ok().filter(|r| !r.status().is_success());
    let (error_code, server_wait) = match failed {
        Some(reply) => failure_facts(reply),
        None => (None, None),
    };
    let attempt = Attempt::new(asked.op, asked.method, asked.number, attempt_outcome)
        .with_idempotent(asked.idempotent)
        .with_error_code(error_code.as_deref())
        .with_elapsed(asked.started.elapsed())
        .with_server_wait(server_wait);
    match policy.decide(&attempt) {
        RetryDecision::Stop => None,
        RetryDecision::RetryAfter(wait) => Some(wait),
    }
}

/// A failure answer's `errorCode` and the wait it asks for.
#[cold]
#[inline(never)]
fn failure_facts(reply: &Reply) -> (Option<String>, Option<Duration>) {
    let code = match reply {
        Reply::Read(answer) => error_code(&answer.body),
        Reply::Unread(_) => None,
    };
    let wait = crate::retry::asked_wait(reply.status(), reply.headers(), SystemTime::now());
    (code, wait)
}

/// Whether a retry the policy asked for can be made: the request can be sent again, and the
/// wait fits in the time budget.
#[cold]
#[inline(never)]
fn worth_retrying(replayable: bool, budget: Option<Duration>, started: Instant, wait: Duration) -> bool {
    if !replayable {
        tracing::debug!("the request body cannot be replayed; not retrying");
        return false;
    }
    if let Some(budget) = budget
        && started.elapsed().saturating_add(wait) >= budget
    {
        tracing::debug!(?wait, ?budget, "a retry would not fit in the time budget; giving up");
        return false;
    }
    true
}

/// Okta's `errorCode` (or OAuth's `error`) of a failure body, if it has one.
fn error_code(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Code {
        #[serde(rename = "errorCode", alias = "error")]
        code: Option<String>,
    }
    serde_json::from_slice::<Code>(body).ok()?.code
}

/// A copy of `request` to send again, or `None` when its body is a stream. The same as
/// `reqwest::Request::try_clone` for the requests the pipeline sends, without copying the
/// extension map (two allocations per call): those requests carry nothing there but a timeout,
/// which is copied. A request with a body goes through `try_clone`, which shares the body's
/// bytes.
fn replay_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

fn finish(outcome: Result<Reply, Failure>, op: &'static OperationMeta, attempts: u32) -> Result<(Reply, u32), Error> {
    match outcome {
        Ok(answer) => Ok((answer, attempts)),
        Err(Failure::Runtime(e)) => Err(e),
        Err(Failure::Transport(source)) => Err(Error::transport(op.id, source, attempts)),
        Err(Failure::Stalled) => Err(Error::Stalled {
            operation: op.id,
            attempts,
        }),
    }
}

/// An answer that is never handed on: a redirect (the runtime's HTTP client follows none to
/// another origin, none from the token endpoint, and at most `guard::MAX_REDIRECTS` on the
/// org), or an answer from another origin than `sent` (a caller's own client followed a
/// redirect). Names the origin only, never a path or query.
fn refused_answer(op: &'static OperationMeta, sent: &reqwest::Url, response: &reqwest::Response) -> Option<Error> {
    let status = response.status();
    let origin = |url: &reqwest::Url| url.origin().ascii_serialization();
    if !guard::same_origin(sent, response.url()) {
        tracing::warn!(operation = op.id, "an answer from another origin was refused");
        return Some(Error::Redirect {
            operation: op.id,
            status,
            to: Some(origin(response.url())),
        });
    }
    if !status.is_redirection() {
        return None;
    }
    let to = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| response.url().join(l).ok())
        .map(|u| origin(&u));
    Some(Error::Redirect {
        operation: op.id,
        status,
        to,
    })
}
