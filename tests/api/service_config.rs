//! `clients/retry-service-config.json`, the default service config every client package loads.
//! gRPC libraries ignore a name that matches no method (a misspelled method silently loses its
//! retries and timeout) and refuse a whole config that names a method twice, so every name is
//! checked against the descriptors the server is built from, and each method's retry policy
//! against its idempotency.

use std::collections::BTreeSet;

use prost_reflect::{DescriptorPool, MethodDescriptor};
use prost_types::method_options::IdempotencyLevel;
use serde_json::Value;

/// Methods retried although their proto declares no idempotency, each for its reason (written
/// out in clients/README.md, "Retries"): a rating id makes a resubmitted rating a duplicate;
/// an update writes the same values again; an archived survey is archived again unchanged; an
/// invitation id makes a resent invitation answer as the first. Health is gRPC's own read-only
/// service.
const REVIEWED_RETRIES: [&str; 7] = [
    "csat.v1.RatingService.SubmitRating",
    "csat.v1.InvitationService.CreateInvitation",
    "csat.v1.RatingService.BatchSubmitRatings",
    "csat.v1.SurveyService.UpdateSurvey",
    "csat.v1.SurveyService.ArchiveSurvey",
    "grpc.health.v1.Health.Check",
    "grpc.health.v1.Health.Watch",
];

/// The config's methods, each with whether it is retried and whether it has a timeout.
struct NamedMethod {
    method: MethodDescriptor,
    retried: bool,
    timeout: bool,
}

fn served_methods() -> DescriptorPool {
    let mut pool = DescriptorPool::new();
    for set in [
        csat::server::FILE_DESCRIPTOR_SET,
        tonic_health::pb::FILE_DESCRIPTOR_SET,
    ] {
        pool.decode_file_descriptor_set(set).unwrap();
    }
    pool
}

fn config() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/clients/retry-service-config.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A google.protobuf.Duration in JSON: decimal seconds and an `s`.
fn is_duration(value: &Value) -> bool {
    value
        .as_str()
        .and_then(|text| text.strip_suffix('s'))
        .and_then(|seconds| seconds.parse::<f64>().ok())
        .is_some_and(|seconds| seconds > 0.0)
}

/// Every name of the config, resolved, with its method config's policy; panics on a name the
/// server does not serve, a name without a method, or a policy gRPC libraries would refuse.
fn named_methods() -> Vec<NamedMethod> {
    let pool = served_methods();
    let config = config();
    let object = config.as_object().unwrap();
    assert_eq!(
        object.keys().collect::<Vec<_>>(),
        ["methodConfig"],
        "only methodConfig is set"
    );
    let mut named = Vec::new();
    for method_config in config["methodConfig"].as_array().unwrap() {
        let retry_policy = method_config.get("retryPolicy");
        if let Some(policy) = retry_policy {
            assert_eq!(
                policy["retryableStatusCodes"],
                serde_json::json!(["UNAVAILABLE"])
            );
            // grpc-go and grpc-java cap attempts at 5; more would be cut silently.
            let attempts = policy["maxAttempts"].as_u64().unwrap();
            assert!((2..=5).contains(&attempts), "maxAttempts {attempts}");
            assert!(is_duration(&policy["initialBackoff"]), "{policy}");
            assert!(is_duration(&policy["maxBackoff"]), "{policy}");
            assert!(policy["backoffMultiplier"].as_f64().unwrap() > 0.0);
        }
        let timeout = method_config.get("timeout");
        if let Some(timeout) = timeout {
            assert!(is_duration(timeout), "timeout {timeout}");
        }
        for name in method_config["name"].as_array().unwrap() {
            let service = name["service"].as_str().unwrap();
            // A name without a method applies to every method of the service, also to those
            // added later, which nobody has judged safe to retry.
            let method = name["method"]
                .as_str()
                .unwrap_or_else(|| panic!("{service}: name each method, never a whole service"));
            let descriptor = pool
                .get_service_by_name(service)
                .unwrap_or_else(|| panic!("no service {service}"))
                .methods()
                .find(|candidate| candidate.name() == method)
                .unwrap_or_else(|| panic!("no method {service}/{method}"));
            named.push(NamedMethod {
                method: descriptor,
                retried: retry_policy.is_some(),
                timeout: timeout.is_some(),
            });
        }
    }
    named
}

fn idempotency(method: &MethodDescriptor) -> IdempotencyLevel {
    method
        .method_descriptor_proto()
        .options
        .as_ref()
        .map_or(IdempotencyLevel::IdempotencyUnknown, |options| {
            options.idempotency_level()
        })
}

#[test]
fn the_service_config_names_each_served_method_once() {
    let named = named_methods();
    let mut seen = BTreeSet::new();
    for entry in &named {
        assert!(
            seen.insert(entry.method.full_name().to_owned()),
            "{} is named twice: gRPC libraries refuse such a config",
            entry.method.full_name()
        );
    }
    // Every csat method is decided on, except the client streams, which libraries cannot replay.
    let pool = served_methods();
    let undecided: Vec<String> = pool
        .services()
        .filter(|service| service.package_name() == "csat.v1")
        .flat_map(|service| service.methods().collect::<Vec<_>>())
        .filter(|method| !method.is_client_streaming())
        .map(|method| method.full_name().to_owned())
        .filter(|name| !seen.contains(name))
        .collect();
    assert!(
        undecided.is_empty(),
        "not in the service config: {undecided:?}"
    );
}

#[test]
fn the_service_config_retries_exactly_the_methods_safe_to_repeat() {
    let named = named_methods();
    let retried: BTreeSet<String> = named
        .iter()
        .filter(|entry| entry.retried)
        .map(|entry| entry.method.full_name().to_owned())
        .collect();
    for entry in &named {
        let name = entry.method.full_name();
        let declared_safe = matches!(
            idempotency(&entry.method),
            IdempotencyLevel::NoSideEffects | IdempotencyLevel::Idempotent
        );
        if entry.retried {
            assert!(
                declared_safe || REVIEWED_RETRIES.contains(&name),
                "{name} is retried, but neither its proto nor a review says a repeat is safe"
            );
            assert!(
                !entry.method.is_client_streaming(),
                "{name}: a client stream"
            );
        } else {
            assert!(!declared_safe, "{name} is safe to repeat but not retried");
        }
        // A followed stream is meant to stay open for days.
        if entry.method.is_server_streaming() {
            assert!(!entry.timeout, "{name}: a stream with a timeout");
        }
    }
    for name in REVIEWED_RETRIES {
        assert!(
            retried.contains(name),
            "{name} is reviewed as safe but not retried"
        );
    }
    // The two creates answer a lost first attempt's retry with a new random id, a second survey
    // or benchmark, when the caller leaves the id empty.
    for name in [
        "csat.v1.SurveyService.CreateSurvey",
        "csat.v1.BenchmarkService.CreateBenchmark",
    ] {
        assert!(!retried.contains(name), "{name} must not be retried");
    }
}
