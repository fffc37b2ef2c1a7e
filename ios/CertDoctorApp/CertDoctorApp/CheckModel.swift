// View state of the one screen. No diagnosis logic: the verdict, summary, next action and
// findings are the core's; this only gathers files, runs the check and keeps what to share.
import Foundation
import CertDoctorKit

@MainActor
final class CheckModel: ObservableObject {
    enum Phase {
        case idle
        /// Reading the inputs: bytes read so far, of all.
        case collecting(readBytes: Int64, totalBytes: Int64)
        case diagnosed(Report)
        case failed(String)
    }

    @Published private(set) var phase: Phase = .idle
    @Published private(set) var files: [URL] = []
    @Published private(set) var trust: [TrustResult] = []
    @Published private(set) var share: ShareFiles?

    /// Bumped by every check and reset: a result for an older generation is dropped.
    private var generation = 0
    /// The running check, for Cancel.
    private var running: Task<Void, Never>?
    private let workDir: URL = FileManager.default.temporaryDirectory.appendingPathComponent("certdoctor", isDirectory: true)

    /// Files from `.fileImporter`, "Open in", or the Share Extension: copied into the app's
    /// temporary directory (the originals may be security-scoped or go away).
    func add(urls: [URL]) {
        let inbox = workDir.appendingPathComponent("inputs", isDirectory: true)
        try? FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for url in urls {
            let scoped = url.startAccessingSecurityScopedResource()
            defer { if scoped { url.stopAccessingSecurityScopedResource() } }
            let target = uniqueURL(in: inbox, name: url.lastPathComponent)
            do {
                try FileManager.default.copyItem(at: url, to: target)
                files.append(target)
            } catch {
                phase = .failed(error.localizedDescription)
            }
        }
    }

    /// Moves what the Share Extension saved into the app group container into the check.
    func collectSharedInbox() {
        let shared = SharedInbox.takeAll()
        if !shared.isEmpty {
            add(urls: shared)
            SharedInbox.remove(shared)
        }
    }

    func check() {
        generation += 1
        let mine = generation
        let inputs = files
        let total = inputs.reduce(Int64(0)) { sum, url in
            let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
            return sum + Int64(size)
        }
        phase = .collecting(readBytes: 0, totalBytes: total)
        share = nil
        trust = []
        let dir = workDir
        running = Task {
            do {
                let options = CertDoctor.options(lang: Self.reportLanguage)
                let report = try await CertDoctor.diagnose(fileURLs: inputs, options: options) { progress in
                    Task { @MainActor in
                        guard mine == self.generation, case .collecting = self.phase else { return }
                        self.phase = .collecting(readBytes: progress.bytesRead, totalBytes: progress.totalBytes)
                    }
                }
                let shareFiles = try await ShareFiles.make(report: report, in: dir)
                let trustResults = await Task.detached { TrustEvaluation.evaluate(files: inputs) }.value
                guard mine == self.generation else { return }
                self.phase = .diagnosed(report)
                self.share = shareFiles
                self.trust = trustResults
            } catch is CancellationError {
                guard mine == self.generation else { return }
                self.phase = .idle
            } catch {
                guard mine == self.generation else { return }
                self.phase = .failed(Self.message(error))
            }
        }
    }

    /// Stops a running check (a large sysdiagnose takes a while); the files stay.
    func cancel() {
        running?.cancel()
        running = nil
        generation += 1
        phase = .idle
    }

    /// The options of this app's reports (the device's language), for "Test the SCEP server".
    var reportOptions: DiagnoseOptions { CertDoctor.options(lang: Self.reportLanguage) }

    /// A report joined with a SCEP server test (ProbeSection) replaces the one shown and shared.
    func show(joined report: Report) async throws {
        generation += 1
        let shareFiles = try await ShareFiles.make(report: report, in: workDir)
        phase = .diagnosed(report)
        share = shareFiles
    }

    func reset() {
        running?.cancel()
        running = nil
        generation += 1
        phase = .idle
        share = nil
        trust = []
        files = []
        try? FileManager.default.removeItem(at: workDir)
    }

    /// The report in the device's language when the core has it (zh-TW / zh-Hant → zh-Hant).
    private static var reportLanguage: String {
        let preferred = Locale.preferredLanguages.first ?? "en"
        let traditional = ["zh-Hant", "zh-TW", "zh-HK", "zh-MO"].contains { preferred.hasPrefix($0) }
        if traditional && CertDoctorKit.supportedLanguages().contains("zh-Hant") {
            return "zh-Hant"
        }
        return "en"
    }

    private static func message(_ error: Error) -> String {
        if let error = error as? CertdoctorError { return String(describing: error) }
        return error.localizedDescription
    }

    private func uniqueURL(in dir: URL, name: String) -> URL {
        var candidate = dir.appendingPathComponent(name)
        var n = 1
        while FileManager.default.fileExists(atPath: candidate.path) {
            n += 1
            candidate = dir.appendingPathComponent("\(n)-\(name)")
        }
        return candidate
    }
}
