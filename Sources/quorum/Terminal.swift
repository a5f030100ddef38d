import Foundation

/// Messages for the person at the terminal, on standard error.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1

    static func say(_ text: String) { FileHandle.standardError.write(Data("quorum: \(text)\n".utf8)) }
}

/// A progress line for long imports, drawn only on a terminal.
final class Progress {
    let total: Int
    var bytes = 0
    private var lastDrawn = Date.distantPast
    private var drawn = false

    init(total: Int) { self.total = total }

    /// Redraws at most five times a second, and always once the whole file is read.
    func show(lines: Int) {
        let read = bytes >= total
        guard Terminal.isInteractive, read || Date().timeIntervalSince(lastDrawn) > 0.2 else { return }
        lastDrawn = Date()
        drawn = true
        let percent = total > 0 ? min(100, bytes * 100 / total) : 0
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let state = read ? "checked; writing…" : "checked"
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)%  \(lines) lines \(state)".utf8))
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Standard output, or a file written whole: into `name.tmp-PID` beside it,
/// then fsynced and renamed, so a reader never sees half a file.
final class OutputFile {
    private let path: String?
    private let temporary: String?
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String?) throws {
        self.path = path
        if let path {
            let temporary = "\(path).tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            self.temporary = temporary
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        } else {
            temporary = nil
            handle = FileHandle.standardOutput
        }
    }

    deinit {
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 { try flush() }
    }

    func write(data: Data) throws {
        buffer.append(data)
        try flush()
    }

    func commit() throws {
        try flush()
        guard let path, let temporary else { return }
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
