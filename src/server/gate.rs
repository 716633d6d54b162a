//! While the database is known to be out of reach, csat's own calls are answered UNAVAILABLE at
//! once: each would otherwise wait for a pool's connection timeout, and clients with deadlines
//! would see DEADLINE_EXCEEDED instead of a status they retry. Health and reflection pass.

use std::task::{Context, Poll};

use futures_util::future::{Either, Ready, ready};
use tonic::codegen::http;
use tower::{Layer, Service};

use crate::api::status_from_error;
use crate::error::Error;
use crate::store::Store;

/// Adds [`DatabaseGate`] in front of a service.
#[derive(Clone)]
pub struct DatabaseGateLayer {
    store: Store,
}

impl DatabaseGateLayer {
    /// Gates on `store`'s health as its probe last found it.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl<S> Layer<S> for DatabaseGateLayer {
    type Service = DatabaseGate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        DatabaseGate {
            inner,
            store: self.store.clone(),
        }
    }
}

/// See the module's description.
#[derive(Clone)]
pub struct DatabaseGate<S> {
    inner: S,
    store: Store,
}

impl<S, B> Service<http::Request<B>> for DatabaseGate<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Either<Ready<Result<Self::Response, Self::Error>>, S::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if self.store.health().out_of_reach() && request.uri().path().starts_with("/csat.") {
            let status = status_from_error(Error::Unavailable(
                "the database is out of reach; retry shortly".into(),
            ));
            return Either::Left(ready(Ok(status.into_http())));
        }
        Either::Right(self.inner.call(request))
    }
}
