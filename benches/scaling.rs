#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `check` against input size: one narrative repeated to 1, 2, 4, 5 and 8 MB, checked text-only in
//! process, with wall time and the peak resident memory so far. Linear work shows as a constant
//! time per MB (wall, and the process's CPU time, which other work on the machine does not
//! inflate as much). Run with `cargo bench --bench scaling`; the narrative is the real one from
//! `../shared/domain` when it is there (read, never copied), else our clean fixture. No timing is
//! asserted anywhere; README quotes a run.

use std::time::Instant;

use tiercheck::check::{check_draft, CheckRules, Selection};
use tiercheck::rulebook::{RuleFiles, Rulebook};
use tiercheck::source::SourceFile;

/// Peak resident memory of this process, in MB (Linux; 0 elsewhere).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time of this process so far (user and system), in seconds (Linux; 0 elsewhere): on a
/// shared machine the wall time says how busy the others are, this what the check cost.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // After the command name in parentheses: state is field 3, utime 14 and stime 15.
            let rest = s.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
            Some(ticks(11)? + ticks(12)?)
        })
        // /proc counts in USER_HZ, 100 a second on Linux.
        .map_or(0.0, |t| t / 100.0)
}

fn main() {
    let files = RuleFiles::bundled().unwrap();
    let rb = Rulebook::from_files(files.clone()).unwrap();
    let rules = CheckRules::load(&files, Some(&rb)).unwrap();
    let (name, text) = match std::fs::read_to_string("../shared/domain/tajikistan-2022.txt") {
        Ok(t) => ("the bundled Tajikistan 2022 narrative", t),
        Err(_) => (
            "tests/check/clean.txt",
            std::fs::read_to_string("tests/check/clean.txt").unwrap(),
        ),
    };
    // The title line once, then the body over and over.
    let (title, body) = text.split_once('\n').unwrap_or(("", &text));
    println!(
        "check (text only) of {name} repeated; {} bytes a copy",
        body.len()
    );
    println!(
        "{:>6} {:>9} {:>10} {:>9} {:>9} {:>9} {:>12}",
        "MB", "copies", "seconds", "s/MB", "CPU s", "CPU s/MB", "peak RSS MB"
    );
    for mb in [1usize, 2, 4, 5, 8] {
        let target = mb << 20;
        let mut draft = String::with_capacity(target + body.len());
        draft.push_str(title);
        draft.push('\n');
        let mut copies = 0;
        while draft.len() < target {
            draft.push_str(body);
            draft.push('\n');
            copies += 1;
        }
        let file = SourceFile::new(format!("repeated-{mb}mb.txt"), draft);
        let start = Instant::now();
        let cpu = cpu_seconds();
        let ds = check_draft(&file, &rules, None, &Selection::default(), None);
        // Render as `check` prints: every snippet reads its lines through the line index.
        let shown = tiercheck::diagnostic::render_human_all(
            &ds,
            tiercheck::diagnostic::HumanStyle::plain(),
        );
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu;
        println!(
            "{:>6} {:>9} {:>10.2} {:>9.3} {:>9.2} {:>9.3} {:>12.0}   ({} findings, {} KB printed)",
            mb,
            copies,
            secs,
            secs / mb as f64,
            cpu,
            cpu / mb as f64,
            peak_mb(),
            ds.len(),
            shown.len() / 1024
        );
    }
}
