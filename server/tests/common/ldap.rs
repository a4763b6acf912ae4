//! A real OpenLDAP server (Debian's slapd) for the directory tests: its own folder, a tree of
//! people loaded with slapadd, listening on a free port of 127.0.0.1, stopped when dropped. The
//! server answers at most 500 entries to a search without paging, as Active Directory limits
//! them, so reading more proves the paging.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub const BASE: &str = "dc=acme,dc=example";
pub const BIND_DN: &str = "cn=admin,dc=acme,dc=example";
pub const PASSWORD: &str = "directory-secret";
pub const PHONES: &str = "cn=phones,ou=groups,dc=acme,dc=example";

pub struct Slapd {
    pub url: String,
    child: Child,
    _dir: TempDir,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tree: the organisation, `ou=people`, `people` people (`p0`…), one entry with no mail
/// address, and `cn=phones,ou=groups` whose members are p0 and p1.
fn ldif(people: usize) -> String {
    let mut text = format!(
        "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Acme\ndc: acme\n\n\
         dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: uid=nomail,ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: nomail\ncn: No Mail\nsn: Mail\n\n"
    );
    text.push_str(&format!(
        "dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n\n\
         dn: {PHONES}\nobjectClass: groupOfNames\ncn: phones\n\
         member: uid=p0,ou=people,{BASE}\nmember: uid=p1, ou=people, {BASE}\n\n"
    ));
    for i in 0..people {
        text.push_str(&format!(
            "dn: uid=p{i},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: p{i}\ncn: Person {i}\n\
             sn: Family{i}\ngivenName: Given{i}\ndisplayName: Given{i} Family{i}\nmail: P{i}@Acme.example\n\
             telephoneNumber: +86 10 5555 {i:04}\n\n"
        ));
    }
    text
}

impl Slapd {
    pub fn start(people: usize) -> Slapd {
        let dir = tempfile::tempdir().expect("folder");
        let db = dir.path().join("db");
        std::fs::create_dir(&db).expect("db folder");
        let conf = dir.path().join("slapd.conf");
        let pid = dir.path().join("slapd.pid");
        std::fs::write(
            &conf,
            format!(
                "include /etc/ldap/schema/core.schema\n\
                 include /etc/ldap/schema/cosine.schema\n\
                 include /etc/ldap/schema/inetorgperson.schema\n\
                 modulepath /usr/lib/ldap\nmoduleload back_mdb\n\
                 pidfile {}\nsizelimit 500\n\
                 database mdb\nmaxsize 104857600\nsuffix \"{BASE}\"\nrootdn \"{BIND_DN}\"\n\
                 rootpw {PASSWORD}\ndirectory {}\nindex objectClass eq\n\
                 limits dn.exact=\"{BIND_DN}\" size.soft=500 size.hard=500 size.pr=500 size.prtotal=unlimited\n",
                pid.display(),
                db.display()
            ),
        )
        .expect("slapd.conf");
        let mut load = Command::new("/usr/sbin/slapadd")
            .args(["-q", "-f"])
            .arg(&conf)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("slapadd (scripts/setup installs slapd)");
        load.stdin
            .take()
            .expect("stdin")
            .write_all(ldif(people).as_bytes())
            .expect("the tree");
        let loaded = load.wait_with_output().expect("slapadd");
        assert!(
            loaded.status.success(),
            "slapadd: {}",
            String::from_utf8_lossy(&loaded.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let url = format!("ldap://127.0.0.1:{port}");
        // -d 0 keeps it in the foreground, so the test owns the process.
        let child = Command::new("/usr/sbin/slapd")
            .args(["-d", "0", "-f"])
            .arg(&conf)
            .arg("-h")
            .arg(format!("{url}/"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "slapd did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Slapd {
            url,
            child,
            _dir: dir,
        }
    }
}
