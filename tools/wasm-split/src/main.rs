//! `consentdesk-wasm-split <input.wasm> <out-dir> <name>`: turns the linked wasm of the
//! hydrate crate (built with `-Clink-args=--emit-relocs`) into what the browser loads.
//!
//! 1. Splits it at its `#[lazy]` functions: one wasm file per lazy chunk,
//!    `__wasm_split.______________________.js` (the loader the chunks import, under the
//!    name leptos expects) and `__wasm_split_manifest.json` (which chunks each lazy route
//!    needs, read by `HydrationScripts` to preload them).
//! 2. Runs wasm-bindgen on the main module, as a library pinned to the app's own
//!    `wasm-bindgen` version, so the two can never disagree: `<name>.js` and `<name>.wasm`.
//!
//! The same steps cargo-leptos runs for `--split`, without its 500 dependencies, and the
//! same as `wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle`
//! without installing wasm-bindgen-cli (its test runner and server) on a fresh machine.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

type Error = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        eprintln!("usage: consentdesk-wasm-split <input.wasm> <out-dir> <name>");
        return ExitCode::from(2);
    };
    let out_dir = PathBuf::from(out_dir);
    match split(input, &out_dir, name).and_then(|chunks| bind(&out_dir, name).map(|()| chunks)) {
        Ok(chunks) => {
            println!("{chunks} lazy chunks");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("wasm split failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn split_main_module(out_dir: &Path, name: &str) -> PathBuf {
    out_dir.join(format!("{name}_split.wasm"))
}

fn split(input: &str, out_dir: &Path, name: &str) -> Result<usize, Error> {
    let wasm = std::fs::read(input)?;
    std::fs::create_dir_all(out_dir)?;
    let main_out = split_main_module(out_dir, name);
    let main_module = format!("./{name}.js");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = out_dir;
    options.main_out_path = &main_out;
    options.main_module = &main_module;
    options.link_name = "./__wasm_split.______________________.js";
    let split = wasm_split_cli_support::transform(options)?;
    std::fs::write(
        out_dir.join("__wasm_split_manifest.json"),
        serde_json::to_string_pretty(&split.prefetch_map)?,
    )?;
    Ok(split.split_modules.len())
}

/// wasm-bindgen on the split main module: `<name>.js` and `<name>.wasm` in `out_dir`.
fn bind(out_dir: &Path, name: &str) -> Result<(), Error> {
    let main_module = split_main_module(out_dir, name);
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main_module)
        .out_name(name)
        .web(true)?
        .typescript(false)
        .keep_lld_exports(true)
        .demangle(false)
        .omit_default_module_path(false)
        .generate(out_dir)
        .map_err(|error| format!("wasm-bindgen: {error:#}"))?;
    std::fs::remove_file(&main_module)?;
    std::fs::rename(
        out_dir.join(format!("{name}_bg.wasm")),
        out_dir.join(format!("{name}.wasm")),
    )?;
    Ok(())
}
