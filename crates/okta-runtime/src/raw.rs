//! Raw requests: any endpoint the spec lacks, through the same pipeline.

use crate::call::decode;
use crate::error::Error;
use crate::options::RequestOptions;
use crate::pipeline::{RAW, Target};
use crate::{Response, Runtime};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A request built by hand: method, path, query and JSON body. Send it with
/// [`RawRequest::send`] for a typed answer or [`RawRequest::send_json`] for raw JSON.
#[derive(Debug)]
pub struct RawRequest<'a> {
    runtime: &'a Runtime,
    base_url: &'a str,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Result<serde_json::Value, String>>,
    options: RequestOptions,
}

impl Runtime {
    /// A raw request to `path` (e.g. `/api/v1/users/me`) under `base_url`. The generated
    /// client's `raw()` fills in its own base URL.
    pub fn raw<'a>(&'a self, base_url: &'a str, method: Method, path: impl Into<String>) -> RawRequest<'a> {
        RawRequest {
            runtime: self,
            base_url,
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            options: RequestOptions::default(),
        }
    }
}

impl RawRequest<'_> {
    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Sets a JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(serde_json::to_value(body).map_err(|e| e.to_string()));
        self
    }

    /// Per-request options.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends and decodes the answer as `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let invalid = |message: String| Error::InvalidRequest {
            operation: RAW.id,
            message,
        };
        if let Some(problem) = crate::guard::raw_path_problem(&self.path) {
            return Err(invalid(format!(
                "raw path `{}` {problem}; nothing was sent",
                self.path.escape_debug()
            )));
        }
        let url = format!("{}{}", self.base_url.trim_end_matches('/'), self.path);
        let mut builder = self.runtime.http_client().request(self.method, url).query(&self.query);
        if let Some(body) = self.body {
            builder = builder.json(&body.map_err(|e| invalid(format!("the JSON body did not serialize: {e}")))?);
        }
        let request = builder
            .build()
            .map_err(|e| invalid(format!("the request could not be built: {e}")))?;
        let answer = self.runtime.call(&RAW, self.options, request, Target::Built).await?;
        decode(&RAW, answer)
    }

    /// Sends and answers with the JSON as it came (`null` for an empty body).
    pub async fn send_json(self) -> Result<Response<serde_json::Value>, Error> {
        self.send().await
    }
}
