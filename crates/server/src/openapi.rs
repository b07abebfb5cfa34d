//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations,
//! served at `/api/openapi.json` and browsable at `/docs` (see docs/API.md, OpenAPI).
//!
//! Each `routes/<area>/mod.rs` lists its handlers in its own `Api` derive, next to the
//! route registrations; `routes::api_doc` merges the areas and this module adds the
//! shared parts (error envelope, bearer scheme).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The error envelope every failure uses.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// `error` of [`ErrorBody`].
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Human-readable message.
    pub message: String,
    /// Machine-readable code (`VALIDATION_ERROR`, `NOT_FOUND`, …).
    pub code: String,
    /// Failed fields of a `VALIDATION_ERROR`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<FieldDetail>>,
}

/// One failed field of a `VALIDATION_ERROR`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldDetail {
    /// Keys and array indices leading to the field.
    #[schema(value_type = Vec<serde_json::Value>)]
    pub path: Vec<String>,
    /// Explanation.
    pub message: String,
    /// Kind of problem.
    pub code: String,
}

/// The whole document: every route's entry plus the shared components.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = crate::routes::api_doc();
    doc.info = utoipa::openapi::InfoBuilder::new()
        .title("Pursue API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Group goal accountability. Errors use the `ErrorBody` envelope.",
        ))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    use utoipa::{PartialSchema, ToSchema};
    let mut schemas = Vec::new();
    ErrorBody::schemas(&mut schemas);
    components
        .schemas
        .insert(ErrorBody::name().into_owned(), ErrorBody::schema());
    for (name, schema) in schemas {
        components.schemas.insert(name, schema);
    }
    doc
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

/// Registers `/api/openapi.json`, the `/docs` browser and `/metrics` (not documented:
/// they describe the server, not the API).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/metrics",
        web::get().to(crate::monitoring::metrics_endpoint),
    )
    .route("/docs", web::get().to(docs_redirect))
    .service(
        utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").url("/api/openapi.json", document()),
    );
}

#[cfg(test)]
mod tests {
    //! The document and the route table must list the same routes. The served routes are
    //! read from the registrations in `src/routes` (`web::scope("/api/x")
    //! .configure(x::configure)` in `routes/mod.rs`, `.route("/path", web::method().to(…))`
    //! everywhere), so a route added there without an OpenAPI entry fails here.

    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// `(METHOD, path)` of every `route("…", web::method()…)` in `text`.
    fn registrations(text: &str, prefix: &str) -> Vec<(String, String)> {
        let flat: String = text.split_whitespace().collect();
        let mut found = Vec::new();
        for piece in flat.split("route(\"").skip(1) {
            let Some((path, rest)) = piece.split_once('"') else {
                continue;
            };
            let Some(rest) = rest.strip_prefix(",web::") else {
                continue;
            };
            let Some((method, _)) = rest.split_once("()") else {
                continue;
            };
            found.push((method.to_uppercase(), format!("{prefix}{path}")));
        }
        found
    }

    fn served_routes() -> BTreeSet<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
        let top = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
        let mut routes: BTreeSet<_> = registrations(&top, "").into_iter().collect();
        let flat: String = top.split_whitespace().collect();
        for piece in flat.split("web::scope(\"").skip(1) {
            let (prefix, rest) = piece.split_once('"').unwrap();
            let module = rest
                .strip_prefix(").configure(")
                .and_then(|r| r.split_once("::configure"))
                .map(|(m, _)| m)
                .unwrap_or_else(|| panic!("scope {prefix} is not `.configure(module::configure)`"));
            let text = std::fs::read_to_string(dir.join(module).join("mod.rs")).unwrap();
            routes.extend(registrations(&text, prefix));
        }
        routes
    }

    fn documented_routes() -> BTreeSet<(String, String)> {
        let doc = serde_json::to_value(document()).unwrap();
        let mut routes = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    routes.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        routes
    }

    #[test]
    fn every_route_is_documented_and_every_entry_is_served() {
        let served = served_routes();
        let documented = documented_routes();
        assert!(
            served.len() > 40,
            "the route scan found too little: {served:?}"
        );
        let undocumented: Vec<_> = served.difference(&documented).collect();
        let unserved: Vec<_> = documented.difference(&served).collect();
        assert!(
            undocumented.is_empty() && unserved.is_empty(),
            "routes without an OpenAPI entry: {undocumented:?}; \
             OpenAPI entries without a route: {unserved:?} (see docs/API.md, OpenAPI)"
        );
    }

    #[test]
    fn the_scan_reads_multi_line_registrations() {
        let text = "cfg.route(\"\", web::post().to(a::a))\n    .route(\n        \"/{id}/x\",\n        web::delete().to(b::b),\n    );";
        assert_eq!(
            registrations(text, "/api/things"),
            vec![
                ("POST".to_string(), "/api/things".to_string()),
                ("DELETE".to_string(), "/api/things/{id}/x".to_string())
            ]
        );
    }

    #[test]
    fn the_document_describes_the_error_envelope_and_bearer_auth() {
        let doc = serde_json::to_value(document()).unwrap();
        assert!(
            doc["components"]["schemas"]["ErrorBody"].is_object(),
            "{doc}"
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let login = &doc["paths"]["/api/auth/login"]["post"];
        assert!(login["requestBody"].is_object(), "{login}");
    }
}
