//! clients/README.md lists the ErrorInfo and field violation reasons as a contract: every reason
//! the server's source can send must be there, so that a new one is documented when it is added.

use std::path::{Path, PathBuf};

/// Set only at start, which they stop: the database prepared read-only, TLS files that cannot be
/// served. No caller sees them.
const REASONS_NO_CALLER_SEES: [&str; 2] = ["DATABASE_READ_ONLY", "TLS_NOT_USABLE"];

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// The string literal `text` starts with, if it is a reason: upper case, maybe underscores.
fn reason_literal(text: &str) -> Option<&str> {
    let literal = text.strip_prefix('"')?;
    let reason = &literal[..literal.find('"')?];
    let is_reason = reason.len() > 3
        && reason
            .chars()
            .all(|character| character.is_ascii_uppercase() || character == '_');
    is_reason.then_some(reason)
}

/// Every reason the source passes where a reason goes: `reason: "…"` (the error enum and
/// struct literals), `with_reason(Code::…, "…"`, the reason argument of `OpenCalls::new(limit,
/// "…"`, and the names of the field violation reasons (`FieldReason::… => "…"`).
fn reasons_in_source() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut reasons: Vec<String> = Vec::new();
    for file in files {
        let text: String = std::fs::read_to_string(&file)
            .unwrap()
            .chars()
            .filter(|character| !character.is_whitespace())
            .collect();
        for (start, _) in text.match_indices("reason:\"") {
            reasons.extend(reason_literal(&text[start + "reason:".len()..]).map(str::to_owned));
        }
        for marker in ["with_reason(Code::", "OpenCalls::new(", "FieldReason::"] {
            for (start, _) in text.match_indices(marker) {
                let rest = &text[start + marker.len()..];
                let argument = match marker {
                    "FieldReason::" => rest.find("=>").filter(|at| *at < 20).map(|at| at + 2),
                    _ => rest.find(',').map(|at| at + 1),
                };
                if let Some(at) = argument {
                    reasons.extend(reason_literal(&rest[at..]).map(str::to_owned));
                }
            }
        }
    }
    reasons.sort();
    reasons.dedup();
    reasons.retain(|reason| !REASONS_NO_CALLER_SEES.contains(&reason.as_str()));
    reasons
}

#[test]
fn every_reason_the_server_sends_is_documented_for_clients() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/README.md"))
            .unwrap();
    let mut reasons = reasons_in_source();
    // The scan finds what it is meant to: an ErrorInfo reason of each kind and a violation's.
    for expected in [
        "SURVEY_NOT_FOUND",
        "MALFORMED_MESSAGE",
        "TOO_MANY_RATING_STREAMS",
        "UNAVAILABLE",
        "OUT_OF_RANGE",
        "INTERNAL",
        "REQUIRED",
    ] {
        assert!(
            reasons.iter().any(|reason| reason == expected),
            "{expected}: {reasons:?}"
        );
    }
    // Sent through a constant, which the scan does not follow.
    reasons.push("INVALID_FIELD".to_owned());
    let undocumented: Vec<&String> = reasons
        .iter()
        .filter(|reason| !readme.contains(&format!("`{reason}`")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "reasons missing from clients/README.md: {undocumented:?}"
    );
}
