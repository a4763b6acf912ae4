//! An SMTP server started by a test: it records what it receives and answers as the test asks
//! (refuse for a while with 451, reject some recipients with 550, or be slow).

use mailin_embedded::response::{NO_MAILBOX, OK};
use mailin_embedded::{Handler, Response, Server, SslConfig};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct Behaviour {
    /// The next this-many recipients are refused with a temporary 451.
    pub refuse_temporarily: usize,
    /// Recipients containing one of these are rejected for good with 550.
    pub reject: Vec<String>,
    /// A pause before accepting each message's data.
    pub delay: Duration,
}

#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

#[derive(Clone)]
struct SinkHandler {
    received: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for SinkHandler {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let mut behaviour = self.behaviour.lock().unwrap();
        if behaviour.reject.iter().any(|r| to.contains(r.as_str())) {
            return NO_MAILBOX;
        }
        if behaviour.refuse_temporarily > 0 {
            behaviour.refuse_temporarily -= 1;
            return Response::custom(451, "Greylisted, try again later".to_owned());
        }
        OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let delay = self.behaviour.lock().unwrap().delay;
        std::thread::sleep(delay);
        self.received.lock().unwrap().push(Received {
            to: std::mem::take(&mut self.to),
            data: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        });
        OK
    }
}

impl SmtpSink {
    pub fn start(behaviour: Behaviour) -> SmtpSink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("local address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let behaviour = Arc::new(Mutex::new(behaviour));
        let handler = SinkHandler {
            received: received.clone(),
            behaviour: behaviour.clone(),
            to: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("sink.test")
            .with_ssl(SslConfig::None)
            .expect("no TLS")
            .with_num_threads(8)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(error) = server.serve() {
                eprintln!("the test SMTP server stopped: {error}");
            }
        });
        SmtpSink {
            port,
            received,
            behaviour,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn set(&self, behaviour: Behaviour) {
        *self.behaviour.lock().unwrap() = behaviour;
    }

    /// Waits until at least `count` messages have arrived.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count || started.elapsed() > within {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
