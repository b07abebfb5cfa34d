//! E-mails sent by the account use cases.

use pursue_ports::outbox::EmailMessage;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The password-reset e-mail with its link.
pub(super) fn reset(to: &str, link: &str) -> EmailMessage {
    EmailMessage {
        to: to.to_string(),
        subject: "Reset your Pursue password".into(),
        text: format!(
            "Someone asked to reset the password of your Pursue account.\n\n\
             Open this link within one hour to choose a new password:\n{link}\n\n\
             If it was not you, ignore this e-mail; your password stays the same.\n"
        ),
        html: format!(
            "<p>Someone asked to reset the password of your Pursue account.</p>\
             <p><a href=\"{l}\">Choose a new password</a> (the link works for one hour).</p>\
             <p>If it was not you, ignore this e-mail; your password stays the same.</p>",
            l = escape(link)
        ),
    }
}

/// The confirmation that an account was deleted.
pub(super) fn deleted(to: &str, name: &str, purge_days: u32) -> EmailMessage {
    EmailMessage {
        to: to.to_string(),
        subject: "Your Pursue account was deleted".into(),
        text: format!(
            "Hi {name},\n\nyour Pursue account has been deleted. Its data is removed for good \
             after {purge_days} days.\n"
        ),
        html: format!(
            "<p>Hi {n},</p><p>your Pursue account has been deleted. Its data is removed for \
             good after {purge_days} days.</p>",
            n = escape(name)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_mail_carries_the_escaped_link() {
        let m = reset("a@b.co", "https://x.org/reset-password?token=ab&x=<");
        assert!(m.text.contains("https://x.org/reset-password?token=ab&x=<"));
        assert!(m.html.contains("token=ab&amp;x=&lt;"));
        assert_eq!(m.to, "a@b.co");
    }
}
