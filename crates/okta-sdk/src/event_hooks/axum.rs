//! An axum handler for Event Hooks: verification answered, deliveries checked, decoded,
//! de-duplicated and handed to a bounded channel within Okta's answer time.
//!
//! ```no_run
//! use okta_sdk::event_hooks::{EventHookReceiver, HookAuth};
//! use std::sync::Arc;
//! # async fn run() -> std::io::Result<()> {
//! let receiver = Arc::new(EventHookReceiver::new(HookAuth::authorization("a-long-random-secret")));
//! let (events, mut incoming) = tokio::sync::mpsc::channel(1024);
//! let app = axum::Router::new().route("/okta/events", okta_sdk::event_hooks::axum::route(receiver, events));
//! tokio::spawn(async move {
//!     while let Some(event) = incoming.recv().await {
//!         println!("{:?}", event.event_type);
//!     }
//! });
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```

use super::{EventHookReceiver, HookError, MAX_DELIVERY_BYTES};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use okta_models::LogEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::Sender;

/// How long a delivery may take, its body read and its events handed to the channel: Okta
/// gives up on an answer after 3 seconds, so the handler answers 503 (no room in the channel)
/// or 408 (a body still arriving) before that, and Okta tries once more.
pub const HANDOFF_BUDGET: Duration = Duration::from_millis(2500);

#[derive(Clone)]
struct Hook {
    receiver: Arc<EventHookReceiver>,
    events: Sender<LogEvent>,
}

/// `GET` (verification) and `POST` (deliveries) for the route an Event Hook calls. The secret
/// is checked before a body is read. New events go to `events` in order; a delivery that finds
/// no room within [`HANDOFF_BUDGET`] is answered 503, and Okta's retry brings the whole batch
/// again, of which only the events not handed on yet go to the channel.
pub fn route<S: Clone + Send + Sync + 'static>(
    receiver: Arc<EventHookReceiver>,
    events: Sender<LogEvent>,
) -> MethodRouter<S> {
    get(verify)
        .post(deliver)
        .layer(DefaultBodyLimit::max(MAX_DELIVERY_BYTES))
        .with_state(Hook { receiver, events })
}

fn refuse(e: &HookError) -> Response {
    tracing::warn!(error = %e, "Event Hook request refused");
    (e.status(), e.to_string()).into_response()
}

async fn verify(State(hook): State<Hook>, headers: HeaderMap) -> Response {
    match hook.receiver.verify(&headers) {
        Ok(answer) => ([(header::CONTENT_TYPE, "application/json")], answer.to_json()).into_response(),
        Err(e) => refuse(&e),
    }
}

async fn deliver(State(hook): State<Hook>, request: Request) -> Response {
    let deadline = tokio::time::Instant::now() + HANDOFF_BUDGET;
    let (parts, body) = request.into_parts();
    // The secret first: a request without it is refused before its body is read.
    if let Err(e) = hook.receiver.authorize(&parts.headers) {
        return refuse(&e);
    }
    let body = match tokio::time::timeout_at(deadline, axum::body::to_bytes(body, MAX_DELIVERY_BYTES)).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return refuse(&HookError::TooLarge {
                size: MAX_DELIVERY_BYTES + 1,
            });
        }
        Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
    };
    let delivery = match hook.receiver.receive(&parts.headers, &body) {
        Ok(delivery) => delivery,
        Err(e) => return refuse(&e),
    };
    // Only what was not taken before needs room: Okta's retry of a batch already handed on
    // is answered at once.
    let candidates: Vec<LogEvent> = delivery
        .events
        .into_iter()
        .filter(|e| !hook.receiver.is_taken(e))
        .collect();
    let mut events = candidates.into_iter().peekable();
    let max = hook.events.max_capacity().max(1);
    while events.peek().is_some() {
        // Room for a chunk first, then the events in it are taken: an event is remembered as
        // taken only once it is in the channel.
        let chunk: Vec<LogEvent> = events.by_ref().take(max).collect();
        let permits = match tokio::time::timeout_at(deadline, hook.events.reserve_many(chunk.len())).await {
            Ok(Ok(permits)) => permits,
            Ok(Err(_)) => {
                tracing::warn!("Event Hook delivery: the events channel is closed");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            Err(_) => {
                tracing::warn!("Event Hook delivery: no room in the events channel in time; Okta will retry");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        };
        // A delivery running at the same time may have taken some of them meanwhile: the
        // permits left over go back to the channel.
        for (permit, event) in permits.zip(hook.receiver.take_new(chunk)) {
            permit.send(event);
        }
    }
    StatusCode::OK.into_response()
}
