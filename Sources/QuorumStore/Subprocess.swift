import Foundation

/// Runs a program to completion with posix_spawn and waitpid, its output
/// collected in a temporary file (a pipe could fill up, or be inherited by a
/// server the program starts and never reach end-of-file).
enum Subprocess {
    struct Outcome {
        let status: Int32
        let output: String
    }

    /// `environment` replaces the process's own when given.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Outcome {
        let log: Int32
        do { log = try openTemporaryFile().descriptor } catch {
            throw PQError.embedded("cannot run \(program): \(error)")
        }
        let output = FileHandle(fileDescriptor: log, closeOnDealloc: true)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)

        // The child starts with no signal blocked and every signal at its default, whatever
        // the spawning thread had (a service group blocks SIGTERM on its threads), so
        // what it starts can be stopped politely.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned =
            envp.map { posix_spawn(&pid, program, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw PQError.embedded("cannot run \(program): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw PQError.embedded("lost track of \(program)") }
        }
        try? output.seek(toOffset: 0)
        let text = String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exited = status & 0x7f == 0
        return Outcome(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: text)
    }
}
