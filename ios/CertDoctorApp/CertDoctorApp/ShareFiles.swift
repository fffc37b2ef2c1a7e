// The three ways of sharing a report: HTML for mail, text for chat, a zip for the helpdesk.
// The core renders; the app only writes the renders to files and zips them.
import Foundation
import CertDoctorKit

struct ShareFiles {
    /// The HTML report, or nil when this build of the core cannot render HTML.
    let html: URL?
    let text: String
    let textFile: URL
    let bundle: URL?

    static func make(report: Report, in dir: URL) async throws -> ShareFiles {
        let out = dir.appendingPathComponent("report", isDirectory: true)
        let bundleDir = out.appendingPathComponent("certdoctor-report", isDirectory: true)
        try? FileManager.default.removeItem(at: out)
        try FileManager.default.createDirectory(at: bundleDir, withIntermediateDirectories: true)

        let text = try await CertDoctor.render(report, format: .text)
        let json = try await CertDoctor.render(report, format: .json)
        let html = try? await CertDoctor.render(report, format: .html)

        let textFile = out.appendingPathComponent("certdoctor-report.txt")
        try Data(text.utf8).write(to: textFile)
        try Data(text.utf8).write(to: bundleDir.appendingPathComponent("report.txt"))
        try Data(json.utf8).write(to: bundleDir.appendingPathComponent("report.json"))
        var htmlFile: URL?
        if let html {
            let file = out.appendingPathComponent("certdoctor-report.html")
            try Data(html.utf8).write(to: file)
            try Data(html.utf8).write(to: bundleDir.appendingPathComponent("report.html"))
            htmlFile = file
        }
        let zip = zipDirectory(bundleDir, to: out.appendingPathComponent("certdoctor-report.zip"))
        return ShareFiles(html: htmlFile, text: text, textFile: textFile, bundle: zip)
    }

    /// Foundation zips a directory when it is read for uploading; no zip library needed.
    private static func zipDirectory(_ dir: URL, to target: URL) -> URL? {
        var result: URL?
        var coordinationError: NSError?
        NSFileCoordinator().coordinate(readingItemAt: dir, options: [.forUploading], error: &coordinationError) { zipped in
            try? FileManager.default.removeItem(at: target)
            if (try? FileManager.default.copyItem(at: zipped, to: target)) != nil {
                result = target
            }
        }
        return coordinationError == nil ? result : nil
    }
}
