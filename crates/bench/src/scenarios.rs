//! The scenarios: one [`Step`] per endpoint, plus the "app open" flow.

use std::sync::Arc;

use futures_util::FutureExt;
use serde_json::json;

use crate::http::Api;
use crate::load::Step;
use crate::seed::{PASSWORD, Seed, day, progress_body};

/// Names of the fixed-duration scenarios, in run order.
pub const ALL: [&str; 8] = [
    "health",
    "me",
    "my_groups",
    "goals_progress",
    "activity",
    "progress_write",
    "login",
    "app_open",
];

/// What a scenario sends, for the results table.
pub fn describe(name: &str) -> &'static str {
    match name {
        "health" => "GET /health",
        "me" => "GET /api/users/me",
        "my_groups" => "GET /api/users/me/groups",
        "goals_progress" => "GET /api/groups/:id/goals?include_progress=true",
        "activity" => "GET /api/groups/:id/activity",
        "progress_write" => "POST /api/progress (unique entries, 201)",
        "login" => "POST /api/auth/login",
        "app_open" => "app open: me + groups + goals with progress + activity",
        "goal_list" => "GET /api/groups/:id/goals?include_progress=true",
        _ => "",
    }
}

/// The path of the goal list with progress of `group`.
pub fn goals_path(group: &str) -> String {
    format!("/api/groups/{group}/goals?include_progress=true")
}

/// The step of scenario `name`, or `None` for an unknown name.
pub fn step(name: &str, api: &Api, seed: &Arc<Seed>) -> Option<Step> {
    let (api, seed) = (api.clone(), seed.clone());
    let n = seed.users.len().max(1) as u64;
    let user = move |seed: &Seed, i: u64| seed.users[(i % n) as usize].clone();
    let step: Step = match name {
        "health" => Arc::new(move |_| {
            let api = api.clone();
            async move { api.status("GET", "/health", None, None).await }.boxed()
        }),
        "me" | "my_groups" | "goals_progress" | "activity" => {
            let name = name.to_string();
            Arc::new(move |i| {
                let (api, u) = (api.clone(), user(&seed, i));
                let path = match name.as_str() {
                    "me" => "/api/users/me".to_string(),
                    "my_groups" => "/api/users/me/groups".to_string(),
                    "goals_progress" => goals_path(&u.group),
                    _ => format!("/api/groups/{}/activity", u.group),
                };
                async move { api.status("GET", &path, Some(&u.token), None).await }.boxed()
            })
        }
        "progress_write" => Arc::new(move |i| {
            let (api, u) = (api.clone(), user(&seed, i));
            let value = (i % 9 + 1) as f64;
            let body = progress_body(&u.numeric_goal, value, day((i / n % 30) as i64));
            async move {
                api.status("POST", "/api/progress", Some(&u.token), Some(&body))
                    .await
            }
            .boxed()
        }),
        "login" => Arc::new(move |i| {
            let (api, u) = (api.clone(), user(&seed, i));
            let body = json!({"email": u.email, "password": PASSWORD});
            async move {
                api.status("POST", "/api/auth/login", None, Some(&body))
                    .await
            }
            .boxed()
        }),
        "app_open" => Arc::new(move |i| {
            let (api, u) = (api.clone(), user(&seed, i));
            async move {
                let paths = [
                    "/api/users/me".to_string(),
                    "/api/users/me/groups".to_string(),
                    goals_path(&u.group),
                    format!("/api/groups/{}/activity", u.group),
                ];
                let mut last = 0;
                for path in paths {
                    last = api.status("GET", &path, Some(&u.token), None).await;
                    if !(200..300).contains(&last) {
                        break;
                    }
                }
                last
            }
            .boxed()
        }),
        _ => return None,
    };
    Some(step)
}

/// The goal list of one group, as its owner.
pub fn goal_list_step(api: &Api, group: &str, token: &str) -> Step {
    let (api, path, token) = (api.clone(), goals_path(group), token.to_string());
    Arc::new(move |_| {
        let (api, path, token) = (api.clone(), path.clone(), token.clone());
        async move { api.status("GET", &path, Some(&token), None).await }.boxed()
    })
}
