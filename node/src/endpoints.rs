//! The plain-HTTP endpoints beside the JSON-RPC API, on the same server and port, for the tools
//! that watch a service rather than use it:
//!
//! - `GET /metrics`: Prometheus (OpenMetrics text), from [`crate::metrics`];
//! - `GET /health/live`: 200 while the process serves HTTP at all;
//! - `GET /health/ready`: 200 when the node can take transactions and its blocks can move on
//!   (the sequencer answers, the store reads, no stage has halted), else 503; the body (JSON)
//!   says why, and lists the stages that fail and retry, which do not make it unready.
//!
//! A tower layer in jsonrpsee's HTTP middleware: these three GETs are answered here, every
//! other request goes on to the JSON-RPC server unchanged.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, StatusCode};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use serde_json::json;
use tower::{Layer, Service};

use crate::rpc::Api;

const METRICS: &str = "/metrics";
const LIVE: &str = "/health/live";
const READY: &str = "/health/ready";
/// OpenMetrics' text format, which Prometheus scrapes.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Adds the endpoints in front of the JSON-RPC service.
#[derive(Clone)]
pub(crate) struct EndpointsLayer {
    pub(crate) api: Api,
}

impl<S> Layer<S> for EndpointsLayer {
    type Service = Endpoints<S>;

    fn layer(&self, inner: S) -> Endpoints<S> {
        Endpoints { inner, api: self.api.clone() }
    }
}

#[derive(Clone)]
pub(crate) struct Endpoints<S> {
    inner: S,
    api: Api,
}

impl<S> Service<HttpRequest> for Endpoints<S>
where
    S: Service<HttpRequest, Response = HttpResponse>,
    S::Error: Into<BoxError> + 'static,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send + 'static>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let path = request.uri().path();
        if request.method() != Method::GET || ![METRICS, LIVE, READY].contains(&path) {
            let answer = self.inner.call(request);
            return Box::pin(async move { answer.await.map_err(Into::into) });
        }
        let (path, api) = (path.to_string(), self.api.clone());
        Box::pin(async move {
            Ok(match path.as_str() {
                METRICS => metrics(&api).await,
                LIVE => response(200, "application/json", json!({ "live": true }).to_string()),
                _ => ready(&api).await,
            })
        })
    }
}

async fn metrics(api: &Api) -> HttpResponse {
    match api.snapshot().await {
        Ok(s) => response(200, OPENMETRICS, api.metrics.render(&s.status, &s.failing, api.store.file_size())),
        Err(e) => {
            response(503, "text/plain; charset=utf-8", format!("the node cannot read its status: {}\n", e.message()))
        }
    }
}

async fn ready(api: &Api) -> HttpResponse {
    let (code, body) = match api.snapshot().await {
        Ok(s) if s.halted.is_empty() => (200, json!({ "ready": true, "failing": s.status.stage_errors })),
        Ok(s) => (503, json!({ "ready": false, "halted": s.halted, "failing": s.status.stage_errors })),
        Err(e) => (503, json!({ "ready": false, "error": e.message() })),
    };
    response(code, "application/json", body.to_string())
}

fn response(code: u16, content_type: &'static str, body: String) -> HttpResponse {
    let mut r = HttpResponse::new(HttpBody::from(body));
    *r.status_mut() = StatusCode::from_u16(code).expect("a valid status code");
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}
