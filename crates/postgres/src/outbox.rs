//! Writing outbox rows inside a repository transaction, and their JSON encoding (the
//! worker decodes with [`decode`]).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use pursue_ports::outbox::{EmailMessage, MilestoneCheck, OutboxMessage, PushEvent};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::schema::outbox;

/// Topic column value of `message`.
pub fn topic(message: &OutboxMessage) -> &'static str {
    match message {
        OutboxMessage::Email(_) => "email",
        OutboxMessage::Push(_) => "push",
        OutboxMessage::Milestone(_) => "milestone",
    }
}

/// The `payload` JSON of `message`.
pub fn encode(message: &OutboxMessage) -> Value {
    match message {
        OutboxMessage::Email(e) => {
            json!({"to": e.to, "subject": e.subject, "text": e.text, "html": e.html})
        }
        OutboxMessage::Milestone(m) => json!({"entry_id": m.entry_id}),
        OutboxMessage::Push(p) => json!({
            "event_id": p.event_id,
            "recipients": p.recipients,
            "title": p.title,
            "body": p.body,
            "data": p.data,
        }),
    }
}

/// Decodes a stored row back into a message; `None` for an unknown topic or a malformed
/// payload (the worker marks such rows failed).
pub fn decode(topic: &str, payload: &Value) -> Option<OutboxMessage> {
    let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_string);
    match topic {
        "email" => Some(OutboxMessage::Email(EmailMessage {
            to: text("to")?,
            subject: text("subject")?,
            text: text("text")?,
            html: text("html").unwrap_or_default(),
        })),
        "push" => Some(OutboxMessage::Push(PushEvent {
            event_id: payload
                .get("event_id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())?,
            recipients: payload
                .get("recipients")?
                .as_array()?
                .iter()
                .map(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok()))
                .collect::<Option<Vec<_>>>()?,
            title: text("title")?,
            body: text("body")?,
            data: payload
                .get("data")?
                .as_object()?
                .iter()
                .map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect::<Option<_>>()?,
        })),
        "milestone" => Some(OutboxMessage::Milestone(MilestoneCheck {
            entry_id: payload
                .get("entry_id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())?,
        })),
        _ => None,
    }
}

/// Stores `messages` in the outbox on `conn` (call inside the business transaction).
pub async fn enqueue(conn: &mut AsyncPgConnection, messages: &[OutboxMessage]) -> QueryResult<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = messages
        .iter()
        .map(|m| (outbox::topic.eq(topic(m)), outbox::payload.eq(encode(m))))
        .collect();
    diesel::insert_into(outbox::table)
        .values(rows)
        .execute(conn)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let push = OutboxMessage::Push(PushEvent {
            event_id: Uuid::new_v4(),
            recipients: vec![Uuid::new_v4(), Uuid::new_v4()],
            title: "Runners".into(),
            body: "Ann completed 'Run'".into(),
            data: [("type".to_string(), "progress_logged".to_string())].into(),
        });
        assert_eq!(decode("push", &encode(&push)), Some(push));
        let email = OutboxMessage::Email(EmailMessage {
            to: "a@b.co".into(),
            subject: "s".into(),
            text: "t".into(),
            html: "<p>t</p>".into(),
        });
        assert_eq!(decode(topic(&email), &encode(&email)), Some(email));
        assert_eq!(decode("push", &json!({"title": 1})), None);
        assert_eq!(decode("sms", &json!({})), None);
    }
}
