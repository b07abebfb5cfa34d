//! `DELETE /api/users/me` → 204 (decision D8).

use actix_web::{HttpResponse, web};
use pursue_app::accounts::DeleteProof;

use crate::dto::users::DeleteMeRequest;
use crate::error::{ApiError, FieldError};
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Soft-deletes the caller's account.
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
    let proof = match (body.password, body.confirmation.as_deref()) {
        (Some(p), _) if !p.is_empty() => DeleteProof::Password(p),
        (_, Some("delete")) => DeleteProof::Confirmation,
        _ => {
            return Err(ApiError::validation(
                "Invalid request body",
                vec![FieldError::field(
                    "password",
                    "required",
                    "Send `password`, or `confirmation: \"delete\"` for accounts without one",
                )],
            ));
        }
    };
    state.accounts.delete_account(user.0.id, proof).await?;
    Ok(HttpResponse::NoContent().finish())
}
