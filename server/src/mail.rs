//! Sending e-mail: SMTP with `lettre` when `QUARTIER_SMTP_HOST` is set, otherwise the log
//! (development: the sign-in link appears in the server's output).

use app::server::{Email, Mailer};
use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpConfig, SmtpTls};

/// Sends through an SMTP server (a pool of connections, reused).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(config: &SmtpConfig) -> Result<SmtpMailer, String> {
        let builder = match config.tls {
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                .map_err(|e| format!("SMTP server {}: {e}", config.host))?,
            SmtpTls::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|e| format!("SMTP server {}: {e}", config.host))?,
            SmtpTls::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
            }
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from = config
            .from
            .parse()
            .map_err(|e| format!("QUARTIER_SMTP_FROM: {e}"))?;
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<(), String> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| format!("recipient address: {e}"))?;
        // A town's own sender, when it has one that reads as an address.
        let from = email
            .from
            .as_deref()
            .and_then(|from| from.parse::<Mailbox>().ok())
            .unwrap_or_else(|| self.from.clone());
        let builder = Message::builder().from(from).to(to).subject(&email.subject);
        let message = match &email.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                html.clone(),
            )),
            None => builder.body(email.text.clone()),
        }
        .map_err(|e| format!("building the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

/// Development without a mail server: writes each message to the log.
pub struct LogMailer;

#[async_trait]
impl Mailer for LogMailer {
    async fn send(&self, email: &Email) -> Result<(), String> {
        tracing::warn!(
            to = %email.to,
            subject = %email.subject,
            "no SMTP server configured (QUARTIER_SMTP_HOST): this e-mail is not sent, here it is:\n{}",
            email.text
        );
        Ok(())
    }
}
