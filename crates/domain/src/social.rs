//! Reactions and nudges: the emoji set, the feed's reaction summary, short names, the
//! nudge date window and goal active days (see docs/API.md, Reactions and Nudges).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::ids::UserId;

/// The emoji the app's picker offers, as stored.
pub const EMOJIS: [&str; 6] = ["🔥", "💪", "❤\u{fe0f}", "👏", "🤩", "🎉"];

/// A reaction emoji of the picker's set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Emoji(&'static str);

/// The text is not one of the picker's emoji.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of 🔥 💪 ❤️ 👏 🤩 🎉")]
pub struct UnknownEmoji;

impl Emoji {
    /// Parses one of [`EMOJIS`]; a bare `❤` (without the variation selector) is `❤️`.
    pub fn parse(input: &str) -> Result<Self, UnknownEmoji> {
        if input == "❤" {
            return Ok(Self(EMOJIS[2]));
        }
        EMOJIS
            .iter()
            .find(|e| **e == input)
            .map(|e| Self(e))
            .ok_or(UnknownEmoji)
    }

    /// The stored text.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// `Jane Mary Doe` → `Jane D.`; a single word is kept as it is.
pub fn short_name(display_name: &str) -> String {
    let words: Vec<&str> = display_name.split_whitespace().collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [first, .., last] => {
            let initial: String = last
                .chars()
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            format!("{first} {initial}.")
        }
    }
}

/// One stored reaction as the feed reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// The reactor.
    pub user: UserId,
    /// The reactor's display name.
    pub display_name: crate::user::DisplayName,
    /// The emoji.
    pub emoji: String,
    /// When it was set.
    pub created_at: DateTime<Utc>,
}

/// One emoji's group of reactions on an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmojiCount {
    /// The emoji.
    pub emoji: String,
    /// How many reacted with it.
    pub count: usize,
    /// Who, newest first.
    pub reactor_ids: Vec<UserId>,
    /// Whether the caller is among them.
    pub current_user_reacted: bool,
}

/// The feed's reaction fields of one activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionSummary {
    /// Per emoji: count desc, then newest reaction, then emoji.
    pub reactions: Vec<EmojiCount>,
    /// All reactions.
    pub total_count: usize,
    /// Up to three reactors `(id, short name)`: the caller first when they reacted, then
    /// the newest others.
    pub top_reactors: Vec<(UserId, String)>,
}

/// Summarises the reactions of one activity for `caller`.
pub fn summarize(mut reactions: Vec<Reaction>, caller: UserId) -> ReactionSummary {
    reactions.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.user.cmp(&b.user))
    });
    let mut groups: Vec<(EmojiCount, DateTime<Utc>)> = Vec::new();
    for r in &reactions {
        match groups.iter_mut().find(|(g, _)| g.emoji == r.emoji) {
            Some((g, _)) => {
                g.count += 1;
                g.reactor_ids.push(r.user);
                g.current_user_reacted |= r.user == caller;
            }
            None => groups.push((
                EmojiCount {
                    emoji: r.emoji.clone(),
                    count: 1,
                    reactor_ids: vec![r.user],
                    current_user_reacted: r.user == caller,
                },
                r.created_at,
            )),
        }
    }
    groups.sort_by(|(a, at), (b, bt)| {
        b.count
            .cmp(&a.count)
            .then_with(|| bt.cmp(at))
            .then_with(|| a.emoji.cmp(&b.emoji))
    });
    let mut top: Vec<(UserId, String)> = reactions
        .iter()
        .filter(|r| r.user == caller)
        .take(1)
        .map(|r| (r.user, short_name(&r.display_name)))
        .collect();
    for r in reactions.iter().filter(|r| r.user != caller) {
        if top.len() >= 3 {
            break;
        }
        if !top.iter().any(|(id, _)| *id == r.user) {
            top.push((r.user, short_name(&r.display_name)));
        }
    }
    ReactionSummary {
        total_count: reactions.len(),
        reactions: groups.into_iter().map(|(g, _)| g).collect(),
        top_reactors: top,
    }
}

/// Whether a sender's local date is credible: within one day of the UTC date of `now`.
pub fn date_in_window(date: NaiveDate, now: DateTime<Utc>) -> bool {
    let today = now.date_naive();
    date >= today - Duration::days(1) && date <= today + Duration::days(1)
}

/// Whether `date` is an active day of a goal with `active_days` (bit 0 = Sunday … bit 6 =
/// Saturday); no mask, or an empty one, means every day.
pub fn is_active_day(active_days: Option<i32>, date: NaiveDate) -> bool {
    match active_days {
        None => true,
        Some(mask) if mask & 0x7f == 0 => true,
        Some(mask) => mask & (1 << date.weekday().num_days_from_sunday()) != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap_or_default()
    }

    fn r(user: UserId, name: &str, emoji: &str, secs: i64) -> Reaction {
        Reaction {
            user,
            display_name: crate::user::DisplayName::stored(name.into()),
            emoji: emoji.into(),
            created_at: at(secs),
        }
    }

    fn uid() -> UserId {
        UserId::from_uuid(Uuid::new_v4())
    }

    #[test]
    fn emoji_set_and_bare_heart() {
        for e in EMOJIS {
            assert_eq!(Emoji::parse(e).map(|e| e.as_str()), Ok(e));
        }
        assert_eq!(Emoji::parse("❤").map(|e| e.as_str()), Ok("❤\u{fe0f}"));
        assert_eq!(Emoji::parse("😂"), Err(UnknownEmoji));
        assert_eq!(Emoji::parse(""), Err(UnknownEmoji));
        assert_eq!(Emoji::parse("🔥🔥"), Err(UnknownEmoji));
    }

    #[test]
    fn short_names() {
        assert_eq!(short_name("Jane Mary doe"), "Jane D.");
        assert_eq!(short_name("Cher"), "Cher");
        assert_eq!(short_name("  Ann   Lee "), "Ann L.");
        assert_eq!(short_name("ann élan"), "ann É.");
    }

    #[test]
    fn groups_order_by_count_then_newest_then_emoji() {
        let (a, b, c, d) = (uid(), uid(), uid(), uid());
        let s = summarize(
            vec![
                r(a, "A", "🔥", 1),
                r(b, "B", "🔥", 2),
                r(c, "C", "💪", 5),
                r(d, "D", "🎉", 5),
            ],
            c,
        );
        let order: Vec<&str> = s.reactions.iter().map(|g| g.emoji.as_str()).collect();
        assert_eq!(order, ["🔥", "🎉", "💪"]);
        assert_eq!(s.reactions[0].reactor_ids, vec![b, a]);
        assert!(!s.reactions[0].current_user_reacted);
        assert!(s.reactions[2].current_user_reacted);
        assert_eq!(s.total_count, 4);
    }

    #[test]
    fn the_caller_leads_the_top_reactors() {
        let (a, b, c, d, me) = (uid(), uid(), uid(), uid(), uid());
        let s = summarize(
            vec![
                r(me, "Me Myself", "🔥", 0),
                r(a, "Ann Lee", "🔥", 4),
                r(b, "Bob", "💪", 3),
                r(c, "Cy Dee", "🎉", 2),
                r(d, "Di", "🎉", 1),
            ],
            me,
        );
        assert_eq!(
            s.top_reactors,
            vec![
                (me, "Me M.".into()),
                (a, "Ann L.".into()),
                (b, "Bob".into())
            ]
        );
        let none = summarize(vec![], me);
        assert!(none.reactions.is_empty() && none.top_reactors.is_empty());
    }

    #[test]
    fn the_date_window_is_utc_today_plus_minus_one() {
        let now = DateTime::parse_from_rfc3339("2026-03-10T12:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert!(date_in_window(d("2026-03-09"), now));
        assert!(date_in_window(d("2026-03-11"), now));
        assert!(!date_in_window(d("2026-03-08"), now));
        assert!(!date_in_window(d("2026-03-12"), now));
    }

    #[test]
    fn active_days_bit_zero_is_sunday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap_or_default();
        let monday = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default();
        assert!(is_active_day(None, sunday));
        assert!(is_active_day(Some(1), sunday));
        assert!(!is_active_day(Some(1), monday));
        assert!(is_active_day(Some(0b0111110), monday));
        assert!(!is_active_day(Some(0b0111110), sunday));
    }
}
