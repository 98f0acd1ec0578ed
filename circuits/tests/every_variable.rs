//! Every-variable mutation: the block circuit is synthesised once over a block holding every op
//! kind (and Noop padding); then every variable of the raw assignment, the derived ones included
//! (pubdata bits, flags, enable bits, inverses, bit decompositions, EdDSA intermediate points,
//! SHA-256 state), is changed on its own and the constraints it appears in are re-checked.
//!
//! A mutation is *caught* when one of those constraints fails. A *survivor* is a variable whose
//! value no constraint pins given the rest of the assignment; the test classifies each by where
//! the circuit allocates it and why it is free, and fails on any survivor outside the explained
//! classes listed in [`EXPLAINED`].
//!
//! Each variable gets two new values: its flip (`1 - v`) if it holds 0 or 1, else `v + 1`; and a
//! pseudo-random field element. An index from each variable to the rows it appears in makes a
//! mutation cost only those rows, so the whole block (about 1.5 million constraints) runs in
//! seconds. `ZKROLLUP_EVERY_VARIABLE=sample` mutates every 16th variable.

mod support;

use std::collections::BTreeMap;

use ark_ff::{AdditiveGroup, Field, UniformRand};
use ark_relations::gr1cs::{ConstraintSystem, R1CS_PREDICATE_LABEL};
use zkrollup_circuits::block::BlockCircuit;
use zkrollup_spec::primitives::Fr;

/// Survivor classes and why each is harmless.
const EXPLAINED: &[(Reason, &str)] = &[(
    Reason::InverseOfZero,
    "the inverse witness of an is-zero test (ark-r1cs-std's `is_zero`, also inside `is_eq`) of a value that is \
     zero: `x·inv = 1 - b` and `x·b = 0` force `b = 1` whatever `inv` is, and no other constraint reads `inv`. \
     Where: the address an op credits by (zero for ops that credit none), the fee (zero for ops without one), \
     FullExit's owner test, and 8·A in signature slots without a transaction (A is the identity there)",
)];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Reason {
    /// The variable appears in no constraint.
    Unused,
    /// It appears in one row, alone on one side of the product, the other side being zero: the
    /// inverse `inv` in `x·inv = c` with `x = 0`.
    InverseOfZero,
    /// In every row it appears in, it is multiplied by a factor that is zero (and it is not in C).
    UnderZeroFactor,
    /// Its rows hold for the new value for another reason (e.g. a second root of the row).
    Other,
}

type Row = Vec<(Fr, usize)>;

fn eval(row: &Row, z: &[Fr], j: usize, v: Fr) -> Fr {
    row.iter().map(|(k, i)| *k * if *i == j { v } else { z[*i] }).sum()
}

fn has(row: &Row, j: usize) -> bool {
    row.iter().any(|(_, i)| *i == j)
}

#[test]
fn every_variable_of_an_every_kind_block() {
    let chunks = 64;
    let pre = support::every_kind_state();
    let w = support::valid_witness(&pre, chunks, &support::every_kind_inputs());
    let circuit = BlockCircuit::new(chunks, w).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let out = circuit.synthesize(cs.clone()).unwrap();
    cs.finalize();
    let sys = cs.borrow().unwrap();
    let n_inst = sys.num_instance_variables();
    let z: Vec<Fr> =
        sys.instance_assignment().unwrap().iter().chain(sys.witness_assignment().unwrap()).copied().collect();
    let matrices = sys.to_matrices().unwrap();
    let [a, b, c] = &matrices[R1CS_PREDICATE_LABEL][..] else { panic!("R1CS has three matrices") };
    let rows = a.len();
    let holds = |r: usize, j: usize, v: Fr| eval(&a[r], &z, j, v) * eval(&b[r], &z, j, v) == eval(&c[r], &z, j, v);
    assert!((0..rows).all(|r| holds(r, usize::MAX, Fr::ZERO)), "the honest assignment satisfies the circuit");

    // Variable -> the rows it appears in.
    let mut index: Vec<Vec<u32>> = vec![Vec::new(); z.len()];
    for m in [a, b, c] {
        for (r, row) in m.iter().enumerate() {
            for (_, i) in row {
                if index[*i].last() != Some(&(r as u32)) {
                    index[*i].push(r as u32);
                }
            }
        }
    }
    for list in &mut index {
        list.sort_unstable();
        list.dedup();
    }

    let sample = std::env::var("ZKROLLUP_EVERY_VARIABLE").is_ok_and(|v| v == "sample");
    let vars: Vec<usize> = (n_inst..z.len()).filter(|j| !sample || j % 16 == 0).collect();
    let mut rng = ark_std::test_rng();
    let randoms: Vec<Fr> = vars.iter().map(|_| Fr::rand(&mut rng)).collect();
    let one = Fr::ONE;
    let survivors: Vec<(usize, Reason)> = std::thread::scope(|s| {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
        let handles: Vec<_> = (0..workers)
            .map(|t| {
                let (vars, randoms, index, z) = (&vars, &randoms, &index, &z);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for k in (t..vars.len()).step_by(workers) {
                        let j = vars[k];
                        let v = z[j];
                        let first = if v == Fr::ZERO || v == one { one - v } else { v + one };
                        for new in [first, randoms[k]] {
                            if new == v {
                                continue;
                            }
                            if index[j].iter().all(|&r| holds(r as usize, j, new)) {
                                let zero = |m: &Row| eval(m, z, usize::MAX, Fr::ZERO) == Fr::ZERO;
                                let alone = |m: &Row| m.len() == 1 && m[0].1 == j;
                                let reason = if index[j].is_empty() {
                                    Reason::Unused
                                } else if let [r] = index[j][..] {
                                    let r = r as usize;
                                    let (a, b, c) = (&a[r], &b[r], &c[r]);
                                    if !has(c, j)
                                        && ((alone(b) && !has(a, j) && zero(a)) || (alone(a) && !has(b, j) && zero(b)))
                                    {
                                        Reason::InverseOfZero
                                    } else {
                                        Reason::Other
                                    }
                                } else if index[j].iter().all(|&r| {
                                    let r = r as usize;
                                    !has(&c[r], j) && (!has(&a[r], j) || zero(&b[r])) && (!has(&b[r], j) || zero(&a[r]))
                                }) {
                                    Reason::UnderZeroFactor
                                } else {
                                    Reason::Other
                                };
                                out.push((j, reason));
                                break;
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });

    // The public input is the one instance variable besides the constant: changing it changes
    // the statement (counted, not mutated).
    let region = |j: usize| {
        let r = out.checks.region_of(j - n_inst);
        // "chunk 12 (Some(Noop) chunk 0): leaf" -> "(Some(Noop) chunk 0): leaf"
        match r.strip_prefix("chunk ").and_then(|x| x.split_once(' ')) {
            Some((_, rest)) => rest.to_string(),
            None => r.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end().to_string(),
        }
    };
    let mut classes: BTreeMap<(String, Reason), usize> = BTreeMap::new();
    for (j, reason) in &survivors {
        *classes.entry((region(*j), *reason)).or_default() += 1;
    }
    eprintln!(
        "every-variable mutation: {} constraints, {} witness variables mutated (2 values each), {} caught \
         (a constraint fails), public input: {} instance variable (changing it changes the statement), {} survivors",
        rows,
        vars.len(),
        vars.len() - survivors.len(),
        n_inst - 1,
        survivors.len()
    );
    // `ZKROLLUP_SURVIVOR_ROWS=1` prints one survivor of each class with its rows, to classify new ones.
    if std::env::var("ZKROLLUP_SURVIVOR_ROWS").is_ok() {
        let mut seen = std::collections::BTreeSet::new();
        for (j, reason) in &survivors {
            if !seen.insert((region(*j), *reason)) {
                continue;
            }
            let start = out.checks.regions.iter().rev().find(|(st, _)| *st <= j - n_inst).unwrap().0;
            eprintln!(
                "{} [{reason:?}] offset {} value {}",
                out.checks.region_of(j - n_inst),
                j - n_inst - start,
                z[*j]
            );
            for &r in &index[*j] {
                let r = r as usize;
                let e = |m: &Row| eval(m, &z, usize::MAX, Fr::ZERO);
                eprintln!(
                    "   row {r}: inA {} inB {} inC {} | A={} B={} C={} | lens {} {} {}",
                    has(&a[r], *j),
                    has(&b[r], *j),
                    has(&c[r], *j),
                    e(&a[r]),
                    e(&b[r]),
                    e(&c[r]),
                    a[r].len(),
                    b[r].len(),
                    c[r].len()
                );
            }
        }
    }
    let mut unexplained = Vec::new();
    let mut by_reason: BTreeMap<Reason, Vec<String>> = BTreeMap::new();
    for ((region, reason), n) in &classes {
        by_reason.entry(*reason).or_default().push(format!("{n} in {region}"));
    }
    for (reason, places) in &by_reason {
        let total: usize = classes.iter().filter(|((_, r), _)| r == reason).map(|(_, n)| n).sum();
        match EXPLAINED.iter().find(|(r, _)| r == reason) {
            Some((_, why)) => eprintln!("  {total} survivors [{reason:?}], explained: {why}"),
            None => {
                eprintln!("  {total} survivors [{reason:?}]: UNEXPLAINED");
                unexplained.extend(places.iter().map(|p| format!("{p} [{reason:?}]")));
            }
        }
        if std::env::var("ZKROLLUP_SURVIVOR_ROWS").is_ok() {
            places.iter().for_each(|p| eprintln!("      {p}"));
        }
    }
    assert!(unexplained.is_empty(), "unexplained survivors: {unexplained:#?}");
}
