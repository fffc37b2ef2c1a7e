// A thin async layer over the generated bindings (Generated/CertDoctorKit.swift, same module):
// the work runs off the caller's actor, errors arrive as CertdoctorError.
import Foundation

public enum CertDoctor {
    /// Options with the contract's defaults: redacted, English, evaluated at the device clock.
    public static func options(
        redact: Bool = true,
        lang: String = "en",
        now: Date? = nil
    ) -> DiagnoseOptions {
        let seconds = now.map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        return DiagnoseOptions(nowUnixSeconds: seconds, nowRfc3339: nil, redact: redact, lang: lang)
    }

    /// Diagnoses files the user picked or shared.
    public static func diagnose(_ files: [InputFile], options: DiagnoseOptions = options()) async throws -> Report {
        try await detached { try CertDoctorKit.diagnose(inputs: files, options: options) }
    }

    /// How far the reading of the inputs is: bytes handed to the core so far, of all.
    public struct ReadProgress: Sendable {
        public let bytesRead: Int64
        public let totalBytes: Int64
        /// The file being read (its display name).
        public let file: String

        public var fraction: Double {
            totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 0
        }
    }

    /// Diagnoses files read from disk in chunks, so a large log or archive (a sysdiagnose
    /// `.tar.gz` of hundreds of MB, a zip, a cab) is never held whole: the core reads an
    /// archive member by member as the chunks arrive. `progress` is called after each chunk
    /// (on the reading thread). Cancelling the calling task stops the reading between two
    /// chunks and throws `CancellationError`.
    public static func diagnose(
        fileURLs: [URL],
        options: DiagnoseOptions = options(),
        chunkSize: Int = 256 * 1024,
        progress: (@Sendable (ReadProgress) -> Void)? = nil
    ) async throws -> Report {
        let total = fileURLs.reduce(Int64(0)) { sum, url in
            sum + Int64((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
        let work = Task.detached(priority: .userInitiated) { () throws -> Report in
            let session = try DiagnosisSession(options: options)
            var read: Int64 = 0
            for url in fileURLs {
                let sink = try session.beginInput(name: url.lastPathComponent)
                do {
                    let handle = try FileHandle(forReadingFrom: url)
                    defer { try? handle.close() }
                    while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                        if Task.isCancelled {
                            try sink.cancel()
                            throw CancellationError()
                        }
                        try sink.push(chunk: chunk)
                        read += Int64(chunk.count)
                        progress?(ReadProgress(bytesRead: read, totalBytes: total, file: url.lastPathComponent))
                    }
                } catch let error as CertdoctorError {
                    throw error
                } catch let error as CancellationError {
                    throw error
                } catch {
                    try sink.readFailed(message: "read error: \(error.localizedDescription)")
                }
                try sink.finishInput()
            }
            return try session.finish()
        }
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    }

    /// Lays a report out for sharing; `lang` defaults to the report's language.
    public static func render(_ report: Report, format: ReportFormat, lang: String? = nil) async throws -> String {
        try await detached { try CertDoctorKit.render(report: report, format: format, lang: lang ?? report.lang) }
    }

    /// Version of the Rust core.
    public static var coreVersion: String { CertDoctorKit.version() }

    private static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await Task.detached(priority: .userInitiated) { try work() }.value
    }
}
