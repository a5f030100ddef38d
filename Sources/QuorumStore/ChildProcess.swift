import Foundation
import Subprocess
import SystemPackage

/// Runs a program to its end through swift-subprocess, which starts it with no
/// signal blocked and every signal at its default, whatever the calling thread
/// had, so that what it starts can be stopped politely. The embedded cluster
/// runs initdb and pg_ctl through it; the tests, their commands.
///
/// The output and errors go, together, to an unlinked temporary file, not a
/// pipe: a server the program starts in the background inherits it, and would
/// hold a pipe open and the wait with it.
public enum ChildProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
    }

    /// `program` is a path, or a name looked up on the PATH; `environment` is
    /// added to this process's own.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil
    ) async throws -> Outcome {
        let log: FileDescriptor
        do { log = FileDescriptor(rawValue: try openTemporaryFile().descriptor) } catch {
            throw PQError.embedded("cannot run \(program): \(error)")
        }
        defer { try? log.close() }
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment { overrides[Environment.Key(stringLiteral: name)] = value }
        let termination: TerminationStatus
        do {
            termination = try await Subprocess.run(
                program.contains("/") ? .path(FilePath(program)) : .name(program), arguments: Arguments(arguments),
                environment: .inherit.updating(overrides), workingDirectory: workingDirectory.map { FilePath($0) },
                output: .fileDescriptor(log, closeAfterSpawningProcess: false),
                error: .fileDescriptor(log, closeAfterSpawningProcess: false)
            ).terminationStatus
        } catch let error as CancellationError {
            throw error
        } catch {
            throw PQError.embedded("cannot run \(program): \(error)")
        }
        let output = FileHandle(fileDescriptor: log.rawValue, closeOnDealloc: false)
        try? output.seek(toOffset: 0)
        let text = String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
        switch termination {
        case .exited(let code): return Outcome(status: code, output: text)
        case .signaled(let signal): return Outcome(status: 128 + signal, output: text)
        }
    }
}
