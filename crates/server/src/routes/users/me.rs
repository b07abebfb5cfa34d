//! `GET /api/users/me`.

use actix_web::HttpResponse;

use crate::dto::users::UserBody;
use crate::extract::AuthUser;

/// The caller's profile.
#[utoipa::path(
    get,
    path = "/api/users/me",
    tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = crate::dto::users::UserBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn get_me(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(UserBody::from(user.0))
}
