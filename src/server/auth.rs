//! Who is calling, and may they: one layer in front of every service, reached by gRPC, gRPC-Web
//! and HTTP/JSON alike (the Connect layer turns the latter into gRPC calls first). A caller is
//! a bearer key of the keys file or, over mTLS, its client certificate's subject; each method
//! needs one scope; a principal with `requests_per_second` is held to it. Health and reflection
//! are open, so that probes and `grpcurl list` work without a key.

pub mod keys;

use std::collections::HashMap;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::{Either, Ready, ready};
use governor::clock::{Clock, DefaultClock};
use tonic::codegen::http;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};
use tower::{Layer, Service};

use super::connections::Peer;
use crate::api::audit::Principal;
use crate::api::{ERROR_DOMAIN, with_reason, with_reason_and_metadata};
use crate::monitoring::{AUTH_REFUSAL_REASONS, AUTH_REFUSALS};
use keys::{Grant, KeysFileWatch, Scope};

/// Returns the scope `path` (`/package.Service/Method`) needs; `None` for health and reflection,
/// which are open, and for a path that names no csat method (it is authenticated, then answered
/// UNIMPLEMENTED).
pub fn scope_for(path: &str) -> Option<Scope> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    Some(match (service, method) {
        ("csat.v1.RatingService", "SubmitRating" | "BatchSubmitRatings" | "ImportRatings") => {
            Scope::RatingsWrite
        }
        ("csat.v1.RatingService", "GetRating" | "ListRatings" | "StreamRatings") => {
            Scope::RatingsRead
        }
        ("csat.v1.RatingService", "ExcludeRating" | "RestoreRating") => Scope::RatingsExclude,
        ("csat.v1.ReportService", "GetReport" | "WatchReport" | "GetBenchmarkReport") => {
            Scope::ReportsRead
        }
        ("csat.v1.SurveyService", "CreateSurvey" | "UpdateSurvey" | "ArchiveSurvey")
        | ("csat.v1.BenchmarkService", "CreateBenchmark" | "DeleteBenchmark") => {
            Scope::SurveysWrite
        }
        ("csat.v1.SurveyService", "GetSurvey" | "ListSurveys")
        | ("csat.v1.BenchmarkService", "GetBenchmark" | "ListBenchmarks") => Scope::SurveysRead,
        // They carry the ratings' comments and customer ids.
        ("csat.v1.FollowUpService", "GetFollowUp" | "ListFollowUps") => Scope::RatingsRead,
        ("csat.v1.FollowUpService", "UpdateFollowUp" | "AddFollowUpNote") => Scope::FollowupsWrite,
        ("csat.v1.CustomerService", "GetCustomer" | "ListCustomers" | "GetHealthPolicy") => {
            Scope::CustomersRead
        }
        ("csat.v1.CustomerService", "UpdateHealthPolicy") => Scope::Admin,
        ("csat.v1.CustomerService", "EraseCustomer") => Scope::CustomersErase,
        ("csat.v1.InvitationService", "CreateInvitation") => Scope::InvitationsWrite,
        // They carry customer ids, as ratings do.
        ("csat.v1.InvitationService", "GetInvitation" | "ListInvitations") => Scope::RatingsRead,
        _ => return None,
    })
}

/// Whether `path` belongs to a service every caller may use without a key.
fn is_open(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/") || path.starts_with("/grpc.reflection.")
}

/// How a server decides who may call.
#[derive(Clone)]
pub enum Access {
    /// Every caller may do everything: a loopback address with no keys, or
    /// `--allow-unauthenticated`.
    Open,
    /// Callers must present a key of the file, or a client certificate it lists.
    Keys(KeysFileWatch),
}

/// Adds [`Authorize`] in front of a service.
#[derive(Clone)]
pub struct AuthLayer {
    access: Access,
}

impl AuthLayer {
    /// Authorizes calls as `access` says.
    pub fn new(access: Access) -> AuthLayer {
        AuthLayer { access }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Authorize<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Authorize {
            inner,
            access: self.access.clone(),
        }
    }
}

/// See the module's description.
#[derive(Clone)]
pub struct Authorize<S> {
    inner: S,
    access: Access,
}

impl<S, B> Service<http::Request<B>> for Authorize<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Either<Ready<Result<Self::Response, Self::Error>>, S::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let principal = match &self.access {
            Access::Open => Ok(Principal::anonymous()),
            Access::Keys(_) if is_open(request.uri().path()) => Ok(Principal::anonymous()),
            Access::Keys(keys) => authorize(keys, &request),
        };
        match principal {
            Ok(principal) => {
                request.extensions_mut().insert(principal);
                Either::Right(self.inner.call(request))
            }
            Err(refusal) => Either::Left(ready(Ok(refusal.into_http()))),
        }
    }
}

/// Returns the caller of `request` if it may make it, else the status that refuses it.
fn authorize<B>(keys: &KeysFileWatch, request: &http::Request<B>) -> Result<Principal, Status> {
    let principals = keys.principals();
    let grant = match bearer_key(request) {
        Some(key) => principals.by_key(key),
        None => {
            client_principal(request).and_then(|subject| principals.by_client_certificate(subject))
        }
    }
    .ok_or_else(invalid_key)?;
    if let Some(scope) = scope_for(request.uri().path())
        && !grant.allows(scope)
    {
        return Err(scope_missing(&grant, scope));
    }
    if let Some(wait) = rate_limited(&grant) {
        return Err(too_many_requests(&grant, wait));
    }
    Ok(Principal(grant.name.clone()))
}

/// The key of an `authorization: Bearer <key>` header (the scheme in any case, as RFC 9110
/// says); a header that holds no bearer key gives an empty key, refused rather than ignored.
fn bearer_key<B>(request: &http::Request<B>) -> Option<&str> {
    let value = request.headers().get(http::header::AUTHORIZATION)?;
    let key = value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, key)| key.trim());
    Some(key)
}

/// The principal of the verified client certificate the connection presented, if any.
fn client_principal<B>(request: &http::Request<B>) -> Option<&str> {
    request
        .extensions()
        .get::<Peer>()?
        .client_principal
        .as_deref()
}

/// How long `grant`'s caller must wait before its next call, if it has spent its rate.
fn rate_limited(grant: &Grant) -> Option<Duration> {
    let limiter = grant.limiter()?;
    limiter
        .check()
        .err()
        .map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

/// Counts a refusal for `/metrics`; its reason is one of [`AUTH_REFUSAL_REASONS`], the labels
/// the exporter starts at zero.
fn count_refusal(reason: &'static str) {
    debug_assert!(AUTH_REFUSAL_REASONS.contains(&reason), "{reason}");
    metrics::counter!(AUTH_REFUSALS, "reason" => reason).increment(1);
}

fn invalid_key() -> Status {
    count_refusal("API_KEY_INVALID");
    with_reason(
        Code::Unauthenticated,
        "API_KEY_INVALID",
        "a valid API key is required: send `authorization: Bearer <key>`".into(),
    )
}

fn scope_missing(grant: &Grant, scope: Scope) -> Status {
    count_refusal("SCOPE_MISSING");
    with_reason_and_metadata(
        Code::PermissionDenied,
        "SCOPE_MISSING",
        HashMap::from([("scope".to_owned(), scope.name().to_owned())]),
        format!(
            "the key {:?} lacks the scope {:?} this method needs",
            grant.name,
            scope.name()
        ),
    )
}

fn too_many_requests(grant: &Grant, wait: Duration) -> Status {
    count_refusal("RATE_LIMITED");
    let mut details = ErrorDetails::with_error_info("RATE_LIMITED", ERROR_DOMAIN, HashMap::new());
    // A delay of zero would tell a client to retry in a busy loop.
    details.set_retry_info(Some(wait.max(Duration::from_millis(1))));
    Status::with_error_details(
        Code::ResourceExhausted,
        format!(
            "{:?} is over its requests_per_second: retry in {} ms",
            grant.name,
            wait.as_millis().max(1)
        ),
        details,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_csat_method_needs_a_scope() {
        let pool = prost_reflect::DescriptorPool::decode(crate::server::FILE_DESCRIPTOR_SET)
            .expect("the build's descriptors");
        let mut methods = 0;
        for service in pool.services() {
            for method in service.methods() {
                let path = format!("/{}/{}", service.full_name(), method.name());
                assert!(scope_for(&path).is_some(), "{path} has no scope");
                methods += 1;
            }
        }
        assert!(methods >= 18, "{methods} methods");
    }

    #[test]
    fn writes_and_reads_need_their_own_scopes() {
        assert_eq!(
            scope_for("/csat.v1.RatingService/SubmitRating"),
            Some(Scope::RatingsWrite)
        );
        assert_eq!(
            scope_for("/csat.v1.RatingService/StreamRatings"),
            Some(Scope::RatingsRead)
        );
        assert_eq!(
            scope_for("/csat.v1.BenchmarkService/DeleteBenchmark"),
            Some(Scope::SurveysWrite)
        );
        assert_eq!(
            scope_for("/csat.v1.CustomerService/ListCustomers"),
            Some(Scope::CustomersRead)
        );
        assert_eq!(
            scope_for("/csat.v1.CustomerService/UpdateHealthPolicy"),
            Some(Scope::Admin)
        );
        assert_eq!(scope_for("/grpc.health.v1.Health/Check"), None);
        assert!(is_open("/grpc.health.v1.Health/Check"));
        assert!(is_open(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!is_open("/csat.v1.SurveyService/ListSurveys"));
    }

    #[test]
    fn a_bearer_key_is_read_in_any_case_and_another_scheme_is_no_key() {
        let with = |value: &str| {
            http::Request::builder()
                .header("authorization", value)
                .body(())
                .expect("a request")
        };
        assert_eq!(bearer_key(&with("Bearer abc")), Some("abc"));
        assert_eq!(bearer_key(&with("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_key(&with("Basic abc")), Some(""));
        assert_eq!(bearer_key(&with("Bearer ")), Some(""));
        assert_eq!(bearer_key(&with("abc")), Some(""));
        let none = http::Request::builder().body(()).expect("a request");
        assert_eq!(bearer_key(&none), None);
    }
}
