//! SurveyService over real gRPC, on SQLite and PostgreSQL.

use crate::common::{Backend, TestServer, bad_fields, error_reason, rating};
use csat::pb;
use tonic::Code;

on_both_backends!(
    created_survey_gets_defaults_and_reads_back,
    taken_survey_id_is_already_exists,
    unknown_survey_is_not_found,
    survey_validation_names_every_bad_field_and_creates_nothing,
    list_surveys_filters_and_pages_to_the_end,
    update_changes_only_masked_fields,
    scale_is_frozen_once_the_survey_has_ratings,
    archived_survey_refuses_ratings_and_keeps_history,
    a_survey_made_active_again_takes_ratings_without_an_id,
    a_page_token_of_list_ratings_is_refused_by_list_surveys,
    a_request_without_its_survey_names_its_other_bad_fields_too,
    concurrent_dimension_updates_all_answer,
);

async fn created_survey_gets_defaults_and_reads_back(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;

    let created = server
        .create_csat_survey("support-chat", "support_chat")
        .await;
    let nps = server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: String::new(),
            survey: Some(pb::Survey {
                touchpoint: "checkout".into(),
                metric: pb::Metric::Nps.into(),
                target: Some(40.0),
                dimensions: vec!["agent".into(), "team".into()],
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    let fetched = server
        .surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "support-chat".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();

    assert_eq!(created.survey_id, "support-chat");
    assert_eq!(
        (
            created.scale_min,
            created.scale_max,
            created.satisfied_threshold
        ),
        (Some(1), Some(5), Some(4))
    );
    assert_eq!(created.state, pb::SurveyState::Active as i32);
    assert!(created.create_time.is_some());
    assert_eq!(fetched, created);
    assert_eq!(
        (nps.scale_min, nps.scale_max, nps.satisfied_threshold),
        (Some(0), Some(10), None)
    );
    assert_eq!(nps.target, Some(40.0));
    assert_eq!(nps.dimensions, ["agent", "team"]);
    assert!(
        !nps.survey_id.is_empty(),
        "an id is generated when none is given"
    );
    server.stop().await;
}

async fn taken_survey_id_is_already_exists(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;

    let again = server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "chat".into(),
            survey: Some(pb::Survey {
                touchpoint: "checkout".into(),
                metric: pb::Metric::Ces.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();

    assert_eq!(again.code(), Code::AlreadyExists);
    assert_eq!(error_reason(&again), "SURVEY_ALREADY_EXISTS");
    server.stop().await;
}

async fn unknown_survey_is_not_found(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;

    let missing = server
        .surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "nope".into(),
        })
        .await
        .unwrap_err();
    let archive_missing = server
        .surveys
        .archive_survey(pb::ArchiveSurveyRequest {
            survey_id: "nope".into(),
        })
        .await
        .unwrap_err();
    let malformed = server
        .surveys
        .get_survey(pb::GetSurveyRequest {
            survey_id: "Not Valid".into(),
        })
        .await
        .unwrap_err();

    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(error_reason(&missing), "SURVEY_NOT_FOUND");
    assert_eq!(archive_missing.code(), Code::NotFound);
    assert_eq!(malformed.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&malformed), ["survey_id"]);
    server.stop().await;
}

async fn survey_validation_names_every_bad_field_and_creates_nothing(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;

    let refused = server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "Bad_Id".into(),
            survey: Some(pb::Survey {
                touchpoint: "Support Chat".into(),
                metric: pb::Metric::Csat.into(),
                scale_max: Some(6),
                satisfied_threshold: Some(9),
                dimensions: (0..9).map(|index| format!("d{index}")).collect(),
                display_name: "x".repeat(201),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    let no_metric = server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "ok".into(),
            survey: Some(pb::Survey {
                touchpoint: "checkout".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    let nps_threshold = server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "ok".into(),
            survey: Some(pb::Survey {
                touchpoint: "checkout".into(),
                metric: pb::Metric::Nps.into(),
                satisfied_threshold: Some(9),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    let listed = server
        .surveys
        .list_surveys(pb::ListSurveysRequest::default())
        .await
        .unwrap()
        .into_inner();

    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&refused),
        [
            "survey_id",
            "survey.touchpoint",
            "survey.scale_max",
            "survey.satisfied_threshold",
            "survey.display_name",
            "survey.dimensions"
        ]
    );
    assert_eq!(error_reason(&refused), "INVALID_FIELD");
    assert_eq!(bad_fields(&no_metric), ["survey.metric"]);
    assert_eq!(bad_fields(&nps_threshold), ["survey.satisfied_threshold"]);
    assert!(listed.surveys.is_empty());
    server.stop().await;
}

async fn list_surveys_filters_and_pages_to_the_end(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    for index in 0..7 {
        let touchpoint = if index % 2 == 0 {
            "support_chat"
        } else {
            "checkout"
        };
        server
            .create_csat_survey(&format!("s-{index}"), touchpoint)
            .await;
    }

    let mut seen = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = server
            .surveys
            .list_surveys(pb::ListSurveysRequest {
                page_size: 2,
                page_token,
                touchpoint: "support_chat".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        seen.extend(page.surveys.into_iter().map(|survey| survey.survey_id));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let first_page = server
        .surveys
        .list_surveys(pb::ListSurveysRequest {
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let token_with_other_filter = server
        .surveys
        .list_surveys(pb::ListSurveysRequest {
            page_size: 2,
            page_token: first_page.next_page_token,
            touchpoint: "checkout".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();

    let every_bad_filter = server
        .surveys
        .list_surveys(pb::ListSurveysRequest {
            page_size: -1,
            page_token: "zz".into(),
            touchpoint: "Support Chat".into(),
            metric: 42,
            state: 42,
        })
        .await
        .unwrap_err();

    assert_eq!(seen, ["s-0", "s-2", "s-4", "s-6"]);
    assert_eq!(pages, 2);
    assert_eq!(token_with_other_filter.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&token_with_other_filter), ["page_token"]);
    assert_eq!(
        bad_fields(&every_bad_filter),
        ["page_size", "page_token", "metric", "state", "touchpoint"]
    );
    server.stop().await;
}

async fn update_changes_only_masked_fields(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    let created = server.create_csat_survey("chat", "support_chat").await;

    let updated = server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "chat".into(),
                display_name: "Renamed".into(),
                question: "ignored: not in the mask".into(),
                target: Some(85.0),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["display_name".into(), "target".into()],
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    let bad_path = server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "chat".into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["touchpoint".into()],
            }),
        })
        .await
        .unwrap_err();

    assert_eq!(updated.display_name, "Renamed");
    assert_eq!(updated.target, Some(85.0));
    assert_eq!(updated.question, created.question);
    assert_eq!(updated.touchpoint, "support_chat");
    assert!(updated.update_time.unwrap().seconds >= created.update_time.unwrap().seconds);
    assert_eq!(bad_path.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&bad_path), ["update_mask"]);
    server.stop().await;
}

async fn scale_is_frozen_once_the_survey_has_ratings(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    let change_scale = pb::UpdateSurveyRequest {
        survey: Some(pb::Survey {
            survey_id: "chat".into(),
            scale_max: Some(7),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["scale_max".into()],
        }),
    };

    let before_ratings = server
        .surveys
        .update_survey(change_scale.clone())
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    server.submit(rating("chat", "r-1", 7)).await;
    let mut back_to_five = change_scale.clone();
    if let Some(survey) = back_to_five.survey.as_mut() {
        survey.scale_max = Some(5);
    }
    let after_ratings = server
        .surveys
        .update_survey(back_to_five)
        .await
        .unwrap_err();

    assert_eq!(
        (before_ratings.scale_max, before_ratings.satisfied_threshold),
        (Some(7), Some(6))
    );
    assert_eq!(after_ratings.code(), Code::FailedPrecondition);
    assert_eq!(error_reason(&after_ratings), "SURVEY_HAS_RATINGS");
    server.stop().await;
}

async fn archived_survey_refuses_ratings_and_keeps_history(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "before", 5)).await;

    let archived = server
        .surveys
        .archive_survey(pb::ArchiveSurveyRequest {
            survey_id: "chat".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .survey
        .unwrap();
    let refused = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(rating("chat", "after", 5)),
        })
        .await
        .unwrap_err();
    let retry_of_earlier = server.submit(rating("chat", "before", 5)).await;
    let archived_only = server
        .surveys
        .list_surveys(pb::ListSurveysRequest {
            state: pb::SurveyState::Archived.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let history = server.list_all(pb::RatingFilter::default(), 10).await;

    assert_eq!(archived.state, pb::SurveyState::Archived as i32);
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(error_reason(&refused), "SURVEY_ARCHIVED");
    assert!(
        refused.message().starts_with("rating.survey_id: "),
        "names the field, as a batch's refusal names its rating: {}",
        refused.message()
    );
    assert!(
        retry_of_earlier.duplicate,
        "a retry of a rating stored before archiving is a duplicate"
    );
    assert_eq!(archived_only.surveys.len(), 1);
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].rating_id, "before");
    server.stop().await;
}

async fn a_survey_made_active_again_takes_ratings_without_an_id(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    server.create_csat_survey("chat", "support_chat").await;
    server.submit(rating("chat", "before", 5)).await;
    server
        .surveys
        .archive_survey(pb::ArchiveSurveyRequest {
            survey_id: "chat".into(),
        })
        .await
        .unwrap();
    let without_id = rating("chat", "", 4);
    let refused = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(without_id.clone()),
        })
        .await
        .unwrap_err();

    server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "chat".into(),
                state: pb::SurveyState::Active.into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["state".into()],
            }),
        })
        .await
        .unwrap();
    let accepted = server
        .ratings
        .submit_rating(pb::SubmitRatingRequest {
            rating: Some(without_id),
        })
        .await;

    assert_eq!(refused.code(), Code::FailedPrecondition);
    let accepted = accepted.expect("an active survey takes the rating");
    assert!(!accepted.into_inner().rating.unwrap().rating_id.is_empty());
    server.stop().await;
}

async fn a_page_token_of_list_ratings_is_refused_by_list_surveys(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    for survey_id in ["a", "b", "c"] {
        server.create_csat_survey(survey_id, "support_chat").await;
        server.submit(rating(survey_id, "r", 5)).await;
    }
    let ratings_token = server
        .ratings
        .list_ratings(pb::ListRatingsRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token;

    let refused = server
        .surveys
        .list_surveys(pb::ListSurveysRequest {
            page_token: ratings_token,
            ..Default::default()
        })
        .await
        .unwrap_err();

    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["page_token"]);
    server.stop().await;
}

async fn a_request_without_its_survey_names_its_other_bad_fields_too(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;

    let create = server
        .surveys
        .create_survey(pb::CreateSurveyRequest {
            survey_id: "NOT A VALID ID!".into(),
            survey: None,
        })
        .await
        .unwrap_err();
    let update_bad_mask = server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: None,
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["no_such_field".into()],
            }),
        })
        .await
        .unwrap_err();
    let update_empty = server
        .surveys
        .update_survey(pb::UpdateSurveyRequest::default())
        .await
        .unwrap_err();
    let bad_id_and_mask = server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "NOT A VALID ID!".into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["no_such_field".into()],
            }),
        })
        .await
        .unwrap_err();
    let unknown_survey_bad_mask = server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: Some(pb::Survey {
                survey_id: "ghost".into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["no_such_field".into()],
            }),
        })
        .await
        .unwrap_err();
    let update_good_mask = server
        .surveys
        .update_survey(pb::UpdateSurveyRequest {
            survey: None,
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["display_name".into()],
            }),
        })
        .await
        .unwrap_err();

    assert_eq!(bad_fields(&create), ["survey", "survey_id"]);
    assert_eq!(bad_fields(&update_bad_mask), ["survey", "update_mask"]);
    assert_eq!(bad_fields(&update_empty), ["survey", "update_mask"]);
    assert_eq!(bad_fields(&update_good_mask), ["survey"]);
    assert_eq!(
        bad_fields(&bad_id_and_mask),
        ["survey.survey_id", "update_mask"]
    );
    assert_eq!(unknown_survey_bad_mask.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&unknown_survey_bad_mask), ["update_mask"]);
    server.stop().await;
}

/// Each dimension update builds rollups under a lock that orders builds across replicas; on
/// PostgreSQL, waiters each held a pooled connection while the holder needed one, and 16 such
/// calls at once stopped answering.
async fn concurrent_dimension_updates_all_answer(backend: Backend) {
    let mut server = TestServer::spawn(backend).await;
    for survey in 0..4 {
        let survey_id = format!("chat-{survey}");
        server.create_csat_survey(&survey_id, "support_chat").await;
        server.import_numbered(&survey_id, "r", 50).await;
    }
    let mut updates = Vec::new();
    for call in 0..24 {
        let mut surveys = server.surveys.clone();
        updates.push(tokio::spawn(async move {
            let request = pb::UpdateSurveyRequest {
                survey: Some(pb::Survey {
                    survey_id: format!("chat-{}", call % 4),
                    dimensions: vec![format!("d{call}")],
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["dimensions".into()],
                }),
            };
            tokio::time::timeout(
                std::time::Duration::from_secs(60),
                surveys.update_survey(request),
            )
            .await
        }));
    }
    for update in updates {
        update
            .await
            .unwrap()
            .expect("every update answers within a minute")
            .expect("UpdateSurvey");
    }
    server.stop().await;
}
