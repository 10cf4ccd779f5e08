//! The benchmark programs' shared code; the programs are `src/bin/`.

pub mod generate;
pub mod split;
