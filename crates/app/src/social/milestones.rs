//! Milestone detection in the worker: topic `milestone` rows written by progress logs (see
//! docs/PUSH.md, Milestones).

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use pursue_domain::milestone::{Milestone, earned, streak};
use pursue_domain::notification::NotificationType;
use pursue_ports::clock::{Clock, SystemClock};
use pursue_ports::outbox::{DeliveryError, MilestoneCheck, OutboxMessage};
use pursue_ports::social::{MilestoneFacts, MilestoneRepository, Notice, NoticePush};
use serde_json::{Value, json};

use crate::outbox::OutboxHandler;

/// Where cards and previews point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneLinks {
    /// `PURSUE_SHARE_BASE_URL`.
    pub share_base_url: String,
    /// `PURSUE_MILESTONE_ASSET_BASE_URL`.
    pub asset_base_url: String,
}

/// Topic `milestone`: grants what a new entry earned and notifies the logger.
pub struct MilestoneHandler {
    repo: Arc<dyn MilestoneRepository>,
    links: MilestoneLinks,
    clock: Arc<dyn Clock>,
}

fn transient(e: impl std::fmt::Display) -> DeliveryError {
    DeliveryError::Transient(e.to_string())
}

impl MilestoneHandler {
    /// Wires the port.
    pub fn new(repo: Arc<dyn MilestoneRepository>, links: MilestoneLinks) -> Self {
        Self {
            repo,
            links,
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the time from `clock` (the card's `generated_at`) instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn card(&self, m: Milestone, facts: &MilestoneFacts, token: &str) -> Value {
        let (title, stat_label, quote, gradient) = m.card_texts();
        let key = m.key();
        let base = &self.links.share_base_url;
        let subtitle = match m {
            Milestone::TotalLogs(_) => "Pursue Goals".to_string(),
            _ => facts.goal_title.to_string(),
        };
        json!({
            "milestone_type": m.kind(),
            "milestone_key": key,
            "title": title,
            "subtitle": subtitle,
            "stat_value": m.stat().to_string(),
            "stat_label": stat_label,
            "quote": quote,
            "goal_icon_emoji": "🎯",
            "background_gradient": gradient,
            "referral_token": token,
            "share_url": format!("{base}?utm_source=share&utm_medium=milestone_card&utm_campaign={key}&ref={token}"),
            "qr_url": format!("{base}?ref={token}&utm_source=qr&utm_medium=milestone_card&utm_campaign={key}"),
            "generated_at": self.clock.now(),
        })
    }

    fn notice(&self, m: Milestone, facts: &MilestoneFacts, card: Value) -> Notice {
        let count_key = match m {
            Milestone::Streak(_) => "streak_count",
            _ => "count",
        };
        let (title, body) = m.push_texts(&facts.goal_title);
        let extras = BTreeMap::from([
            ("milestone_key".to_string(), m.key()),
            ("shareable".to_string(), "true".to_string()),
            (
                "image_url".to_string(),
                format!("{}/{}", self.links.asset_base_url, m.preview_image()),
            ),
        ]);
        Notice {
            user: facts.user,
            kind: NotificationType::MilestoneAchieved,
            actor: None,
            group: Some(facts.group),
            goal: Some(facts.goal),
            progress_entry: None,
            metadata: json!({
                "milestone_type": m.kind(),
                "milestone_key": m.key(),
                count_key: m.stat(),
            }),
            shareable_card_data: Some(card),
            push: Some(NoticePush {
                title,
                body,
                extras,
            }),
        }
    }

    /// Grants the milestones of one entry.
    pub async fn check(&self, check: MilestoneCheck) -> Result<(), DeliveryError> {
        let Some(facts) = self
            .repo
            .milestone_facts(check.entry_id)
            .await
            .map_err(transient)?
        else {
            return Ok(());
        };
        let s = if facts.latest_goal_date == facts.user_date {
            streak(&facts.goal_dates, facts.user_date, facts.active_days)
        } else {
            0
        };
        let due = earned(facts.rank, s);
        if due.is_empty() {
            return Ok(());
        }
        let token = self
            .repo
            .referral_token(facts.user)
            .await
            .map_err(transient)?;
        for m in due {
            let card = self.card(m, &facts, &token);
            let notice = self.notice(m, &facts, card);
            self.repo
                .grant_milestone(
                    m.grant_key(&facts.goal.to_string()),
                    m.regrant_after_days(),
                    notice,
                )
                .await
                .map_err(transient)?;
        }
        Ok(())
    }
}

#[async_trait]
impl OutboxHandler for MilestoneHandler {
    async fn deliver(&self, message: &OutboxMessage) -> Result<(), DeliveryError> {
        match message {
            OutboxMessage::Milestone(check) => self.check(*check).await,
            other => Err(DeliveryError::Permanent(format!(
                "the milestone handler cannot deliver topic {}",
                other.topic().as_str()
            ))),
        }
    }
}
