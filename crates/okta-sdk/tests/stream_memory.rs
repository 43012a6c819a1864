//! Memory stays flat while `.stream()` walks any number of pages: live heap bytes, counted by
//! this binary's allocator, are no higher after 200 pages than after 20.
//!
//! The pages come from a minimal HTTP/1.1 server written here (httpmock keeps every request
//! it sees, which would itself grow the heap).

use futures::TryStreamExt;
use okta_sdk::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PAGES: usize = 200;
const PER_PAGE: usize = 50;

fn page_body(page: usize) -> String {
    let users: Vec<String> = (0..PER_PAGE)
        .map(|i| {
            format!(
                r#"{{"id":"00u{page}x{i}","status":"ACTIVE","created":"2024-01-01T00:00:00.000Z","profile":{{"login":"u{page}x{i}@example.com","email":"u{page}x{i}@example.com","firstName":"F","lastName":"L","department":"D{i}"}},"_links":{{"self":{{"href":"https://x/api/v1/users/00u{page}x{i}"}}}}}}"#
            )
        })
        .collect();
    format!("[{}]", users.join(","))
}

/// Serves `/api/v1/users?after=<n>` pages on keep-alive connections; returns the base URL.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let link_base = base.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let link_base = link_base.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(request_line)) = lines.next_line().await {
                    // Skip the headers (GET: no body).
                    while let Ok(Some(h)) = lines.next_line().await {
                        if h.is_empty() {
                            break;
                        }
                    }
                    let page = request_line
                        .split_once("after=")
                        .and_then(|(_, rest)| rest.split(['&', ' ']).next())
                        .and_then(|n| n.parse::<usize>().ok())
                        .unwrap_or(0);
                    let body = page_body(page);
                    let link = if page + 1 < PAGES {
                        format!(
                            "link: <{link_base}/api/v1/users?after={}&limit={PER_PAGE}>; rel=\"next\"\r\n",
                            page + 1
                        )
                    } else {
                        String::new()
                    };
                    // One write: a head and body written apart meet Nagle and delayed ACKs.
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{link}\r\n{body}",
                        body.len()
                    );
                    if write.write_all(answer.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    base
}

#[tokio::test]
async fn streaming_two_hundred_pages_keeps_memory_flat() {
    let base = serve().await;
    let runtime = okta_sdk::runtime::Runtime::with_api_token("00memory-test").expect("runtime");
    let client = okta_sdk::Client::with_runtime(&base, runtime);
    let mut stream = client.list_users().limit(PER_PAGE as i32).stream();
    let mut seen = 0usize;
    let mut early_peak = 0isize;
    let mut late_peak = 0isize;
    while let Some(user) = stream.try_next().await.expect("a page") {
        assert!(!user.id.is_empty());
        seen += 1;
        let page = seen / PER_PAGE;
        let live = LIVE.load(Ordering::Relaxed);
        if (10..20).contains(&page) {
            early_peak = early_peak.max(live);
        } else if page >= PAGES - 10 {
            late_peak = late_peak.max(live);
        }
    }
    assert_eq!(seen, PAGES * PER_PAGE);
    let growth = late_peak - early_peak;
    println!("live heap peak: pages 10-20 {early_peak} B, pages 190-200 {late_peak} B, growth {growth} B");
    // One page of users is ~50 KB decoded; a leak of pages would be megabytes by page 200.
    assert!(growth < 64 * 1024, "heap grew by {growth} bytes while streaming");
}
