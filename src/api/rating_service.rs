//! csat.v1.RatingService.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;

use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::audit::Principal;
use super::conversion::{filter_input, rating_input, rating_into_proto, rating_to_proto};
use super::paging::{ListCall, encode_token, page_request, within_page_bytes};
use super::{Context, MAX_ECHOED_MESSAGE_BYTES, echoed, only_field, status_from_error};
use crate::domain::ingest::{Accepted, RatingResult, Rejection};
use crate::domain::invitation::LinkRefusal;
use crate::domain::rating::{MAX_EXCLUSION_NOTE_CHARS, MAX_REASON_CODES};
use crate::domain::validation::{RatingId, ReasonCode, Refusal, SurveyId, is_survey_id};
use crate::domain::{
    Exclusion, ExclusionReason, FieldReason, FieldViolation, NewRating, RatingFilter, Survey,
    Violations, now_micros,
};
use crate::error::Error;
use crate::feed::streams::{StreamChunk, StreamRequest, stream_ratings};
use crate::ingest::{PendingWrite, wait_for};
use crate::pb;
use crate::pb::rating_service_server::RatingService;

/// Most ratings in one BatchSubmitRatings.
const MAX_BATCH_RATINGS: usize = 1_000;
/// Ratings an import hands to the writer at a time.
const IMPORT_CHUNK_RATINGS: usize = 1_000;
/// Import chunks waiting for their commit at once: enough to keep the writer busy.
const IMPORT_CHUNKS_IN_FLIGHT: usize = 4;
/// Most row errors an import reports; rejected_count counts them all.
const MAX_IMPORT_ERRORS: usize = 1_000;
/// Chunks of ratings (a replay page, a committed batch) queued per stream between the database
/// and the connection, besides the one being sent: one, so that a stream whose client stopped
/// reading holds as little as possible.
const STREAM_QUEUED_CHUNKS: usize = 1;

/// Serves RatingService.
#[derive(Debug, Clone)]
pub struct RatingApi {
    context: Context,
}

impl RatingApi {
    /// Returns the service over `context`.
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    async fn enqueue_chunk(&self, chunk: &IndexedChunk) -> Result<PendingWrite, Status> {
        let ratings = chunk.iter().map(|(_, rating)| rating.clone()).collect();
        self.context
            .writer
            .enqueue(ratings, false)
            .await
            .map_err(status_from_error)
    }

    /// Validates a wire rating, with its field paths under `prefix`, against every rule that can
    /// be checked before the writer: all bad fields at once (the score against the survey's scale
    /// too), then an unknown survey. The writer decides on archived surveys and checks the survey
    /// again when it commits.
    async fn prepare(
        &self,
        rating: pb::Rating,
        prefix: &str,
        now: i64,
    ) -> Result<NewRating, Error> {
        let survey_id = rating.survey_id.clone();
        let score = rating.score;
        let reason_codes = rating.reason_codes.clone();
        let mut violations = Violations::default();
        let parsed = violations.absorb(rating_input(rating).parse(prefix, now));
        let survey = if is_survey_id(&survey_id) {
            match self
                .context
                .surveys
                .get(&self.context.store, &survey_id)
                .await
            {
                Ok(survey) => Some(survey),
                Err(Error::NotFound { .. }) if parsed.is_none() => None,
                // Named like the writer's refusal, so that a batch says which rating it was.
                Err(Error::NotFound { .. }) => {
                    return Err(rejection_error(
                        Rejection::UnknownSurvey,
                        &survey_id,
                        "",
                        prefix,
                    ));
                }
                Err(error) => return Err(error),
            }
        } else {
            None
        };
        if let Some(mut survey) = survey {
            violations.parse(&format!("{prefix}score"), survey.check_score(score));
            // Only codes of the right form, in a list within its limit: parsing the rating named
            // the others already.
            let checked_codes: Vec<(usize, &String)> = if reason_codes.len() <= MAX_REASON_CODES {
                reason_codes
                    .iter()
                    .enumerate()
                    .filter(|(_, code)| ReasonCode::PATTERN.matches(code))
                    .collect()
            } else {
                Vec::new()
            };
            let offers_all = |survey: &Survey| {
                checked_codes
                    .iter()
                    .all(|(_, code)| survey.check_reason_code(code).is_ok())
            };
            if !offers_all(&survey) {
                // The cache may predate a reason another replica added a moment ago: a code is
                // refused only by the survey as stored.
                survey = Arc::new(self.context.store.get_survey(&survey_id).await?);
                self.context.surveys.put(&survey);
            }
            for (index, code) in checked_codes {
                violations.parse(
                    &format!("{prefix}reason_codes[{index}]"),
                    survey.check_reason_code(code),
                );
            }
        }
        // An archived survey is left to the writer: a retry of a rating stored before the survey
        // was archived is still a duplicate, not a refusal.
        let Some(new_rating) = parsed else {
            return Err(violations.into_found().into());
        };
        Ok(violations.finish(new_rating)?)
    }

    /// Validates the ratings of a batch, each under `ratings[i].`: every bad field of every
    /// rating at once, else the first other refusal (an unknown survey).
    async fn prepare_batch(&self, ratings: Vec<pb::Rating>) -> Result<Vec<NewRating>, Error> {
        only_field("ratings", batch_size(ratings.len()))?;
        let now = now_micros();
        let mut prepared = Vec::with_capacity(ratings.len());
        let mut violations = Violations::default();
        let mut first_other_error = None;
        for (index, rating) in ratings.into_iter().enumerate() {
            match self
                .prepare(rating, &format!("ratings[{index}]."), now)
                .await
            {
                Ok(new_rating) => prepared.push(new_rating),
                Err(Error::InvalidArgument(found)) => violations.extend(found),
                Err(other) => {
                    first_other_error.get_or_insert(other);
                }
            }
        }
        let prepared = violations.finish(prepared)?;
        match first_other_error {
            Some(error) => Err(error),
            None => Ok(prepared),
        }
    }
}

impl RatingApi {
    /// Excludes or restores a rating of a survey that exists (else SURVEY_NOT_FOUND, then
    /// RATING_NOT_FOUND) and returns it as stored.
    async fn set_exclusion(
        &self,
        survey_id: &SurveyId,
        rating_id: &RatingId,
        exclusion: Option<Exclusion>,
    ) -> Result<pb::Rating, Error> {
        self.context
            .surveys
            .get(&self.context.store, survey_id.as_str())
            .await?;
        let (rating, version) = self
            .context
            .store
            .set_exclusion(survey_id.as_str(), rating_id.as_str(), exclusion)
            .await?;
        if let Some(version) = version {
            // Watched reports here need not wait for the feed's next look at the counter.
            self.context.feed.exclusions_committed(version);
        }
        Ok(rating_into_proto(rating))
    }
}

/// Names a rating in an audit line.
fn rating_resource(survey_id: &SurveyId, rating_id: &RatingId) -> String {
    format!("{}/{}", survey_id.as_str(), rating_id.as_str())
}

/// Checks the number of ratings in a batch.
fn batch_size(count: usize) -> Result<(), Refusal> {
    let reason = match count {
        0 => FieldReason::Required,
        1..=MAX_BATCH_RATINGS => return Ok(()),
        _ => FieldReason::TooMany,
    };
    Err(Refusal::new(
        reason,
        format!("1 to 1,000 ratings, not {count}"),
    ))
}

/// Returns the stored form of each rating of a committed batch, or why the batch was refused:
/// every field its survey refuses (a score off the scale, a reason code it does not offer) at
/// once, else the first other refusal.
fn batch_outcome(
    results: Vec<RatingResult>,
    prepared: &[NewRating],
) -> Result<Vec<pb::Rating>, Error> {
    let mut stored = Vec::with_capacity(results.len());
    let mut violations = Violations::default();
    let mut first_other_refusal = None;
    for (index, (result, new_rating)) in results.into_iter().zip(prepared).enumerate() {
        let refusal = match result {
            Ok(accepted) => {
                stored.push(rating_into_proto(accepted.into_rating()));
                continue;
            }
            Err(Rejection::RolledBack) => continue,
            Err(rejection) => rejection_error(
                rejection,
                &new_rating.survey_id,
                &new_rating.rating_id,
                &format!("ratings[{index}]."),
            ),
        };
        match refusal {
            Error::InvalidArgument(found) => violations.extend(found),
            other => {
                first_other_refusal.get_or_insert(other);
            }
        }
    }
    let stored = violations.finish(stored)?;
    match first_other_refusal {
        Some(refusal) => Err(refusal),
        None => Ok(stored),
    }
}

/// Returns the error a caller gets for a rating the writer refused.
fn rejection_error(rejection: Rejection, survey_id: &str, rating_id: &str, prefix: &str) -> Error {
    match rejection {
        Rejection::UnknownSurvey => Error::NotFound {
            reason: "SURVEY_NOT_FOUND",
            message: format!("{prefix}survey_id: survey {survey_id:?} not found"),
        },
        Rejection::ArchivedSurvey => Error::FailedPrecondition {
            reason: "SURVEY_ARCHIVED",
            message: format!(
                "{prefix}survey_id: survey {survey_id:?} is archived and takes no new ratings"
            ),
        },
        Rejection::OffSurvey(violations) => Error::InvalidArgument(
            violations
                .into_iter()
                .map(|violation| FieldViolation {
                    field: format!("{prefix}{}", violation.field),
                    ..violation
                })
                .collect(),
        ),
        Rejection::Conflict => Error::AlreadyExists {
            reason: "RATING_ALREADY_EXISTS",
            message: format!(
                "{prefix}rating_id {rating_id:?} of survey {survey_id:?} is already used with other content"
            ),
        },
        Rejection::Invitation(refusal) => invitation_refusal_error(refusal, prefix),
        Rejection::RolledBack => Error::FailedPrecondition {
            reason: "BATCH_ROLLED_BACK",
            message: "another rating of the batch was refused".into(),
        },
    }
}

/// Returns the error of a rating that may not answer the invitation it names.
fn invitation_refusal_error(refusal: LinkRefusal, prefix: &str) -> Error {
    let field = format!("{prefix}invitation_id");
    let inconsistent = |description: &str| {
        Error::InvalidArgument(vec![FieldViolation::new(
            &field,
            FieldReason::Inconsistent,
            description,
        )])
    };
    match refusal {
        LinkRefusal::Unknown => Error::NotFound {
            reason: "INVITATION_NOT_FOUND",
            message: format!("{field}: no invitation has this id"),
        },
        LinkRefusal::AnotherSurvey => {
            inconsistent("the invitation asks another survey than the rating's survey_id")
        }
        LinkRefusal::AnotherCustomer => {
            inconsistent("the invitation asks another customer than the rating's customer_id")
        }
        LinkRefusal::Answered => Error::AlreadyExists {
            reason: "INVITATION_ANSWERED",
            message: format!("{field}: another rating answered this invitation already"),
        },
    }
}

/// Returns the gRPC code name a lone rating would have been answered with.
fn code_name(error: &Error) -> &'static str {
    match error {
        Error::InvalidArgument(_) => "INVALID_ARGUMENT",
        Error::NotFound { .. } => "NOT_FOUND",
        Error::AlreadyExists { .. } => "ALREADY_EXISTS",
        Error::FailedPrecondition { .. } => "FAILED_PRECONDITION",
        Error::Aborted { .. } => "ABORTED",
        Error::Unavailable(_) => "UNAVAILABLE",
        Error::ResourceExhausted { .. } => "RESOURCE_EXHAUSTED",
        Error::Internal(_) => "INTERNAL",
    }
}

fn parse_filter(filter: Option<pb::RatingFilter>) -> Result<RatingFilter, Vec<FieldViolation>> {
    filter_input(filter.unwrap_or_default()).parse("filter.")
}

/// What a ListRatings asks for.
struct ListQuery {
    filter: RatingFilter,
    before: Option<i64>,
    limit: usize,
}

/// Returns the query a ListRatings asks for, or every bad field; `filter_bytes` are the encoded
/// filter its page token is bound to.
fn list_query(request: pb::ListRatingsRequest, filter_bytes: &[u8]) -> Result<ListQuery, Error> {
    let mut violations = Violations::default();
    let page = page_request(
        ListCall::Ratings,
        request.page_size,
        &request.page_token,
        filter_bytes,
        // The position of a ratings page is a sequence.
        |position| position.parse::<i64>().ok(),
        &mut violations,
    );
    let filter = violations.absorb(parse_filter(request.filter));
    let (Some(page), Some(filter)) = (page, filter) else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(ListQuery {
        filter,
        before: page.after,
        limit: page.limit,
    })?)
}

/// Returns what a StreamRatings asks for, or every bad field.
fn stream_request(request: pb::StreamRatingsRequest) -> Result<StreamRequest, Error> {
    let mut violations = Violations::default();
    let start_after = violations.parse(
        "start_after",
        if request.start_after < 0 {
            Err(Refusal::new(
                FieldReason::OutOfRange,
                "must not be negative",
            ))
        } else {
            Ok(request.start_after)
        },
    );
    let filter = violations.absorb(parse_filter(request.filter));
    let (Some(start_after), Some(filter)) = (start_after, filter) else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(StreamRequest {
        filter,
        start_after,
        follow: request.follow,
    })?)
}

/// Returns the survey and rating ids a GetRating names, or every bad field.
fn rating_key(request: pb::GetRatingRequest) -> Result<(SurveyId, RatingId), Error> {
    let mut violations = Violations::default();
    let survey_id = violations.parse("survey_id", SurveyId::parse_required(request.survey_id));
    let rating_id = violations.parse("rating_id", RatingId::parse_required(request.rating_id));
    let (Some(survey_id), Some(rating_id)) = (survey_id, rating_id) else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish((survey_id, rating_id))?)
}

/// What an ExcludeRating asks for.
struct ExcludeRequest {
    survey_id: SurveyId,
    rating_id: RatingId,
    reason: ExclusionReason,
    note: String,
}

/// Returns what an ExcludeRating asks for, or every bad field.
fn exclude_request(request: pb::ExcludeRatingRequest) -> Result<ExcludeRequest, Error> {
    let mut violations = Violations::default();
    let survey_id = violations.parse("survey_id", SurveyId::parse_required(request.survey_id));
    let rating_id = violations.parse("rating_id", RatingId::parse_required(request.rating_id));
    let reason = violations.parse("reason", ExclusionReason::parse(request.reason));
    violations.check_text(
        "note",
        &request.note,
        MAX_EXCLUSION_NOTE_CHARS,
        "at most 1,000 characters",
    );
    let (Some(survey_id), Some(rating_id), Some(reason)) = (survey_id, rating_id, reason) else {
        return Err(violations.into_found().into());
    };
    Ok(violations.finish(ExcludeRequest {
        survey_id,
        rating_id,
        reason,
        note: request.note,
    })?)
}

/// Longest rating_id an import error repeats, in bytes (a valid one is at most 128 characters;
/// its message is cut as a status's is): a refused row may carry an id of megabytes, and a
/// thousand of them would make an answer no client accepts and the server holds in memory.
const MAX_ECHOED_ID_BYTES: usize = 128;

/// Counts and row errors of one import.
#[derive(Default)]
struct ImportTally {
    accepted: i64,
    duplicates: i64,
    rejected: i64,
    errors: Vec<pb::ImportRatingError>,
}

impl ImportTally {
    fn reject(&mut self, index: usize, rating_id: &str, error: &Error) {
        self.rejected += 1;
        if self.errors.len() < MAX_IMPORT_ERRORS {
            self.errors.push(pb::ImportRatingError {
                index: index as i64,
                rating_id: echoed(rating_id, MAX_ECHOED_ID_BYTES),
                code: code_name(error).into(),
                message: echoed(&error.to_string(), MAX_ECHOED_MESSAGE_BYTES),
            });
        }
    }
}

/// Ratings of an import with their positions in the stream.
type IndexedChunk = Vec<(usize, NewRating)>;

type RatingStream = Pin<Box<dyn Stream<Item = Result<pb::StreamRatingsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl RatingService for RatingApi {
    async fn submit_rating(
        &self,
        request: Request<pb::SubmitRatingRequest>,
    ) -> Result<Response<pb::SubmitRatingResponse>, Status> {
        let rating = only_field(
            "rating",
            request.into_inner().rating.ok_or_else(Refusal::required),
        )?;
        let new_rating = self.prepare(rating, "rating.", now_micros()).await?;
        // For the error of a refusal, without copying the whole rating.
        let (survey_id, rating_id) = (new_rating.survey_id.clone(), new_rating.rating_id.clone());
        let mut results = self.context.writer.submit(vec![new_rating], false).await?;
        let result = results
            .pop()
            .ok_or_else(|| status_from_error(Error::internal("the writer answered no result")))?;
        match result {
            Ok(accepted) => Ok(Response::new(pb::SubmitRatingResponse {
                duplicate: matches!(accepted, Accepted::Duplicate(_)),
                rating: Some(rating_into_proto(accepted.into_rating())),
            })),
            Err(rejection) => Err(status_from_error(rejection_error(
                rejection, &survey_id, &rating_id, "rating.",
            ))),
        }
    }

    async fn batch_submit_ratings(
        &self,
        request: Request<pb::BatchSubmitRatingsRequest>,
    ) -> Result<Response<pb::BatchSubmitRatingsResponse>, Status> {
        let prepared = self.prepare_batch(request.into_inner().ratings).await?;
        let results = self.context.writer.submit(prepared.clone(), true).await?;
        Ok(Response::new(pb::BatchSubmitRatingsResponse {
            ratings: batch_outcome(results, &prepared)?,
        }))
    }

    async fn import_ratings(
        &self,
        request: Request<Streaming<pb::ImportRatingsRequest>>,
    ) -> Result<Response<pb::ImportRatingsResponse>, Status> {
        let mut incoming = request.into_inner();
        let mut tally = ImportTally::default();
        let mut chunk: IndexedChunk = Vec::with_capacity(IMPORT_CHUNK_RATINGS);
        // Chunks are queued to the writer in stream order, so sequences follow the stream, and
        // answered in that order too.
        let mut in_flight: VecDeque<(IndexedChunk, PendingWrite)> = VecDeque::new();
        let mut index = 0usize;
        loop {
            let message = match incoming.message().await {
                Ok(Some(message)) => message,
                Ok(None) => break,
                // Chunks already queued still commit; the rows after them are dropped.
                Err(status) => return Err(status),
            };
            let rating = message.rating.unwrap_or_default();
            let rating_id = rating.rating_id.clone();
            match self.prepare(rating, "rating.", now_micros()).await {
                Ok(new_rating) => chunk.push((index, new_rating)),
                Err(
                    error @ (Error::Internal(_)
                    | Error::Unavailable(_)
                    | Error::ResourceExhausted { .. }),
                ) => {
                    return Err(status_from_error(error));
                }
                Err(error) => tally.reject(index, &rating_id, &error),
            }
            index += 1;
            if chunk.len() == IMPORT_CHUNK_RATINGS {
                if in_flight.len() == IMPORT_CHUNKS_IN_FLIGHT
                    && let Some((done_chunk, pending)) = in_flight.pop_front()
                {
                    count_chunk(&mut tally, &done_chunk, wait_for(pending).await)?;
                }
                let full_chunk =
                    std::mem::replace(&mut chunk, Vec::with_capacity(IMPORT_CHUNK_RATINGS));
                let pending = self.enqueue_chunk(&full_chunk).await?;
                in_flight.push_back((full_chunk, pending));
            }
        }
        if !chunk.is_empty() {
            let pending = self.enqueue_chunk(&chunk).await?;
            in_flight.push_back((chunk, pending));
        }
        while let Some((done_chunk, pending)) = in_flight.pop_front() {
            count_chunk(&mut tally, &done_chunk, wait_for(pending).await)?;
        }
        tally.errors.sort_by_key(|error| error.index);
        Ok(Response::new(pb::ImportRatingsResponse {
            accepted_count: tally.accepted,
            duplicate_count: tally.duplicates,
            rejected_count: tally.rejected,
            errors: tally.errors,
        }))
    }

    async fn get_rating(
        &self,
        request: Request<pb::GetRatingRequest>,
    ) -> Result<Response<pb::GetRatingResponse>, Status> {
        let (survey_id, rating_id) = rating_key(request.into_inner())?;
        let rating = self
            .context
            .store
            .get_rating(survey_id.as_str(), rating_id.as_str())
            .await?;
        Ok(Response::new(pb::GetRatingResponse {
            rating: Some(rating_to_proto(&rating)),
        }))
    }

    async fn list_ratings(
        &self,
        request: Request<pb::ListRatingsRequest>,
    ) -> Result<Response<pb::ListRatingsResponse>, Status> {
        let request = request.into_inner();
        let filter_bytes = request.filter.clone().unwrap_or_default().encode_to_vec();
        let query = list_query(request, &filter_bytes)?;
        let page = self
            .context
            .store
            .list_ratings(&query.filter, query.before, query.limit)
            .await?;
        let (ratings, _, cut_short) = within_page_bytes(page.ratings, |_| (), rating_into_proto);
        let next_page_token = match ratings.last() {
            Some(last) if cut_short || !page.exhausted => {
                encode_token(ListCall::Ratings, &filter_bytes, &last.sequence.to_string())
            }
            _ => String::new(),
        };
        Ok(Response::new(pb::ListRatingsResponse {
            ratings,
            next_page_token,
        }))
    }

    async fn exclude_rating(
        &self,
        request: Request<pb::ExcludeRatingRequest>,
    ) -> Result<Response<pb::ExcludeRatingResponse>, Status> {
        let principal = Principal::of(&request);
        let wanted = exclude_request(request.into_inner())?;
        let exclusion = Exclusion {
            reason: wanted.reason,
            note: wanted.note,
            principal: principal.0.to_string(),
            exclude_time: now_micros(),
        };
        let rating = self
            .set_exclusion(&wanted.survey_id, &wanted.rating_id, Some(exclusion))
            .await?;
        principal.audit(
            "ExcludeRating",
            &rating_resource(&wanted.survey_id, &wanted.rating_id),
        );
        Ok(Response::new(pb::ExcludeRatingResponse {
            rating: Some(rating),
        }))
    }

    async fn restore_rating(
        &self,
        request: Request<pb::RestoreRatingRequest>,
    ) -> Result<Response<pb::RestoreRatingResponse>, Status> {
        let principal = Principal::of(&request);
        let request = request.into_inner();
        let (survey_id, rating_id) = rating_key(pb::GetRatingRequest {
            survey_id: request.survey_id,
            rating_id: request.rating_id,
        })?;
        let rating = self.set_exclusion(&survey_id, &rating_id, None).await?;
        principal.audit("RestoreRating", &rating_resource(&survey_id, &rating_id));
        Ok(Response::new(pb::RestoreRatingResponse {
            rating: Some(rating),
        }))
    }

    type StreamRatingsStream = RatingStream;

    async fn stream_ratings(
        &self,
        request: Request<pb::StreamRatingsRequest>,
    ) -> Result<Response<Self::StreamRatingsStream>, Status> {
        let stream_request = stream_request(request.into_inner())?;
        let slot = self.context.rating_streams.open()?;
        let (sender, receiver) = mpsc::channel(STREAM_QUEUED_CHUNKS);
        let streaming = stream_ratings(
            self.context.store.clone(),
            self.context.feed.clone(),
            stream_request,
            self.context.shutdown.clone(),
            sender,
        );
        tokio::spawn(async move {
            streaming.await;
            drop(slot);
        });
        let responses = futures_util::StreamExt::flat_map(ReceiverStream::new(receiver), |chunk| {
            futures_util::stream::iter(chunk_responses(chunk))
        });
        Ok(Response::new(Box::pin(responses)))
    }
}

/// The responses of a chunk, each converted when the connection asks for it: a stream whose client
/// stopped reading holds the chunk, not a second copy of it on the wire form.
fn chunk_responses(
    chunk: Result<StreamChunk, Error>,
) -> Box<dyn Iterator<Item = Result<pb::StreamRatingsResponse, Status>> + Send> {
    let response = |rating| {
        Ok(pb::StreamRatingsResponse {
            rating: Some(rating),
        })
    };
    match chunk {
        Ok(StreamChunk::Stored(ratings)) => Box::new(
            ratings
                .into_iter()
                .map(move |rating| response(rating_into_proto(rating))),
        ),
        Ok(StreamChunk::Live { batch, selected }) => {
            Box::new(selected.into_iter().filter_map(move |position| {
                batch
                    .get(position)
                    .map(|rating| response(rating_to_proto(rating)))
            }))
        }
        Err(error) => Box::new(std::iter::once(Err(status_from_error(error)))),
    }
}

/// Adds one committed import chunk to the tally.
fn count_chunk(
    tally: &mut ImportTally,
    chunk: &IndexedChunk,
    results: Result<Vec<RatingResult>, Error>,
) -> Result<(), Status> {
    for ((index, new_rating), result) in chunk.iter().zip(results?) {
        match result {
            Ok(Accepted::Stored(_)) => tally.accepted += 1,
            Ok(Accepted::Duplicate(_)) => tally.duplicates += 1,
            Err(rejection) => {
                let error = rejection_error(
                    rejection,
                    &new_rating.survey_id,
                    &new_rating.rating_id,
                    "rating.",
                );
                tally.reject(*index, &new_rating.rating_id, &error);
            }
        }
    }
    Ok(())
}
