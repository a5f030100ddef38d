import CMalloc

/// Gives the pages that a render or an aggregation run allocated and freed back
/// to the system. glibc keeps freed memory in its per-thread arenas for reuse;
/// after work done once a minute or less, keeping it only inflates the resident
/// size of a process that otherwise needs little (about 11 MB of the idle
/// daemon's 64 MB were such pages).
enum FreedMemory {
    static func release() {
        malloc_trim(0)
    }
}
