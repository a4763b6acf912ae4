//! The outbox and its worker against a real SMTP server started by each test: delivery, retries
//! of temporary refusals, permanent rejections, idempotency, and recovery of a dead worker's claim.

mod common;

use app::server::mail::outbox;
use app::server::mail::worker::{Settings, Worker};
use app::server::{now, AppState};
use common::smtp::{Behaviour, SmtpSink};
use std::time::Duration;

struct Row {
    status: String,
    attempts: i64,
    due_at: i64,
    last_error: Option<String>,
    text_body: String,
}

async fn row(state: &AppState, id: i64) -> Row {
    let (status, attempts, due_at, last_error, text_body) =
        sqlx::query_as::<_, (String, i64, i64, Option<String>, String)>(
            "SELECT status, attempts, due_at, last_error, text_body FROM outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_one(state.db.reader())
        .await
        .unwrap();
    Row {
        status,
        attempts,
        due_at,
        last_error,
        text_body,
    }
}

async fn with_sink(
    behaviour: Behaviour,
    settings: Settings,
) -> (tempfile::TempDir, AppState, SmtpSink, Worker) {
    let sink = SmtpSink::start(behaviour);
    let dir = tempfile::tempdir().unwrap();
    let state = common::open_state(
        &dir,
        "http://portal.test",
        &[("SWITCHBOARD_MAIL", &sink.url())],
    )
    .await;
    let worker = Worker::new(&state, settings);
    (dir, state, sink, worker)
}

#[tokio::test]
async fn delivers_multipart_mail_with_a_message_id_and_wipes_the_body() {
    let (_dir, state, sink, worker) = with_sink(Behaviour::default(), Settings::default()).await;
    let first = common::enqueue(&state, "welcome:1", "li.wei@acme.example")
        .await
        .unwrap();
    common::enqueue(&state, "welcome:2", "ana@acme.example")
        .await
        .unwrap();

    assert_eq!(worker.deliver_due(now()).await.unwrap(), 2);
    let received = sink.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(received.len(), 2);
    let to_li = received
        .iter()
        .find(|r| r.to == ["li.wei@acme.example"])
        .expect("mail to li.wei");
    assert!(to_li.data.contains("Subject: Set up Acme on Switchboard"));
    assert!(to_li.data.contains("Message-ID: <"));
    assert!(to_li.data.contains("@switchboard.test>"));
    assert!(to_li.data.contains("multipart/alternative"));
    assert!(to_li.data.contains("text/plain"));
    assert!(to_li.data.contains("text/html"));
    assert!(to_li
        .data
        .contains("From: Switchboard <no-reply@switchboard.localhost>"));

    let sent = row(&state, first).await;
    assert_eq!(sent.status, "sent");
    assert_eq!(sent.attempts, 1);
    assert_eq!(
        sent.text_body, "",
        "the body carries a one-time link and must be wiped once sent"
    );
    assert_eq!(
        worker.deliver_due(now()).await.unwrap(),
        0,
        "nothing is sent twice"
    );
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_later_and_then_delivered() {
    let behaviour = Behaviour {
        refuse_temporarily: 1,
        ..Default::default()
    };
    let (_dir, state, sink, worker) = with_sink(behaviour, Settings::default()).await;
    let id = common::enqueue(&state, "welcome:1", "li.wei@acme.example")
        .await
        .unwrap();

    let started = now();
    worker.deliver_due(started).await.unwrap();
    let waiting = row(&state, id).await;
    assert_eq!(waiting.status, "pending");
    assert_eq!(waiting.attempts, 1);
    assert!(
        waiting
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("451"),
        "{:?}",
        waiting.last_error
    );
    assert!(
        waiting.due_at >= started + 15 && waiting.due_at <= now() + 45,
        "backoff {}",
        waiting.due_at - started
    );
    assert_eq!(
        worker.deliver_due(now()).await.unwrap(),
        0,
        "not due again yet"
    );

    worker.deliver_due(waiting.due_at).await.unwrap();
    assert_eq!(row(&state, id).await.status, "sent");
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
}

#[tokio::test]
async fn a_permanent_rejection_is_recorded_with_the_servers_answer() {
    let behaviour = Behaviour {
        reject: vec!["nobody@".into()],
        ..Default::default()
    };
    let (_dir, state, sink, worker) = with_sink(behaviour, Settings::default()).await;
    let rejected = common::enqueue(&state, "welcome:1", "nobody@acme.example")
        .await
        .unwrap();
    let fine = common::enqueue(&state, "welcome:2", "ana@acme.example")
        .await
        .unwrap();

    worker.deliver_due(now()).await.unwrap();
    let failed = row(&state, rejected).await;
    assert_eq!(failed.status, "failed");
    assert!(
        failed
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("550"),
        "{:?}",
        failed.last_error
    );
    assert_eq!(row(&state, fine).await.status, "sent");
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
}

#[tokio::test]
async fn temporary_failures_become_final_after_the_last_attempt() {
    let behaviour = Behaviour {
        refuse_temporarily: 100,
        ..Default::default()
    };
    let settings = Settings {
        max_attempts: 2,
        ..Settings::default()
    };
    let (_dir, state, _sink, worker) = with_sink(behaviour, settings).await;
    let id = common::enqueue(&state, "welcome:1", "li.wei@acme.example")
        .await
        .unwrap();
    worker.deliver_due(now()).await.unwrap();
    let due = row(&state, id).await.due_at;
    worker.deliver_due(due).await.unwrap();
    let failed = row(&state, id).await;
    assert_eq!((failed.status.as_str(), failed.attempts), ("failed", 2));
}

#[tokio::test]
async fn an_unreachable_mail_server_is_a_temporary_failure() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("smtp://127.0.0.1:{closed_port}");
    let state = common::open_state(&dir, "http://portal.test", &[("SWITCHBOARD_MAIL", &url)]).await;
    let id = common::enqueue(&state, "welcome:1", "li.wei@acme.example")
        .await
        .unwrap();
    Worker::new(&state, Settings::default())
        .deliver_due(now())
        .await
        .unwrap();
    let waiting = row(&state, id).await;
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 1));
    assert!(waiting.last_error.is_some());
}

#[tokio::test]
async fn the_same_logical_message_is_queued_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::open_state(&dir, "http://portal.test", &[]).await;
    assert!(common::enqueue(&state, "welcome:7", "li.wei@acme.example")
        .await
        .is_some());
    assert!(common::enqueue(&state, "welcome:7", "li.wei@acme.example")
        .await
        .is_none());
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(state.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_dead_workers_claim_is_taken_again_when_its_lease_runs_out() {
    let settings = Settings {
        lease: Duration::from_secs(60),
        ..Settings::default()
    };
    let (_dir, state, sink, worker) = with_sink(Behaviour::default(), settings).await;
    let id = common::enqueue(&state, "welcome:1", "li.wei@acme.example")
        .await
        .unwrap();

    // A worker claims the message and dies before recording anything.
    let claimed_at = now();
    let mut tx = state.db.begin_write().await.unwrap();
    let claimed = outbox::claim_due(&mut tx, claimed_at, claimed_at + 60, 10)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(claimed.len(), 1);

    assert_eq!(
        worker.deliver_due(claimed_at + 30).await.unwrap(),
        0,
        "the lease still holds"
    );
    assert_eq!(worker.deliver_due(claimed_at + 61).await.unwrap(), 1);
    let sent = row(&state, id).await;
    assert_eq!((sent.status.as_str(), sent.attempts), ("sent", 2));
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
}

#[tokio::test]
async fn the_running_server_delivers_queued_mail_in_the_background() {
    let app = common::spawn_app().await;
    common::enqueue(&app.state, "welcome:1", "li.wei@acme.example")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while app.state.mail.sent().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the worker did not deliver"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(app.state.mail.sent()[0].to, ["li.wei@acme.example"]);
}
