//! A split description against its bundle, with `cargo xtask`'s allocator (mimalloc): see
//! [`bench::split`].

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    bench::split::main()
}
