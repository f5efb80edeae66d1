//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use corpusledger_dedup::{ClusterMode, Tokenizer};

use crate::config::{ConfigFile, FilterAction, KeepCriterion, NoAssertion};

/// Deduplicate a code corpus, record where every file came from and under
/// which license, and publish a manifest that anyone can check.
#[derive(Debug, Parser)]
#[command(name = "corpusledger", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest, deduplicate, tag provenance and write data shards, the removal
    /// ledger and the manifest.
    ///
    /// Exit codes: 0 done; 1 done, but some input could not be read (see the
    /// summary and removed.parquet); 2 could not run.
    Run(RunArgs),
    /// Print the effective configuration (file, then flags, over defaults) as TOML.
    Config(ConfigArgs),
    /// Report the license of each repository of directory trees, with the
    /// declared, detected and concluded expressions and every license file,
    /// by the same rules `run` uses. Prints one line (or JSON object) per
    /// repository to stdout.
    ///
    /// Exit codes: 0 done; 1 done, but some license information could not be
    /// used (listed on stderr); 2 could not run.
    Licenses(LicensesArgs),
    /// Check a dataset directory against its manifest.json: every file's size
    /// and SHA-256, Parquet row counts, shard footers, the Merkle root, the
    /// count identities, the ledger's consistency and, with --pubkey, the
    /// signature. Each difference is printed with a stable code.
    ///
    /// Exit codes: 0 valid; 1 verification failed; 2 could not run.
    Verify(VerifyArgs),
    /// Tell whether files, or near copies of them, are in a dataset: each
    /// file is answered as kept, near-copy-kept, removed (with the reason and
    /// the kept copy) or absent, every copy with its shard, row and a Merkle
    /// inclusion proof (`verify DIR --proof` checks it). Uses the dataset's
    /// index, not a scan.
    ///
    /// Exit codes: 0 done; 1 done, but some file could not be read; 2 could not run.
    Lookup(LookupArgs),
    /// Answer whether files, or content SHA-256s, are in a dataset, with
    /// proofs that anyone checks against the manifest alone (`check-proof`):
    /// each is kept, removed (with the kept copy) or absent, and a file's
    /// LSH band keys are each shown shared with a kept text or absent. The
    /// holder runs it, with the dataset's commitments/ folder.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Prove(ProveArgs),
    /// Check a proof file from `prove` against a manifest, without the data:
    /// every membership and absence proof against the manifest's
    /// commitments, and, for files given, their SHA-256 and band keys
    /// computed here from the manifest's parameters. Each refusal is printed
    /// with a stable code.
    ///
    /// Exit codes: 0 every answer verifies; 1 some do not; 2 could not run.
    CheckProof(CheckProofArgs),
    /// Write a new minisign key pair to sign manifests with. The secret key
    /// is created with mode 0600, without a password unless --password-env
    /// is given; publish the public key so others can check the manifest.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Keygen(KeygenArgs),
    /// Sign a manifest: writes manifest.json.minisig next to it, a detached
    /// minisign signature that `minisign -Vm manifest.json -p KEY.pub` checks.
    /// An encrypted secret key takes its password from
    /// CORPUSLEDGER_KEY_PASSWORD.
    ///
    /// Exit codes: 0 signed; 2 could not run.
    Sign(SignArgs),
    /// Export a dataset's manifest in the field's formats: Croissant 1.1
    /// (croissant.json), SPDX 2.3 (sbom.spdx.json) and CycloneDX 1.6
    /// (sbom.cdx.json). The SBOMs' creation time is SOURCE_DATE_EPOCH when
    /// set, else now; everything else derives from the manifest.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Export(ExportArgs),
    /// Write a datasheet of a dataset from its manifest: DATASHEET.md and a
    /// self-contained datasheet.html with charts, after "Datasheets for
    /// Datasets" (Gebru et al.), and the dataset card README.md for the
    /// Hugging Face Hub (also written by `run`). Questions only the
    /// dataset's creators can answer are left as prompts marked `TO ANSWER:`.
    /// A README.md that is not corpusledger's card is never replaced.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Datasheet(DatasheetArgs),
    /// Copy a dataset without some of its files: a partial release that
    /// still verifies against the full, signed manifest. Whole files are
    /// withheld (data shards by license or repository, any file by name);
    /// the manifest, its signature and the derived files are copied
    /// unchanged, and RELEASE.json lists each withheld file with its
    /// SHA-256 and the rules that withheld it. `verify` on the release
    /// reports those as `file-withheld`, which is not a failure.
    ///
    /// Rules: license:ID (an SPDX id, e.g. GPL-3.0-only: every data shard
    /// with a document whose concluded license names it), license:CATEGORY
    /// (permissive, copyleft, other, unknown), repo:GLOB (every data shard
    /// with a document from a matching repository), file:GLOB (any listed
    /// file, e.g. file:data/part-00003.parquet, file:removed.parquet).
    ///
    /// Exit codes: 0 done; 2 could not run (a malformed rule, a rule that
    /// matches nothing, an output directory that is not empty, a source
    /// without manifest or that does not verify).
    Release(ReleaseArgs),
    /// A new version of a published dataset without the kept documents
    /// that opt-out lists name, deduplication not run again. Data shards
    /// that hold such a document are written again without it, under the
    /// same names; the others are copied byte for byte. The ledger gains an
    /// `opted-out` row per document (naming the list and line), the index
    /// and commitments are made again, and the new manifest links to the
    /// previous one (its SHA-256 and Merkle root) and lists the amendment:
    /// each list's digest and matches, and each rewritten shard. Copies
    /// removed in favour of an opted-out document are refused by default
    /// (the clusters are named); --orphans stay-removed keeps them out and
    /// says so in their ledger rows. Sign the new manifest with `sign`.
    ///
    /// Exit codes: 0 done (a list that matches nothing is a warning, and
    /// the manifest says 0 matches); 2 could not run (a source that does
    /// not verify, a signature that does not check with --pubkey, a
    /// malformed list, orphaned copies under the default rule, an output
    /// directory that is not empty).
    Amend(AmendArgs),
    /// What changed from one version of a dataset to another: dedup
    /// parameters, counts and commitments from the two manifests; and,
    /// when both directories hold their data shards, the kept documents
    /// added and removed (by content SHA-256), counted by license, language
    /// and reason (a removed document's reason is its row in the new
    /// ledger, e.g. opted-out, or `absent`). Every shard and ledger read is
    /// first checked against its manifest's SHA-256. Markdown on stdout, or
    /// JSON with --json (listing every document).
    ///
    /// Exit codes: 0 done (differences are not failures); 2 could not run
    /// (no manifest, a damaged one, a file that does not match its
    /// manifest).
    Diff(DiffArgs),
    /// Stage 1 of a run split into tasks: list the inputs once into a run
    /// directory (plan.bin: the inputs, the configuration and its hash, a
    /// fingerprint of every unit's files). `ingest` and `finalize` then run
    /// with this configuration. `run` does all stages in one process.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Plan(PlanArgs),
    /// Stage 2, one task per shard: read the shard's share of the planned
    /// inputs and write its sign part (documents, rejections, contents,
    /// shingle sets, band keys) and a done marker. A shard with a valid
    /// marker is skipped; one killed midway leaves no marker and is done
    /// again from the start.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Ingest(IngestArgs),
    /// Stage 3, one task per shard: read this partition of every sign
    /// part's band keys and write the candidate pairs of the keys that two
    /// or more texts share, partitioned for verify-pairs, and a done marker.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Bucket(ArrayArgs),
    /// Stage 4, one task per shard: read this partition of every bucket
    /// task's candidate pairs, keep each pair once and write those whose
    /// exact Jaccard reaches the threshold, and a done marker.
    ///
    /// Exit codes: 0 done; 2 could not run.
    VerifyPairs(ArrayArgs),
    /// Stage 5, one task: merge the sign parts of all shards, cluster the
    /// texts the verified pairs join and keep one document per cluster (keep
    /// policy); writes the decisions, the rows of each data shard and a done
    /// marker.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Cluster(ClusterArgs),
    /// Stage 6, one task per shard: write this task's share of the data
    /// shards (data shard numbers equal to the shard index modulo N) and a
    /// done marker.
    ///
    /// Exit codes: 0 done; 2 could not run.
    Finalize(FinalizeArgs),
    /// Stage 7, one task: gather the data shards into the plan's output
    /// directory, write the ledger, attribution, index and, last, the
    /// manifest. The dataset is the same byte for byte as `run` on the same
    /// inputs and configuration.
    ///
    /// Exit codes: 0 done; 1 done, but some input could not be read; 2 could not run.
    Manifest(ManifestArgs),
    /// Run the stages as Slurm jobs: `plan` writes the sbatch scripts,
    /// `submit` submits them (an array of ingest tasks, then finalize after
    /// it), `status` reads the done markers, `resume` submits again only
    /// the shards that are not done.
    #[command(subcommand)]
    Slurm(SlurmCommand),
}

/// The run directory and the settings a stage task may set for itself.
#[derive(Debug, Args)]
pub struct StageArgs {
    /// The run directory `plan` wrote (on a filesystem every task sees).
    #[arg(long, value_name = "DIR")]
    pub run_dir: PathBuf,
    /// A config file to check against the plan's: a different
    /// configuration is an error, never a mix of two runs.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads [default: all cores]. Never changes the output.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Keep band keys, index rows and document records on disk, sorted in
    /// runs of about a quarter of this; the output is the same.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub memory_limit: Option<u64>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub settings: Settings,
    /// Where to write the plan (and, later, the stages' parts).
    #[arg(long, value_name = "DIR")]
    pub run_dir: PathBuf,
    /// Replace a plan made with another configuration or other inputs, and
    /// let the run replace what its output directory holds when that is not
    /// this configuration's run.
    #[arg(long)]
    pub overwrite: bool,
}

/// Which shards a task of an array stage (`ingest`, `bucket`,
/// `verify-pairs`, `finalize`) does.
#[derive(Debug, Args)]
pub struct ShardArgs {
    /// How many shards the inputs are cut into; the same for every task and
    /// stage of the run (never taken from Slurm's task count).
    #[arg(long, value_name = "N")]
    pub num_shards: u32,
    /// This task's index: shards I*K to I*K+K-1 with --shards-per-task K
    /// [default: $SLURM_ARRAY_TASK_ID].
    #[arg(long, value_name = "I", env = "SLURM_ARRAY_TASK_ID")]
    pub shard_index: u32,
    /// Shards per task, for more shards than Slurm's MaxArraySize.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub shards_per_task: u32,
}

/// A task of an array stage.
#[derive(Debug, Args)]
pub struct ArrayArgs {
    #[command(flatten)]
    pub stage: StageArgs,
    #[command(flatten)]
    pub shards: ShardArgs,
}

pub type IngestArgs = ArrayArgs;
pub type FinalizeArgs = ArrayArgs;

#[derive(Debug, Args)]
pub struct ClusterArgs {
    #[command(flatten)]
    pub stage: StageArgs,
    /// How many shards `ingest` was run with.
    #[arg(long, value_name = "N")]
    pub num_shards: u32,
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    #[command(flatten)]
    pub stage: StageArgs,
    /// How many shards `ingest` and `finalize` were run with.
    #[arg(long, value_name = "N")]
    pub num_shards: u32,
}

#[derive(Debug, Subcommand)]
pub enum SlurmCommand {
    /// Make the plan and write one sbatch script per stage, and submit.sh
    /// chaining them, under RUN_DIR/slurm/. Resources, partition, account,
    /// QoS and extra #SBATCH lines come from the config's `[slurm]` table.
    Plan(SlurmPlanArgs),
    /// `slurm plan` when RUN_DIR has no plan yet, then submit.sh: the
    /// ingest array, and finalize with --dependency=afterok on it.
    Submit(SlurmPlanArgs),
    /// Which shards are done, from the done markers (Slurm forgets finished
    /// jobs; the markers do not). Exit code 0 when the dataset is finished,
    /// 1 when not.
    Status(SlurmRunArgs),
    /// Submit again only the ingest tasks whose shards are not done, and
    /// finalize after them (unless the dataset is finished).
    Resume(SlurmRunArgs),
}

#[derive(Debug, Args)]
pub struct SlurmPlanArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// How many shards to cut the inputs into.
    #[arg(long, value_name = "N")]
    pub num_shards: u32,
    /// Shards per array task, for more shards than Slurm's MaxArraySize.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub shards_per_task: u32,
}

#[derive(Debug, Args)]
pub struct SlurmRunArgs {
    /// The run directory of `slurm plan`.
    #[arg(long, value_name = "DIR")]
    pub run_dir: PathBuf,
    /// Print the status as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DatasheetArgs {
    /// The output directory of `corpusledger run` (holding manifest.json).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Write DATASHEET.md, datasheet.html and README.md here instead of DIR.
    #[arg(long, short, value_name = "DIR2")]
    pub out: Option<PathBuf>,
    /// Do not name the files written on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The dataset directory (holding manifest.json).
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
    /// The release directory: new, or empty.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// What to withhold: license:ID, license:CATEGORY, repo:GLOB or
    /// file:GLOB. Give several after one --withhold, or repeat it.
    #[arg(long, required = true, num_args = 1.., value_name = "RULE")]
    pub withhold: Vec<String>,
    /// No summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// The published dataset (holding manifest.json).
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
    /// Opt-out lists: one entry a line, repo:GLOB, path:GLOB or
    /// sha256:HEX, as `run --opt-out` reads them. Give several after one
    /// --opt-out, or repeat it.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub opt_out: Vec<PathBuf>,
    /// The new version's directory: new, or empty.
    #[arg(long, short, value_name = "NEW")]
    pub out: PathBuf,
    /// Check DATASET/manifest.json.minisig against this minisign public
    /// key first, and refuse when it does not hold.
    #[arg(long, value_name = "KEY")]
    pub pubkey: Option<PathBuf>,
    /// What happens to copies removed in favour of an opted-out document:
    /// refuse (name the clusters, write nothing) or stay-removed.
    #[arg(long, value_name = "RULE", default_value = "refuse", value_parser = ["refuse", "stay-removed"])]
    pub orphans: String,
    /// No summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a dataset directory, or its manifest.json (then
    /// only the manifests are compared).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new version, as OLD.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// JSON on stdout instead of Markdown.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The output directory of a `corpusledger run` (holding manifest.json).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Which export to write.
    #[arg(long, value_enum, default_value_t = ExportFormat::All)]
    pub format: ExportFormat,
    /// Write the exports here instead of into DIR. croissant.json names the
    /// data files relative to its own folder, so publish it in DIR.
    #[arg(long, value_name = "DIR2")]
    pub out: Option<PathBuf>,
    /// Do not list the files written on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// An export format of `corpusledger export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Croissant 1.1 JSON-LD with Responsible-AI fields: croissant.json.
    Croissant,
    /// SPDX 2.3 JSON: sbom.spdx.json.
    Spdx,
    /// CycloneDX 1.6 JSON: sbom.cdx.json.
    Cyclonedx,
    /// All three.
    All,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the secret key (mode 0600); keep it private.
    #[arg(long, value_name = "FILE")]
    pub secret_key: PathBuf,
    /// Where to write the public key, to publish with the manifest.
    #[arg(long, value_name = "FILE")]
    pub public_key: PathBuf,
    /// Replace existing key files.
    #[arg(long)]
    pub force: bool,
    /// Encrypt the secret key with the password in the environment variable
    /// CORPUSLEDGER_KEY_PASSWORD.
    #[arg(long)]
    pub password_env: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// An output directory of `run` (its manifest.json is signed), or a manifest file.
    #[arg(value_name = "DIR_OR_MANIFEST")]
    pub target: PathBuf,
    /// The secret key file, from `corpusledger keygen` or `minisign -G`.
    #[arg(long, value_name = "SECRET_KEY_FILE")]
    pub key: PathBuf,
}

#[derive(Debug, Args)]
pub struct LookupArgs {
    /// The dataset directory (holding manifest.json).
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
    /// Files or directories to look up.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Jaccard similarity at or above which a copy is near [default: the dataset's].
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// Print the answers, with their proofs, as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ProveArgs {
    /// The dataset directory (holding manifest.json and commitments/).
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
    /// Files or directories to answer for.
    #[arg(value_name = "FILE", required_unless_present = "sha256")]
    pub files: Vec<PathBuf>,
    /// Content SHA-256s (64 hex digits) to answer for, instead of files.
    #[arg(long, value_name = "HEX", num_args = 1.., conflicts_with = "files")]
    pub sha256: Vec<String>,
    /// Write the proof file here instead of to stdout.
    #[arg(long, value_name = "PROOF.json")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckProofArgs {
    /// The public manifest.json.
    #[arg(value_name = "MANIFEST")]
    pub manifest: PathBuf,
    /// The proof file written by `prove`.
    #[arg(value_name = "PROOF.json")]
    pub proof: PathBuf,
    /// The files the proof answers for: their SHA-256 and band keys are
    /// computed here and must be the ones answered.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check MANIFEST.minisig against this minisign public key first.
    #[arg(long, value_name = "KEY")]
    pub pubkey: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The dataset directory (holding manifest.json).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Check manifest.json.minisig against this minisign public key.
    #[arg(long, value_name = "KEY")]
    pub pubkey: Option<PathBuf>,
    /// Check the inclusion proofs in this file (a proof, or the JSON output
    /// of `lookup --json`) against the dataset, instead of the dataset itself.
    #[arg(long, value_name = "FILE")]
    pub proof: Option<PathBuf>,
    /// Also check the version this one was made from: its manifest's
    /// SHA-256 and Merkle root must be the ones the manifest links to, and
    /// an amended dataset must differ from it only by what its amendments
    /// say (the documents too, when the previous manifest's directory holds
    /// its data shards and ledger).
    #[arg(long, value_name = "OLD/manifest.json")]
    pub previous: Option<PathBuf>,
    /// A delta release's base dataset (repeat for each): its manifest must
    /// be one the manifest names, and every duplicate removed in favour of a
    /// document outside this dataset must name one a base keeps.
    #[arg(long, value_name = "BASE")]
    pub base: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    /// Directory trees of repositories.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Folder depth of a repository in a tree without .git markers [default: 1].
    #[arg(long, value_name = "N")]
    pub repo_depth: Option<usize>,
    /// Minimum text-match score of a detected license [default: 0.8].
    #[arg(long, value_name = "S")]
    pub license_min_score: Option<f64>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// One JSON object per repository.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub settings: Settings,
    /// Replace what the output directory holds when it is not this
    /// configuration's run: another run's dataset, an unfinished run, or
    /// other files (only corpusledger's own outputs are removed).
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub settings: Settings,
}

/// Settings shared by every command; each is also a config key.
#[derive(Debug, Args)]
pub struct Settings {
    /// Input: a directory tree of repositories, a JSONL file (.jsonl, .jsonl.gz,
    /// .jsonl.zst), a Parquet file in The Stack's layout, or a Stack Exchange
    /// dump's Posts.xml (.gz, .zst, or a .7z holding it). Give several after
    /// one --input (a shell glob works), or repeat --input.
    #[arg(long, short, value_name = "PATH", num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A TOML config file; flags override it.
    #[arg(long, short, value_name = "FILE", env = "CORPUSLEDGER_CONFIG")]
    pub config: Option<PathBuf>,
    /// Worker threads [default: all cores]. Never changes the output.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Keep band keys, index rows and document records on disk, sorted in
    /// runs of about a quarter of this (e.g. `200MB`, `2G`); the output is
    /// the same [default: no limit].
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub memory_limit: Option<u64>,
    /// Jaccard similarity at or above which two texts are near duplicates [default: 0.7].
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// Tokens per shingle [default: 5].
    #[arg(long, value_name = "N")]
    pub ngram: Option<usize>,
    /// MinHash bins [default: 256].
    #[arg(long, value_name = "K")]
    pub num_perm: Option<usize>,
    /// The least chance that a pair at exactly the threshold becomes a
    /// candidate; the LSH bands are the cheapest to verify that reach it
    /// [default: 0.999].
    #[arg(long, value_name = "P")]
    pub recall_target: Option<f64>,
    /// Tokenizer profile: `code` (identifiers, numbers and each punctuation
    /// character; layout ignored) or `bigcode` (runs of [A-Za-z0-9_], as in
    /// BigCode's dedup) [default: code].
    #[arg(long, value_name = "PROFILE", value_parser = parse_tokenizer)]
    pub tokenizer: Option<Tokenizer>,
    /// Hash seed of shingles and sketches [default: 24301].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Which copy of a cluster is kept, criteria in order; the document id
    /// breaks remaining ties [default: permissive-license,most-stars,source-order].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = keep_criterion_parser())]
    pub keep_policy: Option<Vec<KeepCriterion>>,
    /// How verified pairs become clusters: `connected` (components) or `star`
    /// (every removed document within the threshold of its kept one) [default: connected].
    #[arg(long, value_name = "MODE", value_parser = parse_cluster_mode)]
    pub cluster_mode: Option<ClusterMode>,
    /// Folder depth of a repository in a tree without .git markers [default: 1].
    #[arg(long, value_name = "N")]
    pub repo_depth: Option<usize>,
    /// Documents larger than this are rejected as too-large [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    pub max_file_bytes: Option<u64>,
    /// Remove documents whose concluded license is not covered by these SPDX
    /// ids or categories (permissive, copyleft, other) [default: all allowed].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub license_allow: Option<Vec<String>>,
    /// Remove documents whose concluded license needs one of these SPDX ids
    /// or categories [default: none].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub license_deny: Option<Vec<String>>,
    /// Keep or remove documents whose license is unknown (NOASSERTION) [default: allow].
    #[arg(long, value_name = "WHAT", value_parser = no_assertion_parser())]
    pub license_noassertion: Option<NoAssertion>,
    /// Stack Exchange dumps: what a document is: `post` (a question with its
    /// title, or an answer), `code-block` (each `<pre>` block) or
    /// `question-answer` (a question with its accepted answer) [default: post].
    #[arg(long, value_name = "MODE")]
    pub stackexchange_mode: Option<String>,
    /// Stack Exchange dumps: the site's address for post and user links
    /// [default: from the dump's file name, else `https://stackoverflow.com`].
    #[arg(long, value_name = "URL")]
    pub stackexchange_site: Option<String>,
    /// Stack Exchange dumps: the site's Users.xml (plain, .gz, .zst, .7z) for
    /// authors' display names [default: a Users.xml in the same .7z, else
    /// one beside a plain Posts.xml, else none; the run summary names it].
    #[arg(long, value_name = "FILE")]
    pub stackexchange_users: Option<PathBuf>,
    /// Stack Exchange dumps: keep questions with any of these tags, and their
    /// answers [default: all].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub stackexchange_tags: Option<Vec<String>>,
    /// Stack Exchange dumps: keep posts scoring at least this [default: all].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub stackexchange_min_score: Option<i64>,
    /// Stack Exchange dumps: keep posts (or code blocks) with at least this
    /// many bytes of code [default: 0].
    #[arg(long, value_name = "BYTES")]
    pub stackexchange_min_code_bytes: Option<u64>,
    /// An opt-out list (lines `repo:<glob>`, `path:<glob>`, `sha256:<hex>`);
    /// repeat for several. Matching documents are removed before deduplication.
    #[arg(long, value_name = "FILE")]
    pub opt_out: Vec<PathBuf>,
    /// A published dataset (the output directory of an earlier run) to
    /// deduplicate against; repeat for several. New documents that are
    /// exact or near copies of its kept documents are removed in their
    /// favour (the ledger names the base document and the base's manifest
    /// SHA-256); the base is never changed, and this run's output holds
    /// only the new documents kept (a delta release). The base must verify
    /// and have been made with the same dedup parameters.
    #[arg(long, value_name = "DATASET")]
    pub base: Vec<PathBuf>,
    /// Credentials (Gitleaks' formats, passwords in connection strings):
    /// `redact` replaces each with `<KEY>` or `<PASSWORD>` and records it in
    /// redactions.parquet (its SHA-256, never the secret); `remove` sends the
    /// document to the ledger as `secret`; `flag` keeps it and lists each in
    /// the data shards' column `secret_flags` [default: off].
    #[arg(long, value_name = "ACTION", value_parser = filter_action_parser())]
    pub secrets: Option<FilterAction>,
    /// Email addresses and public IP addresses: `redact` (`<EMAIL>`,
    /// `<IP_ADDRESS>`), `remove` (reason `pii`) or `flag` (column
    /// `pii_flags`) [default: off].
    #[arg(long, value_name = "ACTION", value_parser = filter_action_parser())]
    pub pii: Option<FilterAction>,
    /// Generated files (lock files, protobuf output, "DO NOT EDIT" markers,
    /// minified names): `remove` (reason `generated`) or `flag` (column
    /// `generated_flags`) [default: off].
    #[arg(long, value_name = "ACTION", value_parser = filter_action_parser())]
    pub generated: Option<FilterAction>,
    /// Vendored files (node_modules/, vendor/, third_party/, copies of
    /// well-known libraries): `remove` (reason `vendored`) or `flag` (column
    /// `vendored_flags`) [default: off].
    #[arg(long, value_name = "ACTION", value_parser = filter_action_parser())]
    pub vendored: Option<FilterAction>,
    /// Files past The Stack's thresholds (a line over 1000 characters, lines
    /// over 100 on average, under 25 % alphanumeric): `remove` (reason
    /// `low-quality`) or `flag` (column `low_quality_flags`) [default: off].
    #[arg(long, value_name = "ACTION", value_parser = filter_action_parser())]
    pub low_quality: Option<FilterAction>,
    /// A secret rule file in Gitleaks' configuration format (TOML:
    /// `[[rules]]` with `id`, `regex`, `secretGroup`, `entropy`, `keywords`,
    /// allow-lists; `[extend] disabledRules`), repeatable: its rules run
    /// beside the built-in ones. A malformed file stops the run (exit 2)
    /// naming file and line.
    #[arg(long, value_name = "FILE")]
    pub secret_rules: Vec<PathBuf>,
    /// A benchmark to decontaminate against, repeatable: JSONL (or .jsonl.gz)
    /// with one item per line, its prompt and solution in the fields
    /// `decontaminate-prompt-field` and `decontaminate-solution-field`
    /// (default `prompt`, `canonical_solution`). A document sharing 13 words
    /// in a row with one (or all of a 6 to 12-word one) is removed as
    /// `contaminated`, the ledger naming benchmark, item and span. A
    /// malformed file stops the run (exit 2) naming file and line.
    #[arg(long, value_name = "FILE")]
    pub decontaminate: Vec<PathBuf>,
    /// What happens to a contaminated document: `remove` or `flag` (column
    /// `contaminated_flags`) [default: remove].
    #[arg(long, value_name = "ACTION", value_parser = filter_action_parser())]
    pub decontaminate_action: Option<FilterAction>,
    /// Keep only documents of these languages (GitHub linguist's names or
    /// aliases, e.g. `Python,Rust,C++`; `unknown` for documents without
    /// one); the others go to the ledger as `language-excluded` [default: all].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub languages: Option<Vec<String>>,
    /// Remove documents of these languages as `language-excluded`
    /// [default: none].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub exclude_languages: Option<Vec<String>>,
    /// No progress bars and no summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

fn parse_bytes(value: &str) -> Result<u64, String> {
    corpusledger_pipeline::config::parse_bytes(value)
}

/// A parser for an enum of the config named by `name`, whose values are
/// listed in `--help` and in clap's errors.
fn named_values<T: Copy + Send + Sync + 'static, const N: usize>(
    all: [T; N],
    name: fn(T) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = T> {
    let parser = clap::builder::PossibleValuesParser::new(all.map(name));
    clap::builder::TypedValueParser::map(parser, move |given| {
        all.into_iter().find(|v| name(*v) == given).expect("a possible value")
    })
}

fn keep_criterion_parser() -> impl clap::builder::TypedValueParser<Value = KeepCriterion> {
    named_values(KeepCriterion::ALL, KeepCriterion::as_str)
}

fn no_assertion_parser() -> impl clap::builder::TypedValueParser<Value = NoAssertion> {
    named_values(NoAssertion::ALL, NoAssertion::as_str)
}

fn filter_action_parser() -> impl clap::builder::TypedValueParser<Value = FilterAction> {
    named_values(FilterAction::ALL, FilterAction::as_str)
}

fn parse_cluster_mode(value: &str) -> Result<ClusterMode, String> {
    match value {
        "connected" => Ok(ClusterMode::Connected),
        "star" => Ok(ClusterMode::Star),
        other => Err(format!("unknown cluster mode `{other}`; use `connected` or `star`")),
    }
}

fn parse_tokenizer(value: &str) -> Result<Tokenizer, String> {
    match value {
        "code" => Ok(Tokenizer::Code),
        "bigcode" => Ok(Tokenizer::Bigcode),
        other => Err(format!("unknown tokenizer `{other}`; use `code` or `bigcode`")),
    }
}

impl Settings {
    /// The settings given as flags, as a config layer.
    pub fn as_layer(&self) -> ConfigFile {
        ConfigFile {
            input: (!self.input.is_empty()).then(|| self.input.clone()),
            out: self.out.clone(),
            threads: self.threads,
            memory_limit: self.memory_limit,
            threshold: self.threshold,
            ngram: self.ngram,
            num_perm: self.num_perm,
            recall_target: self.recall_target,
            tokenizer: self.tokenizer,
            seed: self.seed,
            keep_policy: self.keep_policy.clone(),
            cluster_mode: self.cluster_mode,
            repo_depth: self.repo_depth,
            max_file_bytes: self.max_file_bytes,
            license_allow: self.license_allow.clone(),
            license_deny: self.license_deny.clone(),
            license_noassertion: self.license_noassertion,
            opt_out: (!self.opt_out.is_empty()).then(|| self.opt_out.clone()),
            base: (!self.base.is_empty()).then(|| self.base.clone()),
            secrets: self.secrets,
            pii: self.pii,
            generated: self.generated,
            vendored: self.vendored,
            low_quality: self.low_quality,
            secret_rules: (!self.secret_rules.is_empty()).then(|| self.secret_rules.clone()),
            decontaminate: (!self.decontaminate.is_empty()).then(|| self.decontaminate.clone()),
            decontaminate_action: self.decontaminate_action,
            languages: self.languages.clone(),
            exclude_languages: self.exclude_languages.clone(),
            stackexchange_mode: self.stackexchange_mode.clone(),
            stackexchange_site: self.stackexchange_site.clone(),
            stackexchange_users: self.stackexchange_users.clone(),
            stackexchange_tags: self.stackexchange_tags.clone(),
            stackexchange_min_score: self.stackexchange_min_score,
            stackexchange_min_code_bytes: self.stackexchange_min_code_bytes,
            quiet: self.quiet.then_some(true),
            json: self.json.then_some(true),
            ..ConfigFile::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_bytes("200MB"), Ok(200 << 20));
        assert_eq!(parse_bytes("1.5g"), Ok(3 << 29));
        assert_eq!(parse_bytes("4096"), Ok(4096));
        assert!(parse_bytes("12 parsecs").is_err());
    }
}
