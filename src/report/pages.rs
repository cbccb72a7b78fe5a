//! The report's templates: `templates/report/` (bundled into the binary, or a folder given with
//! `--templates`). HTML and SVG files are Tera templates, escaped as HTML; CSS and JavaScript
//! files are copied into the site as they are. Every template is parsed when [`Pages::load`]
//! runs, so a broken template stops the run before anything is written, located in its file.

use std::path::Path;
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use indexmap::IndexMap;
use serde::Serialize;
use tera::{Context, Tera};

use crate::bundle;
use crate::diagnostic::Diagnostic;
use crate::draft::template_diagnostics;
use crate::render::register_filters;
use crate::source::SourceFile;

use super::site::SiteFile;

static BUNDLED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/report");

/// The pages every report has; templates whose names start with `_` are parts they include.
pub const OVERVIEW: &str = "index.html";
pub const HEATMAP: &str = "heatmap.html";
pub const COUNTRY: &str = "country.html";
const REQUIRED: [&str; 3] = [OVERVIEW, HEATMAP, COUNTRY];

const TEMPLATE_EXTENSIONS: [&str; 2] = [".html", ".svg"];
const ASSET_EXTENSIONS: [&str; 2] = [".css", ".js"];

#[derive(Debug)]
pub struct Pages {
    tera: Tera,
    files: IndexMap<String, Arc<SourceFile>>,
    /// Files copied into the site as they are (style sheet, script).
    pub assets: Vec<SiteFile>,
}

fn is_template(name: &str) -> bool {
    TEMPLATE_EXTENSIONS.iter().any(|x| name.ends_with(x))
}

fn is_asset(name: &str) -> bool {
    ASSET_EXTENSIONS.iter().any(|x| name.ends_with(x))
}

impl Pages {
    pub fn load(dir: Option<&Path>) -> Result<Pages, Vec<Diagnostic>> {
        let keep = |n: &str| is_template(n) || is_asset(n);
        let (root, files) = match dir {
            None => (
                "templates/report".to_string(),
                bundle::embedded(&BUNDLED, "templates/report", keep)?,
            ),
            Some(d) => (
                d.display().to_string(),
                bundle::on_disk(d, "report templates", "--templates", keep)?,
            ),
        };
        let mut problems: Vec<Diagnostic> = REQUIRED
            .iter()
            .filter(|n| !files.contains_key(**n))
            .map(|n| {
                Diagnostic::error(
                    "missing-template",
                    format!("the report templates folder `{root}` has no `{n}`"),
                )
                .with_help("the report renders `index.html`, `heatmap.html` and `country.html`")
            })
            .collect();
        let (templates, assets): (IndexMap<_, _>, IndexMap<_, _>) =
            files.into_iter().partition(|(n, _)| is_template(n));
        // Syntax first, one template at a time, so every broken template is reported at once.
        for (name, file) in &templates {
            if let Err(e) = new_tera().add_raw_template(name, &file.text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    problems.extend(template_diagnostics(&e, &templates, "bad-template"));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut tera = new_tera();
        tera.add_raw_templates(templates.iter().map(|(n, f)| (n.as_str(), f.text.as_str())))
            .map_err(|e| template_diagnostics(&e, &templates, "bad-template"))?;
        Ok(Pages {
            tera,
            files: templates,
            assets: assets
                .into_iter()
                .map(|(path, f)| SiteFile {
                    path,
                    bytes: f.text.as_bytes().to_vec(),
                })
                .collect(),
        })
    }

    /// Render `template` with `context`, and `root`: the way from the page back to the site's
    /// root (`""` or `"../"`).
    pub fn render(
        &self,
        template: &str,
        context: &impl Serialize,
        root: &str,
    ) -> Result<String, Vec<Diagnostic>> {
        let mut ctx = Context::from_serialize(context).map_err(|e| {
            vec![Diagnostic::error(
                "template-error",
                format!(
                    "cannot hand the report to the templates: {}",
                    crate::render::describe_error(&e).0
                ),
            )]
        })?;
        ctx.insert("root", root);
        self.tera
            .render(template, &ctx)
            .map_err(|e| template_diagnostics(&e, &self.files, "template-error"))
    }
}

fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on(TEMPLATE_EXTENSIONS);
    register_filters(&mut tera);
    tera
}
