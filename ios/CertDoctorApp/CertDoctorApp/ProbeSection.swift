// "Test the SCEP server": the NDES URL from the evidence (or typed), a read-only test from
// this iPhone's network, and its result joined to the report the screen shows and shares.
// No probe logic here: the requests are CertDoctorKit's ScepProbe, the decisions the core's.
import SwiftUI
import CertDoctorKit

@MainActor
final class ProbeModel: ObservableObject {
    enum State {
        case idle
        case testing
        case done(ProbeEntry)
        case failed(String)
    }

    @Published var url = ""
    @Published private(set) var state: State = .idle
    /// The files the URL was last looked up in, so a new set of files looks again.
    private var lookedUp: [URL] = []

    /// Offers the SCEP URL the device used, when the files name one and nothing was typed.
    func prefill(from files: [URL]) async {
        guard files != lookedUp else { return }
        lookedUp = files
        guard url.isEmpty, !files.isEmpty,
              let found = try? await ScepProbe.urlFromEvidence(fileURLs: files) else { return }
        if url.isEmpty { url = found }
    }

    /// Tests the server, joins the result to a diagnosis of `files` and hands the joined
    /// report to `check` (which shows and shares it).
    func test(files: [URL], check: CheckModel) {
        let target = url.trimmingCharacters(in: .whitespacesAndNewlines)
        state = .testing
        Task {
            do {
                let input = try await ScepProbe().collect(url: target)
                let report = try await ScepProbe.diagnoseWithProbe(fileURLs: files, probe: input, options: check.reportOptions)
                try await check.show(joined: report)
                if let probe = report.probe {
                    state = .done(probe)
                } else {
                    state = .failed(report.summary)
                }
            } catch let error as CertdoctorError {
                state = .failed(String(describing: error))
            } catch {
                state = .failed(error.localizedDescription)
            }
        }
    }
}

struct ProbeSection: View {
    @EnvironmentObject private var check: CheckModel
    @StateObject private var probe = ProbeModel()

    var body: some View {
        Section(header: Text("probe.header"), footer: Text("probe.footer")) {
            TextField("probe.url", text: $probe.url)
                .keyboardType(.URL)
                .textContentType(.URL)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
            Button {
                probe.test(files: check.files, check: check)
            } label: {
                Label("probe.button", systemImage: "network.badge.shield.half.filled")
            }
            .disabled(probe.url.isEmpty || isTesting)
            stateView
        }
        .task(id: check.files) {
            await probe.prefill(from: check.files)
        }
    }

    private var isTesting: Bool {
        if case .testing = probe.state { return true }
        return false
    }

    @ViewBuilder
    private var stateView: some View {
        switch probe.state {
        case .idle:
            EmptyView()
        case .testing:
            ProgressView { Text("probe.testing") }
        case .done(let entry):
            Label {
                VStack(alignment: .leading) {
                    Text(entry.working ? LocalizedStringKey("probe.working") : LocalizedStringKey("probe.failing"))
                    ForEach(Array(entry.requests.enumerated()), id: \.offset) { _, request in
                        Text(Self.line(request)).font(.caption).foregroundStyle(.secondary)
                    }
                    if let tls = entry.tls {
                        Text("TLS: \(tls.result)").font(.caption).foregroundStyle(.secondary)
                    }
                }
            } icon: {
                Image(systemName: entry.working ? "checkmark.seal" : "xmark.seal")
            }
            .accessibilityElement(children: .combine)
        case .failed(let message):
            Text(message).foregroundStyle(.red)
        }
    }

    /// `GetCACert: HTTP 200, 2,345 bytes, 41 ms` or `GetCACaps: dns`.
    static func line(_ r: ProbeRequestEntry) -> String {
        let operation = r.operation == .getCaCaps ? "GetCACaps" : "GetCACert"
        if let status = r.status {
            let size = ByteCountFormatter.string(fromByteCount: Int64(r.size), countStyle: .file)
            return "\(operation): HTTP \(status), \(size), \(r.millis) ms"
        }
        return "\(operation): \(r.failure ?? "failed") (\(r.millis) ms)"
    }
}
