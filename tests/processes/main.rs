//! The tests of processes, as users run them: the built binary's command line (`cli`), the
//! wallet's (`wallet`), and the node in a process of its own killed and started again (`kill`). One test binary, so that
//! their tests run side by side: most of their time is waiting on the processes they start.

mod cli;
mod kill;
mod support;
mod wallet;
