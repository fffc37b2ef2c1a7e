// The one screen: Check certificates, the verdict card, summary, next action, findings,
// the trust evaluation of provided CA certificates, and Share report.
import SwiftUI
import UniformTypeIdentifiers
import CertDoctorKit

struct ContentView: View {
    @EnvironmentObject private var model: CheckModel
    @State private var importing = false

    var body: some View {
        NavigationStack {
            List {
                Section {
                    Text("intro")
                    Button {
                        model.check()
                    } label: {
                        Label("check.button", systemImage: "checkmark.shield")
                            .font(.headline)
                    }
                    .disabled(isCollecting)
                    Button {
                        importing = true
                    } label: {
                        Label("files.add", systemImage: "doc.badge.plus")
                    }
                    if !model.files.isEmpty {
                        Text(String(format: NSLocalizedString("files.count %lld", comment: ""), Int64(model.files.count)))
                            .font(.footnote)
                    }
                }
                phaseSection
                ProbeSection()
                trustSection
                if model.files.isEmpty, case .idle = model.phase {
                    sysdiagnoseHowTo
                }
            }
            .navigationTitle(Text("app.name"))
            .toolbar {
                ToolbarItem(placement: .navigationBarLeading) {
                    Button("start.over") { model.reset() }
                }
                ToolbarItem(placement: .navigationBarTrailing) {
                    shareMenu
                }
            }
            .fileImporter(isPresented: $importing, allowedContentTypes: Self.importTypes, allowsMultipleSelection: true) { result in
                if case .success(let urls) = result {
                    model.add(urls: urls)
                }
            }
        }
    }

    /// Logs, certificates and archives (a sysdiagnose `.tar.gz`, zips, cabs); `.data` lets
    /// anything else through to the core's content recognition.
    static let importTypes: [UTType] = [.plainText, .log, .zip, .gzip, .archive, .x509Certificate, .data]

    /// Step by step: how a user makes a sysdiagnose on their own (iOS 17/18 wording).
    private var sysdiagnoseHowTo: some View {
        Section(header: Text("howto.header"), footer: Text("howto.footer")) {
            ForEach(1...5, id: \.self) { step in
                Label {
                    Text(NSLocalizedString("howto.step\(step)", comment: ""))
                } icon: {
                    Image(systemName: "\(step).circle")
                }
            }
        }
    }

    private var isCollecting: Bool {
        if case .collecting = model.phase { return true }
        return false
    }

    @ViewBuilder
    private var phaseSection: some View {
        switch model.phase {
        case .idle:
            EmptyView()
        case .collecting(let read, let total):
            Section {
                ProgressView(value: Double(read), total: Double(max(total, 1))) {
                    Text(String(format: NSLocalizedString("reading %@ of %@", comment: ""),
                                ByteCountFormatter.string(fromByteCount: read, countStyle: .file),
                                ByteCountFormatter.string(fromByteCount: total, countStyle: .file)))
                }
                Button(role: .cancel) {
                    model.cancel()
                } label: {
                    Label("check.cancel", systemImage: "xmark.circle")
                }
            }
        case .failed(let message):
            Section {
                VerdictCard(title: "error.title", systemImage: "xmark.octagon.fill", colour: .red)
                Text(message)
            }
        case .diagnosed(let report):
            Section {
                VerdictCard.of(report.verdict)
                Text(report.summary)
            }
            Section(header: Text("next.action")) {
                Text(report.nextAction)
            }
            Section(header: Text("findings")) {
                if report.findings.isEmpty {
                    Text("findings.none")
                }
                ForEach(Array(report.findings.enumerated()), id: \.offset) { _, finding in
                    FindingRow(finding: finding)
                }
            }
        }
    }

    @ViewBuilder
    private var trustSection: some View {
        if !model.trust.isEmpty {
            Section(header: Text("trust.header"), footer: Text("trust.footer")) {
                ForEach(model.trust) { result in
                    Label {
                        VStack(alignment: .leading) {
                            Text(result.subject)
                            Text(result.trusted ? LocalizedStringKey("trust.yes") : LocalizedStringKey("trust.no")).font(.footnote)
                            if let reason = result.reason {
                                Text(reason).font(.caption).foregroundStyle(.secondary)
                            }
                        }
                    } icon: {
                        Image(systemName: result.trusted ? "lock.shield" : "exclamationmark.shield")
                    }
                    .accessibilityElement(children: .combine)
                }
            }
        }
    }

    @ViewBuilder
    private var shareMenu: some View {
        if let share = model.share {
            Menu {
                if let html = share.html {
                    ShareLink(item: html, subject: Text("share.subject")) {
                        Label("share.html", systemImage: "envelope")
                    }
                }
                ShareLink(item: share.text, subject: Text("share.subject")) {
                    Label("share.text", systemImage: "message")
                }
                if let bundle = share.bundle {
                    ShareLink(item: bundle, subject: Text("share.subject")) {
                        Label("share.bundle", systemImage: "doc.zipper")
                    }
                }
            } label: {
                Label("share.report", systemImage: "square.and.arrow.up")
            }
        }
    }
}

/// Words, colour and an icon whose shape differs per verdict (not colour alone).
struct VerdictCard: View {
    let title: LocalizedStringKey
    let systemImage: String
    let colour: Color

    static func of(_ verdict: Verdict) -> VerdictCard {
        switch verdict {
        case .delivered:
            return VerdictCard(title: "verdict.delivered", systemImage: "checkmark.circle.fill", colour: .green)
        case .failed:
            return VerdictCard(title: "verdict.failed", systemImage: "xmark.octagon.fill", colour: .red)
        case .actionRequired:
            return VerdictCard(title: "verdict.action", systemImage: "exclamationmark.triangle.fill", colour: .orange)
        case .inProgress:
            return VerdictCard(title: "verdict.progress", systemImage: "clock.fill", colour: .blue)
        case .inconclusive:
            return VerdictCard(title: "verdict.inconclusive", systemImage: "questionmark.circle.fill", colour: .gray)
        }
    }

    var body: some View {
        HStack(spacing: 12) {
            Image(systemName: systemImage)
                .font(.largeTitle)
                .accessibilityHidden(true)
            Text(title)
                .font(.title3.bold())
        }
        .foregroundStyle(.white)
        .padding()
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(colour, in: RoundedRectangle(cornerRadius: 12))
        .accessibilityElement(children: .combine)
        .accessibilityAddTraits(.isHeader)
    }
}

struct FindingRow: View {
    let finding: FindingEntry

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(severityKey).font(.caption.bold()).textCase(.uppercase)
                if finding.resolved {
                    Text("severity.resolved").font(.caption)
                }
            }
            Text(finding.title).font(.headline)
            Text(finding.remedy).font(.subheadline)
        }
        .accessibilityElement(children: .combine)
    }

    private var severityKey: LocalizedStringKey {
        switch finding.severity {
        case .error: return "severity.error"
        case .action: return "severity.action"
        case .warning: return "severity.warning"
        case .info: return "severity.info"
        }
    }
}
