//! `DELETE /api/users/me` → 204 (decision D8; docs/ACCOUNTS.md, Deletion).

use actix_web::{HttpResponse, web};
use pursue_app::accounts::DeleteProof;

use crate::dto::users::DeleteMeRequest;
use crate::error::{ApiError, FieldError};
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
    let body = body.0;
    if body.password.is_none() && body.confirmation.is_none() {
        return Err(ApiError::validation(
            "Invalid request body",
            vec![FieldError::field(
                "confirmation",
                "required",
                "Send `confirmation: \"delete\"` or `password`",
            )],
        ));
    }
    if let Some(c) = &body.confirmation
        && !c.eq_ignore_ascii_case("delete")
    {
        return Err(ApiError::bad_request(
            "INVALID_CONFIRMATION",
            "Type \"delete\" to confirm account deletion",
        ));
    }
    let proof = DeleteProof {
        confirmation: body.confirmation.is_some(),
        password: body.password,
    };
    state.accounts.delete_account(user.0.id, proof).await?;
    Ok(HttpResponse::NoContent().finish())
}
