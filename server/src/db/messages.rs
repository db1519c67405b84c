//! Residents' private messages to shops and districts, and the teams' answers (schema v14).

use app::domain::messages::{Answer, Message, MessageStats, NewMessage, Recipient};
use app::server::{MessageStore, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use super::sql::store_error;
use super::{Pool, SqlStore};

/// A message with its recipient's name and page.
const MESSAGE_SELECT: &str = "SELECT m.id, m.town_id, m.shop_id, m.district_id, m.profile_id, \
     m.body, m.email, m.locale, m.answer, m.answered_at, m.answered_by, m.closed_at, \
     m.created_at, m.edited_at, COALESCE(s.name, d.name) AS recipient_name, \
     COALESCE(s.slug, d.slug) AS recipient_slug \
     FROM messages m LEFT JOIN shops s ON s.id = m.shop_id \
     LEFT JOIN districts d ON d.id = m.district_id";

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    town_id: i64,
    shop_id: Option<i64>,
    district_id: Option<i64>,
    profile_id: Option<i64>,
    body: String,
    email: Option<String>,
    locale: String,
    answer: Option<String>,
    answered_at: Option<DateTime<Utc>>,
    answered_by: Option<i64>,
    closed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    recipient_name: Option<String>,
    recipient_slug: Option<String>,
}

impl MessageRow {
    fn into_message(self) -> Option<Message> {
        let (recipient, section) = match (self.shop_id, self.district_id) {
            (Some(shop), _) => (Recipient::Shop(shop), "shops"),
            (None, Some(district)) => (Recipient::District(district), "districts"),
            (None, None) => return None,
        };
        Some(Message {
            id: self.id,
            town_id: self.town_id,
            recipient,
            recipient_name: self.recipient_name.unwrap_or_default(),
            recipient_path: format!("/{section}/{}", self.recipient_slug.unwrap_or_default()),
            profile_id: self.profile_id,
            content: NewMessage {
                body: self.body,
                email: self.email,
            },
            locale: self.locale,
            answer: match (self.answer, self.answered_at) {
                (Some(body), Some(answered_at)) => Some(Answer {
                    body,
                    answered_by: self.answered_by,
                    answered_at,
                }),
                _ => None,
            },
            closed_at: self.closed_at,
            created_at: self.created_at,
            edited_at: self.edited_at,
        })
    }
}

/// The column naming a recipient and its id.
fn recipient_column(recipient: Recipient) -> (&'static str, i64) {
    match recipient {
        Recipient::Shop(id) => ("shop_id", id),
        Recipient::District(id) => ("district_id", id),
    }
}

async fn messages_where(
    store: &SqlStore,
    condition: &str,
    binds: &[i64],
) -> StoreResult<Vec<Message>> {
    let sql = format!("{MESSAGE_SELECT} WHERE {condition}");
    on_pool!(store, |pool| {
        let mut query = sqlx::query_as::<_, MessageRow>(&sql);
        for value in binds {
            query = query.bind(*value);
        }
        query
            .fetch_all(pool)
            .await
            .map(|rows| {
                rows.into_iter()
                    .filter_map(MessageRow::into_message)
                    .collect()
            })
            .map_err(store_error)
    })
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn save_message(
        &self,
        town_id: i64,
        recipient: Recipient,
        profile_id: i64,
        message: &NewMessage,
        locale: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Message>> {
        let (column, id) = recipient_column(recipient);
        let table = if column == "shop_id" {
            "shops"
        } else {
            "districts"
        };
        // Only to a shop or district of this town.
        let sql = format!(
            "INSERT INTO messages (town_id, {column}, profile_id, body, email, locale, created_at) \
             SELECT town_id, id, $3, $4, $5, $6, $7 FROM {table} WHERE id = $1 AND town_id = $2 \
             RETURNING id"
        );
        let new_id: Option<i64> = on_pool!(self, |pool| sqlx::query_scalar(&sql)
            .bind(id)
            .bind(town_id)
            .bind(profile_id)
            .bind(&message.body)
            .bind(&message.email)
            .bind(locale)
            .bind(now.trunc_subsecs(0))
            .fetch_optional(pool)
            .await
            .map_err(store_error))?;
        match new_id {
            Some(id) => self.message_by_id(town_id, id).await,
            None => Ok(None),
        }
    }

    async fn message_by_id(&self, town_id: i64, id: i64) -> StoreResult<Option<Message>> {
        Ok(
            messages_where(self, "m.id = $1 AND m.town_id = $2", &[id, town_id])
                .await?
                .into_iter()
                .next(),
        )
    }

    async fn profile_messages(&self, town_id: i64, profile_id: i64) -> StoreResult<Vec<Message>> {
        messages_where(
            self,
            "m.profile_id = $1 AND m.town_id = $2 ORDER BY m.created_at DESC, m.id DESC LIMIT 200",
            &[profile_id, town_id],
        )
        .await
    }

    async fn message_inbox(
        &self,
        recipient: Recipient,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<Message>> {
        let (column, id) = recipient_column(recipient);
        let open = if open_only {
            " AND m.answer IS NULL AND m.closed_at IS NULL"
        } else {
            ""
        };
        messages_where(
            self,
            &format!("m.{column} = $1{open} ORDER BY m.created_at DESC, m.id DESC LIMIT $2"),
            &[id, limit.clamp(1, 500)],
        )
        .await
    }

    async fn message_stats(
        &self,
        recipient: Recipient,
        month_start: DateTime<Utc>,
    ) -> StoreResult<MessageStats> {
        let (column, id) = recipient_column(recipient);
        let sql = format!(
            "SELECT COUNT(*), \
             COALESCE(SUM(CASE WHEN created_at >= $2 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN answer IS NOT NULL THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN answer IS NULL AND closed_at IS NULL THEN 1 ELSE 0 END), 0) \
             FROM messages WHERE {column} = $1"
        );
        let (received, this_month, answered, open): (i64, i64, i64, i64) =
            on_pool!(self, |pool| sqlx::query_as(&sql)
                .bind(id)
                .bind(month_start.trunc_subsecs(0))
                .fetch_one(pool)
                .await
                .map_err(store_error))?;
        Ok(MessageStats {
            received,
            this_month,
            answered,
            open,
        })
    }

    async fn answer_message(
        &self,
        id: i64,
        answer: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Message>> {
        // Once: the condition makes a second answer (two team members at once) a no-op.
        let sql = "UPDATE messages SET answer = $2, answered_at = $3, answered_by = $4, \
                   closed_at = NULL WHERE id = $1 AND answer IS NULL RETURNING town_id";
        let town: Option<i64> = on_pool!(self, |pool| sqlx::query_scalar(sql)
            .bind(id)
            .bind(answer)
            .bind(now.trunc_subsecs(0))
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map_err(store_error))?;
        match town {
            Some(town) => self.message_by_id(town, id).await,
            None => Ok(None),
        }
    }

    async fn close_message(&self, id: i64, close: bool, now: DateTime<Utc>) -> StoreResult<bool> {
        let sql = if close {
            "UPDATE messages SET closed_at = $2 WHERE id = $1 AND answer IS NULL \
             AND closed_at IS NULL"
        } else {
            "UPDATE messages SET closed_at = NULL WHERE id = $1 AND closed_at IS NOT NULL \
             AND $2 = $2"
        };
        on_pool!(self, |pool| sqlx::query(sql)
            .bind(id)
            .bind(now.trunc_subsecs(0))
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
            .map_err(store_error))
    }

    async fn edit_message(
        &self,
        profile_id: i64,
        id: i64,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Message>> {
        // Only while the team has neither answered nor closed it.
        let sql =
            "UPDATE messages SET body = $3, edited_at = $4 WHERE id = $1 AND profile_id = $2 \
                   AND answer IS NULL AND closed_at IS NULL RETURNING town_id";
        let town: Option<i64> = on_pool!(self, |pool| sqlx::query_scalar(sql)
            .bind(id)
            .bind(profile_id)
            .bind(body)
            .bind(now.trunc_subsecs(0))
            .fetch_optional(pool)
            .await
            .map_err(store_error))?;
        match town {
            Some(town) => self.message_by_id(town, id).await,
            None => Ok(None),
        }
    }

    async fn delete_message(&self, profile_id: i64, id: i64) -> StoreResult<bool> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM messages WHERE id = $1 AND profile_id = $2"
        )
        .bind(id)
        .bind(profile_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(store_error))
    }

    async fn recipient_team_profiles(&self, recipient: Recipient) -> StoreResult<Vec<i64>> {
        let sql = match recipient {
            // The shop's team; a shop without one is looked after by its district's stewards.
            Recipient::Shop(_) => {
                "SELECT u.profile_id FROM shop_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.shop_id = $1 AND u.profile_id IS NOT NULL \
                 UNION SELECT u.profile_id FROM shops s \
                 JOIN district_stewards ds ON ds.district_id = s.district_id \
                 JOIN users u ON u.id = ds.user_id WHERE s.id = $1 AND u.profile_id IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM shop_members m2 WHERE m2.shop_id = s.id)"
            }
            Recipient::District(_) => {
                "SELECT u.profile_id FROM district_stewards ds JOIN users u ON u.id = ds.user_id \
                 WHERE ds.district_id = $1 AND u.profile_id IS NOT NULL"
            }
        };
        let (_, id) = recipient_column(recipient);
        let mut ids: Vec<Option<i64>> = on_pool!(self, |pool| sqlx::query_scalar(sql)
            .bind(id)
            .fetch_all(pool)
            .await
            .map_err(store_error))?;
        ids.sort_unstable();
        ids.dedup();
        Ok(ids.into_iter().flatten().collect())
    }
}
