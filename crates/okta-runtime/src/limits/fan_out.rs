//! The bulk job: one operation applied to a stream of inputs, a bounded number at a time.

use crate::error::Error;
use futures::stream::{BoxStream, StreamExt};
use std::future::Future;

/// Runs `call` on each input of `inputs`, at most `limit` at a time (at least one), and
/// yields each result with the position of its input, as they finish. An error is that
/// input's alone: the others go on. The client's concurrency limit and pacing still apply to
/// every request, so `limit` only bounds how many inputs are started.
///
/// ```
/// # futures::executor::block_on(async {
/// use futures::StreamExt;
/// let results: Vec<(usize, Result<u32, okta_sdk::Error>)> =
///     okta_sdk::limits::fan_out(futures::stream::iter([1u32, 2, 3]), 2, |n| async move { Ok(n * 10) })
///         .collect()
///         .await;
/// let mut values: Vec<_> = results.into_iter().map(|(i, r)| (i, r.unwrap())).collect();
/// values.sort();
/// assert_eq!(values, [(0, 10), (1, 20), (2, 30)]);
/// # });
/// ```
pub fn fan_out<'a, I, O, F, Fut>(
    inputs: impl futures::Stream<Item = I> + Send + 'a,
    limit: usize,
    call: F,
) -> BoxStream<'a, (usize, Result<O, Error>)>
where
    I: Send + 'a,
    O: Send + 'a,
    F: Fn(I) -> Fut + Send + 'a,
    Fut: Future<Output = Result<O, Error>> + Send + 'a,
{
    inputs
        .enumerate()
        .map(move |(i, input)| {
            let fut = call(input);
            async move { (i, fut.await) }
        })
        .buffer_unordered(limit.max(1))
        .boxed()
}
