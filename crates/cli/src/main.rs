use std::io::Write;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[2])?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut r = match gotrace::Reader::new(&data) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    loop {
        match r.read_event() {
            Ok(Some(ev)) => writeln!(out, "{ev}")?,
            Ok(None) => break,
            Err(e) => {
                out.flush()?;
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
    Ok(())
}
