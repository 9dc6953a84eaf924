//! Links the gongwen binary with packed relative relocations (DT_RELR) on
//! Linux with glibc: the binary holds some 57,000 pointers that the loader
//! fixes up at every start, and packed, `gongwen --version` takes about 3 ms
//! instead of 8. Every `gongwen build` pays that start, a twentieth of a
//! one-letter rebuild. Older linkers ignore the option with a warning; other
//! systems do not get it.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
