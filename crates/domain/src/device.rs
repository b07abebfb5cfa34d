//! Devices that receive push notifications (docs/API.md, Devices).

bounded_text!(
    /// An FCM registration token: 1–256 characters.
    pub struct FcmToken, 1, 256
);

bounded_text!(
    /// A device's display name: at most 128 characters (empty means none).
    pub struct DeviceName, 0, 128
);

string_enum!(
    /// The platform a device runs.
    pub enum Platform {
        /// Android phones and tablets.
        Android => "android",
        /// iPhones and iPads.
        Ios => "ios",
        /// Browsers.
        Web => "web",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextError;

    #[test]
    fn tokens_are_one_to_256_characters() {
        assert!(FcmToken::parse(&"a".repeat(256)).is_ok());
        assert!(FcmToken::parse(&"a".repeat(257)).is_err());
        assert_eq!(FcmToken::parse(""), Err(TextError::Empty));
        assert_eq!(FcmToken::parse(" tok ").unwrap().as_str(), "tok");
    }

    #[test]
    fn names_are_at_most_128_characters() {
        assert!(DeviceName::parse(&"ü".repeat(128)).is_ok());
        assert!(DeviceName::parse(&"ü".repeat(129)).is_err());
    }

    #[test]
    fn platforms_are_the_three_wire_names() {
        assert_eq!(Platform::parse("android"), Ok(Platform::Android));
        assert_eq!(Platform::parse("ios").unwrap().as_str(), "ios");
        assert!(Platform::parse("Android").is_err());
        assert!(Platform::parse("windows").is_err());
    }
}
