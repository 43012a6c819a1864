//! Following the System Log from the client: `client.system_log().tail(options)`.

use crate::Client;
use okta_models::LogEvent;
use okta_runtime::tail::{Tail, TailOptions};

/// A tail of the org's System Log: a stream of [`LogEvent`]s, each handed on once, with a
/// checkpoint to resume from (see [`okta_runtime::tail`]).
pub type LogTail<'a> = Tail<'a, LogEvent>;

/// The System Log helpers of a client (`client.system_log()`).
#[derive(Debug, Clone, Copy)]
pub struct SystemLog<'a> {
    client: &'a Client,
}

impl Client {
    /// The System Log helpers: [`SystemLog::tail`].
    pub fn system_log(&self) -> SystemLog<'_> {
        SystemLog { client: self }
    }
}

/// An event's id, by which repeats are dropped.
fn uuid(event: &LogEvent) -> Option<&str> {
    event.uuid.as_deref()
}

impl<'a> SystemLog<'a> {
    /// Follows the System Log: every event from `options`' start (or checkpoint) on, for as
    /// long as the stream is polled (or to `until`, for a bounded query), paced to leave a
    /// share of the logs rate limit to the org's other integrations.
    ///
    /// ```no_run
    /// # async fn run(client: &okta_apis::Client) -> Result<(), okta_runtime::Error> {
    /// use futures::StreamExt;
    /// use okta_runtime::tail::TailOptions;
    /// let mut tail = client.system_log().tail(TailOptions::now());
    /// while let Some(event) = tail.next().await {
    ///     let event = event?;
    ///     println!("{:?} {:?}", event.published, event.event_type);
    ///     let _resume_here = tail.checkpoint();
    /// }
    /// # Ok(()) }
    /// ```
    pub fn tail(&self, options: TailOptions) -> LogTail<'a> {
        let runtime = self.client.runtime();
        match crate::operation("list_log_events") {
            Some(op) => Tail::start(runtime, self.client.baseurl.as_str(), op, options, uuid),
            None => Tail::unavailable(runtime, "listLogEvents", uuid),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tail_has_its_operation() {
        let op = crate::operation("list_log_events").expect("listLogEvents is generated");
        assert_eq!((op.method, op.path), ("GET", "/api/v1/logs"));
    }
}
