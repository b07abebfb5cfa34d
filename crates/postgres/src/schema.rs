//! Diesel table definitions for the v1 schema and Pursue's additive migrations.
#![allow(missing_docs)]

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Varchar,
        display_name -> Varchar,
        avatar_url -> Nullable<Text>,
        avatar_data -> Nullable<Bytea>,
        avatar_mime_type -> Nullable<Varchar>,
        password_hash -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        timezone -> Nullable<Varchar>,
        age_verified -> Bool,
    }
}

diesel::table! {
    auth_providers (id) {
        id -> Uuid,
        user_id -> Uuid,
        provider -> Varchar,
        provider_user_id -> Varchar,
        provider_email -> Nullable<Varchar>,
        linked_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        token_hash -> Varchar,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    password_reset_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        token_hash -> Varchar,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    devices (id) {
        id -> Uuid,
        user_id -> Uuid,
        fcm_token -> Varchar,
        device_name -> Nullable<Varchar>,
        platform -> Nullable<Varchar>,
        last_active -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    groups (id) {
        id -> Uuid,
        name -> Varchar,
        description -> Nullable<Text>,
        icon_emoji -> Nullable<Varchar>,
        icon_color -> Nullable<Varchar>,
        icon_url -> Nullable<Text>,
        icon_data -> Nullable<Bytea>,
        icon_mime_type -> Nullable<Varchar>,
        creator_user_id -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    group_memberships (id) {
        id -> Uuid,
        group_id -> Uuid,
        user_id -> Uuid,
        role -> Varchar,
        joined_at -> Timestamptz,
        status -> Varchar,
    }
}

diesel::table! {
    invite_codes (id) {
        id -> Uuid,
        group_id -> Uuid,
        code -> Varchar,
        created_by_user_id -> Nullable<Uuid>,
        max_uses -> Nullable<Int4>,
        current_uses -> Nullable<Int4>,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    goals (id) {
        id -> Uuid,
        group_id -> Uuid,
        title -> Varchar,
        description -> Nullable<Text>,
        cadence -> Varchar,
        metric_type -> Varchar,
        target_value -> Nullable<Numeric>,
        unit -> Nullable<Varchar>,
        created_by_user_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        deleted_by_user_id -> Nullable<Uuid>,
        active_days -> Nullable<Int4>,
        log_title_prompt -> Nullable<Varchar>,
    }
}

diesel::table! {
    progress_entries (id) {
        id -> Uuid,
        goal_id -> Uuid,
        user_id -> Uuid,
        value -> Numeric,
        note -> Nullable<Text>,
        logged_at -> Timestamptz,
        period_start -> Date,
        user_timezone -> Nullable<Varchar>,
        created_at -> Timestamptz,
        binary_log_date -> Nullable<Date>,
        log_title -> Nullable<Varchar>,
    }
}

diesel::table! {
    group_activities (id) {
        id -> Uuid,
        group_id -> Uuid,
        user_id -> Nullable<Uuid>,
        activity_type -> Varchar,
        metadata -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> Uuid,
        idempotency_key -> Varchar,
        request_hash -> Varchar,
        response_status -> Int2,
        response_body -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outbox (id) {
        id -> Uuid,
        topic -> Varchar,
        payload -> Jsonb,
        status -> Varchar,
        attempts -> Int4,
        available_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        processed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    push_deliveries (event_id, fcm_token) {
        event_id -> Uuid,
        fcm_token -> Varchar,
        user_id -> Uuid,
        outcome -> Varchar,
        detail -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_consents (id) {
        id -> Uuid,
        user_id -> Nullable<Uuid>,
        consent_type -> Varchar,
        action -> Varchar,
        agreed_at -> Timestamptz,
        ip_address -> Nullable<Varchar>,
        email_hash -> Nullable<Varchar>,
    }
}

diesel::table! {
    activity_reactions (id) {
        id -> Uuid,
        activity_id -> Uuid,
        user_id -> Uuid,
        emoji -> Varchar,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    nudges (id) {
        id -> Uuid,
        sender_user_id -> Uuid,
        recipient_user_id -> Uuid,
        group_id -> Uuid,
        goal_id -> Nullable<Uuid>,
        sent_at -> Timestamptz,
        sender_local_date -> Date,
    }
}

diesel::table! {
    user_notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        #[sql_name = "type"]
        kind -> Varchar,
        actor_user_id -> Nullable<Uuid>,
        group_id -> Nullable<Uuid>,
        goal_id -> Nullable<Uuid>,
        progress_entry_id -> Nullable<Uuid>,
        metadata -> Nullable<Jsonb>,
        shareable_card_data -> Nullable<Jsonb>,
        is_read -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_milestone_grants (id) {
        id -> Uuid,
        user_id -> Uuid,
        milestone_key -> Varchar,
        goal_id -> Nullable<Uuid>,
        granted_at -> Timestamptz,
    }
}

diesel::table! {
    referral_tokens (token) {
        token -> Varchar,
        user_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_subscriptions (id) {
        id -> Uuid,
        user_id -> Uuid,
        tier -> Nullable<Varchar>,
        status -> Nullable<Varchar>,
        started_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        platform -> Nullable<Varchar>,
        platform_subscription_id -> Nullable<Varchar>,
        platform_purchase_token -> Nullable<Text>,
        auto_renew -> Nullable<Bool>,
        created_at -> Nullable<Timestamptz>,
        updated_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(user_consents -> users (user_id));
diesel::joinable!(auth_providers -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(password_reset_tokens -> users (user_id));
diesel::joinable!(devices -> users (user_id));
diesel::joinable!(group_memberships -> groups (group_id));
diesel::joinable!(group_memberships -> users (user_id));
diesel::joinable!(invite_codes -> groups (group_id));
diesel::joinable!(goals -> groups (group_id));
diesel::joinable!(progress_entries -> goals (goal_id));
diesel::joinable!(progress_entries -> users (user_id));
diesel::joinable!(group_activities -> groups (group_id));
diesel::joinable!(idempotency_keys -> users (user_id));
diesel::joinable!(activity_reactions -> group_activities (activity_id));
diesel::joinable!(activity_reactions -> users (user_id));
diesel::joinable!(user_subscriptions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    auth_providers,
    refresh_tokens,
    password_reset_tokens,
    devices,
    groups,
    group_memberships,
    invite_codes,
    goals,
    progress_entries,
    group_activities,
    idempotency_keys,
    outbox,
    push_deliveries,
    activity_reactions,
    user_consents,
    nudges,
    user_notifications,
    user_milestone_grants,
    referral_tokens,
    user_subscriptions,
);
