// Share Extension: accepts a sysdiagnose (.tar.gz, from Analytics Data), Company Portal's saved
// logs (a zip or text) and certificate files
// from the share sheet and drops them into the app group container (Shared/SharedInbox.swift).
// The next time CertDoctor becomes active it picks them up. No diagnosis happens here.
import UIKit
import UniformTypeIdentifiers

final class ShareViewController: UIViewController {
    private let label = UILabel()

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .systemBackground
        label.numberOfLines = 0
        label.textAlignment = .center
        label.font = .preferredFont(forTextStyle: .body)
        label.adjustsFontForContentSizeCategory = true
        label.text = NSLocalizedString("extension.saving", comment: "")
        label.translatesAutoresizingMaskIntoConstraints = false
        view.addSubview(label)
        NSLayoutConstraint.activate([
            label.leadingAnchor.constraint(equalTo: view.layoutMarginsGuide.leadingAnchor),
            label.trailingAnchor.constraint(equalTo: view.layoutMarginsGuide.trailingAnchor),
            label.centerYAnchor.constraint(equalTo: view.centerYAnchor),
        ])
    }

    override func viewDidAppear(_ animated: Bool) {
        super.viewDidAppear(animated)
        Task { await saveAttachments() }
    }

    private func saveAttachments() async {
        let items = (extensionContext?.inputItems as? [NSExtensionItem]) ?? []
        let providers = items.flatMap { $0.attachments ?? [] }
        var saved = 0
        for provider in providers {
            if await save(provider) {
                saved += 1
            }
        }
        let format = NSLocalizedString("extension.saved %lld", comment: "")
        label.text = saved > 0 ? String(format: format, Int64(saved)) : NSLocalizedString("extension.nothing", comment: "")
        UIAccessibility.post(notification: .announcement, argument: label.text)
        try? await Task.sleep(nanoseconds: 1_500_000_000)
        extensionContext?.completeRequest(returningItems: nil, completionHandler: nil)
    }

    /// Copies one attachment into the inbox; the file handed to the closure is deleted after it returns.
    private func save(_ provider: NSItemProvider) async -> Bool {
        // A sysdiagnose arrives as a .tar.gz; the file is copied, never loaded into memory.
        let type = [UTType.zip, .gzip, .archive, .x509Certificate, .log, .plainText, .data]
            .first { provider.hasItemConformingToTypeIdentifier($0.identifier) }
        guard let type else { return false }
        return await withCheckedContinuation { continuation in
            _ = provider.loadFileRepresentation(forTypeIdentifier: type.identifier) { url, _ in
                var ok = false
                if let url, (try? SharedInbox.put(url)) != nil {
                    ok = true
                }
                continuation.resume(returning: ok)
            }
        }
    }
}
