//! sea-orm entities: the tables as the store reads and writes them. Times are microseconds since
//! the Unix epoch (UTC) in BIGINT columns, the same on SQLite and PostgreSQL.

/// The `surveys` table.
pub mod survey {
    use sea_orm::entity::prelude::*;

    /// One survey row.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "surveys")]
    pub struct Model {
        /// Identifier.
        #[sea_orm(primary_key, auto_increment = false)]
        pub survey_id: String,
        /// Display name.
        pub display_name: String,
        /// Question.
        pub question: String,
        /// Touchpoint.
        pub touchpoint: String,
        /// Metric: 1 CSAT, 2 NPS, 3 CES (the wire numbers).
        pub metric: i32,
        /// Lowest score.
        pub scale_min: i32,
        /// Highest score.
        pub scale_max: i32,
        /// Satisfied threshold; NULL for NPS.
        pub satisfied_threshold: Option<i32>,
        /// Goal.
        pub target: Option<f64>,
        /// Dimensions, a JSON array of strings.
        pub dimensions: String,
        /// State: 1 active, 2 archived (the wire numbers).
        pub state: i32,
        /// Creation time.
        pub create_time: i64,
        /// Last change.
        pub update_time: i64,
        /// Reasons, a JSON array of `{"code": …, "label": …}` objects.
        pub reasons: String,
        /// The follow-up rule's max_score; NULL without a rule.
        pub follow_up_max_score: Option<i32>,
        /// The follow-up rule's due_within, in microseconds; NULL without a rule.
        pub follow_up_due_within: Option<i64>,
        /// The fatigue rule's days; 0 without a rule.
        pub min_days_between_invitations: i32,
    }

    /// No relations are navigated through sea-orm.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `follow_ups` table.
pub mod follow_up {
    use sea_orm::entity::prelude::*;

    /// One follow-up row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "follow_ups")]
    pub struct Model {
        /// The sequence of the rating that opened it.
        #[sea_orm(primary_key, auto_increment = false)]
        pub follow_up_id: i64,
        /// The rating's survey.
        pub survey_id: String,
        /// The survey's touchpoint.
        pub touchpoint: String,
        /// The rating's key.
        pub rating_id: String,
        /// The rating's score.
        pub score: i32,
        /// The rating's comment.
        pub comment: String,
        /// The rating's customer; empty when unknown.
        pub customer_id: String,
        /// The rating's channel wire number.
        pub channel: i32,
        /// The rating's attributes, a JSON object of strings.
        pub attributes: String,
        /// The rating's occur_time.
        pub occur_time: i64,
        /// State wire number.
        pub state: i32,
        /// Assignee; empty for nobody.
        pub assignee: String,
        /// Resolution code; empty when not said.
        pub resolution_code: String,
        /// Notes, a JSON array of `{text, principal, create_time}`.
        pub notes: String,
        /// The rating's create_time.
        pub create_time: i64,
        /// Due time.
        pub due_time: i64,
        /// Last change.
        pub update_time: i64,
        /// When closed; NULL while open.
        pub close_time: Option<i64>,
        /// Counts the changes: the etag.
        pub version: i64,
        /// The rating's reason codes, a sorted JSON array (as the rating's column).
        pub reason_codes: String,
        /// The rating's exclusion reason (as the rating's column), so that the filters of
        /// reports leave out the follow-ups of excluded ratings as they do the ratings.
        pub exclusion_reason: i32,
    }

    /// No relations are navigated through sea-orm.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `ratings` table.
pub mod rating {
    use sea_orm::entity::prelude::*;

    /// One rating row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ratings")]
    pub struct Model {
        /// Commit-order position, assigned by the writer.
        #[sea_orm(primary_key, auto_increment = false)]
        pub sequence: i64,
        /// Survey.
        pub survey_id: String,
        /// The survey's touchpoint, copied so that filters need no join.
        pub touchpoint: String,
        /// Idempotency key, unique per survey.
        pub rating_id: String,
        /// Score.
        pub score: i32,
        /// Comment.
        pub comment: String,
        /// Customer; empty when unknown.
        pub customer_id: String,
        /// Channel wire number.
        pub channel: i32,
        /// Attributes, a JSON object of strings.
        pub attributes: String,
        /// When the customer answered.
        pub occur_time: i64,
        /// When it was stored.
        pub create_time: i64,
        /// Reason codes, a JSON array of strings, sorted (see
        /// [`crate::store::rating_sql::reason_codes_json`]).
        pub reason_codes: String,
        /// Why the rating is excluded from every number: the wire number, 0 while it is not.
        pub exclusion_reason: i32,
        /// The exclusion's note; empty while not excluded.
        pub exclusion_note: String,
        /// Who excluded it; empty while not excluded.
        pub exclusion_principal: String,
        /// When it was excluded; NULL while not excluded.
        pub exclude_time: Option<i64>,
        /// The counter's exclusion version of the rating's last exclusion or restore, 0 when
        /// never: what other processes read to follow exclusions.
        pub exclusion_version: i64,
        /// Whether the customer's data (comment, customer_id, attributes) was erased.
        pub erased: bool,
        /// The invitation the rating answers; empty when none (unique where not empty).
        pub invitation_id: String,
    }

    /// No relations are navigated through sea-orm.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `benchmarks` table.
pub mod benchmark {
    use sea_orm::entity::prelude::*;

    /// One benchmark row.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "benchmarks")]
    pub struct Model {
        /// Identifier.
        #[sea_orm(primary_key, auto_increment = false)]
        pub benchmark_id: String,
        /// Display name.
        pub display_name: String,
        /// Metric wire number.
        pub metric: i32,
        /// Measure wire number.
        pub measure: i32,
        /// Value.
        pub value: f64,
        /// Source.
        pub source: String,
        /// Touchpoint, when it applies to one only.
        pub touchpoint: Option<String>,
        /// 1 for a built-in benchmark.
        pub built_in: i32,
        /// Creation time.
        pub create_time: i64,
    }

    /// No relations are navigated through sea-orm.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `invitations` table.
pub mod invitation {
    use sea_orm::entity::prelude::*;

    /// One invitation row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitations")]
    pub struct Model {
        /// Identifier and idempotency key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub invitation_id: String,
        /// The survey.
        pub survey_id: String,
        /// The survey's touchpoint.
        pub touchpoint: String,
        /// The customer.
        pub customer_id: String,
        /// The channel's wire number.
        pub channel: i32,
        /// When it is sent.
        pub send_time: i64,
        /// When it was stored.
        pub create_time: i64,
        /// The suppression reason's wire number; 0 when it is to be sent.
        pub suppression_reason: i32,
    }

    /// No relations are navigated through sea-orm.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
