//! Builds what cspr serves under /assets/: installs the npm packages pinned in
//! web/package-lock.json when they are missing or stale, compiles web/scss/app.scss with sass,
//! and writes `OUT_DIR/assets.rs`, a table of every served file under a content-hashed name.
//!
//! Any failure ends the build with one `cargo::error` line; the tool's own output, if it
//! helps, comes first as warnings.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};
use std::time::SystemTime;
use std::{env, io};

const NEED_NODE: &str = "cspr-web needs Node.js and npm to build its stylesheet: install them \
                         (Debian: apt-get install nodejs npm) and build again";

/// Images that GOV.UK Frontend's stylesheet names but cspr must not show: the Royal Arms
/// belongs to GOV.UK alone. Their `url(...)` becomes `none`.
const NOT_SHIPPED: &[&str] = &["govuk-crest.svg"];

/// Where the stylesheet's images may come from, in order.
const IMAGE_DIRS: &[&str] = &[
    "node_modules/@ministryofjustice/frontend/moj/assets/images",
    "node_modules/govuk-frontend/dist/govuk/assets/images",
];

const GOVUK_JS: &str = "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js";
const MOJ_JS: &str = "node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js";

/// A file to serve: its logical name and its final bytes.
struct Built {
    name: String,
    bytes: Vec<u8>,
}

fn main() -> ExitCode {
    if let Err(message) = run() {
        // One line: cargo prints it as `error: cspr-web@..: <message>` and fails the build.
        println!("cargo::error={}", one_line(&message));
    }
    ExitCode::SUCCESS
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    let web = manifest_dir.join("../../web");
    let web = web
        .canonicalize()
        .map_err(|e| format!("cannot find the web folder at {}: {e}", web.display()))?;

    for watched in [
        "package.json",
        "package-lock.json",
        "node_modules/.package-lock.json",
        "scss",
        "js",
        "images",
    ] {
        println!("cargo::rerun-if-changed={}", web.join(watched).display());
    }

    install_packages_if_needed(&web)?;
    // Read node_modules only while no other build is reinstalling it.
    let _shared = lock(&web, false)?;
    let css = compile_stylesheet(&web, &out_dir)?;

    let mut built = Vec::new();
    let css = link_stylesheet_images(&web, &css, &mut built)?;
    built.push(Built {
        name: "app.css".into(),
        bytes: css.into_bytes(),
    });
    built.push(Built {
        name: "govuk-frontend.js".into(),
        bytes: without_source_map_comment(read(&web.join(GOVUK_JS))?),
    });
    built.push(Built {
        name: "moj-frontend.js".into(),
        bytes: without_source_map_comment(read(&web.join(MOJ_JS))?),
    });
    built.push(Built {
        name: "favicon.svg".into(),
        bytes: read(&web.join("images/favicon.svg"))?,
    });
    // init.js imports the two libraries by their logical names; point it at the hashed ones.
    let mut init = String::from_utf8(read(&web.join("js/init.js"))?)
        .map_err(|_| "web/js/init.js is not UTF-8".to_string())?;
    for library in ["govuk-frontend.js", "moj-frontend.js"] {
        let specifier = format!("'./{library}'");
        if !init.contains(&specifier) {
            return Err(format!("web/js/init.js no longer imports {specifier}"));
        }
        let hashed = hashed_file_name(library, find(&built, library)?);
        init = init.replace(&specifier, &format!("'./{hashed}'"));
    }
    built.push(Built {
        name: "init.js".into(),
        bytes: init.into_bytes(),
    });
    // The section editor of the document pages (routes/documents/), loaded on those pages.
    built.push(Built {
        name: "report-editor.js".into(),
        bytes: read(&web.join("js/report-editor.js"))?,
    });
    // Passkeys' ceremonies (auth/passkey.rs), loaded on the pages that offer one.
    built.push(Built {
        name: "passkey.js".into(),
        bytes: read(&web.join("js/passkey.js"))?,
    });

    write_table(&out_dir, &built)
}

/// Runs `npm ci` when web/node_modules is missing or older than web/package-lock.json.
fn install_packages_if_needed(web: &Path) -> Result<(), String> {
    if !needs_install(web) {
        return Ok(());
    }
    // Two builds (say, `cargo test` and rust-analyzer) must not run npm ci in one folder at
    // once: the second waits for the first, then finds nothing to do.
    let _exclusive = lock(web, true)?;
    if !needs_install(web) {
        return Ok(());
    }
    run_in(
        web,
        Command::new(npm_program()).args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]),
        |status| {
            format!(
                "`npm ci` in {} failed ({status}); its output is above",
                web.display()
            )
        },
    )?;
    // npm has just written node_modules/.package-lock.json, after cargo noted when this script
    // started: the next cargo command would run the script again, and rebuild the crate, for
    // nothing. Date it back to the lock file it was installed from (issue 21).
    if let Some(when) = modified(&web.join("package-lock.json"))
        && let Ok(installed) = fs::File::options()
            .write(true)
            .open(web.join("node_modules/.package-lock.json"))
    {
        let _ = installed.set_modified(when);
    }
    Ok(())
}

/// Runs `command` in `web`; when it fails, shows its output and gives `failed`'s message.
fn run_in(
    web: &Path,
    command: &mut Command,
    failed: impl FnOnce(std::process::ExitStatus) -> String,
) -> Result<std::process::Output, String> {
    let output = command
        .current_dir(web)
        .output()
        .map_err(|e| spawn_error(&e))?;
    if !output.status.success() {
        show_output(&output);
        return Err(failed(output.status));
    }
    Ok(output)
}

/// Locks web/.build.lock until the returned file is dropped: exclusively to change
/// node_modules, shared to read it.
fn lock(web: &Path, exclusive: bool) -> Result<File, String> {
    let path = web.join(".build.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let locked = if exclusive {
        file.lock()
    } else {
        file.lock_shared()
    };
    locked.map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
    Ok(file)
}

fn needs_install(web: &Path) -> bool {
    let installed = web.join("node_modules/.package-lock.json");
    match (
        modified(&web.join("package-lock.json")),
        modified(&installed),
    ) {
        (Some(wanted), Some(have)) => wanted > have,
        _ => true,
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Compiles app.scss into `OUT_DIR/app.css`, unless its sources are unchanged since the last
/// compilation into this OUT_DIR (sass takes a second or two; most builds change no style).
fn compile_stylesheet(web: &Path, out_dir: &Path) -> Result<String, String> {
    let css_path = out_dir.join("app.css");
    let stamp_path = out_dir.join("app.css.sources");
    let stamp = sources_fingerprint(web)?;
    if fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp)
        && let Ok(css) = fs::read_to_string(&css_path)
    {
        return Ok(css);
    }

    let sass = web.join("node_modules/sass/sass.js");
    if !sass.is_file() {
        return Err(format!(
            "{} is missing: delete web/node_modules and build again",
            sass.display()
        ));
    }
    let output = run_in(
        web,
        Command::new(node_program())
            .arg(&sass)
            .args([
                "--style=compressed",
                "--no-source-map",
                "--no-error-css",
                "--quiet-deps",
            ])
            .arg("--load-path")
            .arg(web)
            .arg(web.join("scss/app.scss"))
            .arg(&css_path),
        |status| {
            format!("sass could not compile web/scss/app.scss ({status}); its messages are above")
        },
    )?;
    // Warnings about our own Sass (dependencies' are quieted) are worth seeing.
    show_output(&output);
    let css = fs::read_to_string(&css_path)
        .map_err(|e| format!("cannot read {}: {e}", css_path.display()))?;
    fs::write(&stamp_path, stamp)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
    Ok(css)
}

/// A digest of everything the compiled stylesheet depends on.
fn sources_fingerprint(web: &Path) -> Result<String, String> {
    let mut hasher = blake3::Hasher::new();
    let mut files = BTreeSet::new();
    collect_files(&web.join("scss"), &mut files)?;
    files.insert(web.join("node_modules/.package-lock.json"));
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(&read(&file)?);
    }
    Ok(hasher.finalize().to_hex().to_string())
}

fn collect_files(dir: &Path, files: &mut BTreeSet<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.insert(path);
        }
    }
    Ok(())
}

/// Points every `url(/assets/<image>)` in the stylesheet at the image's hashed name and adds
/// the image to `built`. An image it cannot find fails the build, so none is ever a 404.
fn link_stylesheet_images(web: &Path, css: &str, built: &mut Vec<Built>) -> Result<String, String> {
    const PREFIX: &str = "/assets/";
    let mut result = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("url(") {
        let (before, after) = rest.split_at(start + "url(".len());
        result.push_str(before);
        let end = after
            .find(')')
            .ok_or_else(|| "the compiled stylesheet has an unclosed url(".to_string())?;
        let raw = &after[..end];
        let url = raw.trim().trim_matches(|c| c == '"' || c == '\'');
        rest = &after[end..];
        let Some(name) = url.strip_prefix(PREFIX) else {
            if url.starts_with("data:") || url.starts_with('#') {
                result.push_str(raw);
                continue;
            }
            return Err(format!("the stylesheet refers to {url}, outside /assets/"));
        };
        if NOT_SHIPPED.contains(&name) {
            // `url(none)` is not CSS: drop back over "url(" and the ")" to leave `none`.
            result.truncate(result.len() - "url(".len());
            result.push_str("none");
            rest = &rest[1..];
            continue;
        }
        if find(built, name).is_err() {
            let source = IMAGE_DIRS
                .iter()
                .map(|dir| web.join(dir).join(name))
                .find(|path| path.is_file())
                .ok_or_else(|| format!("the stylesheet refers to {url}, which no package has"))?;
            built.push(Built {
                name: name.to_string(),
                bytes: read(&source)?,
            });
        }
        let hashed = hashed_file_name(name, find(built, name)?);
        write!(result, "{PREFIX}{hashed}").map_err(|e| e.to_string())?;
    }
    result.push_str(rest);
    Ok(result)
}

fn find<'a>(built: &'a [Built], name: &str) -> Result<&'a [u8], String> {
    built
        .iter()
        .find(|b| b.name == name)
        .map(|b| b.bytes.as_slice())
        .ok_or_else(|| format!("no asset named {name}"))
}

/// `app.css` with these bytes becomes `app-<16 hex digits of blake3>.css`.
fn hashed_file_name(name: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash.as_str()[..16];
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-{short}.{extension}"),
        None => format!("{name}-{short}"),
    }
}

fn content_type(name: &str) -> Result<&'static str, String> {
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    Ok(match extension {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => return Err(format!("no Content-Type is known for {name}")),
    })
}

/// Drops a trailing `//# sourceMappingURL=...` line: the maps are not served, and browsers'
/// developer tools would otherwise ask for them.
fn without_source_map_comment(mut bytes: Vec<u8>) -> Vec<u8> {
    let marker = b"//# sourceMappingURL=";
    if let Some(at) = bytes.windows(marker.len()).rposition(|w| w == marker)
        && !bytes[at..].trim_ascii_end().contains(&b'\n')
    {
        bytes.truncate(at);
        bytes.push(b'\n');
    }
    bytes
}

/// Copies each file into OUT_DIR under its hashed name and writes `OUT_DIR/assets.rs`.
fn write_table(out_dir: &Path, built: &[Built]) -> Result<(), String> {
    let files = out_dir.join("assets");
    fs::create_dir_all(&files).map_err(|e| format!("cannot create {}: {e}", files.display()))?;
    let mut code = String::from(
        "// Generated by cspr-web's build.rs from web/: do not edit.\n\
         /// Every file served under /assets/, by logical name.\n\
         pub static ASSETS: &[Asset] = &[\n",
    );
    let mut hrefs = String::new();
    for file in built {
        let hashed = hashed_file_name(&file.name, &file.bytes);
        let target = files.join(&hashed);
        // Unchanged content keeps its file (and its modification time).
        if read(&target).ok().as_deref() != Some(file.bytes.as_slice()) {
            fs::write(&target, &file.bytes)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        }
        let target = target
            .to_str()
            .ok_or_else(|| format!("{} is not UTF-8", target.display()))?;
        let path = format!("/assets/{hashed}");
        writeln!(
            code,
            "    Asset {{ name: {:?}, path: {:?}, content_type: {:?}, bytes: include_bytes!({:?}) }},",
            file.name,
            path,
            content_type(&file.name)?,
            target
        )
        .map_err(|e| e.to_string())?;
        let constant = match file.name.as_str() {
            "app.css" => Some("CSS_HREF"),
            "init.js" => Some("JS_SRC"),
            "favicon.svg" => Some("FAVICON_HREF"),
            _ => None,
        };
        if let Some(constant) = constant {
            writeln!(
                hrefs,
                "/// Served path of `{}`.\nconst {constant}: &str = {path:?};",
                file.name
            )
            .map_err(|e| e.to_string())?;
        }
    }
    code.push_str("];\n");
    code.push_str(&hrefs);
    // Files of earlier builds would otherwise pile up under their old hashes.
    let current: BTreeSet<String> = built
        .iter()
        .map(|file| hashed_file_name(&file.name, &file.bytes))
        .collect();
    let mut present = BTreeSet::new();
    collect_files(&files, &mut present)?;
    for stale in present.iter().filter(|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_none_or(|name| !current.contains(name))
    }) {
        fs::remove_file(stale).map_err(|e| format!("cannot remove {}: {e}", stale.display()))?;
    }
    let table = out_dir.join("assets.rs");
    if fs::read_to_string(&table).ok().as_deref() != Some(code.as_str()) {
        fs::write(&table, code).map_err(|e| format!("cannot write {}: {e}", table.display()))?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn env_var(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("cargo did not set {name}"))
}

fn npm_program() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

fn node_program() -> &'static str {
    if cfg!(windows) { "node.exe" } else { "node" }
}

/// A program that will not start is, in practice, Node.js or npm not installed.
fn spawn_error(error: &io::Error) -> String {
    if error.kind() == io::ErrorKind::NotFound {
        NEED_NODE.to_string()
    } else {
        format!("{NEED_NODE} (starting it failed: {error})")
    }
}

/// Shows a tool's output as build warnings (cargo hides a build script's own output).
fn show_output(output: &Output) {
    for stream in [&output.stdout, &output.stderr] {
        for line in String::from_utf8_lossy(stream).lines() {
            if !line.trim().is_empty() {
                println!("cargo::warning={}", one_line(line));
            }
        }
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
