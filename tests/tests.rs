//! Integration tests through the `corpusledger` binary.

mod util;

mod amend;
mod bad_input;
mod base;
mod changing_inputs;
mod cli;
mod corrupt_inputs;
mod crash;
mod datasheet;
mod determinism;
mod diff;
mod export;
mod external_readers;
mod filters;
mod fuzz;
mod hostile_paths;
mod huggingface;
mod licenses;
mod lookup;
mod pathological;
mod prove;
mod release;
mod resources;
mod sample;
mod schema;
mod sign;
mod slurm;
mod stackexchange;
mod stages;
mod verify;
