//! certdoctor command line (being written).
fn main() {}
