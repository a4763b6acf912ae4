//! The `server` command line: provisioning an organisation, and stopping cleanly on a signal.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn server(dir: &tempfile::TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env(
            "SWITCHBOARD_DATABASE_URL",
            format!("sqlite://{}/cli.db", dir.path().display()),
        )
        .env(
            "SWITCHBOARD_MAIL",
            format!("file:{}/mail", dir.path().display()),
        )
        .output()
        .expect("run the server binary")
}

#[test]
fn org_create_creates_once_and_says_so_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "org",
        "create",
        "--name",
        "Acme",
        "--admin-email",
        "admin@acme.example",
        "--licences",
        "messaging=500,meetings=500,calling=200",
    ];
    let first = server(&dir, &args);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("Created organisation \"Acme\""), "{stdout}");
    assert!(stdout.contains("admin@acme.example"));

    let second = server(&dir, &args);
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already exists"));
}

#[test]
fn org_create_names_the_argument_that_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let create = |name: &str, email: &str, licences: &str, language: &str| {
        server(
            &dir,
            &[
                "org",
                "create",
                "--name",
                name,
                "--admin-email",
                email,
                "--licences",
                licences,
                "--admin-language",
                language,
            ],
        )
    };
    let cases = [
        (
            create("Acme", "not-an-address", "messaging=5", "en"),
            "--admin-email",
        ),
        (
            create("  ", "a@acme.example", "messaging=5", "en"),
            "--name",
        ),
        (
            create("Acme", "a@acme.example", "fax=5", "en"),
            "--licences",
        ),
        (
            create("Acme", "a@acme.example", "messaging=5", "fr"),
            "--admin-language",
        ),
    ];
    for (output, argument) in cases {
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(argument), "{argument}: {stderr}");
    }
    // Nothing was created by any of them.
    let demo = server(&dir, &["org", "demo"]);
    assert!(String::from_utf8_lossy(&demo.stdout)
        .contains("Created organisation \"Demo Organisation\""));
}

#[test]
fn org_create_prints_the_welcome_link_once_and_org_demo_only_fills_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let first = server(&dir, &["org", "demo"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("messaging=500,meetings=500,calling=200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Welcome link for admin@demo.example"),
        "{stdout}"
    );
    assert!(
        stdout.contains("http://127.0.0.1:3000/welcome/"),
        "{stdout}"
    );

    let second = server(&dir, &["org", "demo"]);
    assert!(second.status.success());
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains("already holds an organisation"), "{stdout}");
    assert!(!stdout.contains("/welcome/"));
}

#[test]
fn bad_configuration_is_named_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env(
            "SWITCHBOARD_DATABASE_URL",
            format!("sqlite://{}/cli.db", dir.path().display()),
        )
        .env("SWITCHBOARD_MAIL", "pigeon")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("SWITCHBOARD_MAIL"));
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env(
            "SWITCHBOARD_DATABASE_URL",
            format!("sqlite://{}/cli.db", dir.path().display()),
        )
        .env("SWITCHBOARD_MAIL", "memory")
        .env("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
