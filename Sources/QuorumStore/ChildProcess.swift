import Foundation
import Subprocess
import SystemPackage

/// Runs a program to its end through swift-subprocess, which starts it with no
/// signal blocked and every signal at its default, whatever the calling thread
/// had, so that what it starts can be stopped politely.
///
/// The output goes to an unlinked temporary file, not a pipe: a server the
/// program starts in the background inherits it, and would hold a pipe open
/// and the wait with it.
enum ChildProcess {
    struct Outcome {
        let status: Int32
        let output: String
    }

    static func run(_ program: String, _ arguments: [String], workingDirectory: String = "/") async throws -> Outcome {
        let log: FileDescriptor
        do { log = FileDescriptor(rawValue: try openTemporaryFile().descriptor) } catch {
            throw PQError.embedded("cannot run \(program): \(error)")
        }
        defer { try? log.close() }
        let termination: TerminationStatus
        do {
            termination = try await Subprocess.run(
                .path(FilePath(program)), arguments: Arguments(arguments), workingDirectory: FilePath(workingDirectory),
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
