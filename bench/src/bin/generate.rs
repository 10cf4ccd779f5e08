//! Generation end to end with `cargo xtask`'s allocator (mimalloc): see [`bench::generate`].

#[global_allocator]
static ALLOCATOR: bench::generate::Counting<mimalloc::MiMalloc> =
    bench::generate::Counting(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    bench::generate::main()
}
