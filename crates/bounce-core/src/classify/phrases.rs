//! The phrase table: the fixed wordings that mail servers and providers use for
//! each reason, as data, and the one set of literals that finds all of them in a
//! diagnostic at once.
//!
//! The wordings follow Sisimai's `Sisimai::Reason::*` modules (their `match`
//! lists), so that a text names the reasons it names there; a few come from
//! the seed document (Japanese providers) and from the corpus. Two kinds of
//! entry exist:
//!
//! - a *phrase*, found anywhere in the text (ASCII case-insensitive);
//! - a *sequence*, fragments that must all be found, in order and without
//!   overlapping (`"user "` … `" not found"`), which is what Sisimai's
//!   `aligned` pairs and most of its regular expressions express.
//!
//! [`Table::new`] files every phrase, every fragment and every provider
//! phrase into one set of literals ([`Literals`]), once. Scanning a diagnostic
//! is one pass that finds every occurrence of all of them: the result,
//! [`Hits`], says for each
//! reason whether the text names it and with which words. Which of several
//! named reasons wins is not decided here but in `decide.rs`, which replays
//! Sisimai's order of checks; the status-code table is in `status.rs`.

use super::{decide, Clue, Phrase, Verdict};
use crate::literals::Literals;
use crate::reason::Reason;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use Reason::*;

/// The core phrases, by reason. Lowercase for readability; matching ignores
/// ASCII case. Whitespace inside a phrase is a single space (the text is
/// normalised the same way before scanning).
pub(super) static PHRASES: &[(Reason, &[&str])] = &[
    (
        AuthFailure,
        &[
            "//spf.pobox.com",
            "bad spf records for",
            "dmarc policy",
            "please inspect your spf settings",
            "sender policy framework (spf) fail",
            "sender policy framework violation",
            "spf (sender policy framework) domain authentication fail",
            "spf check: fail",
            "fails to pass spf checks",
            "did not pass dmarc",
            "dkim signature validation failed",
            "dmarc verification failed",
            "sender is unauthenticated",
            "does not have authentication information or fails to pass",
            "is not accepted due to domain's dmarc policy",
            "5.7.26 unauthenticated email",
        ],
    ),
    (
        BadReputation,
        &[
            "a poor email reputation score",
            "has been temporarily rate limited due to ip reputation",
            "ip/domain reputation problems",
            "likely suspicious due to the very low reputation",
            "none/bad reputation",
            "the sending mta's poor reputation",
            // Yahoo's TSS04; its remote-host rule calls it rejected.
            "temporarily deferred due to unexpected volume or user complaints",
            "sender reputation",
            "low reputation of the sending domain",
        ],
    ),
    (
        Blocked,
        &[
            " said: 550 blocked",
            "//www.spamcop.net/bl.",
            "access denied. ip name lookup failed",
            "bad sender ip address",
            "banned sending ip",
            "blacklisted by",
            "blocklisted by",
            "blocked using ",
            "blocked - see http",
            "client host blocked",
            "client host rejected: abus detecte gu_eib_02",
            "client host rejected: abus detecte gu_eib_04",
            "client host rejected: may not be mail exchanger",
            "client host rejected: was not authenticated",
            "confirm this mail server",
            "connection dropped",
            "connection refused by",
            "connection reset by peer",
            "connection was dropped by remote host",
            "connections not accepted from",
            "dnsbl:attrbl",
            "esmtp not accepting connections",
            "extreme bad ip profile",
            "go away",
            "helo command rejected:",
            "host network not allowed",
            "hosts with dynamic ip",
            "invalid ip for sending mail of domain",
            "ip address blocked",
            "ip blacklisted",
            "is in a black list",
            "is in an rbl",
            "is listed in spamhaus",
            "is not allowed to send mail from",
            "listed on spamhaus",
            "no access from mail server",
            "no matches to nameserver query",
            "not currently accepting mail from your ip",
            "part of their network is on our block list",
            "please use the smtp server of your isp",
            "refused - see http",
            "rejected - multi-blacklist",
            "rejected because the sending mta or the sender has not passed validation",
            "rejecting open proxy",
            "sender ip address rejected",
            "server access forbidden by your ip ",
            "service not available, closing transmission channel",
            "smtp error from remote mail server after initial connection:",
            "sorry, your remotehost looks suspiciously like spammer",
            "to submit messages to this e-mail system has been rejected",
            "too many spams from your ip",
            "too many unwanted messages have been sent from the following ip address above",
            "was blocked by ",
            "we do not accept mail from dynamic ips",
            "you are not allowed to connect",
            "you are sending spam",
            "your ip address is listed in the rbl",
            "your network is temporary blacklisted",
            "your server requires confirmation",
            "adresse ip source bloquee",
            "(bl)",
        ],
    ),
    (
        ContentError,
        &[
            "header size exceeds maximum permitted",
            "improper use of 8-bit data in message header",
            "message header size, or recipient list, exceeds policy limit",
            "message mime complexity exceeds the policy maximum",
            "routing loop detected -- too many received: headers",
            "this message contain invalid mime headers",
            "this message contain improperly-formatted binary content",
            "this message contain text that uses unnecessary base64 encoding",
            "media error",
        ],
    ),
    (
        EmailTooLarge,
        &[
            "exceeded maximum inbound message size",
            "line limit exceeded",
            "max message size exceeded",
            "message file too big",
            "message header size exceeds limit",
            "message length exceeds administrative limit",
            "message size exceeds fixed limit",
            "message size exceeds fixed maximum message size",
            "message size exceeds maximum value",
            "message size exceeds the maximum",
            "message too big",
            "message too large",
            "message is too large",
            "message exceeds the maximum size",
            "size limit",
            "recipsizelimit",
            "taille limite du message atteinte",
        ],
    ),
    (
        Expired,
        &[
            "connection timed out",
            "could not find a gateway for",
            "delivery attempts will continue to be",
            "delivery expired",
            "delivery time expired",
            "failed to deliver to domain ",
            "giving up on",
            "has been delayed",
            "it has not been collected after",
            "message expired after sitting in queue for",
            "message expired, cannot connect to remote server",
            "message expired, connection refulsed",
            "message expired",
            "message timed out",
            "queue.expired",
            "retry time not reached for any host after a long failure period",
            "retry timeout exceeded",
            "server did not respond",
            "this message has been in the queue too long",
            "too long in queue",
            "was not reachable within the allowed queue period",
            "your message could not be delivered for more than",
            "message will be retried for",
            "did not accept our requests to connect",
        ],
    ),
    (
        FailedStartTls,
        &[
            "starttls is required to send mail",
            "must issue a starttls command first",
            "does not support tls",
            "tls is required",
            "tls required but not supported",
            "tls negotiation failed",
            "tls handshake failed",
            "failed to establish tls",
            "encryption required for requested authentication mechanism",
        ],
    ),
    (
        Filtered,
        &[
            "because the recipient is only accepting mail from specific email addresses",
            "bounced address",
            "due to extended inactivity new mail is not currently being accepted for this mailbox",
            "has restricted sms e-mail",
            "is not accepting any mail",
            "message filtered",
            "message rejected due to user rules",
            "not found recipient account",
            "refused due to recipient preferences",
            "resolver.rst.notauthorized",
            "this account is protected by",
            "user not found",
            "user refuses to receive this mail",
            "user reject",
            "we failed to deliver mail because the following address recipient id refuse to receive mail",
            "you have been blocked by the recipient",
        ],
    ),
    (HasMoved, &[" has been replaced by ", "recipient no longer on server", "mailbox has moved"]),
    (
        HostUnknown,
        &[
            "domain does not exist",
            "domain is not reachable",
            "domain must exist",
            "host or domain name not found",
            "host unknown",
            "host unreachable",
            "mail domain mentioned in email address is unknown",
            "name or service not known",
            "no such domain",
            "recipient address rejected: unknown domain name",
            "recipient domain must exist",
            "the account or domain may not exist",
            "unknown host",
            "unroutable address",
            "unrouteable address",
        ],
    ),
    (
        MailboxFull,
        &[
            "account disabled temporarly for exceeding receiving limits",
            "account is exceeding their quota",
            "account is over quota",
            "account is temporarily over quota",
            "boite du destinataire pleine",
            "delivery failed: over quota",
            "disc quota exceeded",
            "disk quota",
            "diskspace quota",
            "does not have enough space",
            "exceeded storage allocation",
            "exceeding its mailbox quota",
            "full mailbox",
            "inbox is out of storage space",
            "is over disk quota",
            "is over quota temporarily",
            "mail file size exceeds the maximum size allowed for mail delivery",
            "mail quota exceeded",
            "mailbox exceeded the local limit",
            "mailbox full",
            "mailbox has exceeded its disk space limit",
            "mailbox is full",
            "mailbox over quota",
            "mailbox quota usage exceeded",
            "mailbox size limit exceeded",
            "maildir over quota",
            "maildir delivery failed: userdisk quota ",
            "maildir delivery failed: domaindisk quota ",
            "mailfolder is full",
            "no space left on device",
            "not enough disk space",
            "not enough storage space in",
            "not sufficient disk space",
            "over quota",
            "over the allowed quota",
            "quota exceeded",
            "quota violation for",
            "recipient reached disk quota",
            "recipient rejected: mailbox would exceed maximum allowed storage",
            "the recipient mailbox has exceeded its disk space limit",
            "the user's space has been used up",
            "the user you are trying to reach is over quota",
            "too much mail data",
            "user has exceeded quota, bouncing mail",
            "user has too many messages on the server",
            "user is over quota",
            "user is over the quota",
            "user over quota",
            "was automatically rejected: quota exceeded",
            "would be over the allowed quota",
            "their mailbox is full",
            "メールボックスが一杯",
            "メールボックスがいっぱい",
            "メールボックスが満杯",
        ],
    ),
    (
        MailerError,
        &[
            " || exit ",
            "procmail: ",
            "bin/procmail",
            "bin/maidrop",
            "command failed: ",
            "command died with status ",
            "command output:",
            "mailer error",
            "pipe to |/",
            "x-unix; ",
        ],
    ),
    (
        NetworkError,
        &[
            "could not connect and send the mail to",
            "dns records for the destination computer could not be found",
            "had no relevant answers",
            "hop count exceeded - possible mail loop",
            "host is unreachable",
            "host name lookup failure",
            "host not found, try again",
            "lost connection with",
            "mail forwarding loop for ",
            "malformed name server reply",
            "malformed or unexpected name server reply",
            "maximum forwarding loop count exceeded",
            "maximum hop count exceeded",
            "message looping",
            "message probably in a routing loop",
            "no route to host",
            "responded with code nxdomain",
            "responded with code servfail",
            "too many hops",
            "unable to resolve route ",
            "unrouteable mail domain",
        ],
    ),
    (
        NoRelaying,
        &[
            "as a relay",
            "email address is not verified.",
            "insecure mail relay",
            "is not permitted to relay through this server without authentication",
            "mail server requires authentication when attempting to send to a non-local e-mail address",
            "not a gateway",
            "not allowed to relay through this machine",
            "not an open relay, so get lost",
            "not local host",
            "no relaying",
            "relay access denied",
            "relay denied",
            "relay not permitted",
            "relaying denied",
            "relaying mail to ",
            "specified domain is not allowed",
            "that domain isn't in my list of allowed rcpthost",
            "this system is not configured to relay mail",
            "unable to relay for",
            "we don't handle mail for",
        ],
    ),
    (
        NotAccept,
        &[
            "does not accept mail (nullmx)",
            "doesn't receive email according to the administrator",
            "host/domain does not accept mail",
            "host does not accept mail",
            "mail receiving disabled",
            "name server: .: host not found",
            "no mx record found for domain=",
            "no route for current request",
            "null mx",
            "smtp protocol returned a permanent error",
        ],
    ),
    (
        NotCompliantRfc,
        &[
            "this message is not rfc 5322 compliant",
            "is not rfc 5322 compliant",
            "rfcmessagenoncompliant",
            "duplicate header",
            "messages with multiple addresses in from: header",
            "multiple addresses in from:",
            "there are multiple subject headers",
        ],
    ),
    (
        PolicyViolation,
        &[
            "because the recipient is not accepting mail with ",
            "closed mailing list",
            "denied by policy",
            "email not accepted for policy reasons",
            "email rejected due to security policies",
            "header error",
            "local policy violation",
            "message given low priority",
            "message not accepted for policy reasons",
            "protocol violation",
            "rejected for policy reasons",
            "the email address used to send your message is not subscribed to this group",
            "you have exceeded the allowable number of posts without solving a captcha",
            "you have exceeded the the allowable number of posts without solving a captcha",
        ],
    ),
    (
        RateLimited,
        &[
            "all available ips are at maximum connection limit",
            "connection frequency limited",
            "connection rate limit exceeded",
            "exceeds per-domain connection limit for",
            "frequency limited",
            "has exceeded the max emails per hour ",
            "mail sent from your ip address has been temporarily rate limited",
            "please try again slower",
            "rate limit exceeded",
            "receiving mail at a rate that prevents additional messages from being delivered",
            "throttling failure: daily message quota exceeded",
            "throttling failure: maximum sending rate exceeded",
            "too many concurrent smtp connections",
            "too many connections",
            "too many errors from your ip",
            "too many recipients",
            "too many smtp sessions for this host",
            "trop de connexions, ",
            "we have already made numerous attempts to deliver this message",
        ],
    ),
    (
        Rejected,
        &[
            "access denied (in reply to mail from command)",
            "administrative prohibition",
            "all recipient addresses rejected",
            "backscatter protection detected an invalid or expired email address",
            "batv failed to verify",
            "batv validation failure",
            "by the sender's provider",
            "can't determine purported responsible address",
            "denied by secumail valid-address-filter",
            "domain of sender address ",
            "email address is on senderfilterconfig list",
            "emetteur invalide",
            "empty email address",
            "empty envelope senders not allowed",
            "from: domain is invalid. please provide a valid from:",
            "invalid domain, see <url:",
            "invalid sender",
            "is not a registered gateway user",
            "mail from not owned by user",
            "mailfrom domain is listed in spamhaus",
            "null sender is not allowed",
            "returned mail not accepted here",
            "rfc 1035 violation: recursive cname records for",
            "rule imposed mailbox access for",
            "sender address has been blacklisted",
            "sender address rejected",
            "sender email address rejected",
            "sender is in my badmailfrom list",
            "sender is spammer",
            "sender not pre-approved",
            "sender rejected",
            "sender domain is empty",
            "sender verify failed",
            "sender was rejected",
            "spam reporting address",
            "syntax error: empty email address",
            "the message has been rejected by batv defense",
            "this server does not accept mail from",
            "transaction failed unsigned dsn for",
            "unroutable sender address",
            "you are not allowed to post to this mailing list",
            "you are sending to/from an address that has been blacklisted",
            "your access to submit messages to this e-mail system has been rejected",
            "your email address has been blacklisted",
            " is empty",
            "empty address",
            "empty envelope sender",
        ],
    ),
    (
        RequirePtr,
        &[
            "access denied. ip name lookup failed",
            "all mail servers must have a ptr record with a valid reverse dns entry",
            "bad dns ptr resource record",
            "cannot find your hostname",
            "client host rejected: cannot find your hostname",
            "fix reverse dns for",
            "ips with missing ptr records",
            "no ptr record found.",
            "please get a custom reverse dns name from your isp for your host",
            "ptr record setup",
            "reverse dns failed",
            "reverse dns required",
            "sender ip reverse lookup rejected",
            "the ip address sending this message does not have a ptr record setup",
            "the corresponding forward dns entry does not point to the sending ip",
            "this system will not accept messages from servers/devices with no reverse dns",
            "unresolvable relay host name",
            "we do not accept mail from hosts with dynamic ip or generic dns ptr-records",
        ],
    ),
    (
        SecurityError,
        &[
            "account not subscribed to ses",
            "authentication credentials invalid",
            "authentication failure",
            "authentication required",
            "authentication turned on in your email client",
            "turn on smtp authentication",
            "executable files are not allowed in compressed files",
            "insecure mail relay",
            "sorry, you don't authenticate or the domain isn't in my list of allowed rcpthosts",
            "unauthenticated senders not allowed",
            "verification failure",
            "you are not authorized to send mail, authentication is required",
        ],
    ),
    (
        SpamDetected,
        &[
            " - spam",
            "//www.barracudanetworks.com/reputation/",
            "blacklisted url in message",
            "bulk mail rejected",
            "bulk email",
            "content filter rejection",
            "cyberoam anti spam engine has identified this email as a bulk email",
            "denied due to spam list",
            "high probability of spam",
            "is classified as spam and is rejected",
            "listed in work.drbl.imedia.ru",
            "the mail server detected your message as spam and has prevented delivery.",
            "mail appears to be unsolicited",
            "mail content denied",
            "may consider spam",
            "message considered as spam or virus",
            "message contains spam or virus",
            "message content rejected",
            "message detected as spam",
            "message filtered. please see the faqs section on spam",
            "message filtered. refer to the troubleshooting page at",
            "message looks like spam",
            "message is being rejected as it seems to be a spam",
            "message refused by mailmarshal spamprofiler",
            "message refused by trustwave seg spamprofiler",
            "message rejected as spam",
            "message rejected because of unacceptable content",
            "message rejected due to suspected spam content",
            "message rejected for possible spam content",
            "message was rejected for possible spam/virus content",
            "our email server thinks this email is spam",
            "our system has detected that this message is ",
            "probable spam",
            "reject bulk.advertising",
            "rejected: spamassassin score ",
            "rejected - bulk email",
            "rejecting banned content",
            "rejecting mail content",
            "related to content with spam-like characteristics",
            "sender domain listed at ",
            "sending address not accepted due to spam filter",
            "spam blocked",
            "spam check",
            "spam content matched",
            "spam detected",
            "spam email",
            "spam email not accepted",
            "spam message rejected.",
            "spam not accepted",
            "spam refused",
            "spam rejection",
            "spam score ",
            "spambouncer identified spam",
            "spamming not allowed",
            "too many spam complaints",
            "too much spam.",
            "the email message was detected as spam",
            "the message has been rejected by spam filtering engine",
            "the message was rejected due to classification as bulk mail",
            "the content of this message looked like spam",
            "this message appears to be spam",
            "this message has been identified as spam",
            "this message has been scored as spam with a probability",
            "this message was classified as spam",
            "this message was rejected by recurrent pattern detection system",
            "transaction failed spam message not queued",
            "we dont accept spam",
            "your email appears similar to spam we have received before",
            "your email breaches local uribl policy",
            "your email had spam-like ",
            "your email is considered spam",
            "your email is probably spam",
            "your email was detected as spam",
            "your message as spam and has prevented delivery",
            "your message has been temporarily blocked by our filter",
            "your message has been rejected because it appears to be spam",
            "your message has triggered a spam block",
            "your message may contain the spam contents",
            "your message failed several antispam checks",
        ],
    ),
    (
        Suppressed,
        &[
            "has suppressed sending to this address",
            "on the suppression list",
            "on the account-level suppression list",
        ],
    ),
    (
        Suspend,
        &[
            " is currently suspended",
            " temporary locked",
            "address no longer accepts mail",
            "archived recipient",
            "boite du destinataire archivee",
            "email account that you tried to reach is disabled",
            "email account that you tried to reach is inactive",
            "has been suspended",
            "invalid/inactive user",
            "is a deactivated mailbox",
            "is unavailable: user is terminated",
            "mailbox currently suspended",
            "mailbox disabled",
            "mailbox is frozen",
            "mailbox unavailable or access denied",
            "recipient account is blocked",
            "recipient rejected: temporarily inactive",
            "recipient suspend the service",
            "this account has been disabled or discontinued",
            "this account has been temporarily suspended",
            "this address no longer accepts mail",
            "this mailbox is disabled",
            "user account disabled",
            "user or domain is disabled",
            "user suspended",
            "vdelivermail: account is locked email bounced",
        ],
    ),
    (
        SystemError,
        &[
            "... service unavailable",
            // Yahoo's own servers giving up inside their system: the labelled
            // sample calls it a system error, not an expiry of our queue.
            "unable to deliver message after multiple retries",
            "aliasing/forwarding loop broken",
            "can't create user output file",
            "could not load drd for domain",
            "internal error reading data",
            "internal server error: operation now in progress",
            "interrupted system call",
            "it encountered an error while being processed",
            "it would create a mail loop",
            "local configuration error",
            "local error in processing",
            "loop was found in the mail exchanger",
            "loops back to myself",
            "mail system configuration error",
            "queue file write error",
            "recipient deferred because there is no mdb",
            "remote server is misconfigured",
            "server configuration error",
            "service currently unavailable",
            "system config error",
            "temporary local problem",
            "timeout waiting for input",
            "transaction failed ",
        ],
    ),
    (
        SystemFull,
        &[
            "insufficient disk space",
            "insufficient system storage",
            "mail system full",
            "requested mail action aborted: exceeded storage allocation",
        ],
    ),
    (
        UserUnknown,
        &[
            "#5.1.1 bad address",
            "<> invalid sender",
            "address does not exist",
            "address unknown",
            "archived recipient",
            "bad-mailbox",
            "can't accept user",
            "destination addresses were unknown",
            "destination server rejected recipients",
            "email address does not exist",
            "email address could not be found",
            "inactive email address",
            "invalid address",
            "invalid mailbox",
            "invalid mailbox path",
            "invalid recipient",
            "is not a known user",
            "is not a valid mailbox",
            "is not an active address at this host",
            "mailbox does not exist",
            "mailbox invalid",
            "mailbox is inactive",
            "mailbox is unavailable",
            "mailbox not present",
            "mailbox not found",
            "mailbox unavaiable",
            "nessun utente simile in questo indirizzo",
            "no account by that name",
            "no existe dicha persona",
            "no existe ese usuario ",
            "no mail box available for this user",
            "no mailbox by that name",
            "no mailbox found",
            "no mailbox here by that name",
            "no such address",
            "no such email address",
            "no such mail drop defined",
            "no such mailbox",
            "no such person at this address",
            "no such recipient",
            "no such user",
            "no thank you rejected: account unavailable",
            "no valid recipients, bye",
            "not a valid recipient",
            "not a valid user here",
            "not a local address",
            "not email addresses",
            "not listed in domino directory",
            "not listed in public name & address book",
            "not registered",
            "not valid user",
            "notre destinataire est inconnu",
            "recipient address rejected: access denied",
            "recipient address rejected: invalid user",
            "recipient address rejected: invalid-recipient",
            "recipient address rejected: unknown user",
            "recipient address rejected: user unknown",
            "recipient address rejected: userunknown",
            "recipient does not exist",
            "recipient is not accepted",
            "recipient is not local",
            "recipient not exist",
            "recipient not found",
            "recipient not ok",
            "recipient refuses to accept your mail",
            "recipient unknown",
            "recipientnotfound",
            "recipnotfound",
            "requested action not taken: mailbox unavailable",
            "resolver.adr.recipient notfound",
            "sorry, no mailbox here by that name",
            "sorry, user unknown",
            "the email account that you tried to reach does not exist",
            "the following recipients was undeliverable",
            "the user does not exist",
            "this recipient is in my badrecipientto list",
            "unknown e-mail address",
            "unknown local part",
            "unknown mailbox",
            "unknown recipient",
            "unknown user",
            "user does not exist",
            "user missing home directory",
            "user not active",
            "user not exist",
            "user not found",
            "user not known",
            "user unknown",
            "utilisateur inconnu !",
            "vdeliver: invalid or unknown virtual user",
            "weil die adresse nicht gefunden wurde oder keine e-mail-adresse ist",
            "your envelope recipient is in my badrecipientto list",
            "ディレクトリには見つかりません",
        ],
    ),
    (
        Vacation,
        &["i am away on vacation", "i am away until", "i am out of the office", "i will be traveling for work on"],
    ),
    (
        VirusDetected,
        &[
            "it has a potentially executable attachment",
            "the message was rejected because it contains prohibited virus or spam content",
            "this form of attachment has been used by recent viruses or other malware",
            "virus detected",
            "virus phishing/malicious_url detected",
            "your message was infected with a virus",
        ],
    ),
];

/// Fragments that name a reason when all are found in this order, the way
/// Sisimai's `aligned` pairs do (`"user "` … `" not found"`).
pub(super) static SEQUENCES: &[(Reason, &[&[&str]])] = &[
    (
        AuthFailure,
        &[
            &[" is not allowed to send mail.", "_401"],
            &["is not allowed to send from <", " per it's spf record"],
        ],
    ),
    (
        Blocked,
        &[
            &["access from ip address ", " blocked"],
            &["client host ", " blocked using"],
            &[
                "connections will not be accepted from ",
                " because the ip is in spamhaus's list",
            ],
            &["dynamic", " ip"],
            &[
                "email from ",
                " is currently blocked by verizon online's anti-spam system",
            ],
            &["host ", " refused to talk to me: ", " blocked"],
            &["ip ", " is blacklisted"],
            &["mail server at ", " is blocked"],
            &["mail from ", " refused:"],
            &["message from ", " rejected based on blacklist"],
            &[
                "messages from ",
                " temporarily deferred due to user complaints",
            ],
            &["server ip ", " listed as abusive"],
            &["sorry! your ip address", " is blocked by rbl"],
            &["the domain ", " is blacklisted"],
            &["the email ", " is blacklisted"],
            &["the ip", " is blacklisted"],
            &[
                "veuillez essayer plus tard. service refused, please try later. ",
                "103",
            ],
            &[
                "veuillez essayer plus tard. service refused, please try later. ",
                "510",
            ],
            &["your sender's ip address is listed at ", ".abuseat.org"],
        ],
    ),
    (HostUnknown, &[&["553 ", " does not exist"]]),
    (
        PolicyViolation,
        &[&[
            "this message was blocked because its content presents a potential",
            "security issue",
        ]],
    ),
    (Rejected, &[&["sender ", " rejected"]]),
    (
        RequirePtr,
        &[
            &["domain ", " mismatches client ip"],
            &["dns lookup failure: ", " try again later"],
            &["reverse dns lookup for host ", " failed permanently"],
            &[
                "server access ",
                " forbidden by invalid rdns record of your mail server",
            ],
            &["service permits ", " unverifyable sending ips"],
        ],
    ),
    (
        SecurityError,
        &[
            &["authentication failed; server ", " said: "],
            &["authentification invalide", "305"],
            &["authentification requise", "402"],
            &[
                "user ",
                " is not authorized to perform ses:sendrawemail on resource",
            ],
        ],
    ),
    (
        SpamDetected,
        &[
            &["greylisted", " please try again in"],
            &["mail rejete. mail rejected. ", "506"],
            &[
                "our filters rate at and above ",
                " percent probability of being spam",
            ],
            &["rejected by ", " (spam)"],
            &["rejected due to spam ", "classification"],
            &["rejected due to spam ", "content"],
            &["rule imposed as ", " is blacklisted on"],
            &["spam ", " exceeded"],
            &["this message scored ", " spam points"],
        ],
    ),
    (SystemError, &[&["unable to connect ", "daemon"]]),
    (
        UserUnknown,
        &[
            &[" user ", " does not exist"],
            &["<", "> not found"],
            &["<", ">... blocked by "],
            &["account ", " does not exist at the organization"],
            &["adresse d", "destinataire invalide"],
            &["mailbox ", "does not exist"],
            &["mailbox ", " unavailable"],
            &["no ", " in name directory"],
            &["recipient ", " was not found in"],
            &["this user doesn", "t have a ", " account"],
            &["unknown user ", "@"],
            &["user ", " not found"],
            &["user ", " not exist"],
        ],
    ),
];

/// What one pattern of the table stands for. Several entries may share a
/// pattern (the same words listed under two reasons, or used as a fragment).
#[derive(Clone, Copy, Debug)]
enum Target {
    /// A phrase of the core table naming this reason.
    Phrase(Reason),
    /// Fragment `part` of sequence `seq` (an index into `Table::sequences`).
    Part { seq: u16, part: u8 },
    /// A provider's phrase (an index into `Table::extras`).
    Extra(u16),
}

/// A sequence, flattened out of [`SEQUENCES`] when the table is built.
struct Sequence {
    reason: Reason,
    parts: &'static [&'static str],
}

/// The words that name a reason (a phrase, or the fragments of a sequence
/// trimmed and joined with `…`), and the rule that cites them
/// (`phrase:"words"`), made the first time it is needed rather than for
/// every verdict (quoting words that are not plain ASCII takes the
/// formatter, which costs as much as a scan).
struct Label {
    words: Cow<'static, str>,
    rule: OnceLock<String>,
}

impl Label {
    fn new(words: Cow<'static, str>) -> Label {
        Label {
            words,
            rule: OnceLock::new(),
        }
    }

    fn rule(&self) -> &str {
        self.rule.get_or_init(|| decide::phrase_rule(&self.words))
    }
}

/// The reasons one diagnostic names, found in one pass over the text.
/// The words are the table's own labels, referred to by index: nothing to
/// allocate nor to drop per scan.
pub(super) struct Hits<'t> {
    /// The table's labels.
    labels: &'t [Label],
    /// One bit per reason (`Reason as usize`).
    mask: u64,
    /// For each reason, where the leftmost words that name it start, and
    /// their label.
    words: [Option<(usize, u32)>; Reason::ALL.len()],
    /// The provider phrase found, if any: (its index, its position).
    extra: Option<(u16, usize)>,
}

impl<'t> Hits<'t> {
    /// Nothing found yet.
    fn new(labels: &'t [Label]) -> Hits<'t> {
        Hits {
            labels,
            mask: 0,
            words: [None; Reason::ALL.len()],
            extra: None,
        }
    }

    /// Whether the text names `reason`.
    pub(super) fn has(&self, reason: Reason) -> bool {
        self.mask & (1 << reason as u32) != 0
    }

    /// The label of the words that name `reason`, if the text names it.
    fn label(&self, reason: Reason) -> Option<&'t Label> {
        let (_, label) = self.words[reason as usize]?;
        self.labels.get(label as usize)
    }

    /// The words that name `reason`, if the text names it.
    #[cfg(test)]
    pub(super) fn words(&self, reason: Reason) -> Option<&'t str> {
        self.label(reason).map(|l| l.words.as_ref())
    }

    /// `phrase:"words"` for the words that name `reason`, if the text
    /// names it: the rule of a verdict decided by them.
    pub(super) fn rule(&self, reason: Reason) -> Option<&'t str> {
        self.label(reason).map(Label::rule)
    }

    /// The reasons named, in the given order of priority: the first of
    /// `order` that the text names.
    pub(super) fn first_of(&self, order: &[Reason]) -> Option<Reason> {
        order.iter().copied().find(|&r| self.has(r))
    }

    fn mark(&mut self, reason: Reason, at: usize, label: u32) {
        self.mask |= 1 << reason as u32;
        let slot = &mut self.words[reason as usize];
        if slot.as_ref().is_none_or(|(prev, _)| at < *prev) {
            *slot = Some((at, label));
        }
    }
}

/// The compiled table: the set of patterns and what each of them means.
pub(super) struct Table {
    patterns: Literals,
    /// Per pattern id, what it stands for.
    targets: Vec<Vec<Target>>,
    /// The labels of the patterns, by id (each pattern's text as first
    /// written in the table), then those of the sequences, by index after
    /// them.
    labels: Vec<Label>,
    sequences: Vec<Sequence>,
    extras: Vec<Phrase>,
    /// Per provider phrase, the rule of its verdict:
    /// `phrase:"text" (source)`, made the first time it is needed.
    extra_rules: Vec<OnceLock<String>>,
}

impl Table {
    /// Files the core table and the providers' phrases into one set.
    pub(super) fn new(extra: impl IntoIterator<Item = Phrase>) -> Table {
        let extras: Vec<Phrase> = extra
            .into_iter()
            .filter(|p| !p.text.trim().is_empty())
            .collect();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut texts: Vec<&'static str> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut add = |text: &'static str, target: Target| {
            let key = squeeze(text).to_ascii_lowercase();
            let id = *ids.entry(key.clone()).or_insert_with(|| {
                patterns.push(key);
                texts.push(text);
                targets.push(Vec::new());
                patterns.len() - 1
            });
            targets[id].push(target);
        };
        for &(reason, phrases) in PHRASES {
            for &p in phrases {
                add(p, Target::Phrase(reason));
            }
        }
        let mut sequences = Vec::new();
        for &(reason, list) in SEQUENCES {
            for &parts in list {
                let seq = u16::try_from(sequences.len()).expect("fewer than 65536 sequences");
                for (part, &fragment) in parts.iter().enumerate() {
                    add(
                        fragment,
                        Target::Part {
                            seq,
                            part: part as u8,
                        },
                    );
                }
                sequences.push(Sequence { reason, parts });
            }
        }
        for (i, p) in extras.iter().enumerate() {
            add(
                p.text,
                Target::Extra(u16::try_from(i).expect("fewer than 65536 provider phrases")),
            );
        }
        // The patterns are lowercase and `scan` lowercases the text, so the
        // set can be case-sensitive.
        let patterns = Literals::new(&patterns);
        let mut labels: Vec<Label> = texts
            .iter()
            .map(|&t| Label::new(Cow::Borrowed(t)))
            .collect();
        for s in &sequences {
            let words = s
                .parts
                .iter()
                .map(|p| p.trim())
                .collect::<Vec<_>>()
                .join(" … ");
            labels.push(Label::new(Cow::Owned(words)));
        }
        let extra_rules = extras.iter().map(|_| OnceLock::new()).collect();
        Table {
            patterns,
            targets,
            labels,
            sequences,
            extras,
            extra_rules,
        }
    }

    /// Decides the reason for one recipient.
    pub(super) fn classify(&self, clue: &Clue<'_>) -> Verdict {
        let text = normalize(clue.diagnosis);
        let hits = self.scan(&text);
        decide::decide(clue, &text, &hits, self)
    }

    /// The phrase table alone: the reason the text names, if any.
    pub(super) fn by_text(&self, text: &str) -> Option<Verdict> {
        let text = normalize(text);
        let hits = self.scan(&text);
        decide::by_text(&hits, self)
    }

    /// The provider phrase found in a scan, as a verdict.
    pub(super) fn extra_verdict(&self, hits: &Hits<'_>) -> Option<Verdict> {
        let (i, _) = hits.extra?;
        let i = usize::from(i);
        let p = &self.extras[i];
        let rule =
            self.extra_rules[i].get_or_init(|| format!("phrase:{:?} ({})", p.text, p.source));
        Some(Verdict {
            reason: p.reason,
            rule: rule.clone().into(),
        })
    }

    /// One pass over `text` (already normalised), ASCII
    /// case-insensitively.
    pub(super) fn scan(&self, text: &str) -> Hits<'_> {
        crate::text::with_ascii_lowercase(text.as_bytes(), |lower| self.scan_lowercase(lower))
    }

    /// [`Table::scan`] over text without ASCII capitals.
    fn scan_lowercase(&self, text: &[u8]) -> Hits<'_> {
        let mut hits = Hits::new(&self.labels);
        // Sequence fragments found: (sequence, part, start, end).
        let mut parts: Vec<(u16, u8, usize, usize)> = Vec::new();
        // Occurrences come in order of start, and at one start the shorter
        // first: so the first words marked for a reason are its leftmost
        // (and, of those, the shortest), and the first occurrence of a
        // fragment that starts after a given offset is the first one listed.
        self.patterns.for_each(text, |id, start| {
            for &target in &self.targets[id] {
                match target {
                    Target::Phrase(reason) => hits.mark(reason, start, id as u32),
                    Target::Part { seq, part } => {
                        parts.push((seq, part, start, start + self.patterns.len_of(id)))
                    }
                    Target::Extra(i) => {
                        // The longest provider phrase wins; among equals, the first listed.
                        let better = match hits.extra {
                            None => true,
                            Some((j, _)) => {
                                let (new, old) = (
                                    self.extras[usize::from(i)].text,
                                    self.extras[usize::from(j)].text,
                                );
                                new.len() > old.len() || (new.len() == old.len() && i < j)
                            }
                        };
                        if better {
                            hits.extra = Some((i, start));
                        }
                    }
                }
            }
        });
        if !parts.is_empty() {
            self.align(&parts, &mut hits);
        }
        hits
    }

    /// Marks the reasons of the sequences whose fragments were all found in
    /// order. `parts` is in order of start, so for each fragment the first
    /// occurrence that starts after the previous fragment ends is the one that
    /// leaves the most room for the next.
    fn align<'t>(&'t self, parts: &[(u16, u8, usize, usize)], hits: &mut Hits<'t>) {
        let mut seqs: Vec<u16> = parts.iter().filter(|p| p.1 == 0).map(|p| p.0).collect();
        seqs.sort_unstable();
        seqs.dedup();
        for seq in seqs {
            let s = &self.sequences[usize::from(seq)];
            let mut from = 0;
            let mut start = None;
            let complete = (0..s.parts.len()).all(|k| {
                let found = parts
                    .iter()
                    .find(|p| p.0 == seq && usize::from(p.1) == k && p.2 >= from);
                if let Some(&(_, _, st, end)) = found {
                    start.get_or_insert(st);
                    from = end;
                    true
                } else {
                    false
                }
            });
            if complete {
                // Sequence labels follow the patterns'.
                let label = self.labels.len() - self.sequences.len() + usize::from(seq);
                hits.mark(s.reason, start.unwrap_or(0), label as u32);
            }
        }
    }
}

/// Prepares a diagnostic for scanning: whitespace runs become one space, and
/// the reply prefixes that a multi-line reply repeats on every line after the
/// first (`550-5.7.1 `, `550-`, and `550 5.7.1 ` on the last line) are
/// dropped, so that a phrase split over lines is still found.
pub(super) fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.trim();
    let spaced =
        memchr::memchr3(b'\t', b'\r', b'\n', text.as_bytes()).is_some() || text.contains("  ");
    if !spaced && repeated_prefixes(text).is_empty() {
        return Cow::Borrowed(text);
    }
    let squeezed = squeeze(text);
    let mut out = String::with_capacity(squeezed.len());
    let mut last = 0;
    for (start, len) in repeated_prefixes(&squeezed) {
        out.push_str(&squeezed[last..start]);
        last = start + len;
    }
    out.push_str(&squeezed[last..]);
    Cow::Owned(out)
}

/// Collapses whitespace runs to one space, keeping one leading and one
/// trailing space if there were any (table phrases such as `" is empty"`).
fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    crate::text::push_words(&mut out, text);
    if text.starts_with(char::is_whitespace) {
        out.insert(0, ' ');
    }
    if text.ends_with(char::is_whitespace) && !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// The spans (start, length) of the reply prefixes repeated after the first
/// line of a multi-line reply. The first `DDD-` prefix, which carries the
/// codes, stays; later ones with the same reply code go, as does a final
/// `DDD X.Y.Z ` that repeats the first one's codes.
fn repeated_prefixes(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    // Nothing repeats before a first `DDD-`: without a dash, no scan.
    if memchr::memchr(b'-', text.as_bytes()).is_none() {
        return spans;
    }
    let mut first: Option<(&str, Option<&str>)> = None;
    let bytes = text.as_bytes();
    // A prefix starts with its reply code's first digit: those found many
    // bytes at a time.
    for i in memchr::memchr2_iter(b'4', b'5', bytes) {
        if i > 0 && !bytes[i - 1].is_ascii_whitespace() {
            continue;
        }
        let Some((code, dash, status, len)) = reply_prefix(&text[i..]) else {
            continue;
        };
        match first {
            None if dash => first = Some((code, status)),
            None => {}
            Some((c, s)) if c == code && (dash || (status.is_some() && status == s)) => {
                spans.push((i, len))
            }
            Some(_) => {}
        }
    }
    spans
}

/// A reply prefix at the start of `s`: `DDD-`, `DDD-X.Y.Z ` or `DDD X.Y.Z `.
/// Returns the reply code, whether a dash follows it, the status code if one
/// follows, and the length including the space after the status.
fn reply_prefix(s: &str) -> Option<(&str, bool, Option<&str>, usize)> {
    let b = s.as_bytes();
    if b.len() < 4 || !b[..3].iter().all(u8::is_ascii_digit) || !matches!(b[3], b'-' | b' ') {
        return None;
    }
    let dash = b[3] == b'-';
    let rest = &s[4..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let status = crate::smtp::Status::parse(&rest[..end]).map(|_| &rest[..end]);
    match (status, rest.as_bytes().get(end)) {
        (Some(st), None) => Some((&s[..3], dash, Some(st), 4 + end)),
        (Some(st), Some(c)) if c.is_ascii_whitespace() => Some((&s[..3], dash, Some(st), 5 + end)),
        _ if dash => Some((&s[..3], true, None, 4)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::new([])
    }

    #[test]
    fn phrases_are_lowercase_and_squeezed() {
        for &(reason, phrases) in PHRASES {
            for p in phrases.iter() {
                assert_eq!(p.to_lowercase(), *p, "{reason}: {p:?}");
                assert!(!p.contains("  "), "{reason}: {p:?}");
            }
        }
        for &(reason, list) in SEQUENCES {
            for parts in list.iter() {
                assert!(parts.len() >= 2, "{reason}: {parts:?}");
                assert!(
                    parts
                        .iter()
                        .all(|p| p.to_lowercase() == *p && !p.is_empty()),
                    "{reason}: {parts:?}"
                );
            }
        }
    }

    #[test]
    fn one_scan_finds_every_reason_named() {
        let t = table();
        let h = t.scan("550 5.2.2 Mailbox full; also user unknown and Relay access denied");
        assert!(h.has(MailboxFull) && h.has(UserUnknown) && h.has(NoRelaying));
        assert!(!h.has(Blocked));
        assert_eq!(h.words(MailboxFull), Some("mailbox full"));
        assert_eq!(h.first_of(&[NoRelaying, UserUnknown]), Some(NoRelaying));
    }

    #[test]
    fn matching_ignores_ascii_case() {
        let t = table();
        let h = t.scan("SORRY, NO MAILBOX HERE BY THAT NAME. (#5.1.1)");
        assert!(h.has(UserUnknown));
    }

    #[test]
    fn sequences_need_their_fragments_in_order() {
        let t = table();
        assert!(t
            .scan("550 User kijitora@example.jp not found")
            .has(UserUnknown));
        assert_eq!(
            t.scan("User kijitora not found").words(UserUnknown),
            Some("user … not found")
        );
        assert!(!t.scan("not found: user").has(UserUnknown));
        // Fragments may not overlap: "user " then " not found" after it.
        assert!(t
            .scan("domain example.com mismatches client ip 192.0.2.1")
            .has(RequirePtr));
        assert!(!t
            .scan("mismatches client ip for domain example.com")
            .has(RequirePtr));
        let h = t.scan("This user doesn't have a yahoo.co.jp account (x@yahoo.co.jp) [-5]");
        assert!(h.has(UserUnknown));
    }

    #[test]
    fn japanese_phrases_are_found() {
        let t = table();
        assert!(t
            .scan("ユーザー neko (neko@example.co.jp) は Domino ディレクトリには見つかりません。")
            .has(UserUnknown));
        assert!(t
            .scan("送信先のメールボックスが一杯のため、送信できませんでした。")
            .has(MailboxFull));
    }

    #[test]
    fn squeeze_keeps_one_space_at_either_end() {
        // What `squeeze` does, word by word.
        fn reference(text: &str) -> String {
            let mut out = String::new();
            if text.starts_with(char::is_whitespace) {
                out.push(' ');
            }
            out.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
            if text.ends_with(char::is_whitespace) && !out.ends_with(' ') {
                out.push(' ');
            }
            out
        }
        for text in [
            "",
            " ",
            "  \t",
            " is empty",
            "a  b\n",
            "\u{3000}x\u{a0}y ",
            "plain",
        ] {
            assert_eq!(squeeze(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn normalize_joins_lines_and_drops_continuation_prefixes() {
        let text = "550-5.7.25 [192.0.2.202] The IP address sending this message does not have a\n550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not\n550-5.7.25 point to the sending IP.";
        let n = normalize(text);
        assert_eq!(
            n,
            "550-5.7.25 [192.0.2.202] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP."
        );
        assert!(table().scan(&n).has(RequirePtr));
        assert_eq!(normalize(" plain text "), "plain text");
        assert_eq!(
            normalize("smtp; 550-5.7.1 first 550-5.7.1 second"),
            "smtp; 550-5.7.1 first second"
        );
        // The last line of a reply has a space, not a dash.
        assert_eq!(
            normalize("550-5.7.1 [192.0.2.222 13] Messages with multiple 550 5.7.1 addresses in From: header"),
            "550-5.7.1 [192.0.2.222 13] Messages with multiple addresses in From: header"
        );
        // Prefixes without a status code.
        assert_eq!(
            normalize(
                "550-Your message was rejected.\n    550-Reason: no reverse DNS.\n    550 7d39d529"
            ),
            "550-Your message was rejected. Reason: no reverse DNS. 550 7d39d529"
        );
        assert_eq!(normalize("a  b\tc"), "a b c");
        // A reply code and status that are not a continuation stay.
        assert_eq!(
            normalize("host said: 550 5.1.1 <a@b>  unknown"),
            "host said: 550 5.1.1 <a@b> unknown"
        );
    }

    #[test]
    fn provider_phrases_are_found_and_the_longest_wins() {
        let t = Table::new([
            Phrase {
                reason: Rejected,
                text: "unknown user",
                source: "docomo",
            },
            Phrase {
                reason: Filtered,
                text: "550 unknown user",
                source: "other",
            },
        ]);
        let h = t.scan("smtp; 550 Unknown user neko@example.jp");
        let v = t.extra_verdict(&h).unwrap();
        assert_eq!(v.reason, Filtered);
        assert_eq!(v.rule, "phrase:\"550 unknown user\" (other)");
        // The core phrase is still marked too.
        assert!(h.has(UserUnknown));
    }
}
