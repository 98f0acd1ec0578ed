//! The command line as a user meets it: exit codes, messages and `--help` of `conformance` and
//! `vectors`, run through the built binary. Every run is bounded in time.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use crate::support::*;

fn suite_dir() -> PathBuf {
    zkrollup_conformance::committed_suite_dir()
}

/// How many committed vectors the filters select (the suite grows: counts are never written in).
fn selected(filters: &[&str]) -> usize {
    let files = zkrollup_conformance::vectors::read(&suite_dir()).unwrap();
    let all: Vec<_> = files.into_iter().flat_map(|f| f.vectors).collect();
    if filters.is_empty() {
        return all.len();
    }
    let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
    zkrollup_conformance::harness::runner::select(&all, &filters).unwrap().len()
}

/// Runs the binary in `cwd` (the repository's top if `None`).
fn run_in(cwd: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    output_of(cmd)
}

fn run(args: &[&str]) -> Output {
    run_in(None, args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `conformance --dir <the committed suite>` plus `args`.
fn conformance(args: &[&str]) -> Output {
    let dir = suite_dir();
    let mut all = vec!["conformance", "--dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    run(&all)
}

fn script(dir: &Path, body: &str) -> String {
    format!("exec:{}", zkrollup_conformance::suite::child_script(dir, body))
}

/// The last line of stdout is `<word>: N passed, N failed, N skipped`; returns the numbers.
fn summary(o: &Output) -> (usize, usize, usize) {
    let text = stdout(o);
    let last = text.lines().last().unwrap_or_default().to_string();
    let (_, counts) = last.rsplit_once(": ").unwrap_or_else(|| panic!("no summary line in:\n{text}"));
    let n: Vec<usize> = counts
        .split(", ")
        .zip(["passed", "failed", "skipped"])
        .map(|(part, word)| {
            let (num, w) = part.split_once(' ').unwrap_or_else(|| panic!("bad summary {last:?}"));
            assert_eq!(w, word, "bad summary {last:?}");
            num.parse().unwrap()
        })
        .collect();
    assert_eq!(n.len(), 3, "bad summary {last:?}");
    (n[0], n[1], n[2])
}

// ---------------------------------------------------------------------------------------------
// --help
// ---------------------------------------------------------------------------------------------

#[test]
fn conformance_help_lists_every_implementation_and_the_timeout() {
    let o = run(&["conformance", "--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for name in zkrollup::IMPLEMENTATIONS.split(", ") {
        assert!(text.contains(name), "--help does not name {name}:\n{text}");
    }
    assert!(text.contains("--timeout <SECONDS>") && text.contains("[default: 30]"), "{text}");
    assert!(text.contains("--filter <NAME>") && text.contains("Repeatable"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// --timeout: a child that never answers, or never reads.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_child_that_never_answers_is_stopped_by_the_timeout() {
    let o = conformance(&["--impl", "exec:sleep 1000", "--timeout", "0.5"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("no answer within 0.5 s (--timeout)\n"), "{text}");
    assert!(text.contains("the process was still running: the harness killed it"), "{text}");
    assert!(text.contains(&format!("not run: {} vectors", selected(&[]) - 1)), "{text}");
    assert_eq!(summary(&o), (0, 1, 0));
    assert!(stderr(&o).contains("stopped answering"), "{}", stderr(&o));
}

#[test]
fn a_child_that_floods_garbage_is_an_unreadable_answer() {
    let o = conformance(&["--impl", "exec:yes garbage"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("unreadable answer: not JSON"), "{text}");
    assert_eq!(text.matches("ERROR").count(), 1, "{text}");
}

#[test]
fn the_timeout_must_be_positive() {
    for bad in ["0", "-1", "soon"] {
        let o = conformance(&[&format!("--timeout={bad}")]);
        assert_eq!(o.status.code(), Some(if bad == "soon" { 2 } else { 1 }), "--timeout {bad}");
        assert!(stderr(&o).contains("--timeout"), "--timeout {bad}: {}", stderr(&o));
    }
}

// ---------------------------------------------------------------------------------------------
// A child that exits: its status and stderr once, not a Broken pipe per vector.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_child_that_exits_is_reported_once_with_its_status_and_stderr() {
    let dir = temp_dir();
    let imp = script(dir.path(), "read request; echo 'cannot go on' >&2; exit 7");
    let o = conformance(&["--impl", &imp]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(!text.contains("Broken pipe"), "{text}");
    assert_eq!(text.matches("ERROR").count(), 1, "{text}");
    assert!(text.contains("the process exited with status 7"), "{text}");
    assert!(text.contains("| cannot go on"), "{text}");
    assert_eq!(text.matches(&format!("not run: {} vectors", selected(&[]) - 1)).count(), 1, "{text}");
}

// ---------------------------------------------------------------------------------------------
// {"unsupported": true}
// ---------------------------------------------------------------------------------------------

fn answering(dir: &Path, answers: &[serde_json::Value]) -> String {
    format!("exec:{}", zkrollup_conformance::suite::answering_child(dir, answers))
}

/// A hostile child that declines some vectors: each `unsupported` answer skips that vector
/// only (the next vector of its kind is still asked: a child that declines one codec vector
/// and answers the next right is checked on it), and a run that skipped anything fails unless
/// `--allow-skip` names the kind.
#[test]
fn an_unsupported_answer_skips_its_vector_only_and_fails_the_run_unless_allowed() {
    use zkrollup_conformance::harness::runner;
    let filters = ["codec/tx".to_string(), "primitives/poseidon".to_string()];
    let files = zkrollup_conformance::vectors::read(&suite_dir()).unwrap();
    let all: Vec<_> = files.into_iter().flat_map(|f| f.vectors).collect();
    let chosen = runner::select(&all, &filters).unwrap();
    assert!(chosen[0].name.starts_with("codec/") && chosen.last().unwrap().name.starts_with("primitives/"));
    // The first codec vector declined, every other vector answered right.
    let mut answers = vec![serde_json::json!({"unsupported": true})];
    answers.extend(chosen[1..].iter().map(|v| serde_json::json!({"outcome": v.expected})));
    let dir = temp_dir();
    let imp = answering(dir.path(), &answers);
    let args = ["--impl", &imp, "--filter", &filters[0], "--filter", &filters[1]];
    let o = conformance(&args);
    assert!(!o.status.success(), "a skip without --allow-skip: {}", stdout(&o));
    assert!(stderr(&o).contains("--allow-skip codec"), "{}", stderr(&o));
    assert_eq!(summary(&o), (chosen.len() - 1, 0, 1), "one vector skipped, the next codec vector asked");
    let o = conformance(&[&args[..], &["--allow-skip", "codec"]].concat());
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("skipped as unsupported: codec (1 of "), "{}", stdout(&o));
}

/// A hostile child that declines every vector passes nothing: even with every kind allowed
/// to skip, the run fails, saying nothing passed.
#[test]
fn a_run_in_which_nothing_passed_is_never_green() {
    let filter = "primitives/poseidon";
    let n = selected(&[filter]);
    let dir = temp_dir();
    let imp = answering(dir.path(), &vec![serde_json::json!({"unsupported": true}); n]);
    let o = conformance(&["--impl", &imp, "--filter", filter, "--allow-skip", "primitives,codec,transition,block,l1"]);
    assert!(!o.status.success(), "{}", stdout(&o));
    assert_eq!(summary(&o), (0, 0, n));
    assert!(stderr(&o).contains("nothing passed"), "{}", stderr(&o));
    let o = conformance(&["--impl", &imp, "--filter", filter, "--allow-skip", "everything"]);
    assert!(!o.status.success() && stderr(&o).contains("not a kind"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// --filter
// ---------------------------------------------------------------------------------------------

#[test]
fn a_filter_that_selects_nothing_is_an_error_naming_it() {
    let o = conformance(&["--filter", "transition/transfer/basicc"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--filter \"transition/transfer/basicc\" selects no vector"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_filter_selects_whole_name_segments_and_repeats() {
    let o = conformance(&["--filter", "primitives/poseidon/arity_1", "--verbose"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("pass  primitives/poseidon/arity_1\n"), "{text}");
    assert!(!text.contains("arity_10"), "{text}");
    assert_eq!(summary(&o), (1, 0, 0));
    let o = conformance(&["--filter", "primitives/poseidon/arity_1", "--filter", "transition/transfer/"]);
    assert!(o.status.success());
    assert_eq!(summary(&o), (1 + selected(&["transition/transfer/"]), 0, 0));
}

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

#[test]
fn failures_are_printed_as_they_happen() {
    let dir = temp_dir();
    // Answers the first request with an error at once, then hangs until the timeout.
    let imp = script(dir.path(), "read request; echo '{\"error\": \"first one fails\"}'; sleep 1000");
    let suite = suite_dir();
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["conformance", "--dir", suite.to_str().unwrap(), "--impl", &imp, "--timeout", "10"])
        .args(["--filter", "primitives/poseidon/arity_1", "--filter", "primitives/poseidon/arity_2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = rx.recv_timeout(HANG_GUARD).expect("a line before the run ends");
    assert_eq!(first, "ERROR primitives/poseidon/arity_1: the implementation's error: first one fails");
    assert!(child.try_wait().unwrap().is_none(), "the line came only at the end of the run");
    // The hung implementation sleeps 1,000 s: the run ends only because --timeout stops it.
    let status = ended(&mut child, started, "the run (--timeout 10 did not stop the hung implementation)");
    assert_eq!(status.code(), Some(1));
    let rest: Vec<String> = rx.iter().collect();
    assert_eq!(rest.last(), Some(&format!("{imp}: 0 passed, 2 failed, 0 skipped")), "{rest:?}");
    // Not a terminal: no progress bar on stderr, only the closing error.
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
}

#[test]
fn the_summary_line_closes_the_output() {
    let o = conformance(&["--filter", "transition/", "--impl", "reference"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let n = selected(&["transition/"]);
    assert_eq!(text.lines().last(), Some(format!("reference: {n} passed, 0 failed, 0 skipped").as_str()), "{text}");
}

// ---------------------------------------------------------------------------------------------
// --dir
// ---------------------------------------------------------------------------------------------

#[test]
fn a_missing_suite_folder_is_named_with_its_absolute_path() {
    let cwd = temp_dir();
    let cwd = cwd.path();
    fs::create_dir(cwd.join("empty")).unwrap();
    let abs = fs::canonicalize(cwd).unwrap();
    let commands: [&[&str]; 3] = [&["conformance"], &["vectors", "check"], &["vectors", "coverage"]];
    for args in commands {
        let o = run_in(Some(&abs), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        let tried = abs.join("conformance-vectors");
        assert!(e.contains(&format!("the suite folder {} does not exist", tried.display())), "{args:?}: {e}");
        assert!(e.contains("--dir"), "{args:?}: {e}");

        let mut with_dir = args.to_vec();
        with_dir.extend(["--dir", "empty"]);
        let o = run_in(Some(&abs), &with_dir);
        assert_eq!(o.status.code(), Some(1), "{with_dir:?}");
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "{} has no v1/ folder, so it is not a conformance suite folder",
                abs.join("empty").display()
            )),
            "{with_dir:?}: {e}"
        );
        assert!(!e.contains("missing") && !e.contains("generate"), "{with_dir:?}: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// vectors generate never deletes what it did not write
// ---------------------------------------------------------------------------------------------

#[test]
fn generate_refuses_a_v1_that_is_not_the_suite_s_layout() {
    // What is planted, and what the refusal must name.
    let cases = [
        ("v1/notes.txt", "v1/notes.txt"),
        ("v1/mine/data.json", "v1/mine"),
        ("v1/transition/readme.md", "v1/transition/readme.md"),
        ("v1/schema/nested/x.json", "v1/schema/nested"),
    ];
    for (path, named) in cases {
        let d = temp_dir();
        let d = d.path();
        let p = d.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, "mine").unwrap();
        fs::create_dir_all(d.join("v1/transition")).unwrap();
        fs::write(d.join("v1/transition/old.json"), "[]").unwrap();
        let o = run(&["vectors", "generate", "--dir", d.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{path}: {}", stdout(&o));
        let e = stderr(&o);
        assert!(e.contains("refusing to generate into") && e.contains("nothing was changed"), "{path}: {e}");
        assert!(e.contains(&format!("{}", d.join(named).display())), "{path}: {e} does not name {named}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "mine", "{path} was touched");
        assert!(d.join("v1/transition/old.json").exists(), "{path}: a stale file was removed after all");
        assert!(!d.join("v1/block").exists(), "{path}: something was written");
    }
}

#[test]
fn generate_removes_only_its_own_stale_files() {
    let d = temp_dir();
    let d = d.path();
    fs::create_dir_all(d.join("v1/transition")).unwrap();
    fs::create_dir_all(d.join("v1/schema")).unwrap();
    fs::write(d.join("v1/transition/renamed_group.json"), "[]").unwrap();
    fs::write(d.join("v1/schema/old.schema.json"), "{}").unwrap();
    fs::write(d.join("README.md"), "the suite's own notes").unwrap();
    fs::create_dir_all(d.join("tools")).unwrap();
    fs::write(d.join("tools/x.json"), "{}").unwrap();
    let o = run(&["vectors", "generate", "--dir", d.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!d.join("v1/transition/renamed_group.json").exists());
    assert!(!d.join("v1/schema/old.schema.json").exists());
    assert_eq!(fs::read_to_string(d.join("README.md")).unwrap(), "the suite's own notes");
    assert!(d.join("tools/x.json").exists());
    // What it wrote is the committed suite, file for file (CI's `vectors check` regenerates that
    // one: a second generation here would only repeat it).
    let files = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut dirs = vec![root.join("v1")];
        while let Some(dir) = dirs.pop() {
            for e in fs::read_dir(&dir).unwrap().map(Result::unwrap) {
                match e.file_type().unwrap().is_dir() {
                    true => dirs.push(e.path()),
                    false => out.push((e.path().strip_prefix(root).unwrap().to_owned(), fs::read(e.path()).unwrap())),
                }
            }
        }
        out.sort();
        out
    };
    let (written, committed) = (files(d), files(&suite_dir()));
    assert!(committed.len() > 10, "the committed suite has its files");
    let names = |f: &[(PathBuf, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&written), names(&committed));
    for ((path, a), (_, b)) in written.iter().zip(&committed) {
        assert!(a == b, "{} differs from the committed suite's", path.display());
    }
}

#[test]
fn node_help_states_every_default() {
    let o = run(&["node", "--help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let help = stdout(&o);
    // Each option's entry: from its line to the next option's.
    let entry = |flag: &str| -> String {
        let start = help.find(&format!("--{flag} ")).unwrap_or_else(|| panic!("no --{flag} in:\n{help}"));
        let mut lines = help[start..].lines();
        let first = lines.next().unwrap_or_default().to_string();
        let body: Vec<&str> = lines.take_while(|l| !l.trim_start().starts_with('-')).collect();
        format!("{first}\n{}", body.join("\n"))
    };
    for (flag, default) in [
        ("data-dir", "target/zkrollup-node"),
        ("listen", "127.0.0.1:3030"),
        ("block-chunks", "16"),
        ("seal-timeout", "5"),
        ("keys", "target/zkrollup-keys"),
        ("dev-users", "4"),
        ("fee-per-chunk", "0=1000 1=1"),
        ("max-nonce-gap", "64"),
        ("max-per-account", "64"),
        ("max-mempool", "100000"),
        ("max-request-bytes", "1048576"),
        ("max-batch-calls", "100"),
        ("max-batch-txs", "64"),
        ("max-connections", "256"),
        ("subscription-buffer", "1024"),
        ("max-subscriptions", "64"),
        ("run-for", "0"),
        ("l1-confirmations", "0 on a development chain"),
        ("rollup", "deploy one"),
        ("l1-listen", "127.0.0.1:8545"),
        ("l1-poll", "0.05 on a development chain"),
        ("l1-resend-after", "5 on a development chain"),
        ("l1-max-fee", "1000"),
        ("log", "info"),
    ] {
        let e = entry(flag);
        assert!(e.contains(&format!("[default: {default}")), "--{flag} does not state its default {default}:\n{e}");
    }
}

/// Without --l1-url the node runs its own development chain, kept in its data folder: a second
/// run resumes both the chain and the store (attaching to the rollup the first deployed checks
/// that a contract is there, a validator's), and --reset starts both afresh. It logs to stderr,
/// at the level of --log.
#[test]
fn node_on_its_own_chain_resumes_both_after_a_restart() {
    let dir = temp_dir();
    let keys = PathBuf::from(node_keys());
    let data = dir.path().join("data");
    let run_node = |extra: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args([
            "node",
            "--block-chunks",
            "8",
            "--listen",
            "127.0.0.1:0",
            "--l1-listen",
            "127.0.0.1:0",
            "--run-for",
            "1",
        ])
        .args(["--dev-users", "2", "--keys", keys.to_str().unwrap(), "--data-dir", data.to_str().unwrap()])
        .args(extra);
        output_of(cmd)
    };
    let o = run_node(&[]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.contains("L1: the development chain, served at http://127.0.0.1:"), "{out}");
    assert!(out.contains("dev user 1: ") && out.contains("listening on http://127.0.0.1:"), "{out}");
    let rollup =
        out.split("rollup at ").nth(1).and_then(|r| r.split([',', ' ']).next()).expect("the rollup").to_string();
    assert!(data.join("l1-chain.jsonl").exists() && data.join("node.redb").exists());
    // Its log (stderr, info by default): the development users' deposits read from L1.
    let log = stderr(&o);
    assert!(log.contains(" INFO ") && log.contains("L1 request read serial_id=0 kind=\"deposit\""), "{log}");

    let o = run_node(&[]);
    let again = stdout(&o);
    assert!(o.status.success(), "{again}{}", stderr(&o));
    assert!(again.contains("the rollup deployed earlier") && !again.contains("dev user"), "{again}");
    assert!(again.contains(&format!("rollup at {rollup},")), "the same rollup: {again}");

    // Afresh, the deposits are read again, as in the first run: at --log warn, no info line.
    let o = run_node(&["--reset", "--log", "warn"]);
    assert!(o.status.success() && stdout(&o).contains("dev user 0"), "{}{}", stdout(&o), stderr(&o));
    assert!(!stderr(&o).contains(" INFO "), "--log warn: {}", stderr(&o));
    let o = run(&["node", "--block-chunks", "12"]);
    assert!(!o.status.success() && stderr(&o).contains("supported sizes"), "{}", stderr(&o));
    for bad in ["info,zkrollup_node=loud", "warning", ""] {
        let o = run(&["node", "--log", bad]);
        assert!(!o.status.success() && stderr(&o).contains("--log"), "--log {bad:?}: {}", stderr(&o));
    }
}

/// `zkrollup node --config FILE`: options from a TOML file, each named as its flag; its
/// environment variable beats the file and a flag beats both (seen in which block size the
/// node refuses, its first check); an unknown key, a bad value, a list for one value and a file
/// that is not TOML are refused naming the file and the key.
#[test]
fn node_options_come_from_a_file_the_environment_and_flags() {
    let dir = temp_dir();
    let node = |file: &str, env: &[(&str, &str)], flags: &[&str]| {
        let path = dir.path().join("node.toml");
        fs::write(&path, file).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(["node", "--config", path.to_str().unwrap()]).args(flags).env_remove("ZKROLLUP_BLOCK_CHUNKS");
        cmd.envs(env.iter().copied());
        let o = output_of(cmd);
        assert!(!o.status.success(), "{}", stdout(&o));
        stderr(&o)
    };
    let file = "block-chunks = 12\nlisten = \"127.0.0.1:0\"\nfee-per-chunk = [\"0=5\", \"1=1\"]\n";
    assert!(node(file, &[], &[]).contains("--block-chunks 12: supported sizes"), "the file's value");
    let env = [("ZKROLLUP_BLOCK_CHUNKS", "7")];
    assert!(node(file, &env, &[]).contains("--block-chunks 7: supported sizes"), "the environment beats the file");
    let flag = ["--block-chunks", "6"];
    assert!(node(file, &env, &flag).contains("--block-chunks 6: supported sizes"), "a flag beats both");

    for (file, says) in [
        ("lisen = \"127.0.0.1:0\"", "unknown key `lisen`; the keys are the flags of `zkrollup node`: "),
        ("listen = \"nowhere\"", "key `listen`: invalid value 'nowhere'"),
        ("block-chunks = [8, 16]", "key `block-chunks`: takes one value, not a list"),
        ("fee-per-chunk = []", "key `fee-per-chunk`: an empty list"),
        ("reset = \"yes\"", "key `reset`: true or false"),
        ("max-mempool = -1", "key `max-mempool`: invalid value '-1'"),
        ("listen = ", "not TOML"),
    ] {
        let err = node(file, &[], &[]);
        assert!(err.contains("node.toml") && err.contains(says), "{file:?}: {err}");
    }
}

/// `zkrollup l1`: the development chain as a process of its own, the rollup deployed on it; with
/// --state it resumes the chain and its deployment, and refuses a block size the deployment
/// does not take. The node attaches to it as to any chain (node_runs_on_an_ethereum_node_…).
#[test]
fn l1_runs_the_development_chain_and_resumes_it_from_its_state() {
    let dir = temp_dir();
    let keys = PathBuf::from(node_keys());
    let state = dir.path().join("chain.jsonl");
    let l1 = |chunks: &str| {
        run(&[
            "l1",
            "--listen",
            "127.0.0.1:0",
            "--run-for",
            "1",
            "--block-chunks",
            chunks,
            "--keys",
            keys.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ])
    };
    let o = l1("8");
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.contains("INSECURE") && out.contains("dev key 3: ") && out.contains("token 1: 0x"), "{out}");
    let attach = out.lines().find(|l| l.contains("zkrollup node --l1-url http://127.0.0.1:")).expect("how to attach");
    let rollup = attach.split("--rollup ").nth(1).and_then(|r| r.split(' ').next()).expect("its rollup").to_string();

    let o = l1("8");
    let again = stdout(&o);
    assert!(o.status.success(), "{again}{}", stderr(&o));
    assert!(again.contains("the rollup deployed earlier") && again.contains(&format!("--rollup {rollup} ")), "{again}");
    let o = l1("16");
    assert!(!o.status.success() && stderr(&o).contains("takes 8-chunk blocks, not 16"), "{}", stderr(&o));
    let o = run(&["l1", "--block-time", "0"]);
    assert!(!o.status.success() && stderr(&o).contains("more than 0"), "{}", stderr(&o));
}

/// `--l1-url`: the node deploys the rollup on a real Ethereum node (anvil) and serves; run again
/// with `--rollup`, it attaches to that contract and resumes its store (a store of another
/// contract is refused: tests of node-tests/tests/api.rs). The L1 key comes from the environment,
/// never the command line.
#[test]
fn node_runs_on_an_ethereum_node_deploying_then_attaching() {
    use zkrollup_node::anvil::{Anvil, DEV_KEYS};
    let Some(anvil) = Anvil::start_for_test(&[]) else { return };
    let dir = temp_dir();
    let keys = PathBuf::from(node_keys());
    let (keys, data) = (keys.display().to_string(), dir.path().join("data").display().to_string());
    let node = |extra: &[&str], key: Option<&str>| {
        let mut cmd = Command::new(BIN);
        cmd.args(["node", "--block-chunks", "8", "--listen", "127.0.0.1:0", "--run-for", "1", "--l1-url", &anvil.url])
            .args(["--keys", &keys, "--data-dir", &data])
            .args(extra)
            .env_remove("ZKROLLUP_L1_KEY");
        if let Some(k) = key {
            cmd.env("ZKROLLUP_L1_KEY", k);
        }
        output_of(cmd)
    };
    let o = node(&[], None);
    assert!(!o.status.success() && stderr(&o).contains("ZKROLLUP_L1_KEY"), "{}", stderr(&o));
    // A key file read as the wallet reads its own: an empty one is named, and refused.
    let empty = dir.path().join("operator.key");
    std::fs::write(&empty, "\n").unwrap();
    let o = node(&["--l1-key-file", &empty.display().to_string()], None);
    assert!(!o.status.success() && stderr(&o).contains("operator.key: the file is empty"), "{}", stderr(&o));
    let o = node(&[], Some(DEV_KEYS[0]));
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let rollup = out
        .split("deployed the rollup at ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no deployment in:\n{out}"))
        .to_string();
    assert!(out.contains(&format!("rollup at {rollup}")) && out.contains("listening on http://127.0.0.1:"), "{out}");
    let block = out.split("--l1-from-block ").nth(1).and_then(|r| r.split_whitespace().next()).expect("its block");
    // A store is never deployed over; an address with no rollup is refused before anything runs.
    let o = node(&[], Some(DEV_KEYS[0]));
    assert!(!o.status.success() && stderr(&o).contains("--rollup"), "{}", stderr(&o));
    let o =
        node(&["--rollup", "0x00000000000000000000000000000000000000aa", "--l1-from-block", "0"], Some(DEV_KEYS[0]));
    assert!(!o.status.success() && stderr(&o).contains("no contract at"), "{}", stderr(&o));
    let o = node(&["--rollup", &rollup, "--l1-from-block", block], Some(DEV_KEYS[0]));
    assert!(o.status.success(), "attaching resumes the store: {}{}", stdout(&o), stderr(&o));
    assert!(!stdout(&o).contains("deployed the rollup"), "{}", stdout(&o));
}

/// `bench node` on a small load: a row per round (the SDK's included), each SDK call's time,
/// and a withdrawal's time to executed on L1 with the 8-chunk keys the process tests share.
#[test]
fn bench_node_reports_each_round_the_sdk_calls_and_a_withdrawal() {
    let mut cmd = Command::new(BIN);
    cmd.args(["bench", "node", "--accounts", "8", "--transfers", "32", "--concurrency", "4", "--chunks", "8"])
        .args(["--sizes", "8"])
        .env("ZKROLLUP_KEYS", node_keys());
    let o = output_of(cmd);
    let out = stdout(&o);
    assert!(o.status.success(), "{}\n{out}", stderr(&o));
    for round in ["HTTP", "WebSocket", "HTTP, silent subscriber", "SDK, signing as it sends"] {
        let row = format!("accepted transfers/s ({round})");
        assert!(out.lines().any(|l| l.starts_with(&row) && l.trim_end().ends_with('x')), "no {row:?} row:\n{out}");
    }
    for call in ["NonceManager::submit", "Provider::account", "TxHandle::wait"] {
        assert!(out.lines().any(|l| l.starts_with(&format!("SDK {call}")) && l.contains(" / ")), "no {call}:\n{out}");
    }
    assert!(out.contains("withdrawal: submitted → executed on L1, s (8 chunks)"), "{out}");
}

/// `bench restart` on short chains: a row per chain, ten accounts in turn then one per block,
/// and a length of zero refused.
#[test]
fn bench_restart_times_a_row_per_chain() {
    let o = run(&["bench", "restart", "--blocks", "2,12"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<Vec<&str>> =
        out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>()).filter(|w| w.len() == 5).collect();
    let chains: Vec<(&str, &str)> = rows.iter().map(|w| (w[0], w[1])).collect();
    assert_eq!(chains, [("2", "2"), ("12", "10"), ("2", "2"), ("12", "12")], "{out}");
    assert!(rows.iter().all(|w| w[3].ends_with("ms") && w[4].ends_with("ms")), "{out}");
    let o = run(&["bench", "restart", "--blocks", "0"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--blocks"), "{}", stderr(&o));
}
