//! Generation end to end with the system allocator, as a program calling the generator library
//! has it by default: see [`bench::generate`].

#[global_allocator]
static ALLOCATOR: bench::generate::Counting<std::alloc::System> =
    bench::generate::Counting(std::alloc::System);

fn main() -> std::process::ExitCode {
    bench::generate::main()
}
