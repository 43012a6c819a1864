//! A local HTTP server that answers whatever the test tells it to, and records every request
//! exactly as it arrived (request line, headers, body), so a test can play a misbehaving org
//! or a second origin that must receive nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target as sent: path and query, percent-encoded.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or(&self.target)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Clone)]
pub enum Answer {
    /// Writes this raw HTTP response and closes the connection.
    Raw(String),
    /// Never answers (holds the connection open until the test ends).
    Stall,
    /// Sends status and headers promising a body, then nothing more.
    StallBody,
}

type Handler = dyn Fn(&Seen, &str) -> Answer + Send + Sync;

/// A running server: its base URL and what it received.
pub struct Server {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server; `answer` gets each request and the server's own base URL.
    pub fn start(answer: impl Fn(&Seen, &str) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(answer);
        let (log, base) = (seen.clone(), url.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, handler, base) = (log.clone(), handler.clone(), base.clone());
                std::thread::spawn(move || serve(stream, &log, &*handler, &base));
            }
        });
        Self { url, seen }
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.seen.lock().expect("log").clear();
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Seen>>, handler: &Handler, base: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    // Keep-alive: several requests may come over one connection.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.trim_end().splitn(3, ' ');
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let length = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen {
            method,
            target,
            headers,
            body,
        };
        log.lock().expect("log").push(seen.clone());
        match handler(&seen, base) {
            Answer::Raw(text) => {
                let _ = writer.write_all(text.as_bytes());
                let _ = writer.flush();
                if text.contains("Connection: close") {
                    return;
                }
            }
            Answer::Stall => {
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
            Answer::StallBody => {
                let _ = writer.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":",
                );
                let _ = writer.flush();
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
        }
    }
}

/// A raw HTTP/1.1 response with these headers and a body (`Content-Length` added).
pub fn reply(status: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut text = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    Answer::Raw(text)
}

/// `200 OK` with a JSON body.
pub fn ok(body: &str) -> Answer {
    reply("200 OK", &[], body)
}
