//! Files to upload, and request bodies read as they are sent: an [`Upload`] holds bytes, a path
//! (opened when the request is sent, again for each retry) or a one-shot reader; a body made of
//! such pieces is streamed, never read into memory as a whole.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::ReaderStream;

use super::Error;

/// What the error of a call says when its body came from a reader that was already read.
pub(super) const NOT_REPLAYABLE: &str =
    "the request body was read from a stream and cannot be sent again";

/// How much of a file or reader is read at a time while a body is sent.
const READ_CHUNK: usize = 64 << 10;

/// A file to upload: in a `multipart/form-data` body ([`Part::file`](super::Part::file)), or
/// as a whole binary body ([`Request::upload_body`](super::Request::upload_body),
/// [`RawRequest::upload`](super::RawRequest::upload)).
///
/// Its content is one of:
///
/// - bytes in memory ([`Upload::new`]);
/// - a file ([`Upload::from_path`]): opened when the request is sent, and again for each
///   retry, and read as it is sent (never into memory as a whole); its length is known, so the
///   request has a `Content-Length`;
/// - a reader ([`Upload::from_reader`]): read once, as the request is sent. A request whose
///   reader was read (even in part) is never sent again: a retry it would otherwise get fails
///   with an error saying that the body cannot be sent again. Its length is unknown unless
///   given with [`Upload::with_length`] (without it the body is sent in chunks).
///
/// Clones share a reader (only one of them can send it); they compare equal when they have
/// the same name, media type and content (the same reader, for readers).
///
/// ```ignore
/// let upload = Upload::from_path("report.pdf").with_content_type("application/pdf");
/// let stdin = Upload::from_reader("data.csv", tokio::io::stdin());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Upload {
    file_name: String,
    content_type: Option<String>,
    pub(super) source: Source,
}

impl Upload {
    /// A file named `file_name` with content `bytes` and no particular media type.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Upload {
        Upload {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Memory(Bytes::from(bytes.into())),
        }
    }

    /// The file at `path`, named by its last component (see [`Upload::with_file_name`]). Nothing
    /// is read now: the file is opened when the request is sent (a file that cannot be opened
    /// then fails the call with [`Error::InvalidRequest`]), opened again for each retry, and
    /// read as it is sent.
    pub fn from_path(path: impl AsRef<Path>) -> Upload {
        let path = path.as_ref();
        let file_name = match path.file_name() {
            Some(name) => name.to_string_lossy().into_owned(),
            None => "file".to_owned(),
        };
        Upload {
            file_name,
            content_type: None,
            source: Source::Path(Arc::from(path)),
        }
    }

    /// A file named `file_name` whose content is read from `reader` as the request is sent.
    /// It can be sent once: see [`Upload`] for what that means for retries.
    pub fn from_reader(
        file_name: impl Into<String>,
        reader: impl AsyncRead + Send + 'static,
    ) -> Upload {
        Upload {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Reader {
                shot: Arc::new(OneShot(Mutex::new(Some(Box::pin(reader))))),
                length: None,
            },
        }
    }

    /// Sets the media type of the content, e.g. `image/png`.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Upload {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets the file name sent to the server (`filename=` of a multipart part).
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Upload {
        self.file_name = file_name.into();
        self
    }

    /// Declares how many bytes a reader ([`Upload::from_reader`]) yields, so that the request
    /// has a `Content-Length` (some servers refuse bodies sent in chunks). The request fails if
    /// the reader yields fewer; it is read no further than `length`. No effect on other
    /// uploads, whose length is known.
    pub fn with_length(mut self, length: u64) -> Upload {
        if let Source::Reader { length: known, .. } = &mut self.source {
            *known = Some(length);
        }
        self
    }

    /// The file name sent to the server.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The media type of the content; `None` sends `application/octet-stream` in a multipart
    /// body.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The content, when it is in memory ([`Upload::new`]).
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Memory(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The file read, for an upload of [`Upload::from_path`].
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::Path(path) => Some(path),
            _ => None,
        }
    }
}

/// Where the content of an [`Upload`] comes from.
#[derive(Clone)]
pub(super) enum Source {
    Memory(Bytes),
    /// Opened for each attempt.
    Path(Arc<Path>),
    /// Read once; shared by the clones of the upload.
    Reader {
        shot: Arc<OneShot>,
        /// How many bytes it yields, when the caller said.
        length: Option<u64>,
    },
}

impl Default for Source {
    fn default() -> Self {
        Source::Memory(Bytes::new())
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Source::Memory(a), Source::Memory(b)) => a == b,
            (Source::Path(a), Source::Path(b)) => a == b,
            (
                Source::Reader { shot, length },
                Source::Reader {
                    shot: other,
                    length: other_length,
                },
            ) => Arc::ptr_eq(shot, other) && length == other_length,
            _ => false,
        }
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Memory(bytes) => write!(f, "Memory({} bytes)", bytes.len()),
            Source::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Source::Reader { shot, length } => f
                .debug_struct("Reader")
                .field("length", length)
                .field("read", &shot.is_spent())
                .finish(),
        }
    }
}

/// A reader that can be taken once (by the first attempt that reaches it while sending).
pub(super) struct OneShot(Mutex<Option<Reader>>);

type Reader = Pin<Box<dyn AsyncRead + Send>>;

impl OneShot {
    fn take(&self) -> Option<Reader> {
        match self.0.lock() {
            Ok(mut reader) => reader.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }

    /// Whether the reader was taken: read, at least in part.
    fn is_spent(&self) -> bool {
        match self.0.lock() {
            Ok(reader) => reader.is_none(),
            Err(poisoned) => poisoned.into_inner().is_none(),
        }
    }
}

/// One piece of a streamed body: bytes, or the content of an upload read as it is sent.
#[derive(Debug, Clone)]
pub(super) enum Piece {
    Bytes(Bytes),
    Upload(Source),
}

/// Sources whose content is read as the body is sent, one after another.
#[derive(Debug, Clone)]
pub(super) struct Pieces(pub(super) Vec<Piece>);

impl Pieces {
    /// Whether a reader of the body was read (even in part): the body cannot be sent again.
    pub(super) fn is_spent(&self) -> bool {
        self.0.iter().any(
            |piece| matches!(piece, Piece::Upload(Source::Reader { shot, .. }) if shot.is_spent()),
        )
    }

    /// The body of one attempt, and its length when every piece's is known: files are opened
    /// (again) now. Fails with [`Error::InvalidRequest`] when a file cannot be opened or a
    /// reader was already read.
    pub(super) async fn open(&self) -> Result<(reqwest::Body, Option<u64>), Error> {
        if self.is_spent() {
            return Err(Error::invalid_request(NOT_REPLAYABLE));
        }
        let mut opened = VecDeque::with_capacity(self.0.len());
        let mut length = Some(0u64);
        for piece in &self.0 {
            let (next, piece_length) = match piece {
                Piece::Bytes(bytes) | Piece::Upload(Source::Memory(bytes)) => {
                    (Opened::Bytes(bytes.clone()), Some(bytes.len() as u64))
                }
                Piece::Upload(Source::Path(path)) => {
                    let (file, file_length) = open_file(path).await?;
                    (
                        Opened::Reader(Box::pin(file.take(file_length))),
                        Some(file_length),
                    )
                }
                Piece::Upload(Source::Reader { shot, length }) => {
                    (Opened::Shared(shot.clone(), *length), *length)
                }
            };
            opened.push_back(next);
            length = length.zip(piece_length).map(|(a, b)| a.saturating_add(b));
        }
        let chain = Chain {
            pieces: opened,
            current: None,
        };
        Ok((reqwest::Body::wrap_stream(chain), length))
    }
}

/// `path` opened for reading, and its length.
async fn open_file(path: &Path) -> Result<(tokio::fs::File, u64), Error> {
    let failed = |error: io::Error| {
        Error::invalid_request(format!(
            "cannot read the file to upload `{}`: {error}",
            path.display()
        ))
    };
    let file = tokio::fs::File::open(path).await.map_err(failed)?;
    let metadata = file.metadata().await.map_err(failed)?;
    if metadata.is_dir() {
        return Err(failed(io::Error::other("it is a directory")));
    }
    Ok((file, metadata.len()))
}

/// A piece of the body of one attempt.
enum Opened {
    Bytes(Bytes),
    Reader(Reader),
    /// Taken when the body reaches it, so that an attempt that never got that far (no
    /// connection) leaves it for the next.
    Shared(Arc<OneShot>, Option<u64>),
}

/// The body of one attempt: its pieces, one after another.
struct Chain {
    pieces: VecDeque<Opened>,
    current: Option<ReaderStream<Reader>>,
}

impl futures_core::Stream for Chain {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(reader) = &mut this.current {
                match std::task::ready!(Pin::new(reader).poll_next(cx)) {
                    Some(chunk) => return Poll::Ready(Some(chunk)),
                    None => this.current = None,
                }
            }
            let reader = match this.pieces.pop_front() {
                None => return Poll::Ready(None),
                Some(Opened::Bytes(bytes)) if bytes.is_empty() => continue,
                Some(Opened::Bytes(bytes)) => return Poll::Ready(Some(Ok(bytes))),
                Some(Opened::Reader(reader)) => reader,
                Some(Opened::Shared(shot, length)) => match shot.take() {
                    Some(reader) => match length {
                        Some(length) => Box::pin(reader.take(length)),
                        None => reader,
                    },
                    None => return Poll::Ready(Some(Err(io::Error::other(NOT_REPLAYABLE)))),
                },
            };
            this.current = Some(ReaderStream::with_capacity(reader, READ_CHUNK));
        }
    }
}
