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

    /// Diagnoses files read from disk in chunks, so a large log is never held whole.
    public static func diagnose(fileURLs: [URL], options: DiagnoseOptions = options(), chunkSize: Int = 256 * 1024) async throws -> Report {
        try await detached {
            let session = try DiagnosisSession(options: options)
            for url in fileURLs {
                let sink = try session.beginInput(name: url.lastPathComponent)
                do {
                    let handle = try FileHandle(forReadingFrom: url)
                    defer { try? handle.close() }
                    while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                        try sink.push(chunk: chunk)
                    }
                } catch let error as CertdoctorError {
                    throw error
                } catch {
                    try sink.readFailed(message: "read error: \(error.localizedDescription)")
                }
                try sink.finishInput()
            }
            return try session.finish()
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
