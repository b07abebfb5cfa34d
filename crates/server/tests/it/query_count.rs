//! The heavy reads issue a bounded number of SQL statements: the goal list with progress
//! at most 3 whatever the number of goals, "my groups" a constant number.

use std::sync::Arc;

use crate::app::spawn_app;
use chrono::Utc;
use pursue_app::goals::GoalService;
use pursue_app::groups::GroupService;
use pursue_domain::ids::{GroupId, UserId};
use pursue_domain::period::Timezone;
use pursue_ports::goals::GoalFilter;
use pursue_ports::users::UserRecord;
use pursue_postgres::{PgGoals, PgGroups};
use serde_json::json;

use crate::support::*;

fn record(user: &User) -> UserRecord {
    UserRecord {
        id: UserId::parse(&user.id).unwrap(),
        email: pursue_domain::user::Email::stored("x@example.com".into()),
        display_name: pursue_domain::user::DisplayName::stored("x".into()),
        has_avatar: false,
        age_verified: true,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

#[tokio::test]
async fn goal_list_with_progress_takes_at_most_three_queries() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (pool, counter) = app.db.counting_pool();
    let groups = Arc::new(PgGroups::new(pool.clone()));
    let goals = GoalService::new(groups, Arc::new(PgGoals::new(pool)));
    let group = GroupId::parse(&c.group).unwrap();
    let caller = record(&c.member);
    let mut created = 0;
    for target in [1, 10, 100] {
        while created < target {
            let cadence = ["daily", "weekly", "monthly", "yearly"][created % 4];
            let goal = create_goal(
                &app,
                &c.group,
                &c.creator,
                json!({"title": format!("g{created}"), "cadence": cadence, "metric_type": "numeric", "target_value": 10}),
            )
            .await;
            if created % 7 == 0 {
                assert_eq!(
                    log(&app, &c.member, &goal, 2.0, &today().to_string())
                        .await
                        .0,
                    201
                );
            }
            created += 1;
        }
        counter.reset();
        let views = goals
            .list_goals(
                &caller,
                group,
                GoalFilter::default(),
                true,
                &Timezone::utc(),
            )
            .await
            .unwrap();
        assert_eq!(views.len(), target);
        assert!(
            views
                .iter()
                .all(|v| v.progress.as_ref().is_some_and(|p| p.members.len() == 3))
        );
        assert!(
            counter.get() <= 3,
            "{target} goals took {} queries",
            counter.get()
        );
    }
}

#[tokio::test]
async fn my_groups_is_constant_in_the_number_of_groups() {
    let app = spawn_app().await;
    let ann = register(&app, "ann").await;
    let bob = register(&app, "bob").await;
    crate::support::make_premium(&app, &ann).await;
    crate::support::make_premium(&app, &bob).await;
    let (pool, counter) = app.db.counting_pool();
    let service = GroupService::new(Arc::new(PgGroups::new(pool)));
    let mut counts = Vec::new();
    for n in 1..=10 {
        let g = create_group(&app, &ann, &format!("g{n}")).await;
        let code = invite(&app, &g, &ann).await;
        assert_eq!(join_approved(&app, &bob, &code, &g, &ann).await, 200);
        counter.reset();
        let (groups, total) = service.my_groups(&record(&bob), 50, 0).await.unwrap();
        assert_eq!((groups.len(), total), (n, n as i64));
        assert!(groups.iter().all(|g| g.group.member_count == 2));
        counts.push(counter.get());
    }
    assert!(
        counts.iter().all(|&q| q == counts[0] && q <= 3),
        "{counts:?}"
    );
}

#[tokio::test]
async fn progress_views_are_constant_in_the_number_of_goals() {
    use pursue_app::insights::{HistoryQuery, InsightService, MyProgressQuery};
    use pursue_domain::period::Period;
    use pursue_postgres::PgViews;

    let app = spawn_app().await;
    let c = cast(&app).await;
    let (pool, counter) = app.db.counting_pool();
    let groups = Arc::new(PgGroups::new(pool.clone()));
    let insights = InsightService::new(
        groups,
        Arc::new(PgGoals::new(pool.clone())),
        Arc::new(PgViews::new(pool)),
        Arc::new(Premium),
    );
    let group = GroupId::parse(&c.group).unwrap();
    let caller = record(&c.member);
    let target = UserId::parse(&c.admin.id).unwrap();
    let range = Period::new(today() - chrono::Duration::days(60), today()).unwrap();
    let mut created = 0;
    let mut counts = Vec::new();
    for target_goals in [1, 10, 40] {
        while created < target_goals {
            let cadence = ["daily", "weekly", "monthly", "yearly"][created % 4];
            let goal = create_goal(
                &app,
                &c.group,
                &c.creator,
                json!({"title": format!("g{created}"), "cadence": cadence, "metric_type": "binary"}),
            )
            .await;
            for who in [&c.member, &c.admin] {
                assert_eq!(
                    log(&app, who, &goal, 1.0, &today().to_string()).await.0,
                    201
                );
            }
            created += 1;
        }
        counter.reset();
        let members = insights.members(&caller, group).await.unwrap();
        assert!(members.iter().all(
            |m| m.member.user_id == UserId::parse(&c.creator.id).unwrap()
                || m.last_log_at.is_some()
        ));
        let m = counter.get();
        counter.reset();
        let query = HistoryQuery {
            range,
            limit: 50,
            cursor: None,
        };
        let h = insights
            .member_history(&caller, group, target, query)
            .await
            .unwrap();
        assert_eq!(h.summaries.len(), target_goals);
        let mh = counter.get();
        counter.reset();
        let p = insights
            .my_progress(&caller, MyProgressQuery::default())
            .await
            .unwrap();
        assert_eq!(p.breakdown.len(), target_goals);
        let mp = counter.get();
        counts.push((m, mh, mp));
    }
    assert!(counts.iter().all(|c| *c == counts[0]), "{counts:?}");
    let (m, mh, mp) = counts[0];
    assert!(m <= 7 && mh <= 8 && mp <= 3, "{counts:?}");
}

/// Every caller is premium (the history span is not the point here).
struct Premium;

#[async_trait::async_trait]
impl pursue_ports::subscriptions::TierSource for Premium {
    async fn tier_of(
        &self,
        _user: UserId,
    ) -> Result<pursue_domain::subscription::Tier, pursue_ports::error::RepoError> {
        Ok(pursue_domain::subscription::Tier::Premium)
    }
}

#[tokio::test]
async fn the_feed_with_reactions_is_constant_in_the_page_size() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let goal = create_goal(
        &app,
        &c.group,
        &c.creator,
        json!({"title": "Read", "cadence": "daily", "metric_type": "numeric", "target_value": 10}),
    )
    .await;
    let (pool, counter) = app.db.counting_pool();
    let feed = GroupService::new(Arc::new(PgGroups::new(pool)));
    let group = GroupId::parse(&c.group).unwrap();
    let caller = record(&c.creator);
    let mut counts = Vec::new();
    for round in 0..2 {
        // Round 0: a handful of activities; round 1: a full page of 50, each with reactions.
        let logs = if round == 0 { 2 } else { 50 };
        for _ in 0..logs {
            assert_eq!(
                log(&app, &c.member, &goal, 1.0, &today().to_string())
                    .await
                    .0,
                201
            );
        }
        let (_, page) = get(&app, &format!("/api/groups/{}/activity", c.group), &c.admin).await;
        for a in page["activities"].as_array().unwrap() {
            let path = format!("/api/activities/{}/reactions", a["id"].as_str().unwrap());
            for (user, emoji) in [(&c.admin, "🔥"), (&c.creator, "💪")] {
                let (status, body) = call(
                    &app,
                    reqwest::Method::PUT,
                    &path,
                    Some(&user.token),
                    Some(json!({ "emoji": emoji })),
                )
                .await;
                assert_eq!(status, 200, "{body}");
            }
        }
        counter.reset();
        let page = feed.feed(&caller, group, 50, 0).await.unwrap();
        assert_eq!(page.items.len() as i64, page.total.min(50));
        assert!(page.items.iter().all(|i| i.reactions.total_count == 2));
        counts.push(counter.get());
        // Past the end: the page is empty and the total is counted on its own.
        counter.reset();
        let past = feed.feed(&caller, group, 50, 1_000).await.unwrap();
        assert!(past.items.is_empty());
        assert_eq!(past.total, page.total);
        assert_eq!(counter.get(), 3, "{:?}", counter.statements());
    }
    // The caller's role, then the page with its reactions and total in one statement.
    assert_eq!(counts, [2, 2], "statements per feed page");
}
