//! `gotrace dump`: the parsed events as text, line for line as `go tool trace -d=parsed`.

use std::io::Write;
use std::process::ExitCode;

pub fn dump(data: &[u8]) -> anyhow::Result<ExitCode> {
    let mut reader = match gotrace::Reader::new(data) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    loop {
        match reader.read_event() {
            Ok(Some(ev)) => writeln!(out, "{ev}")?,
            Ok(None) => return Ok(ExitCode::SUCCESS),
            Err(e) => {
                out.flush()?;
                eprintln!("{e}");
                return Ok(ExitCode::from(1));
            }
        }
    }
}
