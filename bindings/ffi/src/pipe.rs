//! The reader thread of a streamed input: chunks pushed from Kotlin or Swift go through a
//! bounded queue to `Session::add_reader` on a thread of its own, so that an archive
//! (which the core reads by pulling) streams through the push API too. The thread owns
//! the session while the input streams and gives it back at the end.

use std::io::{self, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use certdoctor_core::Session;

/// Chunks waiting for the reader at most (each as large as the app pushes).
const QUEUE: usize = 4;

enum Message {
    Chunk(Vec<u8>),
    Failed(String),
}

/// An input on its way to the reader thread.
pub(crate) struct Pipe {
    sender: SyncSender<Message>,
    worker: JoinHandle<(Session, Option<String>)>,
}

impl Pipe {
    /// Starts the reader thread for the input `name`; the session is handed back if the
    /// thread cannot start.
    pub(crate) fn start(session: Session, name: String) -> Result<Pipe, Box<(Session, io::Error)>> {
        let (sender, receiver) = sync_channel(QUEUE);
        // The session moves to the thread; it comes back from `join` (or from here).
        let slot = std::sync::Arc::new(std::sync::Mutex::new(Some(session)));
        let thread_slot = slot.clone();
        let spawned = std::thread::Builder::new()
            .name("certdoctor-input".into())
            .spawn(move || {
                let mut session = thread_slot
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .expect("the session is handed to the reader");
                let mut reader = Queue {
                    receiver,
                    chunk: Vec::new(),
                    at: 0,
                    failed: None,
                };
                let outcome =
                    catch_unwind(AssertUnwindSafe(|| session.add_reader(&name, &mut reader)));
                let panic = outcome.err().map(|p| {
                    p.downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic without a message".into())
                });
                (session, panic)
            });
        match spawned {
            Ok(worker) => Ok(Pipe { sender, worker }),
            Err(e) => {
                let session = slot
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .expect("the thread never started");
                Err(Box::new((session, e)))
            }
        }
    }

    pub(crate) fn push(&self, chunk: Vec<u8>) {
        // The reader may have stopped early (it read what it needed): nothing to do.
        let _ = self.sender.send(Message::Chunk(chunk));
    }

    pub(crate) fn fail(&self, message: String) {
        // The core says "read error: …" itself.
        let message = message
            .strip_prefix("read error: ")
            .map(str::to_string)
            .unwrap_or(message);
        let _ = self.sender.send(Message::Failed(message));
    }

    /// Ends the input: the reader reads what is queued, ends, and gives the session back
    /// (with the panic message, if its reading panicked).
    pub(crate) fn finish(self) -> (Session, Option<String>) {
        drop(self.sender);
        match self.worker.join() {
            Ok(done) => done,
            // The thread's body contains every panic of the reading; only a panic in
            // the hand-over itself could get here, and it has no session to give back.
            Err(_) => unreachable_session(),
        }
    }
}

fn unreachable_session() -> (Session, Option<String>) {
    panic!("the input's reader thread failed outside the reading")
}

/// The queue seen as a reader.
struct Queue {
    receiver: Receiver<Message>,
    chunk: Vec<u8>,
    at: usize,
    /// A failure the app reported: every later read meets it again, as a file's would.
    failed: Option<String>,
}

impl Read for Queue {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.chunk.len() {
            if let Some(m) = &self.failed {
                return Err(io::Error::other(m.clone()));
            }
            match self.receiver.recv() {
                Ok(Message::Chunk(c)) => {
                    self.chunk = c;
                    self.at = 0;
                }
                Ok(Message::Failed(m)) => self.failed = Some(m),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
