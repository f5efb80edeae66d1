//! `corpusledger export`: the manifest as Croissant, SPDX and CycloneDX.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use corpusledger_export::{Format, utc_timestamp};
use corpusledger_manifest::{Manifest, canonical};

use crate::args::{ExportArgs, ExportFormat};
use crate::pipeline::rundir::write_atomic;

pub fn run(args: &ExportArgs) -> Result<u8> {
    let manifest_path = args.dir.join("manifest.json");
    if !manifest_path.is_file() {
        bail!(
            "{} not found: give the output directory of a `corpusledger run`",
            manifest_path.display()
        );
    }
    let manifest = Manifest::read(&manifest_path)?;
    corpusledger_export::check(&manifest).with_context(|| format!("cannot export {}", manifest_path.display()))?;
    // A partial release: its exports say what it withholds.
    let release = super::datasheet::read_release(&args.dir)?;
    let created = created()?;
    let out_dir = args.out.as_deref().unwrap_or(&args.dir);
    std::fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    for format in formats(args.format) {
        let path = out_dir.join(format.file_name());
        let bytes = canonical::to_vec(&format.render_release(&manifest, release.as_ref(), &created))?;
        write_atomic(&path, &bytes)?;
        if !args.quiet {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(crate::EXIT_OK)
}

fn formats(format: ExportFormat) -> Vec<Format> {
    match format {
        ExportFormat::All => Format::ALL.to_vec(),
        ExportFormat::Croissant => vec![Format::Croissant],
        ExportFormat::Spdx => vec![Format::Spdx],
        ExportFormat::Cyclonedx => vec![Format::CycloneDx],
    }
}

/// The SBOMs' creation time: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), else now.
fn created() -> Result<String> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value.trim().parse::<u64>().with_context(|| {
            format!(
                "SOURCE_DATE_EPOCH={value:?} is not a number of seconds since 1970-01-01; set it to one, or unset it"
            )
        })?,
        Err(std::env::VarError::NotPresent) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_secs(),
        Err(std::env::VarError::NotUnicode(_)) => bail!("SOURCE_DATE_EPOCH is not a number of seconds"),
    };
    Ok(utc_timestamp(seconds))
}
