//! The `exec:` adapter and the runner against real child processes that misbehave: hanging,
//! flooding, exiting, declining kinds, answering malformed or oversized lines. Every test is
//! bounded in time (a short `--timeout`, and an assertion on how long the run took).

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use zkrollup_conformance::harness::exec::{ExecImplementation, Options};
use zkrollup_conformance::harness::response::{self, Problem, Response};
use zkrollup_conformance::harness::runner::{self, Report, Status};
use zkrollup_conformance::harness::Implementation;
use zkrollup_conformance::suite;
use zkrollup_conformance::vectors;
use zkrollup_conformance::wire::{Kind, Vector, VectorInput};

const SPEC_EXEC: &str = env!("CARGO_BIN_EXE_zkrollup-spec-exec");

fn all_vectors() -> Vec<Vector> {
    let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).expect("the committed suite reads");
    files.into_iter().flat_map(|f| f.vectors).collect()
}

/// The named vectors, in the order given.
fn named(names: &[&str]) -> Vec<Vector> {
    let all = all_vectors();
    names.iter().map(|n| all.iter().find(|v| v.name == *n).unwrap_or_else(|| panic!("no vector {n}")).clone()).collect()
}

/// A fresh, empty temporary folder, removed when dropped.
fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("zkrollup-test-").tempdir().expect("a temporary folder")
}

/// Writes an executable shell script and returns the command that runs it.
fn script(dir: &Path, body: &str) -> String {
    suite::child_script(dir, body)
}

/// How long a run with a hung child may take before the harness's deadline counts as broken:
/// far below the children's 1,000 s sleeps, far above the deadlines tested (the suite shares
/// two cores, so no tighter bound is a fair test).
const GUARD: Duration = Duration::from_secs(30);
// The tests that must not wait for a deadline give the child 120 s (`options(120_000)`) and
// the run `GUARD`: a run that waited for the deadline fails, a prompt one passes however loaded
// the machine is.

fn options(timeout_ms: u64) -> Options {
    Options { timeout: Duration::from_millis(timeout_ms), ..Options::default() }
}

/// Runs `vectors` through `command`, asserting the whole run (child stopped included) took
/// less than `limit`.
fn run_exec(command: &str, opts: Options, vectors: &[Vector], limit: Duration) -> Report {
    let started = Instant::now();
    let mut exec = ExecImplementation::spawn_with(command, opts).expect("the shell starts");
    let chosen: Vec<&Vector> = vectors.iter().collect();
    let report = runner::run_observed(&mut exec, &chosen, |_| {});
    drop(exec);
    assert!(started.elapsed() < limit, "the run took {:?}", started.elapsed());
    report
}

fn error_of(report: &Report, i: usize) -> &str {
    match &report.vectors[i].status {
        Status::Error(e) => e,
        other => panic!("vector {i} is {other:?}, not an error:\n{}", report.render(false)),
    }
}

/// Whether any live (not zombie) process is in process group `pgid`.
fn group_alive(pgid: u32) -> bool {
    fs::read_dir("/proc").unwrap().flatten().any(|e| {
        let Ok(stat) = fs::read_to_string(e.path().join("stat")) else { return false };
        let Some((_, rest)) = stat.rsplit_once(") ") else { return false };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        fields.len() > 2 && fields[0] != "Z" && fields[0] != "X" && fields[2] == pgid.to_string()
    })
}

fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    f()
}

const THREE: [&str; 3] = ["transition/transfer/basic", "transition/deposit/tree_full", "primitives/poseidon/arity_1"];

// ---------------------------------------------------------------------------------------------
// 1. A child that never reads or never answers: a deadline, then the child is killed.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_child_that_never_answers_is_timed_out_and_killed() {
    let started = Instant::now();
    let mut exec = ExecImplementation::spawn_with("sleep 1000", options(300)).unwrap();
    let pgid = exec.id();
    let vectors = named(&THREE);
    let chosen: Vec<&Vector> = vectors.iter().collect();
    let report = runner::run_observed(&mut exec, &chosen, |_| {});
    assert!(started.elapsed() < GUARD, "took {:?}", started.elapsed());
    let e = error_of(&report, 0);
    assert!(e.starts_with("no answer within 0.3 s (--timeout)"), "{e}");
    assert!(e.contains("\nthe process was still running: the harness killed it"), "{e}");
    assert!(wait_until(GUARD, || !group_alive(pgid)), "the child still runs after the timeout");
    assert_eq!(report.not_run(), 2);
}

#[test]
fn a_request_larger_than_the_pipe_does_not_block_the_harness() {
    // A child that never reads: writing 1 MiB blocks once the pipe is full; the deadline must
    // still hold (the writing happens off the harness's thread).
    let mut big = all_vectors()
        .into_iter()
        .find(|v| matches!(&v.input, VectorInput::Block(b) if !b.inputs.is_empty()))
        .expect("a block vector with inputs");
    let VectorInput::Block(b) = &mut big.input else { unreachable!() };
    let one = b.inputs.clone();
    while serde_json::to_string(&b.inputs).unwrap().len() < 1 << 20 {
        b.inputs.extend(one.iter().cloned());
    }
    let report = run_exec("sleep 1000", options(300), &[big.clone(), big], GUARD);
    assert!(error_of(&report, 0).starts_with("no answer within 0.3 s"), "{}", error_of(&report, 0));
    assert_eq!(report.not_run(), 1);
}

#[test]
fn a_forked_child_that_never_reads_is_killed_with_its_process_group() {
    // Not a simple command, so `sh` forks: killing `sh` alone would leave the sleeps.
    let dir = temp_dir();
    let cmd = script(dir.path(), "sleep 1000 & sleep 1000; echo never");
    let mut exec = ExecImplementation::spawn_with(&cmd, options(300)).unwrap();
    let pgid = exec.id();
    assert!(wait_until(GUARD, || group_alive(pgid)));
    let started = Instant::now();
    let vectors = named(&THREE[..1]);
    let report = runner::run_observed(&mut exec, &[&vectors[0]], |_| {});
    assert!(error_of(&report, 0).starts_with("no answer within"));
    assert!(wait_until(GUARD, || !group_alive(pgid)), "the process group outlived the timeout");
    assert!(started.elapsed() < GUARD);
    drop(exec);
}

#[test]
fn a_child_that_ignores_the_end_of_its_input_fails_the_run_and_is_killed() {
    let dir = temp_dir();
    // Answers one request correctly, then ignores stdin's end and never exits by itself.
    let cmd = script(dir.path(), &format!("head -n 1 | {SPEC_EXEC}; trap '' TERM; sleep 1000"));
    let mut exec = ExecImplementation::spawn_with(&cmd, options(120_000)).unwrap();
    let pgid = exec.id();
    let vectors = named(&THREE[..1]);
    let report = runner::run_observed(&mut exec, &[&vectors[0]], |_| {});
    // Its answer passes, and its refusal to exit fails the run.
    assert_eq!((report.passed(), report.failed(), report.errors()), (1, 0, 0), "{}", report.render(false));
    let ended = report.ended.as_deref().expect("the refusal to exit reported");
    assert!(ended.contains("did not exit within 5s of its stdin closing"), "{ended}");
    let started = Instant::now();
    drop(exec);
    assert!(started.elapsed() < GUARD, "dropping took {:?}", started.elapsed());
    // SIGKILL is delivered asynchronously: the group is gone shortly after, not at once.
    assert!(wait_until(GUARD, || !group_alive(pgid)), "the child outlived the harness");
}

#[test]
fn a_child_flooding_lines_that_are_not_json_is_an_unreadable_answer() {
    let report = run_exec("yes garbage", options(120_000), &named(&THREE), GUARD);
    let e = error_of(&report, 0);
    assert!(e.starts_with("unreadable answer: not JSON"), "{e}");
    assert!(e.contains("garbage"), "{e}");
    assert_eq!(report.not_run(), 2);
    assert_eq!(report.stopped.as_ref().unwrap().at, THREE[0]);
}

#[test]
fn an_answer_line_without_end_is_refused_at_the_line_limit() {
    let opts = Options { max_line: 1 << 20, ..options(120_000) };
    let report = run_exec("yes | tr -d '\\n'", opts, &named(&THREE), GUARD);
    let e = error_of(&report, 0);
    assert!(e.starts_with("unreadable answer: a line longer than 1 MiB without a newline"), "{e}");
    assert_eq!(report.not_run(), 2);
}

#[test]
fn the_default_line_limit_is_64_mib() {
    assert_eq!(Options::default().max_line, 64 << 20);
    assert_eq!(Options::default().timeout, Duration::from_secs(30));
    let report = run_exec("head -c 70000000 /dev/zero", Options::default(), &named(&THREE), GUARD);
    let e = error_of(&report, 0);
    assert!(e.starts_with("unreadable answer: a line longer than 64 MiB"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// 2. A child that exits: one error with its exit status and stderr, the rest not run.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_child_that_exits_stops_the_run_with_its_status_and_stderr() {
    let dir = temp_dir();
    let cmd = script(
        dir.path(),
        r#"read request
echo '{"error": "cannot do this one"}'
i=1; while [ $i -le 25 ]; do echo "diagnostic line $i" >&2; i=$((i+1)); done
exit 3"#,
    );
    let vectors = named(&[THREE[0], THREE[1], THREE[2], "codec/tx/decode_transfer_truncated", "l1/flows/deploy"]);
    let report = run_exec(&cmd, options(120_000), &vectors, GUARD);
    assert_eq!(error_of(&report, 0), "the implementation's error: cannot do this one");
    let e = error_of(&report, 1);
    assert!(e.contains("exited with status 3"), "{e}");
    assert!(e.contains("its stderr (last 20 of 25 lines):"), "{e}");
    assert!(e.contains("| diagnostic line 25") && e.contains("| diagnostic line 6\n"), "{e}");
    assert!(!e.contains("diagnostic line 5\n"), "{e}");
    assert_eq!(report.not_run(), 3);
    assert_eq!(report.errors(), 2);
    let text = report.render(false);
    assert_eq!(text.matches("ERROR").count(), 2, "{text}");
    assert_eq!(text.matches("not run: 3 vectors").count(), 1, "{text}");
    assert!(!text.contains("Broken pipe"), "{text}");
    assert!(!report.ok());
}

#[test]
fn a_command_that_does_not_exist_reports_the_shell_s_complaint() {
    let report = run_exec("no-such-implementation-anywhere", options(120_000), &named(&THREE), GUARD);
    let e = error_of(&report, 0);
    assert!(e.contains("exited with status 127"), "{e}");
    assert!(e.contains("not found"), "{e}");
    assert_eq!(report.not_run(), 2);
}

// ---------------------------------------------------------------------------------------------
// 3. {"unsupported": true}: that vector is skipped, and the next of its kind asked again.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_unsupported_answer_skips_that_vector_only() {
    let dir = temp_dir();
    let count = dir.path().join("codec-requests");
    let cmd = script(
        dir.path(),
        &format!(
            r#"while read -r line; do
  case "$line" in
    *'"kind":"codec"'*) echo codec >> {count}; echo '{{"unsupported": true}}' ;;
    *) printf '%s\n' "$line" | {SPEC_EXEC} ;;
  esac
done"#,
            count = count.display()
        ),
    );
    let vectors = named(&[
        "codec/tx/decode_transfer_truncated",
        "primitives/poseidon/arity_1",
        "codec/tx/decode_transfer_truncated",
        "transition/transfer/basic",
    ]);
    let report = run_exec(&cmd, options(120_000), &vectors, GUARD);
    assert!(report.ok(), "{}", report.render(false));
    assert_eq!((report.passed(), report.skipped(), report.failed(), report.errors()), (2, 2, 0, 0));
    assert_eq!(report.unsupported_kinds(), vec![Kind::Codec]);
    assert_eq!(fs::read_to_string(&count).unwrap(), "codec\ncodec\n", "each codec vector asked");
    // Green only if the user allowed codec's skips.
    assert!(report.verdict(&[]).unwrap_err().contains("--allow-skip codec"));
    assert_eq!(report.verdict(&[Kind::Codec]), Ok(()));
    let text = report.render(false);
    assert!(text.contains("skipped as unsupported: codec (2 of 2 vectors)\n"), "{text}");
    assert!(text.ends_with(": 2 passed, 0 failed, 2 skipped\n"), "{text}");
}

/// A child that answers every vector right, then ends as `end` makes it (a shell line after
/// its loop).
fn answering_then(dir: &Path, end: &str) -> String {
    script(
        dir,
        &format!("while read -r line; do printf '%s\\n' \"$line\" | {SPEC_EXEC}; done\necho 'last words' >&2\n{end}"),
    )
}

/// Every vector answered right, then a non-zero exit: the run is not green, and the report says
/// how the child ended, with its stderr.
#[test]
fn a_child_that_exits_non_zero_after_its_last_answer_fails_the_run() {
    let dir = temp_dir();
    let report = run_exec(&answering_then(dir.path(), "exit 3"), options(120_000), &named(&THREE), GUARD);
    assert_eq!((report.passed(), report.failed(), report.errors()), (3, 0, 0), "{}", report.render(false));
    assert!(!report.ok());
    let ended = report.ended.as_deref().expect("the bad end reported");
    assert!(ended.contains("exited with status 3") && ended.contains("last words"), "{ended}");
    assert!(report.verdict(&[]).unwrap_err().contains("exited with status 3"));
    assert!(report.render_summary().contains("after its last answer, the implementation exited with status 3\n"));
    // And one that exits with success passes.
    let report = run_exec(&answering_then(dir.path(), "exit 0"), options(120_000), &named(&THREE), GUARD);
    assert_eq!(report.verdict(&[]), Ok(()), "{}", report.render(false));
}

/// Every vector answered right, then death by a signal: named as a signal, not as a status.
#[test]
fn a_child_killed_by_a_signal_after_its_last_answer_is_named_so() {
    let dir = temp_dir();
    let report = run_exec(&answering_then(dir.path(), "kill -SEGV $$"), options(120_000), &named(&THREE), GUARD);
    let ended = report.ended.as_deref().expect("the bad end reported");
    assert!(ended.contains("killed by signal 11 (SIGSEGV)"), "{ended}");
}

/// A child that answers every request twice: a protocol error, not shifted answers that pass
/// or fail by chance; the run is not green.
#[test]
fn a_child_answering_twice_is_a_protocol_error() {
    let dir = temp_dir();
    let twice = format!(
        "while read -r line; do out=$(printf '%s\\n' \"$line\" | {SPEC_EXEC}); echo \"$out\"; echo \"$out\"; done"
    );
    let report = run_exec(&script(dir.path(), &twice), options(120_000), &named(&THREE), GUARD);
    assert!(!report.ok() && report.verdict(&[]).is_err());
    // Caught at a later request, or after the last answer, whichever the extra line reached.
    let said = format!("{}{}", report.render(false), report.ended.clone().unwrap_or_default());
    assert!(said.contains("wrote a line nobody asked for"), "{said}");
}

/// A child that answers every vector right, then writes one line more: caught after the last
/// answer.
#[test]
fn an_extra_line_after_the_last_answer_fails_the_run() {
    let dir = temp_dir();
    let report =
        run_exec(&answering_then(dir.path(), "echo '{\"error\": \"extra\"}'"), options(120_000), &named(&THREE), GUARD);
    assert_eq!(report.passed(), 3, "{}", report.render(false));
    let ended = report.ended.as_deref().expect("the extra line reported");
    assert!(ended.contains("wrote a line nobody asked for") && ended.contains("extra"), "{ended}");
}

// ---------------------------------------------------------------------------------------------
// 4. Long non-ASCII answers are shortened on a character boundary.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_long_non_ascii_answer_is_shortened_on_a_character_boundary() {
    let dir = temp_dir();
    let answer = json!({"outcome": {
        "kind": "transition",
        "pre_root": "é".repeat(150) + "x",
        "verdict": {"result": "rejected", "rule": "x"},
    }});
    fs::write(dir.path().join("answer.json"), format!("{answer}\n")).unwrap();
    let cmd =
        script(dir.path(), &format!("while read -r line; do cat {}; done", dir.path().join("answer.json").display()));
    let report = run_exec(&cmd, options(120_000), &named(&THREE[..1]), GUARD);
    let Status::Fail(d) = &report.vectors[0].status else { panic!("{}", report.render(false)) };
    assert_eq!(d.path, "$.pre_root");
    assert!(d.actual.ends_with('…') && d.actual.starts_with("\"éé"), "{}", d.actual);
    assert!(d.actual.len() <= 200 + '…'.len_utf8(), "{}", d.actual.len());
}

#[test]
fn truncation_respects_character_boundaries() {
    let s = "aé".repeat(200);
    for max in 0..10 {
        let t = runner::truncate(&s, max);
        assert!(t.len() <= max + '…'.len_utf8());
    }
    assert_eq!(runner::truncate("short", 200), "short");
}

// ---------------------------------------------------------------------------------------------
// 5. Wrong verdicts are shown whole; malformed answers name the bad field.
// ---------------------------------------------------------------------------------------------

fn answering(dir: &Path, answers: &[Value]) -> String {
    suite::answering_child(dir, answers)
}

fn expected_of(name: &str) -> Value {
    serde_json::to_value(&named(&[name])[0].expected).unwrap()
}

#[test]
fn a_wrong_verdict_is_reported_at_the_verdict_showing_both() {
    let dir = temp_dir();
    // A rejection answered as an acceptance (the accepted verdict of another vector).
    let mut wrong = expected_of("transition/deposit/tree_full");
    wrong["verdict"] = expected_of("transition/transfer/basic")["verdict"].clone();
    // And an acceptance answered as a rejection.
    let mut refused = expected_of("transition/transfer/basic");
    refused["verdict"] = json!({"result": "rejected", "rule": "transfer.insufficient_balance"});
    let cmd = answering(dir.path(), &[json!({ "outcome": wrong }), json!({ "outcome": refused })]);
    let vectors = named(&["transition/deposit/tree_full", "transition/transfer/basic"]);
    let report = run_exec(&cmd, options(120_000), &vectors, GUARD);
    let Status::Fail(d) = &report.vectors[0].status else { panic!("{}", report.render(false)) };
    assert_eq!(d.path, "$.verdict");
    assert_eq!(d.expected, r#"{"result":"rejected","rule":"deposit.account_tree_full"}"#);
    assert!(d.actual.starts_with(r#"{"result":"accepted","#), "{}", d.actual);
    let Status::Fail(d) = &report.vectors[1].status else { panic!("{}", report.render(false)) };
    assert_eq!(d.path, "$.verdict");
    assert!(d.expected.starts_with(r#"{"result":"accepted","#), "{}", d.expected);
    assert_eq!(d.actual, r#"{"result":"rejected","rule":"transfer.insufficient_balance"}"#);
}

#[test]
fn a_wrong_verdict_on_an_l1_call_is_reported_at_that_call_not_at_the_state_it_left() {
    let dir = temp_dir();
    // An implementation that refuses the deposit (call 1) and so holds no token: the state
    // differs too, and sorts first (`final_state` < `results`), but the call is what went wrong.
    let mut wrong = expected_of("l1/flows/deposit_erc20");
    wrong["results"][1] = json!({"result": "rejected", "rule": "l1.token_not_listed"});
    wrong["final_state"]["held"] = json!([]);
    let cmd = answering(dir.path(), &[json!({ "outcome": wrong })]);
    let report = run_exec(&cmd, options(120_000), &named(&["l1/flows/deposit_erc20"]), GUARD);
    let Status::Fail(d) = &report.vectors[0].status else { panic!("{}", report.render(false)) };
    assert_eq!(d.path, "$.results[1]", "{d:?}");
    assert!(d.expected.starts_with(r#"{"result":"accepted""#), "{d:?}");
    assert_eq!(d.actual, r#"{"result":"rejected","rule":"l1.token_not_listed"}"#);
}

#[test]
fn an_error_of_megabytes_is_kept_and_shown_short() {
    let dir = temp_dir();
    // 8 MiB on a thousand lines: a dump an implementation might send as its error.
    let line = "x".repeat(8 << 10);
    let huge = vec![line.as_str(); 1_000].join("\n");
    let cmd = answering(dir.path(), &[json!({ "error": huge })]);
    let report = run_exec(&cmd, options(120_000), &named(&["transition/transfer/basic"]), GUARD);
    let Status::Error(e) = &report.vectors[0].status else { panic!("{}", report.render(false)) };
    let limit = runner::ERROR_LINES * (runner::ERROR_LINE_BYTES + 8) + 200;
    assert!(e.len() < limit, "{} bytes kept", e.len());
    assert!(e.contains("(980 more lines)") && e.contains(&format!("({} bytes in all", huge.len())), "{e:.300}");
    assert!(report.render(false).len() < limit + 200);
}

#[test]
fn malformed_answers_are_errors_naming_the_field_and_the_run_goes_on() {
    let dir = temp_dir();
    let good = expected_of("transition/transfer/basic");
    let mut bad_type = good.clone();
    bad_type["verdict"]["post_root"] = json!(12);
    let cmd = answering(dir.path(), &[json!({ "outcome": bad_type }), json!({ "outcome": good })]);
    let vectors = named(&["transition/transfer/basic", "transition/transfer/basic"]);
    let report = run_exec(&cmd, options(120_000), &vectors, GUARD);
    assert_eq!(error_of(&report, 0), "malformed answer: $.outcome.verdict.post_root: expected a string, found 12");
    assert_eq!(report.vectors[1].status, Status::Pass);
    assert!(report.stopped.is_none());
}

fn shape_error(answer: Value) -> String {
    match response::parse(&answer.to_string()) {
        Err(Problem::Shape(m)) => m,
        other => panic!("{answer} parsed as {other:?}"),
    }
}

#[test]
fn answer_shape_errors_name_the_json_path() {
    let good = expected_of("transition/transfer/basic");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!({"outcome": good, "extra": 1}), "$.extra: unknown field `extra`"),
        (json!({"outcome": with(&|v| v["extra"] = json!(1))}), "$.outcome.extra: unknown field `extra`"),
        (
            json!({"outcome": with(&|v| v["verdict"]["extra"] = json!(1))}),
            "$.outcome.verdict.extra: unknown field `extra`",
        ),
        (
            json!({"outcome": with(&|v| v["verdict"]["changed_accounts"][0]["extra"] = json!(1))}),
            "$.outcome.verdict.changed_accounts[0].extra: unknown field `extra`",
        ),
        (
            json!({"outcome": with(&|v| v["verdict"]["changed_accounts"][0]["nonce"] = json!(-1))}),
            "$.outcome.verdict.changed_accounts[0].nonce: expected an integer in 0..=4294967295, found -1",
        ),
        (
            json!({"outcome": with(&|v| v["verdict"]["op"]["type"] = json!("Teleport"))}),
            "$.outcome.verdict.op.type: unknown variant \"Teleport\"",
        ),
        (
            json!({"outcome": with(&|v| v["verdict"] = json!({"result": "rejected"}))}),
            "$.outcome.verdict.rule: missing field `rule`",
        ),
        (json!({"outcome": with(&|v| v["kind"] = json!("nope"))}), "$.outcome.kind: unknown variant \"nope\""),
        (
            json!({"outcome": with(&|v| drop(v.as_object_mut().unwrap().remove("kind")))}),
            "$.outcome.kind: missing field",
        ),
        (
            json!({"outcome": good, "error": "x"}),
            "$: an answer has exactly one of `outcome`, `unsupported`, `error`; found `outcome` and `error`",
        ),
        (json!({}), "$: an answer has exactly one of `outcome`, `unsupported`, `error`; found none"),
        (json!({"unsupported": false}), "$.unsupported: expected true, found false"),
        (json!({"error": 3}), "$.error: expected a string"),
        (json!([1]), "$: expected an object"),
    ];
    for (answer, want) in cases {
        let got = shape_error(answer.clone());
        assert!(got.starts_with(want), "{answer}:\n  got  {got}\n  want {want}…");
    }
    assert!(matches!(response::parse("garbage"), Err(Problem::NotJson(_))));
    assert_eq!(response::parse(r#"{"unsupported": true}"#), Ok(Response::Unsupported { unsupported: true }));
}

#[test]
fn every_expected_outcome_fits_the_shape_walker() {
    // The walker only explains answers serde refused; it must never find fault with a good one.
    for v in all_vectors() {
        let value = serde_json::to_value(&v.expected).unwrap();
        assert_eq!(response::first_violation(&value, "$"), None, "{}", v.name);
        assert!(response::parse_outcome(&value, "$").is_ok(), "{}", v.name);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Filters select whole name segments.
// ---------------------------------------------------------------------------------------------

#[test]
fn filters_select_whole_name_segments() {
    let vectors = all_vectors();
    let names = |filters: &[&str]| -> Result<Vec<String>, String> {
        let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
        runner::select(&vectors, &filters).map(|v| v.iter().map(|v| v.name.clone()).collect())
    };
    assert_eq!(names(&["primitives/poseidon/arity_1"]).unwrap(), ["primitives/poseidon/arity_1"]);
    assert_eq!(names(&["primitives/poseidon"]).unwrap().len(), 14);
    assert_eq!(names(&["primitives/poseidon/"]).unwrap().len(), 14);
    let transfer = names(&["transition/transfer"]).unwrap();
    assert!(transfer.iter().all(|n| n.starts_with("transition/transfer/")), "{transfer:?}");
    assert_eq!(names(&["primitives/poseidon/arity_1", "primitives/poseidon/arity_10"]).unwrap().len(), 2);
    assert_eq!(names(&[]).unwrap().len(), vectors.len());
    let e = names(&["arity_1"]).unwrap_err();
    assert!(e.contains("\"arity_1\""), "{e}");
    let e = names(&["primitives/poseidon", "primitives/posiedon", "transition/transfe"]).unwrap_err();
    assert!(e.contains("\"primitives/posiedon\", \"transition/transfe\""), "{e}");
    assert!(!e.contains("\"primitives/poseidon\""), "{e}");
}

// ---------------------------------------------------------------------------------------------
// 7. Results are observed as they come.
// ---------------------------------------------------------------------------------------------

#[test]
fn results_are_observed_as_they_come() {
    let vectors = named(&THREE);
    let chosen: Vec<&Vector> = vectors.iter().collect();
    let mut exec = ExecImplementation::spawn(SPEC_EXEC).unwrap();
    let mut seen = Vec::new();
    let report = runner::run_observed(&mut exec, &chosen, |e| match e {
        runner::Event::Started(v) => seen.push(format!("start {}", v.name)),
        runner::Event::Finished(r) => seen.push(format!("done {} {:?}", r.name, r.status)),
    });
    assert!(report.ok());
    let want: Vec<String> = THREE.iter().flat_map(|n| [format!("start {n}"), format!("done {n} Pass")]).collect();
    assert_eq!(seen, want);
    assert_eq!(exec.name(), format!("exec:{SPEC_EXEC}"));
}
