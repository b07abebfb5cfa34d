//! OpenAPI schemas of request fields, built from the domain's own limits and character
//! rules so the document states exactly what the server accepts (see docs/API.md,
//! OpenAPI). Each function is used by a DTO field through `#[schema(schema_with = …)]`;
//! the lengths come from the domain types' `MAX_CHARS`, never from a second copy.

use pursue_domain::text::Lines;
use utoipa::openapi::Object;
use utoipa::openapi::schema::ArrayItems;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type,
};

/// Characters the domain never accepts in one-line text (see docs/SECURITY.md, "Clean
/// text"), as regular-expression class ranges.
const FORBIDDEN_SINGLE: &[(char, char)] = &[
    ('\u{0}', '\u{1f}'),
    ('\u{7f}', '\u{9f}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{2028}', '\u{2029}'),
];

/// Characters the domain never accepts in multi-line text (CR, LF and TAB allowed).
const FORBIDDEN_MULTI: &[(char, char)] = &[
    ('\u{0}', '\u{8}'),
    ('\u{b}', '\u{c}'),
    ('\u{e}', '\u{1f}'),
    ('\u{7f}', '\u{9f}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{2028}', '\u{2029}'),
];

/// The characters `str::trim` removes (Unicode `White_Space`).
const WHITESPACE: &[(char, char)] = &[
    ('\t', '\r'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

fn escape(c: char) -> String {
    let code = u32::from(c);
    if code <= 0xff {
        format!("\\x{code:02X}")
    } else {
        format!("\\u{code:04X}")
    }
}

/// The ranges as the inside of a regular-expression class (`\x00-\x1F…`).
fn class(ranges: &[&[(char, char)]]) -> String {
    let mut out = String::new();
    for (from, to) in ranges.iter().flat_map(|r| r.iter()) {
        out.push_str(&escape(*from));
        if from != to {
            out.push('-');
            out.push_str(&escape(*to));
        }
    }
    out
}

fn forbidden(lines: Lines) -> &'static [(char, char)] {
    match lines {
        Lines::Single => FORBIDDEN_SINGLE,
        Lines::Multi => FORBIDDEN_MULTI,
    }
}

/// The pattern of a text the domain trims, then checks for `min..=max` code points
/// (`min` 0 or 1) and forbidden characters: surrounding white space is free, the rest must
/// start and end with a visible character and hold no forbidden one.
pub fn text_pattern(min: usize, max: usize, lines: Lines) -> String {
    let space = format!("[{}]", class(&[WHITESPACE]));
    let inner = format!("[^{}]", class(&[forbidden(lines)]));
    let edge = format!("[^{}]", class(&[forbidden(lines), WHITESPACE]));
    let body = match max {
        0 => String::new(),
        1 => edge.clone(),
        _ => format!("{edge}(?:{inner}{{0,{}}}{edge})?", max - 2),
    };
    let body = if min == 0 && !body.is_empty() {
        format!("(?:{body})?")
    } else {
        body
    };
    format!("^{space}*{body}{space}*$")
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// `type: [string, null]` instead of `string`.
fn or_null(builder: ObjectBuilder) -> ObjectBuilder {
    builder.schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// A trimmed text of `min..=max` code points (after trimming) with the domain's
/// character rule.
pub fn text(min: usize, max: usize, lines: Lines) -> Object {
    text_builder(min, max, lines).build()
}

fn text_builder(min: usize, max: usize, lines: Lines) -> ObjectBuilder {
    let what = match lines {
        Lines::Single => "one line",
        Lines::Multi => "CR, LF and TAB allowed",
    };
    string()
        .pattern(Some(text_pattern(min, max, lines)))
        .description(Some(format!(
            "Trimmed, then {min}–{max} characters ({what}; no control or bidirectional \
             formatting characters)."
        )))
}

/// [`text`] that may also be `null`.
pub fn nullable_text(min: usize, max: usize, lines: Lines) -> Object {
    or_null(text_builder(min, max, lines)).build()
}

/// A string of `min..=max` code points, any characters.
pub fn length(min: usize, max: usize) -> Object {
    length_builder(min, max).build()
}

fn length_builder(min: usize, max: usize) -> ObjectBuilder {
    string().min_length(Some(min)).max_length(Some(max))
}

/// [`length`] that may also be `null`.
pub fn nullable_length(min: usize, max: usize) -> Object {
    or_null(length_builder(min, max)).build()
}

/// One of `values`.
pub fn one_of(values: &[&str]) -> Object {
    string().enum_values(Some(values.to_vec())).build()
}

/// One of `values`, or `null`.
pub fn nullable_one_of(values: &[&str]) -> Object {
    let mut all: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
    all.push(serde_json::Value::Null);
    or_null(string()).enum_values(Some(all)).build()
}

/// A UUID.
pub fn uuid() -> Object {
    uuid_builder().build()
}

fn uuid_builder() -> ObjectBuilder {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
}

/// A UUID or `null`.
pub fn nullable_uuid() -> Object {
    or_null(uuid_builder()).build()
}

/// A real calendar date `YYYY-MM-DD`.
pub fn date() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
        .build()
}

/// Months and days of a real date, `-MM-DD` after the year; 29 February only after a
/// year matched by `leap`.
fn date_pattern(years: &str, leap: &str) -> String {
    let month_day = r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)";
    format!("^(?:(?:{years})-{month_day}|(?:{leap})-02-29)$")
}

/// A date of birth the server accepts from anyone: a real date from 1900 to 2007 (an
/// adult on any day from now on). Later dates are refused when the person is under 18
/// (`400 UNDER_AGE`), and dates before 1900 or in the future are invalid.
pub fn birth_date() -> Object {
    birth_date_builder().build()
}

fn birth_date_builder() -> ObjectBuilder {
    let years = r"19[0-9]{2}|200[0-7]";
    let leap = r"19(?:0[48]|[2468][048]|[13579][26])|200[04]";
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(date_pattern(years, leap)))
        .description(Some(
            "`YYYY-MM-DD`, from 1900 and not in the future; under 18 is `400 UNDER_AGE`.",
        ))
}

/// [`birth_date`] or `null`.
pub fn nullable_birth_date() -> Object {
    or_null(birth_date_builder()).build()
}

/// An e-mail address as the domain accepts it: trimmed, one `@`, a non-empty local part,
/// a domain of at least two non-empty dot-separated labels, no white space.
pub fn email() -> Object {
    let no = class(&[FORBIDDEN_SINGLE, WHITESPACE]);
    let space = format!("[{}]", class(&[WHITESPACE]));
    string()
        .max_length(Some(pursue_domain::user::Email::MAX_CHARS))
        .description(Some(
            "An e-mail address, trimmed and lower-cased; looser than RFC 5322 (no `format: \
             email`): one `@`, a non-empty local part, a domain of two or more labels.",
        ))
        .pattern(Some(format!(
            "^{space}*[^@{no}]+@[^@.{no}]+(?:\\.[^@.{no}]+)+{space}*$"
        )))
        .build()
}

/// A new password (see docs/API.md): 8–100 characters with a lower-case letter, an
/// upper-case letter and a digit.
pub fn password() -> Object {
    use pursue_domain::user::Password;
    let any = r"[\s\S]*";
    let orders = [
        ["[a-z]", "[A-Z]", "[0-9]"],
        ["[a-z]", "[0-9]", "[A-Z]"],
        ["[A-Z]", "[a-z]", "[0-9]"],
        ["[A-Z]", "[0-9]", "[a-z]"],
        ["[0-9]", "[a-z]", "[A-Z]"],
        ["[0-9]", "[A-Z]", "[a-z]"],
    ];
    let alternatives: Vec<String> = orders
        .iter()
        .map(|[a, b, c]| format!("{any}{a}{any}{b}{any}{c}{any}"))
        .collect();
    string()
        .min_length(Some(Password::MIN_CHARS))
        .max_length(Some(Password::MAX_CHARS))
        .pattern(Some(format!("^(?:{})$", alternatives.join("|"))))
        .description(Some(
            "8–100 characters with at least one lower-case letter, one upper-case letter \
             and one digit.",
        ))
        .build()
}

/// A non-empty string.
pub fn non_empty() -> Object {
    string().min_length(Some(1)).build()
}

/// A string with a character other than white space.
pub fn not_blank() -> Object {
    let space = class(&[WHITESPACE]);
    string().pattern(Some(format!("[^{space}]"))).build()
}

/// Exactly `true`.
pub fn true_only() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([true]))
        .build()
}

/// An array of `item`, `min..=max` long.
pub fn array_of(item: impl Into<ArrayItems>, min: usize, max: usize) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(item)
        .min_items(Some(min))
        .max_items(Some(max))
}

// The fields, each from its domain type.

use pursue_domain::device::{DeviceName, FcmToken, Platform};
use pursue_domain::goal::{Cadence, GoalDescription, GoalTitle, LogTitlePrompt, MetricType, Unit};
use pursue_domain::group::{GroupDescription, GroupName, IconUrl};
use pursue_domain::progress::{LogTitle, Note};
use pursue_domain::role::AssignableRole;
use pursue_domain::user::{ConsentAction, DisplayName};

/// A display name.
pub fn display_name() -> Object {
    text(1, DisplayName::MAX_CHARS, Lines::Single)
}

/// A display name or `null` (`null` leaves it unchanged).
pub fn nullable_display_name() -> Object {
    nullable_text(1, DisplayName::MAX_CHARS, Lines::Single)
}

/// A policy version the app sends (accepted and ignored).
pub fn version_text() -> Object {
    nullable_length(0, super::rules::VERSION_MAX_CHARS)
}

/// A group name.
pub fn group_name() -> Object {
    text(1, GroupName::MAX_CHARS, Lines::Single)
}

/// A group name in a patch: absent keeps it, `null` is refused.
pub fn group_name_patch() -> Object {
    group_name()
}

/// A group description or `null`.
pub fn group_description() -> Object {
    nullable_text(0, GroupDescription::MAX_CHARS, Lines::Multi)
}

/// An icon image URL or `null`.
pub fn icon_url() -> Object {
    nullable_text(1, IconUrl::MAX_CHARS, Lines::Single)
}

/// One emoji (one grapheme of at most `IconEmoji::MAX_CHARS` characters, no control
/// character) or `null`.
/// The document asks for a single visible character; the server also takes longer
/// graphemes such as flags and joined emoji.
pub fn icon_emoji() -> Object {
    let space = class(&[WHITESPACE]);
    let no = class(&[FORBIDDEN_SINGLE, WHITESPACE]);
    or_null(string())
        .pattern(Some(format!(
            r"^[{space}]*[^{no}\u0300-\u036F\u200D\uFE00-\uFE0F][{space}]*$"
        )))
        .description(Some("One emoji (a single grapheme)."))
        .build()
}

/// `#RRGGBB` or `null`.
pub fn icon_color() -> Object {
    or_null(string()).pattern(Some("^#[0-9A-Fa-f]{6}$")).build()
}

/// `admin` or `member`.
pub fn assignable_role() -> Object {
    let names: Vec<&str> = AssignableRole::ALL.iter().map(|r| r.as_str()).collect();
    one_of(&names)
}

/// A goal title.
pub fn goal_title() -> Object {
    text(1, GoalTitle::MAX_CHARS, Lines::Single)
}

/// A goal description or `null`.
pub fn goal_description() -> Object {
    nullable_text(0, GoalDescription::MAX_CHARS, Lines::Multi)
}

/// A unit or `null`.
pub fn unit() -> Object {
    nullable_text(0, Unit::MAX_CHARS, Lines::Single)
}

/// A journal prompt or `null`.
pub fn log_title_prompt() -> Object {
    nullable_text(0, LogTitlePrompt::MAX_CHARS, Lines::Single)
}

/// A cadence.
pub fn cadence() -> Object {
    let names: Vec<&str> = Cadence::ALL.iter().map(|c| c.as_str()).collect();
    one_of(&names)
}

/// A metric type.
pub fn metric_type() -> Object {
    let names: Vec<&str> = MetricType::ALL.iter().map(|m| m.as_str()).collect();
    one_of(&names)
}

/// Days of the week, 0 (Sunday) to 6 (Saturday), 1–7 without repeats.
fn active_days_builder() -> ArrayBuilder {
    let day = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(6));
    array_of(day, 1, 7).unique_items(true)
}

/// Active days, or `null` for every day.
pub fn active_days() -> ArrayBuilder {
    active_days_builder().schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

/// A progress note or `null`.
pub fn note() -> Object {
    nullable_text(0, Note::MAX_CHARS, Lines::Multi)
}

/// A log title or `null` (required for journal goals).
pub fn log_title() -> Object {
    nullable_text(1, LogTitle::MAX_CHARS, Lines::Single)
}

/// An FCM token.
pub fn fcm_token() -> Object {
    text(1, FcmToken::MAX_CHARS, Lines::Single)
}

/// A device name or `null`.
pub fn device_name() -> Object {
    nullable_text(0, DeviceName::MAX_CHARS, Lines::Single)
}

/// `android`, `ios`, `web` or `null`.
pub fn platform() -> Object {
    let names: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    nullable_one_of(&names)
}

/// `grant`, `revoke` or `null` (`grant`).
pub fn consent_action() -> Object {
    let names: Vec<&str> = ConsentAction::ALL.iter().map(|a| a.as_str()).collect();
    nullable_one_of(&names)
}

/// One of the picker's emoji (a bare `❤` counts as `❤️`).
pub fn reaction_emoji() -> Object {
    let mut names: Vec<&str> = pursue_domain::social::EMOJIS.to_vec();
    names.push("❤");
    one_of(&names)
}

/// 1–10 consent types of 1–50 characters (one line, no control or bidirectional
/// formatting characters).
pub fn consent_types() -> ArrayBuilder {
    use pursue_domain::user::ConsentType;
    let inner = class(&[FORBIDDEN_SINGLE]);
    let item = length_builder(1, ConsentType::MAX_CHARS).pattern(Some(format!("^[^{inner}]*$")));
    array_of(item, 1, 10)
}

/// `delete` in any letter case, or `null`.
pub fn delete_confirmation() -> Object {
    or_null(string())
        .pattern(Some("^[Dd][Ee][Ll][Ee][Tt][Ee]$"))
        .build()
}

/// `google_play` (`app_store` passes the shape check but is `400 UNSUPPORTED_PLATFORM`).
pub fn store() -> Object {
    one_of(&["google_play"])
}

/// A store purchase token (one line, no control or bidirectional formatting characters).
pub fn purchase_token() -> Object {
    let inner = class(&[FORBIDDEN_SINGLE]);
    length_builder(1, super::subscriptions::PURCHASE_TOKEN_MAX_CHARS)
        .pattern(Some(format!("^[^{inner}]*$")))
        .build()
}

/// The one product sold (another id is `400 INVALID_PRODUCT`).
pub fn product_id() -> Object {
    one_of(&[pursue_domain::purchase::PREMIUM_PRODUCT_ID])
}

/// A goal target: above 0, at most 999999.99, two decimals at most; or `null`.
pub fn target_value() -> Object {
    use pursue_domain::goal::TargetValue;
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Number, Type::Null]))
        .exclusive_minimum(Some(0))
        .maximum(Some(TargetValue::MAX.to_f64()))
        .multiple_of(Some(0.01))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pursue_domain::text::is_forbidden_char;

    fn within(ranges: &[(char, char)], c: char) -> bool {
        ranges.iter().any(|(a, b)| (*a..=*b).contains(&c))
    }

    #[test]
    fn the_classes_match_the_domain_rules() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(
                within(FORBIDDEN_SINGLE, c),
                is_forbidden_char(c, Lines::Single),
                "{c:?}"
            );
            assert_eq!(
                within(FORBIDDEN_MULTI, c),
                is_forbidden_char(c, Lines::Multi),
                "{c:?}"
            );
            assert_eq!(within(WHITESPACE, c), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn text_patterns_bound_the_trimmed_length() {
        assert_eq!(
            text_pattern(1, 1, Lines::Single),
            format!(
                "^[{w}]*[^{f}{w}][{w}]*$",
                w = class(&[WHITESPACE]),
                f = class(&[FORBIDDEN_SINGLE])
            )
        );
        let p = text_pattern(0, 100, Lines::Multi);
        assert!(p.contains("{0,98}"), "{p}");
        assert!(p.starts_with('^') && p.ends_with('$'));
    }
}
