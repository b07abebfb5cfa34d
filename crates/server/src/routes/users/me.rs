//! `GET /api/users/me`.

use actix_web::HttpResponse;

use crate::dto::users::UserBody;
use crate::extract::AuthUser;

/// The caller's profile.
pub async fn get_me(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(UserBody::from(user.0))
}
