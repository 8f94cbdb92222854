//! The fixed vocabulary of bounce reasons, under the names Sisimai uses.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! reasons {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// Why a message could not be delivered (or, for `Delivered`, `Feedback`
        /// and `Vacation`, what kind of report it was instead).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum Reason {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )+
        }

        impl Reason {
            /// Every reason, in alphabetical order of its name.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant),+];

            /// The name used in JSON output and on the command line.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Reason::$variant => $name),+
                }
            }
        }

        impl FromStr for Reason {
            type Err = UnknownReason;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(Reason::$variant),)+
                    // Names Sisimai used before 5.6 merged them.
                    "mesgtoobig" | "exceedlimit" => Ok(Reason::EmailTooLarge),
                    "speeding" | "toomanyconn" => Ok(Reason::RateLimited),
                    _ => Err(UnknownReason(s.to_owned())),
                }
            }
        }
    };
}

reasons! {
    AuthFailure => "authfailure",
    BadReputation => "badreputation",
    Blocked => "blocked",
    ContentError => "contenterror",
    Delivered => "delivered",
    EmailTooLarge => "emailtoolarge",
    Expired => "expired",
    FailedStartTls => "failedstarttls",
    Feedback => "feedback",
    Filtered => "filtered",
    HasMoved => "hasmoved",
    HostUnknown => "hostunknown",
    MailboxFull => "mailboxfull",
    MailerError => "mailererror",
    NetworkError => "networkerror",
    NoRelaying => "norelaying",
    NotAccept => "notaccept",
    NotCompliantRfc => "notcompliantrfc",
    OnHold => "onhold",
    PolicyViolation => "policyviolation",
    RateLimited => "ratelimited",
    Rejected => "rejected",
    RequirePtr => "requireptr",
    SecurityError => "securityerror",
    SpamDetected => "spamdetected",
    Suppressed => "suppressed",
    Suspend => "suspend",
    SyntaxError => "syntaxerror",
    SystemError => "systemerror",
    SystemFull => "systemfull",
    Undefined => "undefined",
    UserUnknown => "userunknown",
    Vacation => "vacation",
    VirusDetected => "virusdetected",
}

impl Reason {
    /// Whether a bounce for this reason means the address should not be mailed
    /// again. `notaccept` is hard only when the status is permanent (5.x.x).
    pub fn is_hard(self, status: Option<&crate::smtp::Status>) -> bool {
        match self {
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => true,
            Reason::NotAccept => status.map_or(true, |s| s.class() == 5),
            _ => false,
        }
    }

    /// Reports that are not failures: delivery notices, feedback, auto-replies.
    pub fn is_failure(self) -> bool {
        !matches!(
            self,
            Reason::Delivered | Reason::Feedback | Reason::Vacation
        )
    }
}

impl Default for Reason {
    fn default() -> Self {
        Reason::Undefined
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reason name that is not part of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown reason {0:?}; `bounce reasons` lists the vocabulary")]
pub struct UnknownReason(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_sorted() {
        for pair in Reason::ALL.windows(2) {
            assert!(
                pair[0].as_str() < pair[1].as_str(),
                "{} !< {}",
                pair[0],
                pair[1]
            );
        }
        for &r in Reason::ALL {
            assert_eq!(r.as_str().parse::<Reason>().unwrap(), r);
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        assert_eq!(Reason::ALL.len(), 34);
    }

    #[test]
    fn merged_names_are_accepted() {
        assert_eq!(
            "mesgtoobig".parse::<Reason>().unwrap(),
            Reason::EmailTooLarge
        );
        assert_eq!(
            "toomanyconn".parse::<Reason>().unwrap(),
            Reason::RateLimited
        );
        assert!("nonsense".parse::<Reason>().is_err());
    }
}
