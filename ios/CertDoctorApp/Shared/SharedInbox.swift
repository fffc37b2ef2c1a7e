// The hand-over between the Share Extension and the app: files dropped into the app group
// container's Inbox/ folder. Compiled into both targets. The app group identifier must match
// the entitlements of both targets (see ../README.md).
import Foundation

enum SharedInbox {
    static let appGroup = "group.app.certdoctor"

    static var folder: URL? {
        FileManager.default
            .containerURL(forSecurityApplicationGroupIdentifier: appGroup)?
            .appendingPathComponent("Inbox", isDirectory: true)
    }

    /// Extension side: copies a shared file into the inbox under a unique name.
    @discardableResult
    static func put(_ url: URL) throws -> URL? {
        guard let folder else { return nil }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("\(UUID().uuidString)-\(url.lastPathComponent)")
        try FileManager.default.copyItem(at: url, to: target)
        return target
    }

    /// App side: every file waiting in the inbox.
    static func takeAll() -> [URL] {
        guard let folder else { return [] }
        let urls = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return urls.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func remove(_ urls: [URL]) {
        for url in urls {
            try? FileManager.default.removeItem(at: url)
        }
    }
}
