//! `consentdesk-wasm-split <input.wasm> <out-dir> <name>`: splits the linked wasm of the
//! hydrate crate (built with `-Clink-args=--emit-relocs`) at its `#[lazy]` functions.
//!
//! Writes `<name>_split.wasm` (the main module, for wasm-bindgen), one wasm file per lazy
//! chunk, `__wasm_split.______________________.js` (the loader the chunks import, under the
//! name leptos expects) and `__wasm_split_manifest.json` (which chunks each lazy route
//! needs, read by `HydrationScripts` to preload them). The same steps cargo-leptos runs
//! for `--split`, without its 500 dependencies.
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        eprintln!("usage: consentdesk-wasm-split <input.wasm> <out-dir> <name>");
        return ExitCode::from(2);
    };
    match split(input, PathBuf::from(out_dir), name) {
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

fn split(input: &str, out_dir: PathBuf, name: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let wasm = std::fs::read(input)?;
    std::fs::create_dir_all(&out_dir)?;
    let main_out = out_dir.join(format!("{name}_split.wasm"));
    let main_module = format!("./{name}.js");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = &out_dir;
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
