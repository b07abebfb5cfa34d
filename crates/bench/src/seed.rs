//! Seeding through the public API: users, groups of five, five goals each, ~30 days of
//! history, and three groups of 1, 10 and 100 goals for the goal-list check.

use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Duration as Days, NaiveDate, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::{Value, json};

use crate::http::Api;

/// The password of every seeded account.
pub const PASSWORD: &str = "Bench-Secret-123";
/// Requests in flight while seeding.
const SEED_CONCURRENCY: usize = 16;

/// A seeded account.
#[derive(Debug, Clone)]
pub struct User {
    /// Sign-in e-mail.
    pub email: String,
    /// Access token (valid for an hour).
    pub token: String,
    /// Account id.
    pub id: String,
    /// The group the user belongs to.
    pub group: String,
    /// A numeric goal of that group (any number of entries per day).
    pub numeric_goal: String,
}

/// A group made for the goal-list check.
#[derive(Debug, Clone)]
pub struct GoalGroup {
    /// Active goals in it.
    pub goals: usize,
    /// Group id.
    pub id: String,
    /// Its owner's token.
    pub token: String,
}

/// Everything the scenarios need.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Accounts, `group_size` per group, in group order.
    pub users: Vec<User>,
    /// Goal ids per group, in `users` group order.
    pub group_goals: Vec<(String, Vec<String>)>,
    /// Groups with 1, 10 and 100 goals.
    pub goal_groups: Vec<GoalGroup>,
    /// Progress entries written while seeding.
    pub entries: usize,
    /// Reactions written while seeding (0 against a server without reactions).
    pub reactions: usize,
    /// Seconds the seeding took.
    pub seconds: f64,
}

/// Day `days_ago` before today (UTC), as the phone would send it.
pub fn day(days_ago: i64) -> NaiveDate {
    Utc::now().date_naive() - Days::days(days_ago)
}

async fn register(api: &Api, email: String) -> anyhow::Result<(String, String)> {
    let body = json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "Bench",
        "date_of_birth": "1990-01-01",
        "consent_agreed": true,
    });
    let v = api
        .expect(201, "POST", "/api/auth/register", None, Some(body))
        .await?;
    let token = v["access_token"]
        .as_str()
        .context("register: no access_token")?;
    let id = v["user"]["id"].as_str().context("register: no user.id")?;
    Ok((token.to_string(), id.to_string()))
}

async fn goal(api: &Api, token: &str, group: &str, body: Value) -> anyhow::Result<String> {
    let path = format!("/api/groups/{group}/goals");
    let v = api
        .expect(201, "POST", &path, Some(token), Some(body))
        .await?;
    v["id"].as_str().map(String::from).context("goal: no id")
}

async fn group(api: &Api, token: &str, name: &str) -> anyhow::Result<String> {
    let v = api
        .expect(
            201,
            "POST",
            "/api/groups",
            Some(token),
            Some(json!({"name": name})),
        )
        .await?;
    v["id"].as_str().map(String::from).context("group: no id")
}

/// Logs one entry for `date`; 201 expected.
pub fn progress_body(goal: &str, value: f64, date: NaiveDate) -> Value {
    json!({"goal_id": goal, "value": value, "user_date": date.to_string(), "user_timezone": "UTC"})
}

fn goal_bodies() -> Vec<Value> {
    vec![
        json!({"title": "Meditate", "cadence": "daily", "metric_type": "binary"}),
        json!({"title": "Read", "cadence": "daily", "metric_type": "binary"}),
        json!({"title": "Stretch", "cadence": "daily", "metric_type": "binary"}),
        json!({"title": "Run", "cadence": "weekly", "metric_type": "numeric", "target_value": 20, "unit": "km"}),
        json!({"title": "Practice", "cadence": "monthly", "metric_type": "duration", "target_value": 36000}),
    ]
}

/// The emoji members react with, in turn.
const EMOJI: [&str; 6] = ["🔥", "💪", "❤️", "👏", "🤩", "🎉"];

/// Reacts to the first feed page of every group: each activity gets a reaction from every
/// member but its actor, so the feed's reaction fields have real rows to compute. A server
/// that does not serve reactions (`404 ROUTE_NOT_FOUND`) gets none, so the same run can
/// measure a feed without them.
async fn react(api: &Api, users: &[User], group_size: usize) -> anyhow::Result<usize> {
    let mut written = 0;
    for members in users.chunks(group_size) {
        let Some(owner) = members.first() else {
            continue;
        };
        let path = format!("/api/groups/{}/activity?limit=50", owner.group);
        let page = api
            .expect(200, "GET", &path, Some(&owner.token), None)
            .await?;
        let activities: Vec<(String, String)> = page["activities"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| {
                Some((
                    a["id"].as_str()?.to_owned(),
                    a["user"]["id"].as_str()?.to_owned(),
                ))
            })
            .collect();
        let mut jobs = Vec::new();
        for (i, (activity, actor)) in activities.iter().enumerate() {
            for (k, member) in members.iter().enumerate() {
                if &member.id != actor {
                    jobs.push((
                        activity.clone(),
                        member.token.clone(),
                        EMOJI[(i + k) % EMOJI.len()],
                    ));
                }
            }
        }
        if let Some((activity, token, emoji)) = jobs.first() {
            let path = format!("/api/activities/{activity}/reactions");
            let body = json!({ "emoji": emoji });
            if api.status("PUT", &path, Some(token), Some(&body)).await == 404 {
                eprintln!("seed: reactions are not served; the feed is measured without them");
                return Ok(0);
            }
        }
        written += jobs.len();
        stream::iter(jobs)
            .map(|(activity, token, emoji)| async move {
                let path = format!("/api/activities/{activity}/reactions");
                api.expect(
                    200,
                    "PUT",
                    &path,
                    Some(&token),
                    Some(json!({ "emoji": emoji })),
                )
                .await
            })
            .buffer_unordered(SEED_CONCURRENCY)
            .try_collect::<Vec<_>>()
            .await?;
    }
    Ok(written)
}

/// Seeds `groups` groups of `group_size` accounts with five goals and `days` of history.
pub async fn seed(api: &Api, groups: usize, group_size: usize, days: i64) -> anyhow::Result<Seed> {
    let started = Instant::now();
    let run = Utc::now().format("%Y%m%d%H%M%S").to_string();
    // One account per group seat, plus the owners of the three goal-list groups (a free
    // account may be in one group).
    let emails: Vec<String> = (0..groups * group_size + 3)
        .map(|i| format!("bench-{run}-{i}@example.com"))
        .collect();
    let accounts: Vec<(String, String)> = stream::iter(emails.clone())
        .map(|e| register(api, e))
        .buffered(SEED_CONCURRENCY)
        .try_collect()
        .await?;
    let tokens: Vec<String> = accounts.iter().map(|(t, _)| t.clone()).collect();
    eprintln!("seed: {} accounts", tokens.len());

    let mut users = Vec::with_capacity(tokens.len());
    let mut group_goals = Vec::with_capacity(groups);
    let mut entries = Vec::new();
    for g in 0..groups {
        let members: Vec<usize> = (g * group_size..(g + 1) * group_size).collect();
        let Some(&owner) = members.first() else {
            bail!("empty group")
        };
        let owner_token = &tokens[owner];
        let id = group(api, owner_token, &format!("Bench group {g}")).await?;
        let path = format!("/api/groups/{id}/invite");
        let invite = api
            .expect(200, "GET", &path, Some(owner_token), None)
            .await?;
        let code = invite["invite_code"]
            .as_str()
            .context("invite: no invite_code")?
            .to_string();
        stream::iter(members.iter().skip(1))
            .map(|&m| {
                let body = json!({"invite_code": code});
                api.expect(
                    200,
                    "POST",
                    "/api/groups/join",
                    Some(&tokens[m]),
                    Some(body),
                )
            })
            .buffer_unordered(SEED_CONCURRENCY)
            .try_collect::<Vec<_>>()
            .await?;
        // Joining is a request; the owner approves each one.
        stream::iter(members.iter().skip(1))
            .map(|&m| {
                let path = format!("/api/groups/{id}/members/{}/approve", accounts[m].1);
                async move {
                    api.expect(200, "POST", &path, Some(owner_token), Some(json!({})))
                        .await
                }
            })
            .buffer_unordered(SEED_CONCURRENCY)
            .try_collect::<Vec<_>>()
            .await?;
        let mut goals = Vec::new();
        for body in goal_bodies() {
            goals.push(goal(api, owner_token, &id, body).await?);
        }
        for &m in &members {
            users.push(User {
                email: emails[m].clone(),
                token: tokens[m].clone(),
                id: accounts[m].1.clone(),
                group: id.clone(),
                numeric_goal: goals[3].clone(),
            });
            // ~60 % of days on each binary goal, a run every third day, practice every fifth.
            for d in 0..days {
                for (k, goal) in goals.iter().enumerate().take(3) {
                    if (m as i64 * 7 + d * 3 + k as i64) % 5 < 3 {
                        entries.push((m, progress_body(goal, 1.0, day(d))));
                    }
                }
                if d % 3 == 0 {
                    entries.push((m, progress_body(&goals[3], 5.0, day(d))));
                }
                if d % 5 == 0 {
                    entries.push((m, progress_body(&goals[4], 1800.0, day(d))));
                }
            }
        }
        group_goals.push((id, goals));
    }
    eprintln!("seed: {groups} groups, {} entries to log", entries.len());
    let logged = entries.len();
    stream::iter(entries)
        .map(|(m, body)| api.expect(201, "POST", "/api/progress", Some(&tokens[m]), Some(body)))
        .buffer_unordered(SEED_CONCURRENCY * 2)
        .try_collect::<Vec<_>>()
        .await?;

    let reactions = react(api, &users, group_size).await?;
    eprintln!("seed: {reactions} reactions");

    let mut goal_groups = Vec::new();
    for (n, size) in [1usize, 10, 100].into_iter().enumerate() {
        let owner = groups * group_size + n; // the extra accounts
        let token = tokens.get(owner).context("too few accounts")?.clone();
        let id = group(api, &token, &format!("Goal list {size}")).await?;
        let ids: Vec<String> = stream::iter(0..size)
            .map(|i| {
                let body = json!({"title": format!("Goal {i}"), "cadence": "daily", "metric_type": "binary"});
                goal(api, &token, &id, body)
            })
            .buffered(SEED_CONCURRENCY)
            .try_collect()
            .await?;
        stream::iter(
            ids.iter()
                .flat_map(|g| (0..3).map(move |d| progress_body(g, 1.0, day(d)))),
        )
        .map(|body| api.expect(201, "POST", "/api/progress", Some(&token), Some(body)))
        .buffer_unordered(SEED_CONCURRENCY)
        .try_collect::<Vec<_>>()
        .await?;
        goal_groups.push(GoalGroup {
            goals: size,
            id,
            token,
        });
    }
    Ok(Seed {
        users,
        group_goals,
        goal_groups,
        entries: logged,
        reactions,
        seconds: started.elapsed().as_secs_f64(),
    })
}
