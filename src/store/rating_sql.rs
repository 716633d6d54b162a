//! The one translation of ratings to SQL, on sea-query: the ratings table's column list, a
//! [`RatingFilter`]'s conditions and a rating's attribute value. ListRatings, stream replay, the
//! report scan and the writer build their statements from these, and sea-query writes each
//! backend's placeholders.

use sea_orm::sea_query::extension::postgres::PgExpr;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, InsertStatement, OnConflict, Query};
use sea_orm::{DbBackend, Statement, Value};

use super::entity::rating;
use crate::domain::{Rating, RatingFilter};

/// Columns of the ratings table.
pub(crate) const RATING_COLUMN_COUNT: usize = 13;

/// The ratings table's columns, in the order in which every statement here selects and inserts
/// them: [`rating_values`] gives a rating's values in this order, and
/// [`super::ratings::rating_from_columns`] reads a row by position in it.
pub(crate) const RATING_COLUMNS: [rating::Column; RATING_COLUMN_COUNT] = [
    rating::Column::Sequence,
    rating::Column::SurveyId,
    rating::Column::Touchpoint,
    rating::Column::RatingId,
    rating::Column::Score,
    rating::Column::Comment,
    rating::Column::CustomerId,
    rating::Column::Channel,
    rating::Column::Attributes,
    rating::Column::OccurTime,
    rating::Column::CreateTime,
    rating::Column::ReasonCodes,
    rating::Column::InvitationId,
];

/// Columns read besides [`RATING_COLUMNS`], which new ratings leave at their defaults: the
/// exclusion, which [`super::ratings::rating_from_columns`] reads after them.
pub(crate) const EXCLUSION_COLUMNS: [rating::Column; 4] = [
    rating::Column::ExclusionReason,
    rating::Column::ExclusionNote,
    rating::Column::ExclusionPrincipal,
    rating::Column::ExcludeTime,
];

/// Every column a read of ratings selects: [`RATING_COLUMNS`] but the last, then
/// [`EXCLUSION_COLUMNS`], then whether the rating was erased, then the last of
/// [`RATING_COLUMNS`], the invitation answered (the columns in the order migrations added them,
/// so that a migration reads the prefix that exists then).
pub(crate) const RATING_READ_COLUMNS: [rating::Column; RATING_COLUMN_COUNT + 5] = [
    RATING_COLUMNS[0],
    RATING_COLUMNS[1],
    RATING_COLUMNS[2],
    RATING_COLUMNS[3],
    RATING_COLUMNS[4],
    RATING_COLUMNS[5],
    RATING_COLUMNS[6],
    RATING_COLUMNS[7],
    RATING_COLUMNS[8],
    RATING_COLUMNS[9],
    RATING_COLUMNS[10],
    RATING_COLUMNS[11],
    EXCLUSION_COLUMNS[0],
    EXCLUSION_COLUMNS[1],
    EXCLUSION_COLUMNS[2],
    EXCLUSION_COLUMNS[3],
    rating::Column::Erased,
    RATING_COLUMNS[12],
];

/// Returns `filter` as SQL conditions. [`RatingFilter::matches`] stays the definition (list and
/// stream apply it to the rows read as well); here the database skips what the filter rules out.
/// Attribute conditions come last: each parses a row's JSON, so the cheap ones rule rows out
/// first.
pub(crate) fn filter_condition(backend: DbBackend, filter: &RatingFilter) -> Condition {
    let mut condition = Condition::all();
    // The follow-ups table copies the column under the same name, so this holds there too.
    if !filter.include_excluded {
        condition = condition.add(Expr::col(rating::Column::ExclusionReason).eq(0));
    }
    if !filter.survey_ids.is_empty() {
        let survey_ids = filter.survey_ids.iter().map(String::as_str);
        condition = condition.add(Expr::col(rating::Column::SurveyId).is_in(survey_ids));
    }
    if !filter.touchpoints.is_empty() {
        let touchpoints = filter.touchpoints.iter().map(String::as_str);
        condition = condition.add(Expr::col(rating::Column::Touchpoint).is_in(touchpoints));
    }
    if !filter.channels.is_empty() {
        let numbers = filter.channels.iter().map(|channel| channel.number());
        condition = condition.add(Expr::col(rating::Column::Channel).is_in(numbers));
    }
    if let Some(customer_id) = &filter.customer_id {
        condition = condition.add(of_customer(customer_id));
    }
    if let Some(min_score) = filter.min_score {
        condition = condition.add(Expr::col(rating::Column::Score).gte(min_score));
    }
    if let Some(max_score) = filter.max_score {
        condition = condition.add(Expr::col(rating::Column::Score).lte(max_score));
    }
    if let Some(start_time) = filter.start_time {
        condition = condition.add(Expr::col(rating::Column::OccurTime).gte(start_time));
    }
    if let Some(end_time) = filter.end_time {
        condition = condition.add(Expr::col(rating::Column::OccurTime).lt(end_time));
    }
    if !filter.reason_codes.is_empty() {
        let any_code = filter
            .reason_codes
            .iter()
            .fold(Condition::any(), |any_code, code| {
                any_code.add(holds_reason_code(backend, code))
            });
        condition = condition.add(any_code);
    }
    for (key, value) in &filter.attributes {
        condition = condition.add(attribute_value(backend, key).eq(value.as_str()));
    }
    condition
}

/// The ratings of `customer_id`. It states the condition of the ratings index by customer
/// (`ratings_customer`, partial: `WHERE customer_id <> ''`) as a literal, because a query reaches
/// a partial index only when it states its condition, and a bound value never does; without it,
/// every rating is scanned.
pub(crate) fn of_customer(customer_id: &str) -> Condition {
    Condition::all()
        .add(Expr::col(rating::Column::CustomerId).eq(customer_id))
        .add(Expr::col(rating::Column::CustomerId).ne(Expr::cust("''")))
}

/// Returns whether a rating holds the reason `code`: its stored codes (a JSON array of strings)
/// contain the code in quotes. A code is `[a-z0-9_]` only, so its quoted form appears in the
/// array as that element and nowhere else; a text search serves both backends, where their JSON
/// array functions differ.
pub(crate) fn holds_reason_code(backend: DbBackend, code: &str) -> Expr {
    let position = match backend {
        DbBackend::Postgres => "strpos",
        _ => "instr",
    };
    Expr::from(
        Func::cust(position)
            .arg(Expr::col(rating::Column::ReasonCodes))
            .arg(format!("\"{code}\"")),
    )
    .gt(0)
}

/// Returns reason codes as stored: a JSON array of strings (`[]` for none), in the order given,
/// which the domain keeps sorted.
pub(crate) fn reason_codes_json(reason_codes: &[String]) -> String {
    // A list of strings always serializes.
    serde_json::to_string(reason_codes).unwrap_or_else(|_| "[]".into())
}

/// Returns the reason codes [`reason_codes_json`] stored.
pub(crate) fn reason_codes_from_json(stored: &str) -> crate::error::Result<Vec<String>> {
    serde_json::from_str(stored).map_err(crate::error::Error::internal)
}

/// Returns a rating's value of attribute `key`, the empty string when the rating lacks it, as
/// [`RatingFilter::matches`] and the rollups read it.
pub(crate) fn attribute_value(backend: DbBackend, key: &str) -> Expr {
    let stored = match backend {
        DbBackend::Postgres => Expr::col(rating::Column::Attributes)
            .cast_as("jsonb")
            .cast_json_field(key),
        // Quoted, so that a dot in a key is not read as a path step.
        _ => Func::cust("json_extract")
            .arg(Expr::col(rating::Column::Attributes))
            .arg(format!("$.\"{key}\""))
            .into(),
    };
    Func::coalesce([stored, Expr::Constant("".into())]).into()
}

/// Returns attributes as stored: a JSON object of strings.
pub(crate) fn attributes_json(attributes: &std::collections::BTreeMap<String, String>) -> String {
    // A map of strings always serializes.
    serde_json::to_string(attributes).unwrap_or_else(|_| "{}".into())
}

/// Returns a rating's values, in [`RATING_COLUMNS`] order.
pub(crate) fn rating_values(rating: &Rating) -> [Value; RATING_COLUMN_COUNT] {
    let content = &rating.content;
    [
        rating.sequence.into(),
        rating.survey_id.as_str().into(),
        rating.touchpoint.as_str().into(),
        rating.rating_id.as_str().into(),
        content.score.into(),
        content.comment.as_str().into(),
        content.customer_id.as_str().into(),
        content.channel.number().into(),
        attributes_json(&content.attributes).into(),
        rating.occur_time.into(),
        rating.create_time.into(),
        reason_codes_json(&content.reason_codes).into(),
        content.invitation_id.as_str().into(),
    ]
}

/// Returns the INSERT of `ratings` that skips any whose key (survey, rating id) is stored
/// already; its result's `rows_affected` counts the ratings inserted.
pub(crate) fn insert_new_ratings(backend: DbBackend, ratings: &[Rating]) -> Statement {
    let mut insert = insert_rows(ratings.iter().map(rating_values));
    insert.on_conflict(
        OnConflict::columns([rating::Column::SurveyId, rating::Column::RatingId])
            .do_nothing()
            .to_owned(),
    );
    backend.build(&insert)
}

/// Returns the text of an INSERT of one rating whose values are bound in [`RATING_COLUMNS`]
/// order, for a statement prepared once. A stored key fails it.
pub(crate) fn insert_one_rating_sql(backend: DbBackend) -> String {
    // The values stand in for those bound later: only the text, one placeholder each, is kept.
    let placeholders = RATING_COLUMNS.map(|_| Value::BigInt(None));
    backend.build(&insert_rows([placeholders])).sql
}

fn insert_rows(rows: impl IntoIterator<Item = [Value; RATING_COLUMN_COUNT]>) -> InsertStatement {
    let mut insert = Query::insert();
    insert.into_table(rating::Entity).columns(RATING_COLUMNS);
    for values in rows {
        // Cannot panic: a row holds one value per column, by its type.
        insert.values_panic(values.map(Expr::from));
    }
    insert
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use sea_orm::sea_query::Query;

    use super::*;
    use crate::domain::{Channel, RatingContent};

    fn every_field_set() -> RatingFilter {
        RatingFilter {
            survey_ids: vec!["s-1".into(), "s-2".into()],
            touchpoints: vec!["checkout".into()],
            channels: vec![Channel::WebChat, Channel::Email],
            customer_id: Some("c-9".into()),
            min_score: Some(2),
            max_score: Some(4),
            start_time: Some(1_000),
            end_time: Some(2_000),
            attributes: BTreeMap::from([("a.b".to_string(), "x".to_string())]),
            reason_codes: vec!["rude".into(), "long_wait".into()],
            include_excluded: false,
        }
    }

    fn selected_where(backend: DbBackend, filter: &RatingFilter) -> Statement {
        let mut select = Query::select();
        select
            .column(rating::Column::Sequence)
            .from(rating::Entity)
            .cond_where(filter_condition(backend, filter));
        backend.build(&select)
    }

    #[test]
    fn every_field_of_a_filter_becomes_a_condition_with_the_backends_placeholders() {
        let cases = [
            (
                DbBackend::Sqlite,
                r#"SELECT "sequence" FROM "ratings" WHERE "exclusion_reason" = ? AND "survey_id" IN (?, ?) AND "touchpoint" IN (?) AND "channel" IN (?, ?) AND ("customer_id" = ? AND "customer_id" <> ('')) AND "score" >= ? AND "score" <= ? AND "occur_time" >= ? AND "occur_time" < ? AND (instr("reason_codes", ?) > ? OR instr("reason_codes", ?) > ?) AND COALESCE(json_extract("attributes", ?), '') = ?"#,
                r#"$."a.b""#,
            ),
            (
                DbBackend::Postgres,
                r#"SELECT "sequence" FROM "ratings" WHERE "exclusion_reason" = $1 AND "survey_id" IN ($2, $3) AND "touchpoint" IN ($4) AND "channel" IN ($5, $6) AND ("customer_id" = $7 AND "customer_id" <> ('')) AND "score" >= $8 AND "score" <= $9 AND "occur_time" >= $10 AND "occur_time" < $11 AND (strpos("reason_codes", $12) > $13 OR strpos("reason_codes", $14) > $15) AND COALESCE(CAST("attributes" AS jsonb) ->> $16, '') = $17"#,
                "a.b",
            ),
        ];
        for (backend, sql, attribute_locator) in cases {
            let statement = selected_where(backend, &every_field_set());

            assert_eq!(statement.sql, sql);
            assert_eq!(
                statement.values.map(|values| values.0),
                Some(vec![
                    0.into(),
                    "s-1".into(),
                    "s-2".into(),
                    "checkout".into(),
                    1.into(),
                    2.into(),
                    "c-9".into(),
                    2.into(),
                    4.into(),
                    1_000i64.into(),
                    2_000i64.into(),
                    "\"rude\"".into(),
                    0.into(),
                    "\"long_wait\"".into(),
                    0.into(),
                    attribute_locator.into(),
                    "x".into(),
                ])
            );
        }
    }

    #[test]
    fn an_empty_filter_selects_every_rating_not_excluded() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let statement = selected_where(backend, &RatingFilter::default());
            let with_excluded = RatingFilter {
                include_excluded: true,
                ..RatingFilter::default()
            };
            let every_rating = selected_where(backend, &with_excluded);

            let placeholder = if backend == DbBackend::Sqlite {
                "?"
            } else {
                "$1"
            };
            assert_eq!(
                statement.sql,
                format!(
                    r#"SELECT "sequence" FROM "ratings" WHERE "exclusion_reason" = {placeholder}"#
                )
            );
            assert_eq!(
                statement.values.map(|values| values.0),
                Some(vec![0.into()])
            );
            assert_eq!(
                every_rating.sql,
                r#"SELECT "sequence" FROM "ratings" WHERE TRUE"#
            );
        }
    }

    fn rating(rating_id: &str) -> Rating {
        Rating {
            sequence: 7,
            survey_id: "s-1".into(),
            touchpoint: "checkout".into(),
            rating_id: rating_id.into(),
            content: RatingContent {
                score: 5,
                comment: "fine".into(),
                customer_id: "c-9".into(),
                channel: Channel::Sms,
                attributes: BTreeMap::from([("agent".to_string(), "ann".to_string())]),
                reason_codes: vec!["long_wait".into(), "rude".into()],
                invitation_id: String::new(),
            },
            occur_time: 1_000,
            create_time: 2_000,
            exclusion: None,
            erased: false,
        }
    }

    #[test]
    fn new_ratings_are_inserted_in_column_order_skipping_stored_keys() {
        let statement = insert_new_ratings(DbBackend::Postgres, &[rating("r-1"), rating("r-2")]);

        assert_eq!(
            statement.sql,
            r#"INSERT INTO "ratings" ("sequence", "survey_id", "touchpoint", "rating_id", "score", "comment", "customer_id", "channel", "attributes", "occur_time", "create_time", "reason_codes", "invitation_id") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13), ($14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26) ON CONFLICT ("survey_id", "rating_id") DO NOTHING"#
        );
        let values = statement.values.map(|values| values.0).unwrap_or_default();
        assert_eq!(values.len(), 26);
        assert_eq!(values[..13], rating_values(&rating("r-1")));
        assert_eq!(values[16], "r-2".into());
        assert_eq!(values[21], r#"{"agent":"ann"}"#.into());
        assert_eq!(values[24], r#"["long_wait","rude"]"#.into());
        assert_eq!(values[25], "".into());
    }

    #[test]
    fn one_rating_insert_has_a_placeholder_per_column_and_no_conflict_clause() {
        let sql = insert_one_rating_sql(DbBackend::Sqlite);

        assert_eq!(
            sql,
            r#"INSERT INTO "ratings" ("sequence", "survey_id", "touchpoint", "rating_id", "score", "comment", "customer_id", "channel", "attributes", "occur_time", "create_time", "reason_codes", "invitation_id") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"#
        );
    }
}
