//! A private PostgreSQL cluster run from the machine's server binaries (decision D9).
//!
//! The server uses it when no `DATABASE_URL` is configured and the test support uses it for
//! every test run. Layout under the chosen root folder:
//!
//! ```text
//! <root>/postgres/           the cluster (PGDATA), owned by the postgres OS user when root
//! <root>/postgres.lock       held (flock) by the process that runs the cluster
//! <root>/postgres.password   the superuser password, readable by the owner only
//! <root>/postgres.log        the server's log
//! ```
//!
//! The `postgres` process is started by a dedicated supervisor thread with a parent-death
//! signal, so it shuts down when the owning process exits, even after a crash.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::TcpListener;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{self, Signal};
use nix::unistd::{Gid, Pid, Uid, User, chown};

/// Errors starting or stopping a private cluster. Messages are meant for operators.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// `initdb` / `postgres` could not be found.
    #[error(
        "PostgreSQL server binaries (initdb, postgres) were not found on PATH or under \
         /usr/lib/postgresql/*/bin: install the PostgreSQL server package (Debian: \
         `apt-get install postgresql`) or set DATABASE_URL to an existing database"
    )]
    BinariesNotFound,
    /// Running as root but there is no `postgres` OS user to run the cluster as.
    #[error(
        "running as root, the private PostgreSQL cluster must run as the `postgres` OS user, \
         which does not exist: create it (`useradd --system postgres`) or set DATABASE_URL"
    )]
    NoPostgresUser,
    /// Another process already runs a cluster on this folder.
    #[error(
        "the data folder {path} is already in use by another Pursue process{holder}; stop it \
         or choose another PURSUE_DATA_DIR"
    )]
    InUse {
        /// The cluster folder.
        path: PathBuf,
        /// " (pid N)" when known.
        holder: String,
    },
    /// The folder exists but does not hold a cluster this code created.
    #[error("{0}")]
    Layout(String),
    /// `initdb` failed.
    #[error("initdb failed for {path}: {output}")]
    Initdb {
        /// The cluster folder.
        path: PathBuf,
        /// What initdb printed.
        output: String,
    },
    /// The server process did not come up.
    #[error("PostgreSQL did not start (see {log}): {reason}")]
    Start {
        /// The log file.
        log: PathBuf,
        /// The last lines of the log or another reason.
        reason: String,
    },
    /// Operating-system error.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
}

fn io_err(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ClusterError {
    let context = context.into();
    move |source| ClusterError::Io { context, source }
}

/// How to run a private cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Folder that holds the cluster, its lock, password and log.
    pub root: PathBuf,
    /// Folder with `initdb` and `postgres`; searched for when `None`.
    pub bin_dir: Option<PathBuf>,
    /// `false` trades crash safety for speed (fsync off): for throw-away test clusters.
    pub durable: bool,
    /// `max_connections` of the cluster.
    pub max_connections: u32,
}

impl ClusterOptions {
    /// Durable defaults for a cluster under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            bin_dir: None,
            durable: true,
            max_connections: 100,
        }
    }
}

enum Command_ {
    Start(u16, mpsc::Sender<Result<u32, ClusterError>>),
    Stop(mpsc::Sender<()>),
}

/// A running private cluster. Dropping it stops the server (fast shutdown).
pub struct LocalCluster {
    port: u16,
    password: String,
    root: PathBuf,
    pid: Option<u32>,
    commands: mpsc::Sender<Command_>,
    supervisor: Option<thread::JoinHandle<()>>,
    _lock: File,
}

impl std::fmt::Debug for LocalCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCluster")
            .field("root", &self.root)
            .field("port", &self.port)
            .field("pid", &self.pid)
            .finish_non_exhaustive()
    }
}

impl LocalCluster {
    /// Creates the cluster on first use, then starts it on a free loopback port.
    /// Blocking: call it before the async runtime or from `spawn_blocking`.
    pub fn start(options: ClusterOptions) -> Result<Self, ClusterError> {
        let bin_dir = find_bin_dir(options.bin_dir.as_deref())?;
        let owner = cluster_owner()?;
        fs::create_dir_all(&options.root)
            .map_err(io_err(format!("creating {}", options.root.display())))?;
        let root = options
            .root
            .canonicalize()
            .map_err(io_err(format!("resolving {}", options.root.display())))?;
        let lock = acquire_lock(&root)?;
        let data_dir = root.join("postgres");
        let password = if data_dir.join("PG_VERSION").exists() {
            read_password(&root)?
        } else {
            init_cluster(&bin_dir, &root, &data_dir, owner)?
        };
        let log_path = root.join("postgres.log");
        let spec = ServerSpec {
            postgres: bin_dir.join("postgres"),
            data_dir,
            log_path,
            owner,
            durable: options.durable,
            max_connections: options.max_connections,
        };
        let (commands, receiver) = mpsc::channel();
        let supervisor = thread::Builder::new()
            .name("pg-supervisor".into())
            .spawn(move || supervise(spec, receiver))
            .map_err(io_err("starting the PostgreSQL supervisor thread"))?;
        let mut cluster = Self {
            port: 0,
            password,
            root,
            pid: None,
            commands,
            supervisor: Some(supervisor),
            _lock: lock,
        };
        cluster.start_server()?;
        Ok(cluster)
    }

    /// Starts the server again after [`LocalCluster::stop`], on the same port when it is
    /// still free.
    pub fn restart(&mut self) -> Result<(), ClusterError> {
        self.start_server()
    }

    fn start_server(&mut self) -> Result<(), ClusterError> {
        let mut last = None;
        for attempt in 0..5 {
            let port = if attempt == 0 && self.port != 0 {
                self.port
            } else {
                free_port()?
            };
            let (reply, answer) = mpsc::channel();
            self.send(Command_::Start(port, reply))?;
            match answer.recv() {
                Ok(Ok(pid)) => {
                    self.port = port;
                    self.pid = Some(pid);
                    return Ok(());
                }
                Ok(Err(ClusterError::Start { log, reason })) if reason.contains("bind") => {
                    last = Some(ClusterError::Start { log, reason });
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => break,
            }
        }
        Err(last.unwrap_or_else(|| ClusterError::Start {
            log: self.root.join("postgres.log"),
            reason: "the supervisor thread stopped".into(),
        }))
    }

    fn send(&self, command: Command_) -> Result<(), ClusterError> {
        self.commands
            .send(command)
            .map_err(|_| ClusterError::Start {
                log: self.root.join("postgres.log"),
                reason: "the supervisor thread stopped".into(),
            })
    }

    /// Stops the server (fast shutdown) and waits for it to exit. The data is kept.
    pub fn stop(&mut self) {
        let (reply, answer) = mpsc::channel();
        if self.send(Command_::Stop(reply)).is_ok() {
            let _ = answer.recv();
        }
        self.pid = None;
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The folder holding the cluster.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Connection URL for `database` as the superuser.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres:{}@127.0.0.1:{}/{}",
            self.password, self.port, database
        )
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        self.stop();
        // Closing the channel ends the supervisor thread.
        let (closed, _) = mpsc::channel();
        self.commands = closed;
        if let Some(handle) = self.supervisor.take() {
            let _ = handle.join();
        }
    }
}

struct ServerSpec {
    postgres: PathBuf,
    data_dir: PathBuf,
    log_path: PathBuf,
    owner: Option<(Uid, Gid)>,
    durable: bool,
    max_connections: u32,
}

/// Runs on the supervisor thread: the postgres child's parent-death signal is tied to this
/// thread, which lives as long as the [`LocalCluster`].
fn supervise(spec: ServerSpec, commands: mpsc::Receiver<Command_>) {
    let mut child: Option<Child> = None;
    while let Ok(command) = commands.recv() {
        match command {
            Command_::Start(port, reply) => {
                if let Some(running) = child.as_mut() {
                    shutdown(running);
                }
                let result = spawn_server(&spec, port);
                let answer = match result {
                    Ok(c) => {
                        let pid = c.id();
                        child = Some(c);
                        Ok(pid)
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(answer);
            }
            Command_::Stop(reply) => {
                if let Some(mut running) = child.take() {
                    shutdown(&mut running);
                }
                let _ = reply.send(());
            }
        }
    }
    if let Some(mut running) = child.take() {
        shutdown(&mut running);
    }
}

fn shutdown(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let _ = signal::kill(pid, Signal::SIGINT);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_)) | Err(_)) {
            return;
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn spawn_server(spec: &ServerSpec, port: u16) -> Result<Child, ClusterError> {
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&spec.log_path)
        .map_err(io_err(format!("opening {}", spec.log_path.display())))?;
    let log_start = log.metadata().map(|m| m.len()).unwrap_or(0);
    let log_err = log
        .try_clone()
        .map_err(io_err("duplicating the log handle"))?;
    // A stale pid file from a crash is handled by postgres itself; the readiness check
    // below matches the new child's pid and port, so a stale "ready" line cannot fool it.
    let pid_file = spec.data_dir.join("postmaster.pid");
    let mut command = Command::new(&spec.postgres);
    command
        .arg("-D")
        .arg(&spec.data_dir)
        .arg("-p")
        .arg(port.to_string())
        .args(["-c", "listen_addresses=127.0.0.1"])
        .args(["-c", "unix_socket_directories="])
        .arg("-c")
        .arg(format!("max_connections={}", spec.max_connections));
    if !spec.durable {
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    command
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err));
    as_owner(&mut command, spec.owner);
    with_parent_death_signal(&mut command);
    let mut child = command
        .spawn()
        .map_err(io_err(format!("starting {}", spec.postgres.display())))?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(ClusterError::Start {
                log: spec.log_path.clone(),
                reason: format!(
                    "postgres exited ({status}): {}",
                    log_tail(&spec.log_path, log_start)
                ),
            });
        }
        if pid_file_says_ready(&pid_file, child.id(), port) {
            return Ok(child);
        }
        if Instant::now() > deadline {
            shutdown(&mut child);
            return Err(ClusterError::Start {
                log: spec.log_path.clone(),
                reason: format!(
                    "not ready after 60 s: {}",
                    log_tail(&spec.log_path, log_start)
                ),
            });
        }
        thread::sleep(Duration::from_millis(15));
    }
}

/// `postmaster.pid` holds the pid on line 1, the port on line 4 and "ready" on line 8 once
/// the server accepts connections.
fn pid_file_says_ready(pid_file: &Path, pid: u32, port: u16) -> bool {
    let Ok(content) = fs::read_to_string(pid_file) else {
        return false;
    };
    let lines: Vec<&str> = content.lines().map(str::trim).collect();
    lines.first() == Some(&pid.to_string().as_str())
        && lines.get(3) == Some(&port.to_string().as_str())
        && lines.get(7) == Some(&"ready")
}

fn log_tail(path: &Path, from: u64) -> String {
    let mut text = String::new();
    if let Ok(mut file) = File::open(path) {
        let _ = file.seek(SeekFrom::Start(from));
        let _ = file.read_to_string(&mut text);
    }
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
}

#[allow(unsafe_code)]
fn with_parent_death_signal(command: &mut Command) {
    // SAFETY: the closure runs in the forked child before exec and only issues the
    // async-signal-safe prctl(2) system call. std runs it after switching to the target
    // uid/gid, so the kernel keeps the setting.
    unsafe {
        command.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
        });
    }
}

fn as_owner(command: &mut Command, owner: Option<(Uid, Gid)>) {
    if let Some((uid, gid)) = owner {
        command.uid(uid.as_raw()).gid(gid.as_raw());
        command
            .env("HOME", "/tmp")
            .env("USER", "postgres")
            .env("LOGNAME", "postgres");
    }
}

/// The OS user the cluster runs as: `postgres` when we are root, else ourselves.
fn cluster_owner() -> Result<Option<(Uid, Gid)>, ClusterError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    match User::from_name("postgres") {
        Ok(Some(user)) => Ok(Some((user.uid, user.gid))),
        _ => Err(ClusterError::NoPostgresUser),
    }
}

/// Finds a folder holding both `initdb` and `postgres`: the explicit one, then PATH, then
/// the newest `/usr/lib/postgresql/<version>/bin`.
pub fn find_bin_dir(explicit: Option<&Path>) -> Result<PathBuf, ClusterError> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = explicit {
        return if has_both(dir) {
            Ok(dir.to_path_buf())
        } else {
            Err(ClusterError::BinariesNotFound)
        };
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_both(&dir) {
                // Debian links the binaries into PATH; use the real folder.
                let real = dir.join("postgres").canonicalize().ok();
                return Ok(real
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .unwrap_or(dir));
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let version = e.file_name().to_str()?.parse::<u32>().ok()?;
                    Some((version, e.path().join("bin")))
                })
                .filter(|(_, bin)| has_both(bin))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or(ClusterError::BinariesNotFound)
}

fn acquire_lock(root: &Path) -> Result<File, ClusterError> {
    let path = root.join("postgres.lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_err(format!("opening {}", path.display())))?;
    if file.try_lock().is_err() {
        let mut holder = String::new();
        let _ = file.read_to_string(&mut holder);
        let holder = holder.trim();
        return Err(ClusterError::InUse {
            path: root.to_path_buf(),
            holder: if holder.is_empty() {
                String::new()
            } else {
                format!(" (pid {holder})")
            },
        });
    }
    let _ = file.set_len(0);
    let _ = write!(file, "{}", std::process::id());
    Ok(file)
}

fn read_password(root: &Path) -> Result<String, ClusterError> {
    let path = root.join("postgres.password");
    fs::read_to_string(&path)
        .map(|s| s.trim().to_string())
        .map_err(|_| {
            ClusterError::Layout(format!(
                "{} holds a PostgreSQL cluster but {} is missing; remove the folder to recreate it",
                root.join("postgres").display(),
                path.display()
            ))
        })
}

fn random_password() -> Result<String, ClusterError> {
    let mut bytes = [0u8; 24];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(io_err("reading /dev/urandom"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn init_cluster(
    bin_dir: &Path,
    root: &Path,
    data_dir: &Path,
    owner: Option<(Uid, Gid)>,
) -> Result<String, ClusterError> {
    if data_dir.exists() {
        let empty = fs::read_dir(data_dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(ClusterError::Layout(format!(
                "{} exists but is not a PostgreSQL cluster; move it away",
                data_dir.display()
            )));
        }
    }
    fs::create_dir_all(data_dir).map_err(io_err(format!("creating {}", data_dir.display())))?;
    fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700))
        .map_err(io_err(format!("securing {}", data_dir.display())))?;
    let password = random_password()?;
    let pwfile = root.join("postgres.initpw");
    {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&pwfile)
            .map_err(io_err(format!("writing {}", pwfile.display())))?;
        writeln!(f, "{password}").map_err(io_err(format!("writing {}", pwfile.display())))?;
    }
    if let Some((uid, gid)) = owner {
        for path in [data_dir, pwfile.as_path()] {
            chown(path, Some(uid), Some(gid))
                .map_err(|e| io_err(format!("chown {}", path.display()))(e.into()))?;
        }
        ensure_reachable(root, uid, gid)?;
    }
    let mut command = Command::new(bin_dir.join("initdb"));
    command
        .arg("-D")
        .arg(data_dir)
        .args([
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=peer",
        ])
        .args(["--auth-host=scram-sha-256", "--no-instructions"])
        .arg(format!("--pwfile={}", pwfile.display()))
        .current_dir("/")
        .stdin(Stdio::null());
    as_owner(&mut command, owner);
    let output = command.output().map_err(io_err("running initdb"));
    let _ = fs::remove_file(&pwfile);
    let output = output?;
    if !output.status.success() {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // Leave nothing half-made behind: the next start must be able to try again.
        let _ = fs::remove_dir_all(data_dir);
        return Err(ClusterError::Initdb {
            path: data_dir.to_path_buf(),
            output: text,
        });
    }
    let password_path = root.join("postgres.password");
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&password_path)
        .map_err(io_err(format!("writing {}", password_path.display())))?;
    writeln!(f, "{password}").map_err(io_err(format!("writing {}", password_path.display())))?;
    Ok(password)
}

/// The postgres OS user must be able to traverse every ancestor of the cluster folder.
fn ensure_reachable(root: &Path, uid: Uid, gid: Gid) -> Result<(), ClusterError> {
    use std::os::unix::fs::MetadataExt;
    for dir in root.ancestors() {
        let Ok(meta) = fs::metadata(dir) else {
            continue;
        };
        let mode = meta.mode();
        let reachable = mode & 0o001 != 0
            || (meta.uid() == uid.as_raw() && mode & 0o100 != 0)
            || (meta.gid() == gid.as_raw() && mode & 0o010 != 0);
        if !reachable {
            return Err(ClusterError::Layout(format!(
                "the postgres OS user cannot enter {} (mode {:o}); choose a PURSUE_DATA_DIR it \
                 can reach, e.g. under /var/lib or /tmp",
                dir.display(),
                mode & 0o777
            )));
        }
    }
    Ok(())
}

fn free_port() -> Result<u16, ClusterError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(io_err("finding a free loopback port"))
}
