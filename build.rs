// The bundled rules and templates are compiled into the binary (include_dir); rebuild when they
// change so an installed binary always carries the rules it was built from.
fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=templates");
}
