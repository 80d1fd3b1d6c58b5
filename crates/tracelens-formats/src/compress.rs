//! Compressed outputs, chosen by file extension (.gz, .zst).

use std::io::Write;
use std::path::Path;

/// A writer that compresses into `inner` and finishes the stream on
/// [`Finish::finish`] (dropping also finishes, but cannot report errors).
pub trait Finish: Write {
    fn finish(self: Box<Self>) -> std::io::Result<()>;
}

struct Plain<W: Write>(W);
impl<W: Write> Write for Plain<W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
impl<W: Write> Finish for Plain<W> {
    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl<W: Write> Finish for flate2::write::GzEncoder<W> {
    fn finish(self: Box<Self>) -> std::io::Result<()> {
        (*self).finish()?.flush()
    }
}

impl<W: Write> Finish for zstd::stream::write::Encoder<'static, W> {
    fn finish(self: Box<Self>) -> std::io::Result<()> {
        (*self).finish()?.flush()
    }
}

/// Wraps `inner` in the compression the path's extension asks for.
pub fn writer_for_path<W: Write + 'static>(
    path: &Path,
    inner: W,
) -> std::io::Result<Box<dyn Finish>> {
    Ok(match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => Box::new(flate2::write::GzEncoder::new(
            inner,
            flate2::Compression::default(),
        )),
        Some("zst") => Box::new(zstd::stream::write::Encoder::new(inner, 3)?),
        _ => Box::new(Plain(inner)),
    })
}
