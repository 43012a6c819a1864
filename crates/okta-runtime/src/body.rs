//! Reading an answer's body within a size limit, so that a server (hostile or broken) cannot
//! make one call hold more memory than `okta.client.maxResponseBytes` allows. A declared
//! `Content-Length` over the limit fails before anything is read; a body without one (chunked)
//! is counted while it arrives and dropped as soon as it passes the limit.

use bytes::{Bytes, BytesMut};
use std::time::Duration;

/// `okta.client.maxResponseBytes` when no source sets it: 64 MiB. Okta's largest answers (a
/// page of 1,000 System Log events, 200 applications with their settings) are a few MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// The smallest limit a configuration may set: an error body must still fit.
pub const MIN_MAX_RESPONSE_BYTES: u64 = 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The connection failed or timed out while the body arrived.
    Transport(reqwest::Error),
    /// The body is larger than the limit: declared so (`Content-Length`), or counted.
    TooLarge { declared: Option<u64> },
    /// The server sent nothing for the read timeout.
    Stalled,
}

/// Reads `response`'s body to the end, or fails once it passes `limit` bytes or the server
/// sends nothing for `stall` (the read timeout). A body that arrives in one chunk is handed on
/// without a copy. The response is borrowed, so the caller can take its headers afterwards
/// instead of copying them.
pub(crate) async fn read(
    response: &mut reqwest::Response,
    limit: u64,
    stall: Option<Duration>,
) -> Result<Bytes, ReadError> {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return Err(ReadError::TooLarge { declared });
    }
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total: u64 = 0;
    while let Some(chunk) = crate::stall::within(stall, response.chunk())
        .await
        .map_err(|_| ReadError::Stalled)?
        .map_err(ReadError::Transport)?
    {
        total = u64::try_from(chunk.len())
            .ok()
            .and_then(|n| total.checked_add(n))
            .filter(|&n| n <= limit)
            .ok_or(ReadError::TooLarge { declared })?;
        match (&mut joined, first.take()) {
            (Some(buf), _) => buf.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(earlier)) => {
                let mut buf = BytesMut::with_capacity(earlier.len().saturating_add(chunk.len()));
                buf.extend_from_slice(&earlier);
                buf.extend_from_slice(&chunk);
                joined = Some(buf);
            }
        }
    }
    Ok(match joined {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server that answers one request with `head` and then `chunks` (each written apart,
    /// then the last chunk), or with `head` alone, holding the connection open, for `None`.
    async fn serve(head: &'static str, chunks: Option<Vec<Vec<u8>>>) -> String {
        serve_apart(head, chunks, Duration::from_millis(5)).await
    }

    /// [`serve`], with `gap` between chunks.
    async fn serve_apart(head: &'static str, chunks: Option<Vec<Vec<u8>>>, gap: Duration) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(head.as_bytes()).await;
            let Some(chunks) = chunks else {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                return;
            };
            for chunk in chunks {
                let _ = socket.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await;
                let _ = socket.write_all(&chunk).await;
                let _ = socket.write_all(b"\r\n").await;
                let _ = socket.flush().await;
                tokio::time::sleep(gap).await;
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        });
        format!("http://{addr}/")
    }

    async fn get(url: &str) -> reqwest::Response {
        crate::ensure_tls_provider();
        reqwest::get(url).await.unwrap()
    }

    const CHUNKED: &str = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n";

    #[tokio::test]
    async fn chunks_within_the_limit_are_joined() {
        let url = serve(CHUNKED, Some(vec![b"[1,".to_vec(), b"2,".to_vec(), b"3]".to_vec()])).await;
        let mut response = get(&url).await;
        assert_eq!(&read(&mut response, 7, None).await.unwrap()[..], b"[1,2,3]");
    }

    #[tokio::test]
    async fn a_chunked_body_past_the_limit_stops_being_read() {
        let url = serve(CHUNKED, Some(vec![vec![b'a'; 600], vec![b'b'; 600]])).await;
        let mut response = get(&url).await;
        match read(&mut response, 1000, None).await {
            Err(ReadError::TooLarge { declared: None }) => {}
            other => panic!("expected TooLarge without a declared length, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_declared_length_past_the_limit_fails_before_reading() {
        // Declares 10 GB and sends nothing: nothing is waited for.
        let url = serve("HTTP/1.1 200 OK\r\ncontent-length: 10000000000\r\n\r\n", None).await;
        let mut response = get(&url).await;
        match read(&mut response, DEFAULT_MAX_RESPONSE_BYTES, None).await {
            Err(ReadError::TooLarge {
                declared: Some(10_000_000_000),
            }) => {}
            other => panic!("expected TooLarge with the declared length, got {other:?}"),
        }
    }

    /// The read timeout bounds the silence between chunks, not the whole body.
    #[tokio::test]
    async fn a_body_that_trickles_within_the_read_timeout_is_read_whole() {
        let chunks = vec![
            b"[1".to_vec(),
            b",2".to_vec(),
            b",3".to_vec(),
            b",4".to_vec(),
            b"]".to_vec(),
        ];
        let url = serve_apart(CHUNKED, Some(chunks), Duration::from_millis(60)).await;
        let mut response = get(&url).await;
        let stall = Some(Duration::from_millis(200));
        let started = std::time::Instant::now();
        assert_eq!(&read(&mut response, 100, stall).await.unwrap()[..], b"[1,2,3,4]");
        assert!(
            started.elapsed() >= Duration::from_millis(240),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn a_body_that_stops_arriving_is_a_stall() {
        // Declares 10 bytes and sends none of them.
        let url = serve("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n", None).await;
        let mut response = get(&url).await;
        let started = std::time::Instant::now();
        match read(&mut response, 1000, Some(Duration::from_millis(100))).await {
            Err(ReadError::Stalled) => {}
            other => panic!("expected a stall, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }
}
