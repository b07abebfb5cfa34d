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
    cross_field_rules(components);
    doc
}

/// The rules that tie several fields of one request together, written as the request's
/// variants (`anyOf`): a goal's target by metric type and its active days by cadence (see
/// docs/API.md, Goals), and the proof of `DELETE /api/users/me` (`confirmation` or
/// `password`).
fn cross_field_rules(components: &mut utoipa::openapi::Components) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AnyOfBuilder, Object, ObjectBuilder, Schema, SchemaType, Type};

    let names = |values: &[&str]| -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values.to_vec()))
            .build()
            .into()
    };
    let typed = |types: &[Type]| {
        ObjectBuilder::new().schema_type(SchemaType::from_iter(types.iter().cloned()))
    };
    let max_target = pursue_domain::goal::TargetValue::MAX.to_f64();
    // (metric types, target_value, target required)
    let metrics: [(&[&str], RefOr<Schema>, bool); 3] = [
        (
            &["numeric"],
            typed(&[Type::Number])
                .exclusive_minimum(Some(0))
                .maximum(Some(max_target))
                .multiple_of(Some(0.01))
                .build()
                .into(),
            true,
        ),
        (
            &["binary", "duration"],
            typed(&[Type::Integer, Type::Null])
                .minimum(Some(1))
                .maximum(Some(max_target.floor()))
                .build()
                .into(),
            false,
        ),
        (&["journal"], typed(&[Type::Null]).build().into(), false),
    ];
    let active_days_none: RefOr<Schema> = typed(&[Type::Null]).build().into();
    let with = |base: &Object, changes: &[(&str, RefOr<Schema>)], required: Option<&str>| {
        let mut variant = base.clone();
        for (field, schema) in changes {
            variant
                .properties
                .insert((*field).to_string(), schema.clone());
        }
        if let Some(field) = required {
            variant.required.push(field.to_string());
        }
        variant
    };

    if let Some(RefOr::T(Schema::Object(base))) =
        components.schemas.get("CreateGoalRequest").cloned()
    {
        let mut variants = AnyOfBuilder::new();
        for (metric, target, target_required) in &metrics {
            let required = target_required.then_some("target_value");
            let metric_fields = [
                ("metric_type", names(metric)),
                ("target_value", target.clone()),
            ];
            let daily = with(
                &base,
                &[
                    metric_fields[0].clone(),
                    metric_fields[1].clone(),
                    ("cadence", names(&["daily"])),
                ],
                required,
            );
            let other = with(
                &base,
                &[
                    metric_fields[0].clone(),
                    metric_fields[1].clone(),
                    ("cadence", names(&["weekly", "monthly", "yearly"])),
                    ("active_days", active_days_none.clone()),
                ],
                required,
            );
            variants = variants.item(daily).item(other);
        }
        let mut any = variants.build();
        any.description = base.description.clone();
        components
            .schemas
            .insert("CreateGoalRequest".to_string(), Schema::AnyOf(any).into());
    }

    if let Some(RefOr::T(Schema::Object(base))) = components.schemas.get("DeleteMeRequest").cloned()
    {
        let string: RefOr<Schema> = typed(&[Type::String]).build().into();
        let proof = |field: &str| {
            let mut variant = base.clone();
            if let Some(RefOr::T(Schema::Object(rule))) = variant.properties.get(field).cloned() {
                let mut rule = rule;
                rule.schema_type = SchemaType::Type(Type::String);
                variant.properties.insert(field.to_string(), rule.into());
            } else {
                variant.properties.insert(field.to_string(), string.clone());
            }
            variant.required.push(field.to_string());
            variant
        };
        let mut any = AnyOfBuilder::new()
            .item(proof("confirmation"))
            .item(proof("password"))
            .build();
        any.description = base.description.clone();
        components
            .schemas
            .insert("DeleteMeRequest".to_string(), Schema::AnyOf(any).into());
    }
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
            routes.extend(scoped_registrations(&text, prefix));
        }
        routes
    }

    /// The registrations of a module's text under `prefix`, following nested
    /// `.service(web::scope("/x").configure(function))` into `fn function`.
    fn scoped_registrations(text: &str, prefix: &str) -> Vec<(String, String)> {
        let mut outer = text.to_string();
        let mut found = Vec::new();
        let flat: String = text.split_whitespace().collect();
        for piece in flat.split(".service(web::scope(\"").skip(1) {
            let (inner, rest) = piece.split_once('"').unwrap();
            let function = rest
                .strip_prefix(").configure(")
                .and_then(|r| r.split_once(')'))
                .map(|(f, _)| f)
                .unwrap_or_else(|| panic!("scope {inner} is not `.configure(function)`"));
            let start = text
                .find(&format!("fn {function}("))
                .unwrap_or_else(|| panic!("no fn {function}"));
            let end = start + text[start..].find("\n}\n").unwrap() + 3;
            found.extend(registrations(
                &text[start..end],
                &format!("{prefix}{inner}"),
            ));
            outer = outer.replace(&text[start..end], "");
        }
        found.extend(registrations(&outer, prefix));
        found
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

    /// Media types whose body is not JSON: described by the type alone.
    fn is_binary(media: &str) -> bool {
        media.starts_with("image/") || media.starts_with("text/") || media.contains("spreadsheetml")
    }

    #[test]
    fn every_success_response_describes_its_body() {
        let doc = serde_json::to_value(document()).unwrap();
        let mut missing = Vec::new();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    if !status.starts_with('2') || status == "204" {
                        continue;
                    }
                    checked += 1;
                    let described = response["content"].as_object().is_some_and(|content| {
                        !content.is_empty()
                            && content
                                .iter()
                                .all(|(media, body)| is_binary(media) || body["schema"].is_object())
                    });
                    if !described {
                        missing.push(format!("{method} {path} {status}"));
                    }
                }
            }
        }
        assert!(checked > 50, "too few success responses: {checked}");
        assert!(
            missing.is_empty(),
            "success responses without a body schema (see docs/API.md, OpenAPI): {missing:?}"
        );
    }

    #[test]
    fn every_error_response_uses_the_envelope() {
        let doc = serde_json::to_value(document()).unwrap();
        let mut wrong = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    if !status.starts_with('4') {
                        continue;
                    }
                    // The envelope itself, or a `oneOf` that offers it (the flat
                    // refusal of the export range check).
                    let schema = &response["content"]["application/json"]["schema"];
                    let envelope =
                        |s: &serde_json::Value| s["$ref"] == "#/components/schemas/ErrorBody";
                    let named = schema["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .map(|name| &doc["components"]["schemas"][name]);
                    let offered = named.unwrap_or(schema)["oneOf"]
                        .as_array()
                        .is_some_and(|all| all.iter().any(envelope));
                    if !envelope(schema) && !offered {
                        wrong.push(format!("{method} {path} {status}: {schema}"));
                    }
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "error responses without ErrorBody: {wrong:?}"
        );
    }

    #[test]
    fn request_schemas_state_the_domain_rules() {
        let doc = serde_json::to_value(document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let register = &schemas["RegisterRequest"]["properties"];
        assert_eq!(register["password"]["minLength"], 8, "{register}");
        assert_eq!(register["password"]["maxLength"], 100);
        assert!(register["email"]["pattern"].is_string());
        assert!(
            register["date_of_birth"]["pattern"]
                .as_str()
                .unwrap()
                .contains("200[0-7]")
        );
        assert_eq!(
            register["consent_agreed"]["enum"],
            serde_json::json!([true])
        );
        let required = schemas["RegisterRequest"]["required"].as_array().unwrap();
        for field in [
            "email",
            "password",
            "display_name",
            "date_of_birth",
            "consent_agreed",
        ] {
            assert!(required.contains(&field.into()), "{field} not required");
        }
        // The group name: trimmed 1–100 characters.
        let name = schemas["CreateGroupRequest"]["properties"]["name"]["pattern"]
            .as_str()
            .unwrap();
        assert!(name.contains("{0,98}"), "{name}");
        assert_eq!(
            schemas["ChangeRoleRequest"]["properties"]["role"]["enum"],
            serde_json::json!(["admin", "member"])
        );
        assert_eq!(
            schemas["RegisterDeviceRequest"]["properties"]["platform"]["enum"],
            serde_json::json!(["android", "ios", "web", null])
        );
        assert_eq!(
            schemas["NudgeRequest"]["properties"]["group_id"]["format"],
            "uuid"
        );
        // A goal's target by metric type: six variants (3 metric groups x 2 cadence groups).
        assert_eq!(
            schemas["CreateGoalRequest"]["anyOf"]
                .as_array()
                .unwrap()
                .len(),
            6
        );
        assert_eq!(
            schemas["DeleteMeRequest"]["anyOf"]
                .as_array()
                .unwrap()
                .len(),
            2
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
