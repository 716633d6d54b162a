//! RatingService over real gRPC, on SQLite and PostgreSQL.

use std::collections::{BTreeMap, HashSet};

use crate::common::{Backend, TestServer, bad_fields, error_reason, rating};
use csat::pb;
use tonic::Code;

on_both_backends!(
    submitted_rating_reads_back_with_sequence_and_times,
    duplicate_submit_counts_once,
    same_key_with_other_content_is_already_exists,
    every_validation_rule_is_invalid_argument_and_stores_nothing,
    unknown_survey_is_not_found_and_stores_nothing,
    batch_is_all_or_nothing,
    import_keeps_good_rows_and_reports_bad_ones_by_position,
    import_sending_a_frame_per_rating_outlasts_a_stalled_writer,
    list_pages_to_the_end_newest_first_under_each_filter,
    page_token_from_another_filter_is_refused,
    pages_of_long_ratings_stay_within_a_default_clients_message_limit,
    an_attribute_filter_of_64_pairs_is_answered_and_of_65_refused,
);

async fn submitted_rating_reads_back_with_sequence_and_times(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let occur_time = prost_types::Timestamp {
        seconds: 1_763_000_000,
        nanos: 123_456_000,
    };
    let sent = pb::Rating {
        comment: "quick and kind".into(),
        customer_id: "cust:42".into(),
        channel: pb::Channel::Ivr.into(),
        attributes: BTreeMap::from([("agent".into(), "a-17".into())]),
        occur_time: Some(occur_time),
        ..rating("chat", "ticket-1", 4)
    };

    let stored = server.submit(sent.clone()).await;
    let second = server.submit(rating("chat", "", 5)).await;
    let fetched = server
        .ratings
        .get_rating(pb::GetRatingRequest {
            survey_id: "chat".into(),
            rating_id: "ticket-1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .rating
        .unwrap();

    let stored_rating = stored.rating.unwrap();
    assert!(!stored.duplicate);
    assert_eq!(stored_rating.sequence, 1);
    assert_eq!(stored_rating.occur_time, Some(occur_time));
    assert!(stored_rating.create_time.is_some());
    assert_eq!(
        pb::Rating {
            sequence: 0,
            create_time: None,
            ..stored_rating.clone()
        },
        sent
    );
    assert_eq!(fetched, stored_rating);
    let generated = second.rating.unwrap();
    assert_eq!(generated.sequence, 2);
    assert_eq!(
        generated.rating_id.len(),
        36,
        "a UUID is generated when rating_id is empty"
    );
    assert!(
        generated.occur_time.is_some(),
        "occur_time defaults to receipt"
    );
    server.stop().await;
}

async fn duplicate_submit_counts_once(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;

    let first = server.submit(rating("chat", "r-1", 2)).await;
    let retry = server.submit(rating("chat", "r-1", 2)).await;
    let listed = server.list_all(pb::RatingFilter::default(), 10).await;

    assert!(!first.duplicate);
    assert!(retry.duplicate);
    assert_eq!(retry.rating, first.rating);
    assert_eq!(listed.len(), 1);
    server.stop().await;
}

async fn same_key_with_other_content_is_already_exists(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("email", "support_email").await;
    server.submit(rating("chat", "r-1", 2)).await;

    let conflict = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating("chat", "r-1", 5)),
        })
        .await
        .unwrap_err();
    let other_survey_same_key = server.submit(rating("email", "r-1", 5)).await;
    let stored = server.list_all(pb::RatingFilter::default(), 10).await;

    assert_eq!(conflict.code(), Code::AlreadyExists);
    assert_eq!(error_reason(&conflict), "RATING_ALREADY_EXISTS");
    assert!(
        !other_survey_same_key.duplicate,
        "keys are unique per survey"
    );
    let scores: Vec<(String, i32)> = stored
        .iter()
        .map(|rating| (rating.survey_id.clone(), rating.score))
        .collect();
    assert_eq!(scores, [("email".to_string(), 5), ("chat".to_string(), 2)]);
    server.stop().await;
}

async fn every_validation_rule_is_invalid_argument_and_stores_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let in_six_minutes = prost_types::Timestamp {
        seconds: csat::domain::now_micros() / 1_000_000 + 360,
        nanos: 0,
    };
    let too_many_attributes: BTreeMap<String, String> = (0..33)
        .map(|index| (format!("k{index}"), "v".into()))
        .collect();
    let cases: Vec<(pb::Rating, Vec<&str>)> = vec![
        (rating("chat", "r", 6), vec!["rating.score"]),
        (rating("chat", "r", 0), vec!["rating.score"]),
        (
            pb::Rating {
                comment: "x".repeat(4_001),
                ..rating("chat", "r", 3)
            },
            vec!["rating.comment"],
        ),
        (
            pb::Rating {
                comment: "nul\0byte".into(),
                ..rating("chat", "r", 3)
            },
            vec!["rating.comment"],
        ),
        (
            pb::Rating {
                attributes: too_many_attributes,
                ..rating("chat", "r", 3)
            },
            vec!["rating.attributes"],
        ),
        (
            pb::Rating {
                attributes: BTreeMap::from([("Agent".into(), "a".into())]),
                ..rating("chat", "r", 3)
            },
            vec!["rating.attributes[\"Agent\"]"],
        ),
        (
            pb::Rating {
                attributes: BTreeMap::from([("agent".into(), "v".repeat(257))]),
                ..rating("chat", "r", 3)
            },
            vec!["rating.attributes[\"agent\"]"],
        ),
        (
            pb::Rating {
                occur_time: Some(in_six_minutes),
                ..rating("chat", "r", 3)
            },
            vec!["rating.occur_time"],
        ),
        (
            pb::Rating {
                // A second before 0001-01-01: not a google.protobuf.Timestamp.
                occur_time: Some(prost_types::Timestamp {
                    seconds: -62_135_596_801,
                    nanos: 0,
                }),
                ..rating("chat", "r", 3)
            },
            vec!["rating.occur_time"],
        ),
        (rating("chat", "has space", 3), vec!["rating.rating_id"]),
        (
            rating("chat", &"x".repeat(129), 3),
            vec!["rating.rating_id"],
        ),
        (
            pb::Rating {
                customer_id: "bad/customer".into(),
                ..rating("chat", "r", 3)
            },
            vec!["rating.customer_id"],
        ),
        (rating("", "r", 3), vec!["rating.survey_id"]),
        (
            pb::Rating {
                channel: 99,
                ..rating("chat", "r", 3)
            },
            vec!["rating.channel"],
        ),
        (
            pb::Rating {
                comment: "x".repeat(4_001),
                ..rating("chat", "bad id", 9)
            },
            vec!["rating.rating_id", "rating.comment", "rating.score"],
        ),
    ];

    for (bad_rating, expected_fields) in cases {
        let refused = server
            .ratings
            .submit_rating(pb::SubmitRatingRequest {
                rating: Some(bad_rating),
            })
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{expected_fields:?}");
        assert_eq!(bad_fields(&refused), expected_fields);
    }
    let missing_rating = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest { rating: None })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&missing_rating), ["rating"]);
    assert!(
        server
            .list_all(pb::RatingFilter::default(), 10)
            .await
            .is_empty()
    );
    server.stop().await;
}

async fn unknown_survey_is_not_found_and_stores_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;

    let refused = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating("ghost", "r-1", 3)),
        })
        .await
        .unwrap_err();
    let missing_rating = server
        .ratings
        .get_rating(pb::GetRatingRequest {
            survey_id: "ghost".into(),
            rating_id: "r-1".into(),
        })
        .await
        .unwrap_err();
    server.create_csat_survey("chat", "support_chat").await;
    let batch_refused = server
        .ratings
        .batch_submit_ratings(pb::BatchSubmitRatingsRequest {
            ratings: vec![rating("chat", "r-1", 3), rating("ghost", "r-2", 3)],
        })
        .await
        .unwrap_err();

    assert_eq!(refused.code(), Code::NotFound);
    assert_eq!(error_reason(&refused), "SURVEY_NOT_FOUND");
    assert_eq!(batch_refused.code(), Code::NotFound);
    assert!(
        batch_refused
            .message()
            .starts_with("ratings[1].survey_id: "),
        "{}",
        batch_refused.message()
    );
    assert_eq!(missing_rating.code(), Code::NotFound);
    assert_eq!(error_reason(&missing_rating), "RATING_NOT_FOUND");
    assert!(
        server
            .list_all(pb::RatingFilter::default(), 10)
            .await
            .is_empty()
    );
    server.stop().await;
}

async fn batch_is_all_or_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "existing", 1)).await;
    let batch = |ratings: Vec<pb::Rating>| pb::BatchSubmitRatingsRequest { ratings };

    let bad_scores = server
        .ratings
        .batch_submit_ratings(batch(vec![
            rating("chat", "a", 5),
            rating("chat", "b", 9),
            rating("chat", "c", -1),
        ]))
        .await
        .unwrap_err();
    let conflict = server
        .ratings
        .batch_submit_ratings(batch(vec![
            rating("chat", "d", 5),
            rating("chat", "existing", 5),
        ]))
        .await
        .unwrap_err();
    let unknown_survey = server
        .ratings
        .batch_submit_ratings(batch(vec![rating("chat", "e", 5), rating("ghost", "f", 5)]))
        .await
        .unwrap_err();
    let empty = server
        .ratings
        .batch_submit_ratings(batch(vec![]))
        .await
        .unwrap_err();
    let too_many = server
        .ratings
        .batch_submit_ratings(batch(
            (0..1_001)
                .map(|index| rating("chat", &format!("m-{index}"), 3))
                .collect(),
        ))
        .await
        .unwrap_err();
    let after_refusals = server.list_all(pb::RatingFilter::default(), 100).await;
    let stored = server
        .ratings
        .batch_submit_ratings(batch(vec![
            rating("chat", "g", 5),
            rating("chat", "existing", 1),
            rating("chat", "h", 4),
            rating("chat", "g", 5),
        ]))
        .await
        .unwrap()
        .into_inner()
        .ratings;

    assert_eq!(bad_scores.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&bad_scores),
        ["ratings[1].score", "ratings[2].score"]
    );
    assert_eq!(conflict.code(), Code::AlreadyExists);
    assert!(
        conflict.message().contains("ratings[1]"),
        "{}",
        conflict.message()
    );
    assert_eq!(unknown_survey.code(), Code::NotFound);
    assert_eq!(bad_fields(&empty), ["ratings"]);
    assert_eq!(bad_fields(&too_many), ["ratings"]);
    assert_eq!(after_refusals.len(), 1, "refused batches store nothing");
    let keys_and_sequences: Vec<(&str, i64)> = stored
        .iter()
        .map(|rating| (rating.rating_id.as_str(), rating.sequence))
        .collect();
    assert_eq!(
        keys_and_sequences,
        [("g", 2), ("existing", 1), ("h", 3), ("g", 2)],
        "request order, duplicates answered as stored, sequences consecutive"
    );
    server.stop().await;
}

/// gRPC clients built on grpc-core (Python, C++, Ruby, C#, PHP) send each message of a stream in
/// a DATA frame of its own. While the writer holds an import back, those frames wait unread in
/// the server's HTTP/2 layer, which closes the whole connection (GOAWAY ENHANCE_YOUR_CALM,
/// `too_many_data_frames`) once their framing overhead passes its budget, unless flow control
/// stops the client first.
async fn import_sending_a_frame_per_rating_outlasts_a_stalled_writer(backend: Backend) {
    const ROWS: usize = 20_000;
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let stall = sea_orm::Database::connect(&server.database.url)
        .await
        .unwrap();
    let stalled = sea_orm::TransactionTrait::begin(&stall).await.unwrap();
    // The counter row is the first thing every commit of ratings locks.
    sea_orm::ConnectionTrait::execute_unprepared(
        &stalled,
        "UPDATE rating_sequence SET next_sequence = next_sequence WHERE id = 1",
    )
    .await
    .unwrap();
    // A pending poll between two messages makes the client flush each one as its own frame.
    let frame_per_rating = futures_util::stream::unfold(0, |index| async move {
        if index == ROWS {
            return None;
        }
        tokio::task::yield_now().await;
        let row = pb::ImportRatingsRequest {
            rating: Some(rating("chat", &format!("row-{index}"), 4)),
        };
        Some((row, index + 1))
    });
    let mut ratings = server.ratings.clone();
    let import = tokio::spawn(async move { ratings.import_ratings(frame_per_rating).await });

    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    stalled.rollback().await.unwrap();
    let summary = import
        .await
        .unwrap()
        .expect("the import outlasts the stall")
        .into_inner();

    assert_eq!(summary.accepted_count, ROWS as i64);
    assert_eq!(summary.rejected_count, 0);
    stall.close().await.unwrap();
    server.stop().await;
}

async fn import_keeps_good_rows_and_reports_bad_ones_by_position(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    // The same content that row 10 of the import carries: score (10 % 5) + 1.
    server.submit(rating("chat", "row-10", 1)).await;
    let rows: Vec<pb::ImportRatingsRequest> = (0..2_500)
        .map(|index| {
            let score = match index {
                7 | 1_999 => 42,
                _ => (index % 5) + 1,
            };
            let survey_id = if index == 2_400 { "ghost" } else { "chat" };
            let rating_id = match index {
                2_001 => "row-0".to_string(),
                // An id of 100,000 characters: refused, and not repeated whole in the answer.
                2_450 => "x".repeat(100_000),
                _ => format!("row-{index}"),
            };
            pb::ImportRatingsRequest {
                rating: Some(rating(survey_id, &rating_id, score)),
            }
        })
        .collect();

    let summary = server
        .ratings
        .import_ratings(tokio_stream::iter(rows))
        .await
        .unwrap()
        .into_inner();
    let stored = server
        .list_all(
            pb::RatingFilter {
                survey_ids: vec!["chat".into()],
                ..Default::default()
            },
            1_000,
        )
        .await;

    let reported: Vec<(i64, &str)> = summary
        .errors
        .iter()
        .map(|error| (error.index, error.code.as_str()))
        .collect();
    assert_eq!(
        reported,
        [
            (7, "INVALID_ARGUMENT"),
            (1_999, "INVALID_ARGUMENT"),
            (2_001, "ALREADY_EXISTS"),
            (2_400, "NOT_FOUND"),
            (2_450, "INVALID_ARGUMENT")
        ]
    );
    assert_eq!(summary.errors[4].rating_id, format!("{}…", "x".repeat(128)));
    assert_eq!(summary.rejected_count, 5);
    assert_eq!(
        summary.duplicate_count, 1,
        "row-10 was stored before with the same content"
    );
    assert_eq!(summary.accepted_count, 2_500 - 5 - 1);
    assert_eq!(stored.len() as i64, summary.accepted_count + 1);
    let unique: HashSet<&str> = stored
        .iter()
        .map(|rating| rating.rating_id.as_str())
        .collect();
    assert_eq!(unique.len(), stored.len());
    server.stop().await;
}

async fn list_pages_to_the_end_newest_first_under_each_filter(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.create_csat_survey("shop", "checkout").await;
    let base_seconds = 1_763_000_000;
    let mut sent = Vec::new();
    for index in 0..120i64 {
        let survey_id = if index % 3 == 0 { "shop" } else { "chat" };
        // Ratings of both surveys without an agent, and of chat with an empty one.
        let attributes = match index % 6 {
            1 | 3 => BTreeMap::new(),
            2 => BTreeMap::from([("agent".into(), String::new())]),
            // A dot in a key is part of the key, not a step into a nested object.
            _ => BTreeMap::from([
                ("agent".into(), format!("a-{}", index % 4)),
                ("queue.name".into(), format!("q-{}", index % 5)),
            ]),
        };
        let sent_rating = pb::Rating {
            customer_id: format!("c-{}", index % 7),
            channel: if index % 2 == 0 {
                pb::Channel::Sms
            } else {
                pb::Channel::Email
            }
            .into(),
            attributes,
            occur_time: Some(prost_types::Timestamp {
                seconds: base_seconds + index * 60,
                nanos: 0,
            }),
            ..rating(survey_id, &format!("r-{index}"), (index % 5 + 1) as i32)
        };
        sent.push(server.submit(sent_rating).await.rating.unwrap());
    }
    let at = |minutes: i64| prost_types::Timestamp {
        seconds: base_seconds + minutes * 60,
        nanos: 0,
    };
    let filters = vec![
        pb::RatingFilter::default(),
        pb::RatingFilter {
            survey_ids: vec!["chat".into()],
            ..Default::default()
        },
        pb::RatingFilter {
            touchpoints: vec!["checkout".into()],
            ..Default::default()
        },
        pb::RatingFilter {
            channels: vec![pb::Channel::Sms.into()],
            max_score: Some(2),
            ..Default::default()
        },
        pb::RatingFilter {
            customer_id: "c-3".into(),
            min_score: Some(3),
            ..Default::default()
        },
        pb::RatingFilter {
            start_time: Some(at(10)),
            end_time: Some(at(50)),
            attributes: BTreeMap::from([("agent".into(), "a-1".into())]),
            ..Default::default()
        },
        pb::RatingFilter {
            attributes: BTreeMap::from([("agent".into(), String::new())]),
            ..Default::default()
        },
        pb::RatingFilter {
            attributes: BTreeMap::from([
                ("agent".into(), "a-0".into()),
                ("queue.name".into(), "q-2".into()),
            ]),
            ..Default::default()
        },
    ];

    for filter in filters {
        let expected: Vec<i64> = sent
            .iter()
            .rev()
            .filter(|rating| matches(&filter, rating))
            .map(|rating| rating.sequence)
            .collect();
        for page_size in [1, 7, 50, 1_000] {
            let listed: Vec<i64> = server
                .list_all(filter.clone(), page_size)
                .await
                .iter()
                .map(|rating| rating.sequence)
                .collect();
            assert_eq!(listed, expected, "filter {filter:?}, page size {page_size}");
        }
        assert!(
            !expected.is_empty(),
            "each filter keeps something: {filter:?}"
        );
    }
    let default_page = server
        .ratings
        .list_ratings(pb::ListRatingsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(default_page.ratings.len(), 50, "page_size 0 means 50");
    server.stop().await;
}

/// The filter semantics of API.md, computed independently of the server.
fn matches(filter: &pb::RatingFilter, rating: &pb::Rating) -> bool {
    let touchpoint = if rating.survey_id == "shop" {
        "checkout"
    } else {
        "support_chat"
    };
    let seconds = rating.occur_time.unwrap().seconds;
    (filter.survey_ids.is_empty() || filter.survey_ids.contains(&rating.survey_id))
        && (filter.touchpoints.is_empty() || filter.touchpoints.iter().any(|t| t == touchpoint))
        && (filter.channels.is_empty() || filter.channels.contains(&rating.channel))
        && (filter.customer_id.is_empty() || filter.customer_id == rating.customer_id)
        && filter.min_score.is_none_or(|min| rating.score >= min)
        && filter.max_score.is_none_or(|max| rating.score <= max)
        && filter
            .start_time
            .is_none_or(|start| seconds >= start.seconds)
        && filter.end_time.is_none_or(|end| seconds < end.seconds)
        && filter.attributes.iter().all(|(key, value)| {
            // Without the attribute, a rating holds its empty value.
            rating.attributes.get(key).map_or("", String::as_str) == value
        })
}

async fn page_token_from_another_filter_is_refused(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    for index in 0..3 {
        server
            .submit(rating("chat", &format!("r-{index}"), 5))
            .await;
    }
    let first = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    let other_filter = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_size: 1,
            page_token: first.next_page_token.clone(),
            filter: Some(pb::RatingFilter {
                max_score: Some(2),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    let garbage = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_token: "not-a-token".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let negative = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    let inverted = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            filter: Some(pb::RatingFilter {
                min_score: Some(4),
                max_score: Some(2),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    let all_at_once = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_size: -1,
            page_token: "not-a-token".into(),
            filter: Some(pb::RatingFilter {
                min_score: Some(4),
                max_score: Some(2),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    // A token cut short by a digit of its position: still hex, still the filter's.
    let cut_short = &first.next_page_token[..first.next_page_token.len() - 2];
    let truncated = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_size: 1,
            page_token: cut_short.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();

    assert!(!first.next_page_token.is_empty());
    assert_eq!(
        bad_fields(&all_at_once),
        ["page_size", "page_token", "filter.min_score"]
    );
    assert_eq!(bad_fields(&truncated), ["page_token"]);
    assert_eq!(bad_fields(&other_filter), ["page_token"]);
    assert_eq!(bad_fields(&garbage), ["page_token"]);
    assert_eq!(bad_fields(&negative), ["page_size"]);
    assert_eq!(bad_fields(&inverted), ["filter.min_score"]);
    server.stop().await;
}

async fn pages_of_long_ratings_stay_within_a_default_clients_message_limit(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    // About 49 KB each, every field at its limit: 100 of them make a 4.9 MB page.
    let longest = |index: usize| pb::Rating {
        comment: "\u{1F600}".repeat(4_000),
        attributes: (0..32)
            .map(|key| (format!("k{key:02}"), "\u{1F600}".repeat(256)))
            .collect(),
        ..rating("chat", &format!("long-{index}"), 4)
    };
    for batch in 0..4 {
        server
            .ratings
            .batch_submit_ratings(pb::BatchSubmitRatingsRequest {
                ratings: (batch * 25..(batch + 1) * 25).map(longest).collect(),
            })
            .await
            .unwrap();
    }

    let first_page = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_size: 1_000,
            ..Default::default()
        })
        .await
        .expect("a page a client with default limits can read")
        .into_inner();
    let listed = server.list_all(pb::RatingFilter::default(), 1_000).await;

    assert!(first_page.ratings.len() < 100);
    assert!(!first_page.next_page_token.is_empty());
    let keys: HashSet<String> = listed
        .iter()
        .map(|rating| rating.rating_id.clone())
        .collect();
    assert_eq!((listed.len(), keys.len()), (100, 100));
    server.stop().await;
}

async fn an_attribute_filter_of_64_pairs_is_answered_and_of_65_refused(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let pairs = |count: usize| -> BTreeMap<String, String> {
        (0..count)
            .map(|index| (format!("key_{index}"), String::new()))
            .collect()
    };
    server
        .submit(pb::Rating {
            attributes: BTreeMap::from([("agent".into(), "a-17".into())]),
            ..rating("chat", "r-1", 4)
        })
        .await;

    let mut most = pairs(64);
    most.insert("agent".into(), "a-17".into());
    most.remove("key_0");
    let answered = server
        .list_all(
            pb::RatingFilter {
                attributes: most,
                ..Default::default()
            },
            10,
        )
        .await;
    let refused = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            filter: Some(pb::RatingFilter {
                attributes: pairs(65),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();

    // Every pair but the agent's asks for an attribute the rating does not have: it matches.
    assert_eq!(answered.len(), 1);
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["filter.attributes"]);
    server.stop().await;
}
