//! A server killed in the middle of sending loses no mail: after a restart every queued message
//! is delivered, with at most the interrupted batch sent twice.

mod common;

use common::smtp::{Behaviour, SmtpSink};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: usize = 300;

fn start_server(dir: &tempfile::TempDir, sink: &SmtpSink) -> Child {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env(
            "SWITCHBOARD_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("test.db").display()),
        )
        .env("SWITCHBOARD_MAIL", sink.url())
        .env("SWITCHBOARD_MAIL_LEASE_SECONDS", "2")
        .env("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server")
}

#[tokio::test]
async fn a_killed_worker_loses_no_mail() {
    let sink = SmtpSink::start(Behaviour {
        delay: Duration::from_millis(15),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let state = common::open_state(&dir, "http://portal.test", &[]).await;
    for n in 0..MESSAGES {
        common::enqueue(
            &state,
            &format!("welcome:{n}"),
            &format!("user{n}@acme.example"),
        )
        .await;
    }

    let mut server = start_server(&dir, &sink);
    let started = Instant::now();
    while sink.received().len() < 20 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no mail arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().expect("kill the server");
    server.wait().unwrap();
    let before_restart = sink.received().len();
    assert!(
        before_restart < MESSAGES,
        "everything was sent before the kill: the test proves nothing"
    );

    let mut server = start_server(&dir, &sink);
    let started = Instant::now();
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    while per_recipient.len() < MESSAGES {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "only {} of {MESSAGES} recipients got mail",
            per_recipient.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        per_recipient.clear();
        for mail in sink.received() {
            for to in mail.to {
                *per_recipient.entry(to).or_default() += 1;
            }
        }
    }
    // The sink may hold the last batch before the worker has recorded it as sent: wait for that.
    let started = Instant::now();
    loop {
        let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
            .fetch_one(state.db.reader())
            .await
            .unwrap();
        if unsent == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{unsent} messages delivered but never recorded as sent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let duplicates: usize = per_recipient.values().map(|n| n - 1).sum();
    assert!(
        duplicates <= 200,
        "{duplicates} duplicates: more than the one interrupted batch"
    );
    println!("delivered before the kill: {before_restart}; duplicates after restart: {duplicates}");
}
