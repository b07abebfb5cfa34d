//! `DELETE /api/users/me` → 204 (decision D8; docs/ACCOUNTS.md, Deletion).

use actix_web::{HttpResponse, web};
use pursue_app::accounts::DeleteProof;

use crate::dto::users::DeleteMeRequest;
use crate::error::ApiError;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Soft-deletes the caller's account. `confirmation`, when sent, must say `delete` (any
/// case; `INVALID_CONFIRMATION`); `password`, when sent, must verify (`INVALID_PASSWORD`);
/// one of them is required (`VALIDATION_ERROR`).
#[utoipa::path(
    delete,
    path = "/api/users/me",
    tag = "users",
    request_body = DeleteMeRequest,
    security(("bearer" = [])),
    responses((status = 204, description = "Success"), (status = 400, description = "Invalid input", body = crate::openapi::ErrorBody), (status = 401, description = "Missing or invalid token", body = crate::openapi::ErrorBody), (status = "4XX", description = "Refused, in the error envelope", body = crate::openapi::ErrorBody))
)]
pub async fn delete_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<DeleteMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let proof = DeleteProof::try_from(body.0)?;
    state.accounts.delete_account(user.0.id, proof).await?;
    Ok(HttpResponse::NoContent().finish())
}
