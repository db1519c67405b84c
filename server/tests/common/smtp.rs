//! A small SMTP server for tests (RFC 5321, no extensions): it accepts every message on
//! 127.0.0.1 and hands it over, so tests read the e-mails the app really sent.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A received message: envelope recipients and the raw RFC 5322 text.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

pub struct SmtpSink {
    pub port: u16,
    messages: mpsc::UnboundedReceiver<Received>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sender, messages) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let sender = sender.clone();
                tokio::spawn(async move {
                    let _ = session(socket, sender).await;
                });
            }
        });
        SmtpSink { port, messages }
    }

    /// The settings that send the app's mail here.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("QUARTIER_SMTP_HOST", "127.0.0.1".into()),
            ("QUARTIER_SMTP_PORT", self.port.to_string()),
            ("QUARTIER_SMTP_TLS", "none".into()),
            (
                "QUARTIER_SMTP_FROM",
                "Quartier Habay <quartier@habay.test>".into(),
            ),
        ]
    }

    /// The next message (fails after 20 s).
    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(std::time::Duration::from_secs(20), self.messages.recv())
            .await
            .expect("an e-mail within 20 s")
            .expect("the SMTP server is running")
    }

    /// Whether a message is waiting.
    pub fn has_more(&mut self) -> bool {
        !self.messages.is_empty()
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    sender: mpsc::UnboundedSender<Received>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if command.starts_with("MAIL FROM:") {
            to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO:") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
            to.push(address);
            b"250 OK\r\n"
        } else if command == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = Vec::new();
            loop {
                let mut raw = Vec::new();
                if lines.read_until(b'\n', &mut raw).await? == 0 {
                    return Ok(());
                }
                if raw == b".\r\n" {
                    break;
                }
                // Dot-unstuffing (RFC 5321 §4.5.2).
                let raw = if raw.starts_with(b"..") {
                    &raw[1..]
                } else {
                    &raw[..]
                };
                data.extend_from_slice(raw);
            }
            let _ = sender.send(Received {
                to: std::mem::take(&mut to),
                data,
            });
            b"250 OK queued\r\n"
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if command == "RSET" || command == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// The plain-text part of a message, decoded.
pub fn text_of(message: &Received) -> String {
    let parsed = mailparse::parse_mail(&message.data).expect("a valid message");
    let mut texts = Vec::new();
    collect_text(&parsed, &mut texts);
    texts.into_iter().next().expect("a text/plain part")
}

fn collect_text(part: &mailparse::ParsedMail, out: &mut Vec<String>) {
    if part.subparts.is_empty() {
        if part.ctype.mimetype == "text/plain" {
            out.push(part.get_body().expect("a decodable body"));
        }
    } else {
        for sub in &part.subparts {
            collect_text(sub, out);
        }
    }
}

/// The subject of a message, decoded.
pub fn subject_of(message: &Received) -> String {
    use mailparse::MailHeaderMap;
    let parsed = mailparse::parse_mail(&message.data).expect("a valid message");
    parsed
        .headers
        .get_first_value("Subject")
        .unwrap_or_default()
}
